/* battlemap.js: draws a page's battle data on a Leaflet map and tells it phase by phase and
 * day by day. Part of hengyang-map (MIT).
 *
 * The page passes one data object built in Python: its own part (groups: which feature, in
 * which style; timeline, labels, story...) joined with the site's shared part (styles, icons,
 * features: geometry, a compact record of names, dates, status, figures, claims and sources,
 * validity in day numbers, status styles). Every key of it is read through the contract the
 * site's data brings (bm-core.js: data[K.GROUPS], feature[R.NAME]). The parts: bm-core
 * (contract, dates, DOM helpers), bm-panel (popups, the text version), bm-units (unit symbols
 * on canvases), bm-space (what is taken on screen), bm-canvas (the paths' renderer),
 * bm-layers (drawing, phase groups), bm-timeline (phases, days, camera), bm-language,
 * bm-controls (the panel's controls) and labels.js (names on the map). Every group becomes a
 * toggleable overlay. No network access: the optional tile layer is the only thing that would
 * load anything, and it is off by default. */
(function () {
  "use strict";

  var BM = window.BM, C = BM.C, A = BM.A, API = BM.API;

  function init(map, data) {
    var K = BM.K, O = BM.O, T = BM.T, B = BM.B, TI = BM.TI;
    var panel = document.getElementById(BM.ID.PANEL);
    BM.panel.fillFacts(data);
    var narrow = window.matchMedia("(max-width: 700px)").matches;
    // Popups open clear of the side panel.
    data.popupPad = panel && !narrow ? [panel.offsetWidth + 34, 24] : [24, 24];
    BM.layers.useMap(map);

    var plain = L.layerGroup().addTo(map);
    var bases = {};
    bases[data[K.BASE][B.PLAIN]] = plain;
    // Online tiles, each a choice of the reader's: a tile layer asks for nothing until chosen.
    (data[K.TILES] || []).forEach(function (server) {
      bases[server[TI.NAME]] = L.tileLayer(server[TI.URL], {
        attribution: server[TI.ATTRIBUTION],
        subdomains: server[TI.SUBDOMAINS] || "abc",
        maxZoom: server[TI.MAX_ZOOM],
        crossOrigin: true
      });
    });
    var basemap = BM.basemap ? BM.basemap.draw(map, plain, data[K.TIMELINE][T.FIT]) : null;  // the offline base, on the plain background

    var groups = {};
    var overlays = {};
    var shown = [];  // put on the map once the opening view is set (below): drawn once, there
    var pageItems = data[K.GROUPS].reduce(function (sum, group) { return sum + group[O.ITEMS].length; }, 0);
    data[K.GROUPS].forEach(function (group) {
      var layer = new BM.layers.LazyGroup(group[O.ITEMS], data, map, pageItems);
      layer.groupId = group[O.ID];
      groups[group[O.ID]] = layer;
      overlays[group[O.LABEL]] = layer;
      layer.place();  // its panes now, in the data's order: groups stack as listed, whenever shown
      if (group[O.SHOW]) { shown.push(layer); }
    });
    var control = L.control.layers(bases, overlays, { collapsed: narrow, position: "topright" }).addTo(map);
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(data[K.ATTRIBUTION]);

    var opening = data[K.TIMELINE][T.CURRENT];
    var state = { phase: opening, day: null, dayLayer: null, timer: null };

    /* Every drawn layer the reader sees now (not decorations): what the map names. */
    function visibleLayers() { return layersOf(function (group) { return map.hasLayer(group); }); }
    /* Every drawn layer of the groups `shown` picks, as visibleLayers lists them. */
    function layersOf(shown) {
      var out = [];
      var sources = Object.keys(groups).map(function (gid) { return groups[gid]; });
      if (state.dayLayer) { sources.push(state.dayLayer); }
      sources.forEach(function (group) {
        if (!shown(group)) { return; }
        group.eachLayer(function (layer) { if (!layer.isDecor && map.hasLayer(layer)) { out.push(layer); } });
      });
      return out;
    }
    // The locator inset, a control in a corner: the names keep clear of it, and are placed
    // again when it is shown or hidden.
    var locator = BM.locator ? BM.locator.attach(map, data) : null;
    var labels = window.BattleLabels.attach(map, data, visibleLayers);
    if (locator) { locator.onToggle = function () { labels.schedule(); }; }
    /* The map is a named region of the page (a landmark for screen readers). */
    map.getContainer().setAttribute("role", "region");
    map.getContainer().setAttribute("aria-label", document.title);
    /* The browser's own print: the page is laid out for paper while it prints (bm-print), the
     * names placed again for the paper's size, the text flowed beside the map and onto the
     * sheets after it (a page laid out for print export is on paper from the start). */
    var paper = document.documentElement.classList.contains(C.PRINT);
    BM.print.words = data[K.LABELS][BM.TB.UI];
    var replace = function (on) {
      document.documentElement.classList.toggle(C.PRINT, on);
      BM.print.flow(on);
      map.invalidateSize({ animate: false });
      labels.place();
    };
    if (window.matchMedia) {
      var printing = window.matchMedia("print");
      var changed = function () { replace(paper || printing.matches); };
      if (printing.addEventListener) { printing.addEventListener("change", changed); }
    }
    window.addEventListener("beforeprint", function () { replace(true); });
    window.addEventListener("afterprint", function () { replace(paper); });

    var atlas = !!panel && panel.getAttribute(A.MODE) === BM.M.ATLAS;
    var ctx = { map: map, data: data, layerGroups: groups, panel: panel, atlas: atlas, narrow: narrow, state: state, labeller: labels };
    var moves = whenDrawable(BM.stepper(ctx), groups);
    BM.controls(ctx, moves);
    map.on("bm-completed", function () { labels.schedule(); });  // a group drawn once its features came

    // The opening view is set at once (no camera move), so the names are placed where they stay.
    moves.selectPhase(atlas ? (moves.fromHash() || opening) : opening, { push: false, animate: false });
    if (paper && document.fonts && document.fonts.ready) {  // the lines as the fonts set them
      document.fonts.ready.then(function () {
        BM.print.flow(true);
        document.documentElement.setAttribute(A.PRINT_READY, "1");  // (export waits for it)
      });
    }
    // What the phase does not choose (the reference layers) is shown as the data says.
    var phases = {};
    data[K.TIMELINE][T.PHASES].forEach(function (phase) { phases[phase[BM.TP.ID]] = true; });
    shown.forEach(function (layer) { if (!phases[layer.groupId] && !map.hasLayer(layer)) { layer.addTo(map); } });

    /* Once the first view is drawn, prepare the other groups while the page is idle. The
     * names are placed as this script ends; the preparation is asked for once the frame that
     * shows them has been drawn and the next has begun (a task queued from that one), since a
     * slice called at its timeout could otherwise run before them: in a large battle one slice
     * may take a few hundred ms. */
    var ready = new Promise(function (resolve) {
      var waiting = Object.keys(groups).map(function (gid) { return groups[gid]; });
      function next() {
        if (!BM.siteComplete()) { BM.whenComplete(next, true); return; }
        var group = waiting.shift();
        if (!group) { foresee(false, function () { resolve(true); }); return; }
        group.prepare(function () { ahead(group, next); });
      }
      // What showing the group will place and draw, made ready now: its names measured, its
      // symbols as pixels, and (a group not shown) its marks folded as showing it in place of
      // the phase shown would fold them at this view (labels.js), so that its canvas, drawn
      // ahead, is not drawn again for them when it is shown.
      function ahead(group, done) {
        var layers = [];
        group.eachLayer(function (layer) { layers.push(layer); });
        BM.units.warm(layers.filter(function (layer) { return layer instanceof BM.units.UnitMark; }));
        labels.prepare(layers, function () {
          if (!map.hasLayer(group)) {
            var current = groups[state.phase];
            var placed = labels.foresee(layersOf(function (g) { return g === group || (g !== current && map.hasLayer(g)); }));
            if (placed) { labels.foldAhead(placed, layers); }
          }
          done();
        });
      }
      // Every symbol decoded first: a phase shown later draws its symbols once, not again
      // when their images arrive.
      window.requestAnimationFrame(function () {
        window.requestAnimationFrame(function () {
          window.setTimeout(function () {
            BM.loadRest();  // a large site's other features, now that the first view is drawn
            BM.whenIdle(function () { BM.units.decode(data[BM.S.ICONS]); BM.whenIdle(next); });
          }, 0);
        });
      });
    });

    /* The placements that showing the phase before or after the one shown, in its stead,
     * would make at this view (the layer control's toggle, a step between phases of one
     * view), made ahead in idle time, one at a time, with the phase's symbols drawn where
     * they put them: as the last part of the preparation, and again once the page has been
     * still for a moment after a placement (QUIET ms). Given up when anything is placed
     * meanwhile; done() after. */
    var order = data[K.TIMELINE][T.PHASES].map(function (phase) { return phase[BM.TP.ID]; }), QUIET = 500;
    function foresee(patient, done) {
      var current = groups[state.phase], at = order.indexOf(state.phase), count = labels.count, n = order.length;
      var queue = atlas && !state.dayLayer && current && map.hasLayer(current) && at >= 0
        ? [order[(at + 1) % n], order[(at + n - 1) % n]] : [];
      (function next() {
        if (!queue.length) { done(); return; }
        BM.whenIdle(function () {
          if (labels.count !== count || labels.moving) { done(); return; }
          var group = groups[queue.shift()];
          if (group && !map.hasLayer(group)) {
            if (group.culled) { group.cull(); }  // what is near this view, as showing it would
            var placed = labels.foresee(layersOf(function (g) { return g === group || (g !== current && map.hasLayer(g)); }));
            if (placed && group.units) { group.units.drawAhead(placed.units, placed.away); }
            if (placed) { labels.foldAhead(placed, layersOf(function (g) { return g === group; })); }
          }
          next();
        }, patient);
      })();
    }
    var quiet = null;
    ready.then(function () {
      labels.placed = function () {
        window.clearTimeout(quiet);
        quiet = window.setTimeout(function () { foresee(true, function () {}); }, QUIET);
      };
    });

    var api = {};  // what the exports drive, by the contract's names (Api)
    api[API.MAP] = map;
    api[API.GROUPS] = groups;
    api[API.CONTROL] = control;
    api[API.SET_LANGUAGE] = BM.language.set;
    api[API.SELECT_PHASE] = moves.selectPhase;
    api[API.SHOW_DAY] = moves.showDay;
    api[API.DAY] = function () { return state.day; };
    api[API.STATE] = state;
    api[API.LABELS] = labels;
    api[API.PLACE_NAMES] = function () { labels.place(); };
    api[API.BASEMAP] = basemap;
    api[API.INSET] = locator;
    api[API.READY] = ready;
    return api;
  }

  /* The page's moves, each made once the features it needs are there (a large site's second
   * file: BM.whenComplete): a phase whose group has them all is shown at once, every other move
   * (a step, "All phases", a day) waits for them, and the day slider and play are switched off
   * meanwhile (their own handlers show a day). A site in one file: the moves as they are. */
  function whenDrawable(moves, groups) {
    if (BM.siteComplete()) { return moves; }
    var waiting = function (move, drawable) {
      return function () {
        var args = arguments;
        if (BM.siteComplete() || drawable(args)) { return move.apply(null, args); }
        BM.whenComplete(function () { move.apply(null, args); });
      };
    };
    var never = function () { return false; };
    moves.selectPhase = waiting(moves.selectPhase, function (args) {
      var group = groups[args[0]];
      return !!group && group.complete();
    });
    moves.step = waiting(moves.step, never);
    moves.showDay = waiting(moves.showDay, never);
    var controls = Array.prototype.filter.call(document.querySelectorAll("." + C.DAY + ", ." + C.PLAY), function (c) { return !c.disabled; });
    controls.forEach(function (c) { c.disabled = true; });
    BM.whenComplete(function () { controls.forEach(function (c) { c.disabled = false; }); }, true);
    return moves;
  }

  window.BattleMap = { init: init };
})();
