/* bm-key.js: what the map says of itself, on the map: a key to what the current view draws,
 * a north arrow, the scale bar's name, and the numbers of the events, as the panel's events
 * list numbers them. Part of hengyang-map (MIT).
 *
 * The key copies its entries from the panel's legend (the build writes each entry once, with
 * its swatch and both languages), and keeps those the view draws: an entry's data-key-*
 * attributes say when that is (layers/page/legend.py): `styles` (the view draws an item, or
 * a hill's relief, in one of these styles), `flag` (an item with this flag bit), `halo` (a
 * feature with a precision radius), `several` (several phases at once), `folded` (marks
 * folded into a count: labels.js), `leader` (a symbol or an event moved aside, with its leader:
 * labels.js). The key, the north arrow and the scale's name come in the
 * page's markup, escaped, and are moved onto the map as controls. */
(function () {
  "use strict";

  var BM = window.BM, C = BM.C, A = BM.A;

  /* A Leaflet control showing `node`, an element of the page's markup. */
  var Holder = L.Control.extend({
    onAdd: function () {
      var node = this.options.node;
      node.hidden = false;
      L.DomEvent.disableClickPropagation(node);
      L.DomEvent.disableScrollPropagation(node);
      return node;
    },
    onRemove: function () {}
  });

  /* When a legend entry is in the key (from its data-key-* attributes), or null. */
  function conditionOf(li) {
    var styles = li.getAttribute(A.KEY_STYLES), flag = li.getAttribute(A.KEY_FLAG);
    var when = {
      styleIds: styles ? styles.split(" ").map(Number) : [],
      flag: flag ? Number(flag) : 0,
      haloed: li.hasAttribute(A.KEY_HALO),
      several: li.hasAttribute(A.KEY_SEVERAL),
      folded: li.hasAttribute(A.KEY_FOLDED),
      leader: li.hasAttribute(A.KEY_LEADER)
    };
    return when.styleIds.length || when.flag || when.haloed || when.several || when.folded || when.leader ? when : null;
  }

  /* What the view draws now: its items' styles and flags, whether any of its features has a
   * precision radius, whether several phases are shown, and the features drawn. */
  function drawn(ctx) {
    var I = BM.I, F = BM.F, R = BM.R, G = BM.G, map = ctx.map, groups = ctx.layerGroups, state = ctx.state;
    var features = ctx.data[BM.S.FEATURES];
    var out = { styleIds: {}, flags: 0, haloed: false, several: false, featuresDrawn: {}, folded: !!ctx.labeller.folding,
      leader: !!ctx.labeller.leading };
    function take(index, style, flags) {
      out.styleIds[style] = true;
      out.flags |= flags;
      out.featuresDrawn[index] = true;
      if (features[index][R.HALO]) { out.haloed = true; }
      if (features[index][R.RELIEF] !== undefined) { out.styleIds[features[index][R.RELIEF]] = true; }  // a hill's relief
    }
    var phases = 0;
    Object.keys(groups).forEach(function (gid) {
      var group = groups[gid];
      if (!map.hasLayer(group)) { return; }
      if (ctx.atlas && gid !== G.REFERENCE) { phases += 1; }
      var view = group.synopsis;  // several phases shown: what this group leaves to the others
      group.eachItem(function (item, i) {
        if (view && view.hidden[i]) { return; }
        if (group.inCrowd && group.inCrowd(i)) { return; }  // drawn as its crowd's mark
        // (a synopsis draws no rings of what changed: they belong to one phase)
        var flags = (item[I.FLAGS] || 0) & (view ? ~F.CHANGED : ~0);
        take(item[I.FEATURE], item[I.STYLE], flags);
      });
    });
    out.several = phases > 1;
    if (state.dayLayer && state.day !== null) {  // the day slider's state: no rings, nothing faded
      ctx.data[BM.K.GROUPS].forEach(function (group) {
        if (group[BM.O.ID] === G.REFERENCE) { return; }
        group[BM.O.ITEMS].forEach(function (item) {
          var style = BM.layers.styleOnDay(features[item[I.FEATURE]], state.day);
          if (style >= 0) { take(item[I.FEATURE], style, 0); }
        });
      });
    }
    return out;
  }

  function shows(when, view) {
    return when.styleIds.some(function (s) { return view.styleIds[s]; }) ||
      (when.flag !== 0 && (view.flags & when.flag) !== 0) || (when.haloed && view.haloed) || (when.several && view.several) ||
      (when.folded && view.folded) || (when.leader && view.leader);
  }

  /* The phase whose events list the panel shows now (null: none, or several phases). */
  function listedPhase(ctx, view) {
    if (view.several) { return null; }
    var id = ctx.atlas ? ctx.state.phase : ctx.data[BM.K.TIMELINE][BM.T.CURRENT];
    return id === BM.G.ALL ? null : id;
  }

  /* The numbers of the events the view draws, as the panel's list numbers them (its entry i is
   * number i + 1: bm-panel.js). */
  function numbered(ctx, view) {
    var phase = listedPhase(ctx, view), story = ctx.data[BM.K.STORY];
    if (!phase || !Object.prototype.hasOwnProperty.call(story, phase)) { return []; }
    var out = [];
    (story[phase][BM.ST.EVENTS] || []).forEach(function (event, i) {
      if (view.featuresDrawn[event[0]]) { out.push([event[0], i + 1]); }
    });
    return out;
  }

  /* Numbers whose events lie closer than this (px) across or down share one mark. */
  var NUMBERS_APART = 18;
  var measure = null;  // a canvas context in the marks' font (battlemap.css: .bm-event-no)

  /* The width (px) of a mark with `text`: one number is a 14 px square, several ("3,7,9") as
   * wide as their text and 3 px aside (set on the mark: mark). Kept per text: a campaign's
   * view numbers thousands of events. */
  var widths = new Map();
  function markWidth(text, several) {
    if (!several) { return 14; }
    var width = widths.get(text);
    if (width === undefined) {
      if (!measure) {
        measure = document.createElement("canvas").getContext("2d");
        measure.font = '700 8px "Helvetica Neue", Arial, sans-serif';
      }
      width = Math.max(14, Math.ceil(measure.measureText(text).width) + 6);
      widths.set(text, width);
    }
    return width;
  }

  /* The box [left, top, right, bottom] (layer px) mark m keeps to itself: its width, with
   * (NUMBERS_APART - 14) / 2 px around. */
  function markBox(m) {
    var half = markWidth(m.numbers.join(","), m.numbers.length > 1) / 2 + (NUMBERS_APART - 14) / 2, up = NUMBERS_APART / 2;
    return [m.point.x - half, m.point.y - up, m.point.x + half, m.point.y + up];
  }

  /* The marks of numbered events [[feature index, number], ...] at the map's zoom and near its
   * view (within a view's size of it: a campaign's phase numbers thousands of events, and every
   * move ends with the marks made again), each {point: its first event's disc in layer px,
   * numbers, indices}: on each event's disc, where the names' placement draws it (at its place
   * or set aside; none for an event folded into a named point's mark: labels.js, asideEvents);
   * marks whose boxes overlap are one mark, until none
   * covers another: in passes over the marks in order, each taking in the later ones its box
   * (grown as it takes them) meets, found in a grid of cells. */
  var CELL = 64;
  function numberMarks(map, features, pairs, labeller) {
    var placed = [], size = map.getSize(), near = L.bounds(  // the view, and as much again around
      map.containerPointToLayerPoint(size.multiplyBy(-1)), map.containerPointToLayerPoint(size.multiplyBy(2)));
    pairs.forEach(function (pair) {
      // its disc set aside from its place, or folded into a named point's mark (labels.js)
      var aside = labeller.asideOf(features[pair[0]][BM.R.ID]);
      if (aside === false) { return; }  // (the mark's count names it)
      var point = map.latLngToLayerPoint(where(features[pair[0]]));
      if (!near.contains(point)) { return; }  // far off the view: made when a move brings it near
      placed.push({ point: aside ? point.add(aside) : point, numbers: [pair[1]], indices: [pair[0]] });
    });
    function cells(b, visit) {
      for (var x = Math.floor(b[0] / CELL); x <= Math.floor(b[2] / CELL); x++) {
        for (var y = Math.floor(b[1] / CELL); y <= Math.floor(b[3] / CELL); y++) { visit(x + "," + y); }
      }
    }
    function meet(p, q) { return p[0] < q[2] && q[0] < p[2] && p[1] < q[3] && q[1] < p[3]; }
    for (var merged = true; merged;) {
      merged = false;
      var grid = new Map(), gone = [];
      placed.forEach(function (m, i) {
        m.box = markBox(m);
        cells(m.box, function (key) { if (!grid.has(key)) { grid.set(key, []); } grid.get(key).push(i); });
      });
      placed.forEach(function (m, a) {
        if (gone[a]) { return; }
        for (var took = true; took;) {
          took = false;
          var near = [];
          cells(m.box, function (key) { (grid.get(key) || []).forEach(function (b) { if (b > a && !gone[b]) { near.push(b); } }); });
          near.sort(function (x, y) { return x - y; });
          for (var k = 0; k < near.length; k++) {
            var b = near[k];
            if (gone[b] || !meet(m.box, placed[b].box)) { continue; }
            m.numbers = m.numbers.concat(placed[b].numbers);
            m.indices = m.indices.concat(placed[b].indices);
            gone[b] = true;
            m.box = markBox(m);  // (grown: what it meets now is looked for again)
            took = merged = true;
            break;
          }
        }
      });
      placed = placed.filter(function (m, i) { return !gone[i]; });
    }
    return placed;
  }

  function where(feature) {
    var geometry = feature[BM.R.GEOMETRY];
    return geometry.type === "Point" ? BM.pointOf(geometry) : L.geoJSON(geometry).getBounds().getCenter();
  }

  function attach(ctx) {
    var map = ctx.map, features = ctx.data[BM.S.FEATURES];
    var box = document.querySelector("." + C.KEY), list = box ? box.querySelector("." + C.KEY_LIST) : null;
    var toggle = box ? box.querySelector("." + C.KEY_TOGGLE) : null;
    var entries = [];
    Array.prototype.forEach.call(document.querySelectorAll("." + C.LEGEND + " li[" + A.LEGEND + "]"), function (li) {
      var when = conditionOf(li);
      if (!when) { return; }
      var copy = li.cloneNode(true);
      Array.prototype.forEach.call(copy.querySelectorAll("input, label"), function (node) { node.remove(); });
      entries.push({ when: when, node: copy });
    });

    // The north arrow above the scale bar (a bottom corner stacks upwards), both named.
    var scale = map.getContainer().querySelector(".leaflet-control-scale");
    if (scale && document.getElementById(BM.ID.SCALE_NAME)) {
      scale.setAttribute("role", "group");
      scale.setAttribute("aria-labelledby", BM.ID.SCALE_NAME);
    }
    var compass = document.querySelector("." + C.COMPASS);
    if (compass) { new Holder({ position: "bottomleft", node: compass }).addTo(map); }

    if (box && list && toggle) {
      new Holder({ position: "bottomright", node: box }).addTo(map);
      var open = function (on) {
        toggle.setAttribute("aria-expanded", on ? "true" : "false");
        list.hidden = !on;
        reserve();
      };
      toggle.addEventListener("click", function () {
        open(toggle.getAttribute("aria-expanded") !== "true");
        ctx.labeller.schedule();  // the names keep clear of the key, as of every control
      });
      // It opens folded: open, it stands over a corner of the map, whose names there the
      // labeller would leave out (a key place among them at some pages' opening view).
      open(false);
    }

    var pane = map.createPane("bm-event-numbers");
    pane.style.zIndex = "690";  // over every group's marks (their panes: 400 + n, 600 + n)
    pane.style.pointerEvents = "none";
    // The numbers: one node each, made once and kept, set at its layer point by each update.
    // (Not a Leaflet marker each: every marker adds its listeners to the map, each added after
    // a scan of those there, so a phase with thousands of numbered events took a second to
    // show them.) They are hidden while the map zooms, and set again as the move ends.
    var numbers = L.DomUtil.create("div", "leaflet-zoom-hide", pane);
    var marks = {}, shown = {};  // "feature index|number": its node, made once; those shown now
    map.on("zoomstart", function () { numbers.style.visibility = "hidden"; });

    function mark(place) {
      var text = place.numbers.join(","), id = place.indices.join(",") + "|" + text, node = marks[id];
      if (!node) {
        var wide = place.numbers.length > 1 ? " bm-event-no-n" : place.numbers[0] > 9 ? " bm-event-no-2" : "";
        node = marks[id] = L.DomUtil.create("div", "leaflet-marker-icon bm-event-no" + wide);
        node.textContent = text;  // its numbers, as text
        node.setAttribute("aria-hidden", "true");
        node.setAttribute("data-feature", place.indices.map(function (i) { return features[i][BM.R.ID]; }).join(" "));
        if (place.numbers.length > 1) {  // as wide as its box says (not read back: a layout per mark)
          var width = markWidth(text, true);
          node.style.boxSizing = "border-box";
          node.style.width = width + "px";
          node.style.marginLeft = -width / 2 + "px";
        }
      }
      L.DomUtil.setPosition(node, place.point.round());  // at its event, or on its disc set aside
      return id;
    }

    function show(places) {
      var now = {};
      places.forEach(function (place) {
        var id = mark(place);
        now[id] = true;
        if (!shown[id]) { numbers.appendChild(marks[id]); }
      });
      Object.keys(shown).forEach(function (id) { if (!now[id]) { numbers.removeChild(marks[id]); } });
      shown = now;
      numbers.style.visibility = "";
    }

    /* The key keeps one size whatever the view draws: as large as it is with every entry the
     * page may list (in the page's language, once its fonts are in). The names keep clear of
     * the controls, and a placement made ahead for another phase (battlemap.js, foresee) must
     * find the controls where they will be when it is shown. A list taller than its room
     * scrolls, and can then be reached by the keyboard. */
    function reserve() {
      if (!list) { return; }
      list.style.minWidth = list.style.minHeight = "";
      list.removeAttribute("tabindex");
      if (list.hidden) { return; }
      var kept = Array.prototype.slice.call(list.childNodes), empty = box.classList.contains("bm-key-empty");
      list.textContent = "";
      entries.forEach(function (entry) { list.appendChild(entry.node); });
      box.classList.remove("bm-key-empty");  // (measured as shown)
      var width = list.offsetWidth, height = list.offsetHeight, scrolls = list.scrollHeight > list.clientHeight + 1;
      box.classList.toggle("bm-key-empty", empty);
      list.textContent = "";
      kept.forEach(function (node) { list.appendChild(node); });
      list.style.minWidth = width + "px";
      list.style.minHeight = height + "px";
      if (scrolls) { list.setAttribute("tabindex", "0"); }
    }

    function update() {
      var view = drawn(ctx);
      if (list) {
        var before = box.offsetWidth + "x" + box.offsetHeight;
        list.textContent = "";
        entries.forEach(function (entry) { if (shows(entry.when, view)) { list.appendChild(entry.node); } });
        box.classList.toggle("bm-key-empty", !list.hasChildNodes());
        if (box.offsetWidth + "x" + box.offsetHeight !== before) { ctx.labeller.schedule(); }
      }
      show(numberMarks(map, features, numbered(ctx, view), ctx.labeller));
    }

    // What the view draws changes with the groups shown (a phase, a layer ticked, a day):
    // looked at once those changes are done.
    var due = false;
    function soon(e) {
      if (due || !(e.layer instanceof L.FeatureGroup)) { return; }
      due = true;
      // (two turns: a layer ticked in the layer control makes its synopsis in a turn of its own)
      Promise.resolve().then(function () { return null; }).then(function () { due = false; update(); });
    }
    map.on("layeradd layerremove", soon);
    // A move regroups the numbers and the crowds (after the groups' culls, made on moveend).
    map.on("moveend", function () { Promise.resolve().then(update); });
    // The names' placement folds marks into counts, or no longer does (labels.js).
    map.on("bm-folds", update);
    // ...or sets events' discs aside, or back (labels.js): their numbers go with them.
    map.on("bm-aside", function () { Promise.resolve().then(update); });  // (after the move, as above)
    document.addEventListener("bm:lang", reserve);
    if (document.fonts && document.fonts.ready) { document.fonts.ready.then(reserve); }
    reserve();
    update();
    return { update: update };
  }

  BM.key = { attach: attach };
})();
