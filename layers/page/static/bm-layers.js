/* bm-layers.js: features drawn as Leaflet layers, and the phase groups that hold them.
 * Part of hengyang-map (MIT). Leaflet's public API (and the documented getEvents of its layer
 * extension interface), except pathAt, which reads its canvas renderer's draw list and hit test
 * (_drawLast, _containsPoint: what the renderer itself uses to find the path under the pointer),
 * and useMap, which narrows the attribution control's handler of added layers (_addAttribution). */
(function () {
  "use strict";

  var BM = window.BM, el = BM.make, bi = BM.bi;

  /* Units without a group of their own (the day slider's layer) share one canvas. */
  var looseUnits = null;

  /* A feature's tooltip and popup, bound to its layer the first time the reader points at
   * or clicks it (or the page opens it: talk), not for each of many thousands of layers up
   * front. Every feature's layer has `hub` as its event parent, which hears the first. */
  var hub = new L.Evented(), pageData = null;
  function talk(layer) {
    if (layer.talks || !layer.record) { return layer; }  // a decoration says nothing
    layer.talks = true;
    var R = BM.R, feature = layer.record, data = pageData;
    layer.bindTooltip(function () { return el("span", null, [bi(feature[R.NAME])]); },
      { direction: "top", sticky: !BM.markAt(feature), opacity: 0.95 });
    layer.bindPopup(function () { return BM.panel.popupFor(feature, data, layer); }, {
      maxWidth: 380,
      autoPanPaddingTopLeft: data.popupPad || [24, 24],
      autoPanPaddingBottomRight: [24, 24]
    });
    return layer;
  }
  hub.on("mouseover", function (e) {
    var layer = e.propagatedFrom;
    if (!layer || layer.talks) { return; }
    talk(layer).openTooltip(layer.getTooltip().options.sticky ? e.latlng : undefined);
  });
  hub.on("click", function (e) {
    var layer = e.propagatedFrom;
    if (!layer || layer.talks) { return; }
    L.DomEvent.stop(e);
    talk(layer).openPopup(e.latlng);
  });

  function drawFeature(feature, styleIndex, data, place) {
    var R = BM.R, S = BM.S, geometry = feature[R.GEOMETRY], mark = BM.markAt(feature);
    var options = L.extend({}, data[S.STYLES][styleIndex], place ? place.paths : null);
    var layer;
    if (feature[R.ICON] !== undefined) {
      // drawn on its group's canvas (bm-units.js): no element of its own
      layer = new BM.units.UnitMark(BM.pointOf(geometry), data[S.ICONS][feature[R.ICON]], feature[R.DESIGNATION],
        place ? place.units : looseUnits);
    } else if (mark) {  // a point, or a hill area drawn at its sign's point (its relief: decorations)
      layer = L.circleMarker(L.latLng(mark[1], mark[0]), options);
    } else {
      layer = L.GeoJSON.geometryToLayer({ type: "Feature", properties: {}, geometry: geometry }, options);
    }
    layer.featureId = feature[R.ID];
    layer.record = feature;
    layer.addEventParent(hub);  // its tooltip and popup are bound when first asked for (talk)
    pageData = data;
    if (feature[R.HALO] && data[BM.K.HALO] !== undefined) { withHalo(layer, feature); }
    return layer;
  }

  /* "Show all uncertainty circles" (a switch in the legend): every visible approximate point
   * keeps its halo; off, a halo shows only for the feature pointed at or selected. */
  var halos = { all: false, applied: false, map: null };

  /* The precision halo of a point: drawn while the reader points at the feature or has its
   * popup open, so that many overlapping estimates never fog the map. A layer only knows its
   * radius; the circle is made the first time it shows, and the shared event parent (hub)
   * shows and hides it. */
  function withHalo(layer, feature) { layer.haloed = feature[BM.R.HALO]; }

  function haloOf(layer) {
    if (!layer.halo) {
      var style = pageData[BM.S.STYLES][pageData[BM.K.HALO]];
      var halo = L.circle(BM.pointOf(layer.record[BM.R.GEOMETRY]), L.extend({ radius: layer.haloed }, style));
      halo.isDecor = true;
      halo.isHalo = true;
      layer.halo = halo;
    }
    return layer.halo;
  }

  function showHalo(layer) {
    var map = halos.map;
    if (!layer || !layer.haloed || !map || !map.hasLayer(layer)) { return; }
    var halo = haloOf(layer);
    if (!map.hasLayer(halo)) { halo.addTo(map); halo.bringToBack(); }
  }

  function hideHalo(layer) {
    var halo = layer && layer.halo;
    if (halo && halos.map && halos.map.hasLayer(halo) && !layer.isPopupOpen() && !halos.all) { halo.remove(); }
  }
  hub.on("mouseover popupopen", function (e) { showHalo(e.propagatedFrom); });
  hub.on("mouseout popupclose", function (e) { hideHalo(e.propagatedFrom); });

  function applyHalos(map, groups, dayLayer) {
    if (!halos.all && !halos.applied) { return; }  // nothing to add or take away: no pass over the layers
    halos.applied = halos.all;
    function sync(group, visible) {
      group.eachLayer(function (layer) {  // only the layers made so far
        if (!layer.haloed) { return; }
        var want = halos.all && visible;
        if (want && !map.hasLayer(haloOf(layer))) { layer.halo.addTo(map); layer.halo.bringToBack(); }
        if (!want && layer.halo && map.hasLayer(layer.halo) && !layer.isPopupOpen()) { layer.halo.remove(); }
      });
    }
    Object.keys(groups).forEach(function (gid) { sync(groups[gid], !dayLayer && map.hasLayer(groups[gid])); });
    if (dayLayer) { sync(dayLayer, true); }
  }

  function setAllHalos(on) { halos.all = on; }

  function decorations(feature, changed, data, place) {
    var extra = [], geometry = feature[BM.R.GEOMETRY], ringStyle = data[BM.K.CHANGED], mark = BM.markAt(feature);
    var relief = feature[BM.R.RELIEF];
    if (relief !== undefined) {  // a hill area's relief, first: under the ring and the feature
      var shade = L.GeoJSON.geometryToLayer({ type: "Feature", properties: {}, geometry: geometry },
        L.extend(hatched(data[BM.S.STYLES][relief]), place ? place.relief : reliefPlace()));
      shade.isDecor = true;
      shade.isRelief = true;  // the ground: drawn in a synopsis too (present)
      shade.reliefOf = feature[BM.R.ID];
      extra.push(shade);
    }
    if (changed && ringStyle !== undefined) {
      var style = L.extend({}, data[BM.S.STYLES][ringStyle], place ? place.paths : null);
      var ring = mark
        ? L.circleMarker(L.latLng(mark[1], mark[0]), style)
        : L.GeoJSON.geometryToLayer({ type: "Feature", properties: {}, geometry: geometry }, style);
      ring.isDecor = true;
      extra.push(ring);
    }
    return extra;
  }

  /* A style whose fill is hatched (PO.HATCH: a hill's relief) with its fill a pattern of
   * diagonal strokes in its fill colour that many px apart, over a faint tint of it; made once
   * per colour and spacing, at the canvas's resolution. A canvas fills with a pattern in its
   * own coordinates, which the renderer keeps in layer pixels: the strokes stay put as the map
   * pans, and a drawing moved with the view (bm-canvas.js, shift) meets its strips. */
  var patterns = {};
  function hatched(style) {
    var gap = style[BM.PO.HATCH];
    if (!gap) { return style; }
    var m = L.Browser.retina ? 2 : 1, key = style.fillColor + "|" + gap + "|" + m, pattern = patterns[key];
    if (!pattern) {
      var tile = document.createElement("canvas"), size = gap * m, ctx = tile.getContext("2d");
      tile.width = tile.height = size;
      ctx.fillStyle = style.fillColor;
      ctx.globalAlpha = 0.25;
      ctx.fillRect(0, 0, size, size);
      ctx.globalAlpha = 1;
      ctx.strokeStyle = style.fillColor;
      ctx.lineWidth = m;
      ctx.beginPath();  // one stroke corner to corner, and its ends where the tiles meet
      [[-1, size + 1, size + 1, -1], [-1, 1, 1, -1], [size - 1, size + 1, size + 1, size - 1]].forEach(function (s) {
        ctx.moveTo(s[0], s[1]);
        ctx.lineTo(s[2], s[3]);
      });
      ctx.stroke();
      pattern = patterns[key] = ctx.createPattern(tile, "repeat");
      if (m !== 1 && pattern.setTransform && window.DOMMatrix) { pattern.setTransform(new DOMMatrix().scale(1 / m)); }
    }
    return L.extend({}, style, { fillColor: pattern });
  }

  /* Where a relief drawn outside the groups (the day slider's layer) goes: a pane and canvas
   * of its own beneath every group's (made once the map is known: useMap). */
  var looseRelief = null;
  function reliefPlace() { return looseRelief; }

  function addDrawn(layers, feature, styleIndex, changed, data, faded, place) {
    var decor = decorations(feature, changed, data, place);
    decor.forEach(function (ring) { layers.push(ring); });
    var layer = drawFeature(feature, styleIndex, data, place);
    if (decor.length) { layer.decor = decor; }
    if (faded) { fade(layer); }
    layers.push(layer);
    return layer;
  }

  /* Superseded within the phase (a unit that moved on, a line given up): drawn faint. */
  function fade(layer) {
    layer.faded = true;
    if (layer.setOpacity) {
      layer.setOpacity(0.35);
    } else if (layer.setStyle) {
      var o = layer.options;
      layer.setStyle({ opacity: (o.opacity === undefined ? 1 : o.opacity) * 0.35, fillOpacity: (o.fillOpacity === undefined ? 0.2 : o.fillOpacity) * 0.35 });
    }
  }

  /* Drawn faded (on) or as drawn (off) in a synopsis of several phases, whatever it was
   * drawn as in its phase (fade): what it looked like is kept to come back to. A faded name
   * yields to others (labels.js reads `faded`). */
  function dim(layer, on) {
    if (!!layer.dimmed === on) { return; }
    layer.dimmed = on;
    if (on) {
      layer.undimmed = { faded: layer.faded, opacity: layer.opacity, options: L.extend({}, layer.options) };
      layer.faded = true;
    } else {
      layer.faded = layer.undimmed.faded;
    }
    var was = layer.undimmed;
    if (layer instanceof BM.units.UnitMark) {
      layer.setOpacity(on ? was.opacity * DIMMED : was.opacity);
    } else if (layer.setStyle) {
      var o = was.options, opacity = o.opacity === undefined ? 1 : o.opacity;
      var fill = o.fillOpacity === undefined ? 0.2 : o.fillOpacity;
      layer.setStyle({ opacity: on ? opacity * DIMMED : opacity, fillOpacity: on ? fill * DIMMED : fill });
    }
  }
  /* Points' marks folded into a neighbour's (on), or drawn again (off): at an overview where
   * one would cover a mark that ranks before it, labels.js draws that mark with a count of the
   * marks it stands for, and this one, with its rings, is neither drawn (bm-canvas.js) nor
   * pointed at until a closer view has room for it. `changes`: [[layer, on], ...]. Each canvas
   * a change touches is drawn again once, where its changed paths lie (bm-canvas.js,
   * drawWhere); quiet, none is (a zoom has ended: the canvases draw the new view next). */
  function fold(changes, quiet) {
    var canvases = new Map();  // canvas -> its paths changed
    changes.forEach(function (change) {
      var layer = change[0], on = change[1];
      if (!!layer.folded === on) { return; }
      [layer].concat(layer.decor || []).forEach(function (path) {
        path.folded = on;
        if (on) {
          path.pointable = path.options.interactive;
          path.options.interactive = false;
        } else {
          path.options.interactive = path.pointable;
        }
        var canvas = path.options.renderer;
        if (quiet) { return; }  // (drawn with the view the map is moving to)
        if (!canvas || !canvas.drawWhere) { path.redraw(); return; }  // (the map's own canvas)
        if (!canvases.has(canvas)) { canvases.set(canvas, []); }
        canvases.get(canvas).push(path);
      });
    });
    canvases.forEach(function (paths, canvas) { canvas.drawWhere(paths); });
  }

  /* Before the canvases draw a moved view (the first culled group's canvas to follow it asks):
   * every shown culled group culled for the view, then what must be settled before they draw
   * (BM.layers.beforeDraw.then: the marks folded for it, labels.js), once per view, so that
   * each canvas draws the view once. */
  var drawnFor = null;
  function beforeDraw(map) {
    var key = BM.viewKey(map);
    if (drawnFor === key) { return; }
    drawnFor = key;
    stacked.forEach(function (g) { if (g.culled && g.shown && map.hasLayer(g)) { g.cull(); } });
    if (beforeDraw.then) { beforeDraw.then(); }
  }

  /* How strongly a feature that only earlier shown phases have is drawn in a synopsis. */
  var DIMMED = 0.35;

  /* Several phases shown at once read as one map, the summary plate of the battle: each
   * feature is drawn once, by the latest shown phase that has it, in its state at that
   * phase's end; what only earlier shown phases have is drawn faded, except their arrows
   * (Flag.ACTION), which every shown phase keeps at full strength with their dates. One phase
   * shown: drawn as its own page draws it. `order`: the phase group ids in the story's order. */
  var synopsisOf = null;  // the phases the groups' synopses were made for
  function synopsis(map, groups, order) {
    var I = BM.I, F = BM.F;
    var shown = order.filter(function (id) { return groups[id] && map.hasLayer(groups[id]); });
    if (synopsisOf === shown.join(" ")) { return shown; }  // (ids hold no space: see rules.ID_PATTERN)
    synopsisOf = shown.join(" ");
    var latest = {};  // feature index -> the position in `shown` of the latest phase that has it
    if (shown.length > 1) {
      shown.forEach(function (id, k) { groups[id].eachItem(function (item) { latest[item[I.FEATURE]] = k; }); });
    }
    order.forEach(function (id) {
      var group = groups[id], k = shown.indexOf(id);
      if (!group) { return; }
      if (shown.length < 2 || k < 0) { group.setSynopsis(null); return; }
      var n = group.size(), hidden = new Uint8Array(n), dimmed = new Uint8Array(n);
      var last = k === shown.length - 1;
      group.eachItem(function (item, i) {
        if (latest[item[I.FEATURE]] > k) { hidden[i] = 1; } else if (!last && !((item[I.FLAGS] || 0) & F.ACTION)) { dimmed[i] = 1; }
      });
      group.setSynopsis({ hidden: hidden, dimmed: dimmed });
    });
    return shown;
  }

  /* A toggleable group drawn in panes of its own, with its own canvas. Its layers are made
   * the first time it is shown (or while the page is idle, see prepare) and then stay on the
   * map: hiding the group hides its panes and pauses its canvas, showing it again is a style
   * change, redrawn only if the view moved meanwhile. So a large battle opens on its first
   * phase without building the others, and switching phases does not rebuild anything.
   *
   * A large group (CULL_FROM items or more, or any group of a page that lists that many) is
   * culled to the view instead: an R-tree (rbush)
   * of its features' bounds tells which are near the view, and only those are made and put on
   * the map, after every move; what the view leaves is taken off (its layers are kept for the
   * next time). Names are placed for what is on the map, so they follow the same cull.
   *
   * A cull does at once what the view needs: the paths on its canvas (which reaches a tenth of
   * the view beyond it, as Leaflet pads it, and never less than the names' reach, NAME_REACH)
   * and the unit symbols within half a view (a symbol that far off can be fanned onto the
   * screen). A shown group is then widened once the page is quiet (widen): its paths within
   * half a view around it too, so that a pan that far needs nothing new, and a move keeps
   * them there while they stay that near. A phase prepared unseen is not widened: showing it
   * draws what its canvas holds already, and widens it after. */
  var CULL_FROM = window.BM_OPTIONS && window.BM_OPTIONS.cullFrom !== undefined ? window.BM_OPTIONS.cullFrom : 4000;
  /* Near the view: within half a view's size around it (a pan that far needs nothing new). */
  var CULL_PAD = 0.5;
  /* How far off screen (px) a name's point may lie and still be placed (labels.js: collect). */
  var NAME_REACH = 60;
  /* How far (px) a path's stroke may reach beyond its geometry's bounds. */
  var STROKE_REACH = 16;
  /* An idle period this long (ms) or more: the page is quiet (Chromium gives 50 ms when no
   * frame is due, what is left of a frame otherwise). */
  var QUIET_IDLE = 40;
  /* A preparation's slice lasts this long (ms) at least: a frame's worth, on a busy page too. */
  var MIN_SLICE = 12;

  /* A view with more than this many features of the culled groups shown in it is generalised
   * (LazyGroup.aggregate), in cells of CELL px. */
  var AGGREGATE_FROM = window.BM_OPTIONS && window.BM_OPTIONS.aggregateFrom !== undefined ? window.BM_OPTIONS.aggregateFrom : 4000;
  var CELL = 48;

  /* Whether the view holds more than AGGREGATE_FROM features of the culled groups shown (and
   * of `group`, culled for it now): the page generalises a view as a whole, so that a phase
   * shown beside others is drawn as they are. Counted once per view and set of groups. */
  var crowded = { key: null, value: false };
  function crowdedView(group, view) {
    var map = group.home, groups = stacked.filter(function (g) {
      return g.culled && g.index && (g === group || (g.shown && map.hasLayer(g)));
    });
    var key = map.getZoom() + "|" + view.toBBoxString() + "|" + groups.map(L.stamp).join(",");
    if (crowded.key !== key) {
      var w = view.getWest(), e = view.getEast(), s = view.getSouth(), n = view.getNorth(), total = 0;
      for (var i = 0; i < groups.length && total <= AGGREGATE_FROM; i++) {
        // what its cull at this view finds (searched once: the cull reads the same list)
        var found = groups[i].searched(view.pad(CULL_PAD));
        for (var f = 0; f < found.length; f++) {
          var b = found[f];
          if (b.maxX >= w && b.minX <= e && b.maxY >= s && b.minY <= n) { total++; }
        }
      }
      crowded = { key: key, value: total > AGGREGATE_FROM };
    }
    return crowded.value;
  }

  /* The crowds of every shown group, one mark per cell: the sum of the groups' counts there
   * (several phases shown at once have one mark where each has a crowd). Cell key ->
   * {parts: group stamp -> crowd, mark}. */
  var crowds = new Map(), crowdPane = null;
  function gather(group, marks, map) {
    var id = L.stamp(group), touched = {};
    (group.crowdKeys || []).forEach(function (key) {
      var crowd = crowds.get(key);
      if (crowd) { delete crowd.parts[id]; touched[key] = true; }
    });
    marks.forEach(function (m) {
      var crowd = crowds.get(m.key);
      if (!crowd) { crowds.set(m.key, crowd = { parts: {}, mark: null, count: 0 }); }
      crowd.parts[id] = m;
      touched[m.key] = true;
    });
    group.crowdKeys = marks.map(function (m) { return m.key; });
    Object.keys(touched).forEach(function (key) { showCrowd(key, map); });
  }
  function showCrowd(key, map) {
    var crowd = crowds.get(key), sum = { count: 0, box: [Infinity, Infinity, -Infinity, -Infinity] };
    Object.keys(crowd.parts).forEach(function (id) {
      var m = crowd.parts[id];
      sum.count += m.count;
      sum.box = [Math.min(sum.box[0], m.box[0]), Math.min(sum.box[1], m.box[1]), Math.max(sum.box[2], m.box[2]), Math.max(sum.box[3], m.box[3])];
    });
    if (crowd.mark && crowd.count !== sum.count) { map.removeLayer(crowd.mark); crowd.mark = null; }
    crowd.count = sum.count;
    if (!sum.count) { crowds.delete(key); return; }
    if (!crowd.mark) {
      if (!crowdPane) { crowdPane = map.createPane("bm-crowds"); crowdPane.style.zIndex = "640"; }
      // at its cell's middle: marks on the grid of the cells never cover one another
      var cell = key.split(/[:,]/).map(Number), at = map.unproject([(cell[1] + 0.5) * CELL, (cell[2] + 0.5) * CELL], cell[0]);
      crowd.mark = aggregateMark({ count: sum.count, at: at, box: sum.box }, "bm-crowds", map);
      crowd.mark.stands = function () { return standsFor(crowd); };
      map.addLayer(crowd.mark);
    }
  }

  /* The ids of the features a crowd's mark stands for. */
  function standsFor(crowd) {
    var ids = [];
    Object.keys(crowd.parts).forEach(function (id) {
      var m = crowd.parts[id];
      m.members.forEach(function (i) { ids.push(m.group.featureOf(i)[BM.R.ID]); });
    });
    return ids;
  }

  /* The mark of a crowd of `m.count` features: a disc with the count (a number the page
   * writes: no text of the data), which zooms in to them when clicked or pressed. */
  function aggregateMark(m, pane, map) {
    var size = Math.round(Math.min(46, 20 + 6 * Math.log(m.count) / Math.LN10));
    var text = document.createElement("span");
    text.textContent = String(m.count).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var mark = L.marker(m.at, {
      pane: pane,
      icon: L.divIcon({ className: "bm-aggregate", html: text, iconSize: [size, size] }),
      title: m.count + " 个要素，点击放大 / " + m.count + " features: click to zoom in",
      alt: m.count + " features",
      riseOnHover: true
    });
    mark.isDecor = true;
    mark.aggregate = m.count;
    mark.on("click", function () {
      var zoom = map.getZoom(), box = L.latLngBounds([m.box[1], m.box[0]], [m.box[3], m.box[2]]);
      var fit = map.getBoundsZoom(box);
      map.setView(box.getCenter(), Math.min(map.getMaxZoom(), Math.max(zoom + 2, Math.min(fit, zoom + 4))));
    });
    return mark;
  }

  /* [west, south, east, north] of a GeoJSON geometry. */
  function extent(geometry) {
    var b = [Infinity, Infinity, -Infinity, -Infinity];
    (function walk(c) {
      if (typeof c[0] === "number") {
        if (c[0] < b[0]) { b[0] = c[0]; }
        if (c[0] > b[2]) { b[2] = c[0]; }
        if (c[1] < b[1]) { b[1] = c[1]; }
        if (c[1] > b[3]) { b[3] = c[1]; }
        return;
      }
      for (var i = 0; i < c.length; i++) { walk(c[i]); }
    })(geometry.coordinates);
    return b;
  }

  /* Two lists of item numbers, each ascending, with none in both, as one ascending list. */
  function merged(a, b) {
    var out = new Array(a.length + b.length), i = 0, j = 0, k = 0;
    while (i < a.length && j < b.length) { out[k++] = a[i] < b[j] ? a[i++] : b[j++]; }
    while (i < a.length) { out[k++] = a[i++]; }
    while (j < b.length) { out[k++] = b[j++]; }
    return out;
  }

  /* The groups with canvases, bottom first (their panes stack in the order they were made). */
  var stacked = [];

  /* The path drawn topmost at container point p on a visible group's canvas (as Leaflet's
   * renderer finds it on its own canvas: the last drawn that contains p), or null. */
  function pathAt(p) {
    for (var g = stacked.length - 1; g >= 0; g--) {
      var renderer = stacked[g].canvas;
      if (!renderer._map || renderer.hidden()) { continue; }
      for (var o = renderer._drawLast; o; o = o.prev) {
        var layer = o.layer;
        if (layer.record && layer.options.interactive && layer._containsPoint(p)) { return layer; }
      }
    }
    return null;
  }

  var paneCount = 0;
  var LazyGroup = L.FeatureGroup.extend({
    /* `pageItems`: how many items the page's groups list together (a page that large culls
     * every group: a phase of a few thousand beside others is as much a crowd as one large). */
    initialize: function (items, data, map, pageItems) {
      L.FeatureGroup.prototype.initialize.call(this, []);
      this.home = map;
      this.items = items;
      this.data = data;
      this.made = 0;
      this.attached = false;
      this.shown = false;
      this.culled = Math.max(items.length, pageItems || 0) >= CULL_FROM;
      this.slots = [];  // per item, once made: its layers (decorations first, the feature's last)
      this.synopsis = null;  // several phases shown: what this group leaves to the others (see setSynopsis)
      if (this.culled) {
        this.boxes = [];  // per item: its bounds, for the index
        this.onMap = [];  // the items on the map now, in item order
      }
    },
    place: function () {
      if (!this.where) {
        var n = ++paneCount, map = this.home;
        var paths = map.createPane("bm-paths-" + n), markers = map.createPane("bm-markers-" + n);
        // the hills' reliefs beneath every group's paths: the ground under all that stands on it
        // (its canvas joins the map with its first relief)
        var relief = map.createPane("bm-relief-" + n);
        paths.style.zIndex = String(400 + n);
        markers.style.zIndex = String(600 + n);
        relief.style.zIndex = String(300 + n);
        relief.style.pointerEvents = "none";
        this.paneNodes = [paths, markers, relief];
        this.canvas = BM.canvas({ pane: "bm-paths-" + n, keepDrawn: true });
        this.reliefCanvas = BM.canvas({ pane: "bm-relief-" + n, keepDrawn: true });
        stacked.push(this);
        this.units = new BM.units.UnitCanvas("bm-markers-" + n).addTo(map);
        this.where = { paths: { pane: "bm-paths-" + n, renderer: this.canvas }, units: this.units,
          relief: { pane: "bm-relief-" + n, renderer: this.reliefCanvas } };
      }
      return this.where;
    },
    /* Whether every feature the group lists is there (a large site's second file has run, or
     * the first holds them all: BM.whenComplete). */
    complete: function () {
      if (this.whole) { return true; }
      var features = this.data[BM.S.FEATURES], items = this.items, I = BM.I, i;
      if (!BM.siteComplete()) {
        for (i = 0; i < items.length; i++) { if (!features[items[i][I.FEATURE]]) { return false; } }
      }
      this.whole = true;
      return true;
    },
    /* How many items the group lists; fn(item, i) for each, in order. */
    size: function () { return this.items.length; },
    /* The site's record of the feature of item i. */
    featureOf: function (i) { return this.data[BM.S.FEATURES][this.items[i][BM.I.FEATURE]]; },
    eachItem: function (fn) { this.items.forEach(fn); },
    /* Whether item i stands in one of the crowds of the group's last cull (drawn as its
     * crowd's mark, not as itself). */
    inCrowd: function (i) { return !!this.gathered && this.gathered[i] === this.culls; },
    /* The layers of item i, made now if need be (not put on the map). */
    make: function (i) {
      var I = BM.I, F = BM.F, item = this.items[i], flags = item[I.FLAGS] || 0, layers = [];
      var layer = addDrawn(layers, this.data[BM.S.FEATURES][item[I.FEATURE]], item[I.STYLE], (flags & F.CHANGED) !== 0,
        this.data, (flags & F.ENDED) !== 0, this.place());
      if (item[I.RANK] !== undefined) { layer.labelRank = item[I.RANK]; }
      return layers;
    },
    /* Make up to `budget` more of the group's layers (not yet on the map), or of a culled
     * group's index; true when all are made. */
    grow: function (budget) {
      var items = this.items, end = Math.min(items.length, this.made + budget), i;
      if (this.culled) {
        for (i = this.made; i < end; i++) {
          var b = extent(this.data[BM.S.FEATURES][items[i][BM.I.FEATURE]][BM.R.GEOMETRY]);
          this.boxes.push({ minX: b[0], minY: b[1], maxX: b[2], maxY: b[3], item: i });
        }
        this.made = end;
        if (this.made >= items.length && !this.index) {
          this.index = new RBush().load(this.boxes);
          this.boxes = null;  // the tree holds them now
        }
        return this.made >= items.length;
      }
      for (i = this.made; i < end; i++) {
        var made = this.slots[i] = this.make(i);
        for (var j = 0; j < made.length; j++) { L.LayerGroup.prototype.addLayer.call(this, made[j]); }
      }
      this.made = end;
      return this.made >= items.length;
    },
    /* Make whatever is left and put every layer on the map, once (a culled group: its index;
     * see cull), but what a synopsis leaves out. */
    attach: function () {
      if (this.attached) { return; }
      this.grow(Infinity);
      if (!this.culled) {
        for (var i = 0; i < this.slots.length; i++) { this.present(i); }
      }
      this.attached = true;
    },
    /* Several phases shown at once (synopsis): `view` says, per item, whether a later phase
     * draws its feature instead (hidden) and whether it is drawn faded (dimmed); null when the
     * group is shown alone, as its own page draws it. Decorations (the rings of what changed)
     * are left out of a synopsis. */
    setSynopsis: function (view) {
      if (!view && !this.synopsis) { return; }
      this.synopsis = view;
      if (!this.attached) { return; }  // attach and cull apply it
      var map = this.home, slots = this.slots, i;
      if (this.culled) {
        var self = this;
        this.onMap = this.onMap.filter(function (k) {
          var stays = !(view && view.hidden[k]);
          if (stays) { self.present(k); } else { slots[k].forEach(function (layer) { map.removeLayer(layer); }); }
          return stays;
        });
        this.culledAt = null;  // what a synopsis hid may come back: the next cull looks again
        if (this.shown) { this.cull(); }
        return;
      }
      var returned = false;
      for (i = 0; i < slots.length; i++) { returned = this.present(i) || returned; }
      if (returned) {  // paths put back came last on the canvas: the group's order again
        this.canvas.quietly(function () {
          for (var k = 0; k < slots.length; k++) {
            slots[k].forEach(function (layer) { if (layer instanceof L.Path && map.hasLayer(layer)) { layer.bringToFront(); } });
          }
        });
      }
    },
    /* Item i's layers on the map as the synopsis (if any) wants them, dimmed or not; true when
     * a path was put back. */
    present: function (i) {
      var layers = this.slots[i], view = this.synopsis, map = this.home, returned = false;
      var hidden = !!(view && view.hidden[i]);
      for (var k = 0; k < layers.length; k++) {
        // (decorations first; a synopsis draws a hill's relief, the ground, but no ring of a phase)
        var layer = layers[k], wanted = !hidden && !(view && k < layers.length - 1 && !layer.isRelief);
        if (wanted && !map.hasLayer(layer)) { map.addLayer(layer); returned = returned || layer instanceof L.Path; }
        if (!wanted && map.hasLayer(layer)) { map.removeLayer(layer); }
      }
      dim(layers[layers.length - 1], !hidden && !!(view && view.dimmed[i]));
      return returned;
    },
    /* A culled group: put on the map what is near the view, in item order, and take off what
     * is not (a feature whose popup is open stays). Its paths as far as its canvas reaches, or
     * (wide) as far as the symbols: see CULL_PAD. */
    cull: function (wide) {
      var map = this.home, slots = this.slots, self = this, view = map.getBounds();
      var zoom = map.getZoom(), items = this.items, features = this.data[BM.S.FEATURES], icons = this.data[BM.S.ICONS];
      // Culled for this view already (a phase made ready and shown where it was made ready).
      var at = zoom + "|" + view.toBBoxString();
      if (this.culledAt === at && (this.wide || !wide)) {
        if (!this.wide && this.shown) { this.widen(); }
        return;
      }
      this.culledAt = at;
      this.wide = !!wide;
      var v = view.pad(CULL_PAD), canvas = this.near();
      // Items marked with this cull's number (arrays as long as the items, made once: a cull
      // looks up thousands): near the view (CULL_PAD), wanted on the map now, and on the map
      // before this cull.
      var culls = this.culls = (this.culls || 0) + 1, n = items.length;
      var padded = this.padded || (this.padded = new Uint32Array(n));
      var wanted = this.wanted || (this.wanted = new Uint32Array(n));
      var before = this.before || (this.before = new Uint32Array(n));
      // A symbol the zoom does not show yet is not made either.
      var found = this.searched(v);
      var chosen = new Int32Array(found.length), count = 0, I = BM.I, R = BM.R;
      var drawable = new Uint8Array(found.length);  // what this zoom and the synopsis draw
      for (var f = 0; f < found.length; f++) {
        var icon0 = features[items[found[f].item][I.FEATURE]][R.ICON];
        drawable[f] = (icon0 === undefined || BM.units.reaches(icons[icon0], zoom)) &&
          !(this.synopsis && this.synopsis.hidden[found[f].item]) ? 1 : 0;
      }
      var gathered = this.aggregate(found, drawable, view, canvas, culls);  // marks for crowds, or null
      for (f = 0; f < found.length; f++) {
        var b = found[f], icon = features[items[b.item][I.FEATURE]][R.ICON];
        if (!drawable[f] || (gathered && gathered[b.item] === culls)) { continue; }
        padded[b.item] = culls;
        var reached = b.maxX >= canvas[0] && b.minX <= canvas[2] && b.maxY >= canvas[1] && b.minY <= canvas[3];
        if (icon !== undefined || wide || reached) {
          chosen[count++] = b.item;
          wanted[b.item] = culls;
        }
      }
      var near = Array.prototype.slice.call(chosen.subarray(0, count).sort());  // (in item order)
      // What a shown group has on the map and still near stays after a pan (the ring a
      // widening put there: beyond the canvas it is neither drawn nor clipped to anything);
      // after a zoom, which projects every path on the map anew, and in a hidden group, only
      // what is wanted now stays (what showing it draws). A feature whose popup is open stays.
      var keep = this.shown && this.culledZoom === zoom ? padded : wanted;
      this.culledZoom = zoom;
      var kept = this.onMap.filter(function (i) {
        var layers = slots[i], stay = keep[i] === culls || layers[layers.length - 1].isPopupOpen();
        if (!stay) { layers.forEach(function (layer) { map.removeLayer(layer); }); }
        return stay;
      });
      var last = kept.length ? kept[kept.length - 1] : -1, first = Infinity;
      kept.forEach(function (i) { before[i] = culls; });
      near.forEach(function (i) {
        if (before[i] === culls) { return; }
        if (!slots[i]) { slots[i] = self.make(i); }
        self.present(i);
        first = Math.min(first, i);
      });
      // on the map now, in item order: what came and what stayed
      var staying = kept.filter(function (i) { return wanted[i] !== culls; });
      var onMap = this.onMap = staying.length ? merged(near, staying) : near;
      // A canvas draws in the order its paths came: when new items came before items already
      // there, everything after the first new one is brought forward again, in item order
      // (quietly: the paths already there keep their order among themselves, and each new one
      // asked for its own redraw when it came).
      if (first < last) {
        this.canvas.quietly(function () {
          onMap.forEach(function (i) {
            if (i > first) {
              slots[i].forEach(function (layer) { if (layer instanceof L.Path) { layer.bringToFront(); } });
            }
          });
        });
      }
      if (!wide && this.shown) { this.widen(); }
    },
    /* The index's boxes within bounds v (the last search kept: a view's crowd is counted from
     * what its cull finds). */
    searched: function (v) {
      var key = v.toBBoxString();
      if (!this.lastSearch || this.lastSearch.key !== key) {
        var found = this.index.search({ minX: v.getWest(), minY: v.getSouth(), maxX: v.getEast(), maxY: v.getNorth() });
        this.lastSearch = { key: key, found: found };
      }
      return this.lastSearch.found;
    },
    /* A view that holds more than AGGREGATE_FROM of the group's features is generalised: the
     * features that take less than a cell (CELL px) of the screen are drawn, cell by cell, as
     * one mark that says how many it stands for and zooms in to them when clicked; a cell that
     * holds one feature draws it, and a larger feature is drawn as itself. The cells lie on the
     * world's pixel grid at this zoom, so a pan keeps them. Nothing disappears without a mark
     * saying so. Returns the items a mark stands for (marked with this cull's number), or null
     * when the view is drawn feature by feature. */
    aggregate: function (found, drawable, view, canvas, culls) {
      var map = this.home, zoom = map.getZoom(), f, b;
      if (!crowdedView(this, view)) { if (this.crowds && this.crowds.length) { this.showMarks([]); } return null; }
      var toScreen = BM.space.screen(map), origin = map.containerPointToLayerPoint([0, 0]).add(map.getPixelOrigin());
      var cells = new Map();
      for (f = 0; f < found.length; f++) {
        b = found[f];
        if (!drawable[f]) { continue; }
        var nw = toScreen(b.minX, b.maxY), se = toScreen(b.maxX, b.minY);
        if (se.x - nw.x > CELL || se.y - nw.y > CELL) { continue; }  // large enough to draw as itself
        var key = zoom + ":" + Math.floor(((nw.x + se.x) / 2 + origin.x) / CELL) + "," + Math.floor(((nw.y + se.y) / 2 + origin.y) / CELL);
        var cell = cells.get(key);
        if (!cell) { cells.set(key, cell = { members: [], lng: 0, lat: 0, box: [Infinity, Infinity, -Infinity, -Infinity] }); }
        cell.members.push(b.item);
        cell.lng += (b.minX + b.maxX) / 2;
        cell.lat += (b.minY + b.maxY) / 2;
        cell.box = [Math.min(cell.box[0], b.minX), Math.min(cell.box[1], b.minY), Math.max(cell.box[2], b.maxX), Math.max(cell.box[3], b.maxY)];
      }
      var gathered = this.gathered || (this.gathered = new Uint32Array(this.items.length)), marks = [], self = this;
      cells.forEach(function (cell, key) {
        var count = cell.members.length;
        if (count < 2) { return; }
        cell.members.forEach(function (i) { gathered[i] = culls; });
        var lng = cell.lng / count, lat = cell.lat / count;
        // (a mark beyond the canvas would show nothing: its features are left off all the same)
        if (lng < canvas[0] || lng > canvas[2] || lat < canvas[1] || lat > canvas[3]) { return; }
        marks.push({ key: key, count: count, box: cell.box, members: cell.members, group: self });
      });
      this.showMarks(marks);
      return gathered;
    },
    /* This view's crowds (aggregate), on the map while the group is shown. */
    showMarks: function (marks) {
      this.crowds = marks;
      gather(this, this.shown ? marks : [], this.home);
    },
    /* [west, south, east, north] of what the group's canvas holds at this view: the view and
     * a tenth of it around (the canvas's padding), or the names' reach if that is more, and as
     * far again as a stroke reaches. */
    near: function () {
      var map = this.home, size = map.getSize(), pad = this.canvas.options.padding;
      var dx = Math.max(pad * size.x, NAME_REACH) + STROKE_REACH, dy = Math.max(pad * size.y, NAME_REACH) + STROKE_REACH;
      var sw = map.containerPointToLatLng([-dx, size.y + dy]), ne = map.containerPointToLatLng([size.x + dx, -dy]);
      return [sw.lng, sw.lat, ne.lng, ne.lat];
    },
    /* Widen the cull once the page is quiet (an idle period of QUIET_IDLE ms or more: no frame
     * due, the reader not moving the map), if the group is still shown at this view. It is one
     * task, as long as a cull: in the idle time between two frames it would delay the second. */
    widen: function () {
      var self = this, at = this.culledAt;
      if (this.widening === at) { return; }
      this.widening = at;
      BM.whenIdle(function wait(deadline) {
        if (!(self.shown && self.culledAt === at && !self.wide)) { self.widening = null; return; }
        if (deadline.timeRemaining() < QUIET_IDLE) { BM.whenIdle(wait, true); return; }
        self.widening = null;
        self.cull(true);
      }, true);
    },
    /* The layer that draws feature id, on the map (a culled group puts it there). */
    find: function (featureId) {
      var found = null, map = this.home;
      if (!this.complete()) { return null; }  // (not shown either: see onAdd)
      if (!this.culled) {
        this.eachLayer(function (layer) { if (!found && layer.featureId === featureId && map.hasLayer(layer)) { found = layer; } });
        return found;
      }
      for (var i = 0; i < this.items.length && !found; i++) {
        if (this.data[BM.S.FEATURES][this.items[i][BM.I.FEATURE]][BM.R.ID] !== featureId) { continue; }
        if (this.synopsis && this.synopsis.hidden[i]) { continue; }  // a later phase shown draws it
        if (!this.slots[i]) { this.slots[i] = this.make(i); }
        found = this.slots[i][this.slots[i].length - 1];
        if (this.onMap.indexOf(i) < 0) {
          this.culledAt = null;  // the next cull takes it off again if the view does not hold it
          this.present(i);
          this.onMap.push(i);
          this.onMap.sort(function (a, b) { return a - b; });
        }
      }
      return found;
    },
    setVisible: function (visible) {
      (this.paneNodes || []).forEach(function (node) { node.style.display = visible ? "" : "none"; });
      if (visible && this.units && this.units.stale) { this.units.schedule(); }  // the view moved while hidden
    },
    viewKey: function () {
      var map = this.home;
      return map.getZoom() + "/" + map.getCenter().toString() + "/" + map.getSize().toString();
    },
    /* Hidden: its canvases stop following the view (their events, as the layer interface gives them). */
    pause: function () {
      var map = this.home;
      var canvases = [this.canvas, this.reliefCanvas].filter(function (c) { return c && map.hasLayer(c); });
      if (canvases.length && !this.paused) {
        canvases.forEach(function (c) { map.off(c.getEvents(), c); });
        this.paused = this.viewKey();
        this.pausedCanvases = canvases;
      }
    },
    resume: function () {
      if (this.paused) {
        var moved = this.paused !== this.viewKey(), map = this.home;
        this.paused = null;
        this.pausedCanvases.forEach(function (c) {
          var events = c.getEvents();
          map.on(events, c);
          // The view changed while hidden: reset as Leaflet resets a view (its paths were not
          // projected when a zoom ended, nor clipped to the moved view): each projected anew,
          // clipped and drawn once.
          if (moved) {
            events.viewprereset.call(c);
            events.viewreset.call(c);
          }
        });
      }
    },
    /* Build and attach the group while hidden, in the browser's idle time; done() when complete. */
    prepare: function (done) {
      var group = this;
      if (group.attached) { done(); return; }
      if (!group.complete()) { BM.whenComplete(function () { group.prepare(done); }); return; }
      group.place();
      if (!group.shown) { group.setVisible(false); }
      BM.whenIdle(function (deadline) {
        // until the idle period ends, and for a few ms at least (called when the wait ran out)
        var until = performance.now() + Math.max(deadline.timeRemaining() - 4, MIN_SLICE);
        var finished = group.grow(250);
        while (!finished && performance.now() < until) { finished = group.grow(250); }
        if (!finished) { group.prepare(done); return; }
        group.attach();
        if (group.culled) { group.cull(); }  // what is near the view now, ready to be shown
        if (!group.shown) { group.pause(); }
        done();
      });
    },
    onAdd: function (map) {
      this.shown = true;
      if (!this.complete()) {  // drawn once its features are there, if still shown then
        var group = this;
        BM.whenComplete(function () { if (group.shown && map.hasLayer(group)) { group.onAdd(map); map.fire("bm-completed"); } });
        return;
      }
      this.attach();
      if (this.culled) {
        if (this.crowds) { gather(this, this.crowds, map); }  // (made ready at this view: cull keeps them)
        this.cull();
        // after every move, before its canvas draws: one drawing with what came near (the
        // canvas follows the view even if the group has no path yet)
        var self = this;
        this.canvas.beforeUpdate = function () { self.cull(); beforeDraw(self.home); };
        if (!map.hasLayer(this.canvas)) { map.addLayer(this.canvas); }
      }
      this.setVisible(true);  // first: a canvas drawn anew now is drawn as a shown one (bm-canvas.js)
      this.resume();
    },
    onRemove: function () {
      this.shown = false;
      if (this.culled) { this.canvas.beforeUpdate = null; gather(this, [], this.home); }
      this.setVisible(false);
      this.pause();
    },
    /* The group's layers: a culled group's on the map now (they are what the reader sees). */
    eachLayer: function (fn, context) {
      if (!this.culled) { return L.FeatureGroup.prototype.eachLayer.call(this, fn, context); }
      var slots = this.slots;
      this.onMap.forEach(function (i) { slots[i].forEach(function (layer) { fn.call(context, layer); }); });
      return this;
    },
    /* Every layer of the group, made now if need be. */
    getLayers: function () {
      if (!this.complete()) { return []; }
      if (!this.culled) { this.grow(Infinity); return L.FeatureGroup.prototype.getLayers.call(this); }
      var out = [];
      for (var i = 0; i < this.items.length; i++) {
        if (!this.slots[i]) { this.slots[i] = this.make(i); }
        out.push.apply(out, this.slots[i]);
      }
      return out;
    }
  });

  /* The style of a feature on day d (from the styles the build gave each status change), or
   * -1 when it does not exist that day. */
  function styleOnDay(feature, d) {
    var R = BM.R, valid = feature && feature[R.VALID];  // (a feature not loaded yet: null)
    if (!valid || d < valid[0] || d > valid[1]) {
      return -1;
    }
    var style = feature[R.BASE_STYLE], changes = feature[R.STYLES] || [];
    changes.forEach(function (change) {
      if (change[0] <= d) {
        style = change[1];
      }
    });
    return style === undefined ? changes[0][1] : style;
  }

  BM.layers = {
    LazyGroup: LazyGroup,
    talk: talk,
    pathAt: pathAt,
    addDrawn: addDrawn,
    fold: fold,
    beforeDraw: beforeDraw,
    applyHalos: applyHalos,
    setAllHalos: setAllHalos,
    styleOnDay: styleOnDay,
    synopsis: synopsis,
    useMap: function (map) {
      halos.map = map;
      // Leaflet's attribution control hears every layer added and leaves a listener on each, to
      // hear it go (tens of thousands of paths at 100k, each a closure kept while it is on the
      // map): only a layer that credits someone is heard now, which is all it did anything for.
      var credits = map.attributionControl;
      if (credits) {
        var heard = credits._addAttribution;
        map.off("layeradd", heard, credits);
        credits._addAttribution = function (e) {
          if (e.layer.getAttribution && e.layer.getAttribution()) { heard.call(this, e); }
        };
        map.on("layeradd", credits._addAttribution, credits);
      }
      // Paths outside the groups (halos, the day slider's layer) are drawn as the groups' are,
      // the day slider's reliefs beneath them.
      if (!map.options.renderer) { map.options.renderer = BM.canvas(); }
      var reliefPane = map.createPane("bm-relief");
      reliefPane.style.zIndex = "300";
      reliefPane.style.pointerEvents = "none";
      looseRelief = { pane: "bm-relief", renderer: BM.canvas({ pane: "bm-relief" }) };
      map.on("layerremove", function (e) { if (e.layer.halo) { e.layer.halo.remove(); } });  // its halo goes with it
      // Symbols are drawn on canvases, hidden while the map zooms and drawn in place after.
      looseUnits = new BM.units.UnitCanvas("markerPane").addTo(map);
      BM.units.listen(map);
    }
  };
})();
