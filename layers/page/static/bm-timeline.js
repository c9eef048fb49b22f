/* bm-timeline.js: the battle told phase by phase and day by day: the phase stepper, the day
 * slider, play, and the camera. Part of hengyang-map (MIT). */
(function () {
  "use strict";

  var BM = window.BM, C = BM.C;

  /* ctx: {map, data, groups, panel, atlas, narrow, state, labels}. Returns the page's moves. */
  function timeline(ctx) {
    var K = BM.K, O = BM.O, T = BM.T, TP = BM.TP, G = BM.G;
    var map = ctx.map, data = ctx.data, groups = ctx.layerGroups, state = ctx.state, panel = ctx.panel, atlas = ctx.atlas;
    var tl = data[K.TIMELINE], phases = tl[T.PHASES], range = tl[T.RANGE];
    var slider = document.querySelector("." + C.DAY);
    var output = document.querySelector("." + C.DATE);
    var playButton = document.querySelector("." + C.PLAY);
    var phaseIds = phases.map(function (p) { return p[TP.ID]; });
    /* The site's features this page draws, each once, in the order the page lists them. */
    var pageFeatures = [], listed = {};
    data[K.GROUPS].forEach(function (group) {
      group[O.ITEMS].forEach(function (item) {
        var index = item[BM.I.FEATURE];
        if (!listed[index]) { listed[index] = true; pageFeatures.push(index); }
      });
    });

    /* The half-size of the largest unit symbol on the page: a view that holds a unit's place
     * at its edge holds its symbol too. */
    var icons = data[BM.S.ICONS] || {}, reach = 0;
    Object.keys(icons).forEach(function (code) {
      reach = Math.max(reach, icons[code][BM.IC.WIDTH] / 2, icons[code][BM.IC.HEIGHT] / 2);
    });
    reach = Math.min(Math.ceil(reach), 40);

    /* `bounds` grown, where need be, to hold the symbols of the units in `symbols` (an extent,
     * or null) whole: their extent widened by the symbols' reach at the zoom the view takes
     * (found again while the widening changes it). */
    function holding(bounds, symbols, padding) {
      var box = L.latLngBounds(bounds);
      if (!symbols || !reach) { return box; }
      var units = L.latLngBounds(symbols), zoom = map.getBoundsZoom(box, false, padding), grown = box;
      for (var i = 0; i < 4; i++) {
        var sw = map.project(units.getSouthWest(), zoom).add([-reach, reach]);
        var ne = map.project(units.getNorthEast(), zoom).add([reach, -reach]);
        grown = L.latLngBounds(map.unproject(sw, zoom), map.unproject(ne, zoom)).extend(box);
        var next = map.getBoundsZoom(grown, false, padding);
        if (next === zoom) { break; }
        zoom = next;
      }
      return grown;
    }

    function fit(bounds, animate, symbols) {
      var panelWidth = panel && !ctx.narrow ? panel.offsetWidth + 20 : 0;
      var panelHeight = panel && ctx.narrow ? panel.offsetHeight : 0;
      var padding = L.point(panelWidth + 32, panelHeight + 32);
      map.fitBounds(holding(bounds, symbols, padding), {
        paddingTopLeft: [panelWidth + 16, 16],
        paddingBottomRight: [16, panelHeight + 16],
        animate: animate !== false
      });
    }

    function phaseById(id) {
      for (var i = 0; i < phases.length; i++) {
        if (phases[i][TP.ID] === id) { return phases[i]; }
      }
      return null;
    }

    function showSection(id) {
      Array.prototype.forEach.call(document.querySelectorAll("." + C.SECTION), function (section) {
        section.hidden = atlas && section.getAttribute(BM.A.PHASE) !== id;
        if (!section.hidden) { BM.panel.fillStory(section.getAttribute(BM.A.PHASE), data); }
      });
      var all = document.querySelector("." + C.ALL);
      if (all) { all.setAttribute("aria-pressed", id === G.ALL ? "true" : "false"); }
      if (document.documentElement.classList.contains(C.PRINT)) { BM.print.flow(true); }
    }

    function setSlider(d) {
      if (!slider) { return; }
      slider.value = String(d);
      output.textContent = "";
      output.appendChild(BM.bi(BM.dayText(d)));
    }

    function clearDay() {
      arrive(null);
      if (state.dayLayer) {
        map.removeLayer(state.dayLayer);
        state.dayLayer = null;
      }
      state.day = null;
    }

    /* The phase groups a step shows once its camera has arrived (see selectPhase), or null. */
    var arriving = null;
    function arrive(show) {
      if (arriving) { map.off("moveend", arriving); }
      arriving = show;
      if (show) { map.once("moveend", show); }
    }
    /* Show now what a step shows when its camera arrives (a feature gone to meanwhile). */
    function arrived() {
      var show = arriving;
      arrive(null);
      if (show) { show(); }
    }

    /* Show phase id (or every phase: G.ALL), its story, and fit the camera to it (animated
     * unless options.animate is false; not at all if options.reframe is false). A step whose
     * camera flies (the atlas) hides the phase it leaves at once and shows the one it reaches
     * at once too, so that the reader sees it during the flight; but a large phase (a culled
     * group) when the camera arrives, drawn once, there: shown at once, it was drawn where the
     * flight starts as well (at the 100k bench's step, 200 ms before the camera could begin
     * to move). A move that does not happen ends at once (Leaflet ends it in the fit). */
    function selectPhase(id, options) {
      options = options || {};
      if (id !== G.ALL && !phaseById(id)) { return; }
      clearDay();
      state.phase = id;
      var phase = phaseById(id), fits = options.reframe !== false, still = fits && options.animate === false;
      function reached(pid) { return id === G.ALL || pid === id; }  // a phase group the step shows
      if (still) {  // the view first (no camera move): what is added next is drawn once, where it stays
        showSection(id);  // (a phone's panel height, which the view keeps clear of, depends on it)
        fit(phase ? phase[TP.FIT] : tl[T.FIT], false, phase ? phase[TP.SYMBOLS] : tl[T.SYMBOLS]);
      }
      function show() {
        arriving = null;
        if (atlas) {
          phaseIds.forEach(function (pid) {
            if (reached(pid) && !map.hasLayer(groups[pid])) { map.addLayer(groups[pid]); }
          });
          BM.layers.synopsis(map, groups, phaseIds);  // several phases: one summary map
        }
        BM.layers.applyHalos(map, groups, null);
      }
      if (atlas) {
        phaseIds.forEach(function (pid) {
          if (!reached(pid) && map.hasLayer(groups[pid])) { map.removeLayer(groups[pid]); }
        });
      } else {
        Object.keys(groups).forEach(function (gid) {
          if (!map.hasLayer(groups[gid])) { map.addLayer(groups[gid]); }
        });
      }
      if (!still) { showSection(id); }
      setSlider(phase ? phase[TP.DAYS][1] : range[1]);
      var large = phaseIds.some(function (pid) { return reached(pid) && groups[pid] && groups[pid].culled; });
      if (fits && !still && atlas && large) { arrive(show); } else { show(); }
      if (fits && !still) { fit(phase ? phase[TP.FIT] : tl[T.FIT], options.animate, phase ? phase[TP.SYMBOLS] : tl[T.SYMBOLS]); }
      ctx.labeller.schedule();
      if (atlas && options.push) {
        history.pushState({ phase: id }, "", "#" + id);
      }
    }

    function phaseOfDay(d) {
      for (var i = 0; i < phases.length; i++) {
        var days = phases[i][TP.DAYS];
        if (d >= days[0] && d <= days[1]) { return phases[i]; }
      }
      for (var j = 0; j < phases.length; j++) {
        if (phases[j][TP.DAYS][0] > d) { return phases[j]; }
      }
      return phases[phases.length - 1];
    }

    /* Show the state of day d: features valid that day, positions in their status that day. */
    function showDay(d) {
      d = Math.max(range[0], Math.min(range[1], d));
      clearDay();
      Object.keys(groups).forEach(function (gid) {
        if (gid !== G.REFERENCE && map.hasLayer(groups[gid])) { map.removeLayer(groups[gid]); }
      });
      var layers = [];
      pageFeatures.forEach(function (index) {
        var feature = data[BM.S.FEATURES][index], style = BM.layers.styleOnDay(feature, d);
        if (style >= 0) { BM.layers.addDrawn(layers, feature, style, false, data); }
      });
      state.dayLayer = L.featureGroup(layers).addTo(map);
      state.day = d;
      setSlider(d);
      var phaseId = phaseOfDay(d)[TP.ID];
      if (atlas && phaseId !== state.phase) {
        state.phase = phaseId;
        history.replaceState({ phase: phaseId }, "", "#" + phaseId);
      }
      showSection(atlas ? state.phase : tl[T.CURRENT]);
      BM.layers.applyHalos(map, groups, state.dayLayer);
      ctx.labeller.schedule();
    }

    function step(delta) {
      if (!atlas) {
        var link = document.querySelector("." + C.NAV + (delta < 0 ? " a[rel=prev]" : " a[rel=next]"));
        if (link) { window.location.href = link.getAttribute("href"); }
        return;
      }
      var index = phaseIds.indexOf(state.phase);
      var next = index < 0 ? (delta > 0 ? 0 : phaseIds.length - 1) : index + delta;
      if (next >= 0 && next < phaseIds.length) {
        selectPhase(phaseIds[next], { push: true });
      }
    }

    function stopPlaying() {
      if (state.timer) { window.clearInterval(state.timer); }
      state.timer = null;
      if (playButton) { playButton.setAttribute("aria-pressed", "false"); playButton.textContent = "▷"; }
    }

    function play() {
      if (state.timer) { stopPlaying(); return; }
      var d = state.day === null ? +slider.value : state.day;
      if (d >= range[1]) { d = range[0] - 1; }
      playButton.setAttribute("aria-pressed", "true");
      playButton.textContent = "‖";
      state.timer = window.setInterval(function () {
        d += 1;
        showDay(d);
        if (d >= range[1]) { stopPlaying(); }
      }, 700);
    }

    /* The address is input like any other: a malformed escape (#%E0%A4%A) is no phase. */
    function fromHash() {
      var id;
      try { id = decodeURIComponent(BM.language.hash(window.location.hash)); } catch (err) { return null; }
      return id === G.ALL || phaseById(id) ? id : null;
    }

    if (slider) {
      slider.min = String(range[0]);
      slider.max = String(range[1]);
      slider.addEventListener("input", function () { stopPlaying(); showDay(+slider.value); });
    }
    if (playButton) { playButton.addEventListener("click", play); }

    return { selectPhase: selectPhase, showDay: showDay, step: step, fromHash: fromHash, arrived: arrived };
  }

  BM.stepper = timeline;
})();
