/* battlemap.js: draws a page's battle data on a Leaflet map and tells it phase by phase and
 * day by day. Part of hengyang-map (MIT).
 *
 * The page passes one data object built in Python: styles, icons, labels, features (geometry,
 * a compact record of names, dates, status, figures, claims and sources, validity in day
 * numbers, status styles) and groups (which feature, in which style). Tooltips, popups and
 * the text version are built here from the records with textContent only: no text from the
 * data is ever parsed as HTML. Every group becomes a toggleable overlay. No network access:
 * the optional tile layer is the only thing that would load anything, and it is off by
 * default. */
(function () {
  "use strict";

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function pointOf(geometry) {
    return L.latLng(geometry.coordinates[1], geometry.coordinates[0]);
  }

  /* An element with a class and children (nodes, or strings added as text). */
  function el(tag, className, children) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === "") { return; }
      node.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
    });
    return node;
  }

  /* Both languages of a [zh, en] pair, each in its own lang-tagged element. */
  function bi(text, tag) {
    var fragment = document.createDocumentFragment();
    fragment.appendChild(el(tag || "span", null, [text[0]]));
    fragment.lastChild.setAttribute("lang", "zh-Hans");
    fragment.appendChild(el(tag || "span", null, [text[1]]));
    fragment.lastChild.setAttribute("lang", "en");
    return fragment;
  }

  function dateOf(start, d) {
    var parts = start.split("-");
    var date = new Date(0);
    date.setUTCFullYear(+parts[0], +parts[1] - 1, +parts[2] + d); /* Date.UTC reads years 0-99 as 19xx */
    return { y: date.getUTCFullYear(), m: date.getUTCMonth(), d: date.getUTCDate() };
  }

  /* Day number d as readers write it in each language. */
  function dayText(start, d) {
    var t = dateOf(start, d);
    return [t.y + "年" + (t.m + 1) + "月" + t.d + "日", t.d + " " + MONTHS[t.m] + " " + t.y];
  }

  /* An inclusive span of days, short when both ends share a year. */
  function spanText(start, a, b) {
    if (a === b) { return dayText(start, a); }
    var s = dateOf(start, a), e = dateOf(start, b), first = dayText(start, a), last = dayText(start, b);
    var zhEnd = s.y === e.y ? (e.m + 1) + "月" + e.d + "日" : last[0];
    var enStart = s.y === e.y ? s.d + " " + MONTHS[s.m] : first[1];
    return [first[0] + "–" + zhEnd, enStart + " – " + last[1]];
  }

  function thousands(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  /* Bracketed citations, each a link to the page's bibliography entry with its tier after it. */
  var tiers = {};
  function cites(ids) {
    if (!ids || !ids.length) { return null; }
    var span = el("span", "bm-cites", ["["]);
    ids.forEach(function (id, i) {
      if (i) { span.appendChild(document.createTextNode(", ")); }
      var mark = Object.prototype.hasOwnProperty.call(tiers, id) ? tiers[id] : "";
      var link = el("a", "bm-cite bm-tier-" + (mark === "*" ? "article" : mark), [id]);
      link.setAttribute("href", "#src-" + id);
      span.appendChild(link);
      if (mark) { span.appendChild(el("sup", "bm-tier", [mark])); }
    });
    span.appendChild(document.createTextNode("]"));
    return span;
  }

  function note(text, brackets) {
    if (!text) { return null; }
    return el("span", "bm-note", brackets ? ["(", bi(text), ")"] : [bi(text)]);
  }

  function joined(parts, separator) {
    var out = [];
    parts.forEach(function (part, i) {
      if (i) { out.push(separator); }
      out.push(part);
    });
    return out;
  }

  function kindLabel(feature, labels) {
    return labels.kind[feature.k] || labels.movement[feature.k];
  }

  function figuresTable(figures) {
    var table = el("table", "bm-figures");
    figures.forEach(function (figure) {
      var head = el("th", null, [bi(figure[0])]);
      head.setAttribute("colspan", "2");
      head.setAttribute("scope", "rowgroup");
      table.appendChild(el("tr", null, [head]));
      figure[1].forEach(function (value) {
        table.appendChild(el("tr", null, [
          el("td", null, [bi(value[0])]),
          el("td", null, [cites(value[1]), value[2] ? " " : null, value[2] ? bi(value[2]) : null])
        ]));
      });
    });
    return table;
  }

  function claimsBlock(claims, labels) {
    var list = el("ul");
    claims.forEach(function (claim) {
      var field = labels.field[claim[0]] || [claim[0], claim[0]];
      list.appendChild(el("li", null, [el("b", null, [bi(field)]), ": ", claim[1], " ", cites(claim[2]),
        claim[3] ? " " : null, note(claim[3])]));
    });
    return el("div", "bm-claims", [el("b", null, [bi(labels.ui.disagree)]), list]);
  }

  /* Everything a reader may ask of a feature: names, dates, status, account, sources. */
  function popupContent(feature, data) {
    var labels = data.labels, start = data.timeline.start;
    var box = el("div", "bm-popup", [el("h3", null, [bi(feature.n)])]);
    var meta = [bi(kindLabel(feature, labels))];
    if (feature.sd) { meta.push(bi(labels.side[feature.sd])); }
    if (feature.a) { meta.push(bi(spanText(start, feature.a[0], feature.a[1]))); }
    box.appendChild(el("p", "bm-meta", joined(meta, " · ")));
    if (feature.c) { box.appendChild(el("p", "bm-meta", [bi(labels.ui.commander), ": ", bi(feature.c)])); }
    if (feature.u) { box.appendChild(el("p", "bm-meta", [bi(labels.ui.unit), ": ", bi(feature.u)])); }
    if (feature.st) {
      box.appendChild(el("ul", "bm-status", feature.st.map(function (change) {
        return el("li", null, [bi(dayText(start, change[0])), ": ", bi(labels.status[change[1]]), " ",
          cites(change[2]), change[3] ? " " : null, note(change[3], true)]);
      })));
    }
    box.appendChild(el("p", "bm-desc", [bi(feature.ds)]));
    if (feature.fg) { box.appendChild(figuresTable(feature.fg)); }
    if (feature.cl) { box.appendChild(claimsBlock(feature.cl, labels)); }
    box.appendChild(el("p", "bm-loc", [bi(labels.ui.location), ": ±" + thousands(feature.pr) + " m, ",
      bi(labels.certainty[feature.ce || "estimated"]), feature.ln ? ". " : null, feature.ln ? bi(feature.ln) : null]));
    box.appendChild(el("p", "bm-sources", [bi(labels.ui.sources), ": ", cites(feature.src)]));
    return box;
  }

  function drawFeature(feature, styleIndex, data, place) {
    var geometry = feature.g;
    var options = L.extend({}, data.styles[styleIndex], place ? place.paths : null);
    var layer;
    if (feature.i !== undefined) {
      var icon = data.icons[feature.i];
      layer = L.marker(pointOf(geometry), {
        icon: L.divIcon({
          html: icon.html,
          className: icon.z ? "bm-unit bm-minzoom-" + icon.z : "bm-unit",
          iconSize: [icon.w, icon.h],
          iconAnchor: [icon.ax, icon.ay]
        }),
        keyboard: true,
        riseOnHover: true,
        pane: place ? place.markers : "markerPane"
      });
    } else if (geometry.type === "Point") {
      layer = L.circleMarker(pointOf(geometry), options);
    } else {
      layer = L.GeoJSON.geometryToLayer({ type: "Feature", properties: {}, geometry: geometry }, options);
    }
    // Built when first shown, not for every feature up front.
    layer.bindTooltip(function () { return el("span", null, [bi(feature.n)]); },
      { direction: "top", sticky: geometry.type !== "Point", opacity: 0.95 });
    layer.bindPopup(function () { return popupContent(feature, data); }, {
      maxWidth: 380,
      autoPanPaddingTopLeft: data.popupPad || [24, 24],
      autoPanPaddingBottomRight: [24, 24]
    });
    layer.featureId = feature.id;
    layer.record = feature;
    if (feature.h && data.halo !== undefined) { withHalo(layer, feature, data); }
    return layer;
  }

  /* The precision halo of a point: drawn while the reader points at the feature or has its
   * popup open, so that many overlapping estimates never fog the map. */
  function withHalo(layer, feature, data) {
    var halo = L.circle(pointOf(feature.g), L.extend({ radius: feature.h }, data.styles[data.halo]));
    halo.isDecor = true;
    halo.isHalo = true;
    layer.halo = halo;
    function show() { if (layer._map && !layer._map.hasLayer(halo)) { halo.addTo(layer._map); halo.bringToBack(); } }
    function hide() { if (halo._map && !layer.isPopupOpen() && !halos.all) { halo.remove(); } }
    layer.on("mouseover popupopen", show);
    layer.on("mouseout", hide);
    layer.on("popupclose", hide);
    layer.on("remove", function () { halo.remove(); });
  }

  /* "Show all uncertainty circles" (a switch in the legend): every visible approximate point
   * keeps its halo; off, a halo shows only for the feature pointed at or selected. */
  var halos = { all: false, applied: false };

  function applyHalos(map, groups, dayLayer) {
    if (!halos.all && !halos.applied) { return; }  // nothing to add or take away: no pass over the layers
    halos.applied = halos.all;
    function sync(group, visible) {
      group.eachLayer(function (layer) {  // only the layers made so far
        if (!layer.halo) { return; }
        var want = halos.all && visible;
        if (want && !map.hasLayer(layer.halo)) { layer.halo.addTo(map); layer.halo.bringToBack(); }
        if (!want && map.hasLayer(layer.halo) && !layer.isPopupOpen()) { layer.halo.remove(); }
      });
    }
    Object.keys(groups).forEach(function (gid) { sync(groups[gid], !dayLayer && map.hasLayer(groups[gid])); });
    if (dayLayer) { sync(dayLayer, true); }
  }

  /* The status of a feature on day d from its record, or null when it has none. */
  function statusOn(feature, d) {
    if (!feature.st) { return null; }
    var current = "held";
    feature.st.forEach(function (change) {
      if (change[0] <= d) { current = change[1]; }
    });
    return current;
  }

  /* The accessible twin: a row per feature of the phase (filled when first opened). */
  function fillTwin(tbody, ids, data) {
    var labels = data.labels, start = data.timeline.start, day = +tbody.getAttribute("data-day");
    var seen = {};
    ids.forEach(function (index) {
      var feature = data.features[index];
      if (seen[feature.id] || !feature.a) { return; }
      seen[feature.id] = true;
      var status = statusOn(feature, day);
      var row = el("tr", null, [
        el("th", null, [bi(feature.n)]),
        el("td", null, [bi(kindLabel(feature, labels))]),
        el("td", null, [feature.sd ? bi(labels.side[feature.sd]) : "—"]),
        el("td", null, [bi(spanText(start, feature.a[0], feature.a[1]))]),
        el("td", null, [status ? bi(labels.status[status]) : "—"]),
        el("td", null, [cites(feature.src)])
      ]);
      row.firstChild.setAttribute("scope", "row");
      row.setAttribute("data-feature", feature.id);
      tbody.appendChild(row);
    });
  }

  function decorations(feature, changed, data, place) {
    var extra = [];
    if (changed && data.changed !== undefined) {
      var style = L.extend({}, data.styles[data.changed], place ? place.paths : null);
      var ring = feature.g.type === "Point"
        ? L.circleMarker(pointOf(feature.g), style)
        : L.GeoJSON.geometryToLayer({ type: "Feature", properties: {}, geometry: feature.g }, style);
      ring.isDecor = true;
      extra.push(ring);
    }
    return extra;
  }

  function addDrawn(layers, feature, styleIndex, changed, data, faded, place) {
    decorations(feature, changed, data, place).forEach(function (decor) { layers.push(decor); });
    var layer = drawFeature(feature, styleIndex, data, place);
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

  /* A toggleable group drawn in panes of its own, with its own canvas. Its layers are made
   * the first time it is shown (or while the page is idle, see prepare) and then stay on the
   * map: hiding the group hides its panes and pauses its canvas, showing it again is a style
   * change, redrawn only if the view moved meanwhile. So a large battle opens on its first
   * phase without building the others, and switching phases does not rebuild anything. */
  var paneCount = 0;

  /* Run fn in idle time (with a deadline object), or soon where idle callbacks are missing. */
  function whenIdle(fn) {
    if (window.requestIdleCallback) {
      window.requestIdleCallback(fn, { timeout: 1000 });
    } else {
      window.setTimeout(function () {
        var until = Date.now() + 40;
        fn({ timeRemaining: function () { return Math.max(0, until - Date.now()); } });
      }, 16);
    }
  }
  var LazyGroup = L.FeatureGroup.extend({
    initialize: function (items, data, map) {
      L.FeatureGroup.prototype.initialize.call(this, []);
      this._home = map;
      this._items = items;
      this._data = data;
      this._next = 0;
      this._attached = false;
    },
    _panes: function () {
      if (!this._place) {
        var n = ++paneCount, map = this._home;
        var paths = map.createPane("bm-paths-" + n), markers = map.createPane("bm-markers-" + n);
        paths.style.zIndex = String(400 + n);
        markers.style.zIndex = String(600 + n);
        this._paneNodes = [paths, markers];
        this._renderer = L.canvas({ pane: "bm-paths-" + n });
        this._place = { paths: { pane: "bm-paths-" + n, renderer: this._renderer }, markers: "bm-markers-" + n };
      }
      return this._place;
    },
    /* Make up to `budget` more of the group's layers (not yet on the map); true when all are made. */
    _grow: function (budget) {
      var items = this._items, data = this._data, place = this._panes(), layers = [];
      var end = Math.min(items.length, this._next + budget);
      for (var i = this._next; i < end; i++) {
        var flags = items[i][2] || 0;
        var layer = addDrawn(layers, data.features[items[i][0]], items[i][1], (flags & 1) === 1, data, (flags & 2) === 2, place);
        if (items[i][3] !== undefined) { layer.labelRank = items[i][3]; }
      }
      this._next = end;
      for (var j = 0; j < layers.length; j++) { L.LayerGroup.prototype.addLayer.call(this, layers[j]); }
      return this._next >= items.length;
    },
    /* Make whatever is left and put every layer on the map, once. */
    _attach: function () {
      if (this._attached) { return; }
      var map = this._home;
      this._grow(Infinity);
      this.eachLayer(function (layer) { map.addLayer(layer); });
      this._attached = true;
    },
    _setVisible: function (visible) {
      (this._paneNodes || []).forEach(function (node) { node.style.display = visible ? "" : "none"; });
    },
    _viewKey: function () {
      var map = this._home;
      return map.getZoom() + "/" + map.getCenter().toString() + "/" + map.getSize().toString();
    },
    _pause: function () {
      if (this._renderer && this._renderer._map && !this._paused) {
        this._home.off(this._renderer.getEvents(), this._renderer);
        this._paused = this._viewKey();
      }
    },
    _resume: function () {
      if (this._paused) {
        var moved = this._paused !== this._viewKey();
        this._paused = null;
        this._home.on(this._renderer.getEvents(), this._renderer);
        if (moved) { this._renderer._reset(); }
      }
    },
    /* Build and attach the group while hidden, in the browser's idle time; done() when complete. */
    prepare: function (done) {
      var group = this;
      if (group._attached) { done(); return; }
      group._panes();
      if (!group._map) { group._setVisible(false); }
      whenIdle(function (deadline) {
        var finished = group._grow(250);  // at least one slice, even on a busy page
        while (!finished && deadline.timeRemaining() > 4) { finished = group._grow(250); }
        if (!finished) { group.prepare(done); return; }
        group._attach();
        if (!group._map) { group._pause(); }
        done();
      });
    },
    onAdd: function () {
      this._attach();
      this._resume();
      this._setVisible(true);
    },
    onRemove: function () {
      this._setVisible(false);
      this._pause();
    },
    /* Every layer of the group, made now if need be. */
    getLayers: function () { this._grow(Infinity); return L.FeatureGroup.prototype.getLayers.call(this); }
  });

  /* The style of a feature on day d, or -1 when it does not exist that day. */
  function styleOnDay(feature, d) {
    if (!feature.a || d < feature.a[0] || d > feature.a[1]) {
      return -1;
    }
    var style = feature.b;
    (feature.s || []).forEach(function (change) {
      if (change[0] <= d) {
        style = change[1];
      }
    });
    return style === undefined ? feature.s[0][1] : style;
  }

  function setLanguage(code) {
    document.documentElement.setAttribute("data-lang", code);
    document.documentElement.setAttribute("lang", code === "en" ? "en" : "zh-Hans");
    var buttons = document.querySelectorAll(".bm-lang button");
    Array.prototype.forEach.call(buttons, function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-lang") === code ? "true" : "false");
    });
    document.dispatchEvent(new CustomEvent("bm:lang"));
  }

  function init(map, data) {
    var timeline = data.timeline;
    tiers = data.labels.tier || {};
    var panel = document.getElementById("bm-panel");
    var atlas = panel && panel.getAttribute("data-mode") === "atlas";
    var slider = document.querySelector(".bm-day");
    var output = document.querySelector(".bm-date");
    var playButton = document.querySelector(".bm-play");
    var narrow = window.matchMedia("(max-width: 700px)").matches;
    // Popups open clear of the side panel.
    data.popupPad = panel && !narrow ? [panel.offsetWidth + 34, 24] : [24, 24];

    var plain = L.layerGroup().addTo(map);
    var bases = {};
    bases[data.base.plain] = plain;
    if (data.tiles) {
      bases[data.base.tiles] = L.tileLayer(data.tiles.url, {
        attribution: data.tiles.attribution,
        maxZoom: 19,
        crossOrigin: true
      });
    }

    var groups = {};
    var overlays = {};
    data.groups.forEach(function (group) {
      var layer = new LazyGroup(group.items, data, map);
      layer.groupId = group.id;
      groups[group.id] = layer;
      overlays[group.label] = layer;
      if (group.show) {
        layer.addTo(map);
      }
    });
    var control = L.control.layers(bases, overlays, { collapsed: narrow, position: "topright" }).addTo(map);
    /* Small echelons are drawn only from their zoom on (CSS hides .bm-minzoom-N below N). */
    function markZoom() {
      var container = map.getContainer(), zoom = Math.round(map.getZoom());
      for (var z = 13; z <= 17; z++) {
        container.classList.toggle("bm-below-" + z, zoom < z);
      }
    }
    map.on("zoomend", markZoom);
    markZoom();
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(data.attribution);

    var state = { phase: timeline.current, day: null, dayLayer: null, timer: null };

    /* Every drawn layer the reader sees now (not decorations): what the map names. */
    function visibleLayers() {
      var shown = [];
      var sources = Object.keys(groups).map(function (gid) { return groups[gid]; });
      if (state.dayLayer) { sources.push(state.dayLayer); }
      sources.forEach(function (group) {
        if (!map.hasLayer(group)) { return; }
        group.eachLayer(function (layer) { if (!layer.isDecor && map.hasLayer(layer)) { shown.push(layer); } });
      });
      return shown;
    }
    var labels = window.BattleLabels.attach(map, data, visibleLayers);
    /* The map is a named region of the page (a landmark for screen readers). */
    map.getContainer().setAttribute("role", "region");
    map.getContainer().setAttribute("aria-label", document.title);
    /* The browser's own print: place the names again for the paper's size. */
    if (window.matchMedia) {
      var printing = window.matchMedia("print");
      var replace = function () { map.invalidateSize({ animate: false }); labels.place(); };
      if (printing.addEventListener) { printing.addEventListener("change", replace); }
      window.addEventListener("beforeprint", replace);
    }
    var phaseIds = timeline.phases.map(function (p) { return p.id; });

    function fit(bounds, animate) {
      var panelWidth = panel && !narrow ? panel.offsetWidth + 20 : 0;
      var panelHeight = panel && narrow ? panel.offsetHeight : 0;
      map.fitBounds(L.latLngBounds(bounds), {
        paddingTopLeft: [panelWidth + 16, 16],
        paddingBottomRight: [16, panelHeight + 16],
        animate: animate !== false
      });
    }

    function phaseById(id) {
      for (var i = 0; i < timeline.phases.length; i++) {
        if (timeline.phases[i].id === id) { return timeline.phases[i]; }
      }
      return null;
    }

    function showSection(id) {
      Array.prototype.forEach.call(document.querySelectorAll(".bm-section"), function (section) {
        section.hidden = atlas && section.getAttribute("data-phase") !== id;
      });
      var all = document.querySelector(".bm-all");
      if (all) { all.setAttribute("aria-pressed", id === "all" ? "true" : "false"); }
    }

    function setSlider(d) {
      if (!slider) { return; }
      slider.value = String(d);
      output.textContent = "";
      output.appendChild(bi(dayText(timeline.start, d)));
    }

    function clearDay() {
      if (state.dayLayer) {
        map.removeLayer(state.dayLayer);
        state.dayLayer = null;
      }
      state.day = null;
    }

    function selectPhase(id, options) {
      options = options || {};
      if (id !== "all" && !phaseById(id)) { return; }
      clearDay();
      state.phase = id;
      if (atlas) {
        phaseIds.forEach(function (pid) {
          var wanted = id === "all" || pid === id;
          if (wanted && !map.hasLayer(groups[pid])) { map.addLayer(groups[pid]); }
          if (!wanted && map.hasLayer(groups[pid])) { map.removeLayer(groups[pid]); }
        });
      } else {
        Object.keys(groups).forEach(function (gid) {
          if (!map.hasLayer(groups[gid])) { map.addLayer(groups[gid]); }
        });
      }
      showSection(id);
      applyHalos(map, groups, null);
      var phase = phaseById(id);
      setSlider(phase ? phase.d[1] : timeline.range[1]);
      if (options.fit !== false) { fit(phase ? phase.fit : timeline.fit, options.animate); }
      labels.schedule();
      if (atlas && options.push) {
        history.pushState({ phase: id }, "", "#" + id);
      }
    }

    function phaseOfDay(d) {
      for (var i = 0; i < timeline.phases.length; i++) {
        var p = timeline.phases[i];
        if (d >= p.d[0] && d <= p.d[1]) { return p; }
      }
      for (var j = 0; j < timeline.phases.length; j++) {
        if (timeline.phases[j].d[0] > d) { return timeline.phases[j]; }
      }
      return timeline.phases[timeline.phases.length - 1];
    }

    /* Show the state of day d: features valid that day, positions in their status that day. */
    function showDay(d) {
      d = Math.max(timeline.range[0], Math.min(timeline.range[1], d));
      clearDay();
      Object.keys(groups).forEach(function (gid) {
        if (gid !== "reference" && map.hasLayer(groups[gid])) { map.removeLayer(groups[gid]); }
      });
      var layers = [];
      data.features.forEach(function (feature) {
        var style = styleOnDay(feature, d);
        if (style >= 0) { addDrawn(layers, feature, style, false, data); }
      });
      state.dayLayer = L.featureGroup(layers).addTo(map);
      state.day = d;
      setSlider(d);
      var phase = phaseOfDay(d);
      if (atlas && phase.id !== state.phase) {
        state.phase = phase.id;
        history.replaceState({ phase: phase.id }, "", "#" + phase.id);
      }
      showSection(atlas ? state.phase : timeline.current);
      applyHalos(map, groups, state.dayLayer);
      labels.schedule();
    }

    function step(delta) {
      if (!atlas) {
        var link = document.querySelector(delta < 0 ? ".bm-nav a[rel=prev]" : ".bm-nav a[rel=next]");
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
      if (d >= timeline.range[1]) { d = timeline.range[0] - 1; }
      playButton.setAttribute("aria-pressed", "true");
      playButton.textContent = "‖";
      state.timer = window.setInterval(function () {
        d += 1;
        showDay(d);
        if (d >= timeline.range[1]) { stopPlaying(); }
      }, 700);
    }

    function goTo(featureId) {
      var found = null;
      var visible = state.dayLayer ? [state.dayLayer] : Object.keys(groups).map(function (g) { return groups[g]; });
      visible.forEach(function (group) {
        if (!map.hasLayer(group)) { return; }
        group.eachLayer(function (layer) {
          if (!found && layer.featureId === featureId) { found = layer; }
        });
      });
      if (!found) { return; }
      var where = found.getLatLng ? found.getLatLng() : found.getBounds().getCenter();
      map.setView(where, Math.max(map.getZoom(), 14));
      found.openPopup(where);
    }

    /* The address is input like any other: a malformed escape (#%E0%A4%A) is no phase. */
    function fromHash() {
      var id;
      try { id = decodeURIComponent(window.location.hash.replace(/^#/, "")); } catch (err) { return null; }
      return id === "all" || phaseById(id) ? id : null;
    }

    if (slider) {
      slider.min = String(timeline.range[0]);
      slider.max = String(timeline.range[1]);
      slider.addEventListener("input", function () { stopPlaying(); showDay(+slider.value); });
    }
    if (playButton) { playButton.addEventListener("click", play); }
    var prev = document.querySelector(".bm-prev");
    var next = document.querySelector(".bm-next");
    var all = document.querySelector(".bm-all");
    if (prev) { prev.addEventListener("click", function () { step(-1); }); }
    if (next) { next.addEventListener("click", function () { step(1); }); }
    if (all) { all.addEventListener("click", function () { selectPhase("all", { push: true }); }); }
    map.on("overlayadd overlayremove", function () { applyHalos(map, groups, state.dayLayer); });
    var haloEntry = document.querySelector(".bm-legend li[data-legend='halo']");
    if (haloEntry) {
      var box = document.createElement("input");
      box.type = "checkbox";
      box.className = "bm-halos";
      var label = el("label", "bm-halos-label", [box, " ", bi(["全部显示", "show all"])]);
      haloEntry.appendChild(label);
      box.addEventListener("change", function () {
        halos.all = box.checked;
        applyHalos(map, groups, state.dayLayer);
      });
    }
    Array.prototype.forEach.call(document.querySelectorAll(".bm-twin"), function (details) {
      var tbody = details.querySelector("tbody[data-phase]");
      if (!tbody) { return; }
      var phaseId = tbody.getAttribute("data-phase");
      function fill() {
        if (!details.open || tbody.hasChildNodes()) { return; }
        var ids = [];
        data.groups.forEach(function (group) {
          if (group.id !== "reference" && (!atlas || group.id === phaseId)) {
            group.items.forEach(function (item) { ids.push(item[0]); });
          }
        });
        fillTwin(tbody, ids, data);
      }
      details.addEventListener("toggle", fill);
      fill();
    });
    Array.prototype.forEach.call(document.querySelectorAll(".bm-goto"), function (button) {
      button.addEventListener("click", function () { goTo(button.getAttribute("data-feature")); });
    });
    Array.prototype.forEach.call(document.querySelectorAll(".bm-lang button"), function (button) {
      button.addEventListener("click", function () { setLanguage(button.getAttribute("data-lang")); });
    });
    var drawer = document.querySelector(".bm-drawer");
    if (drawer) {
      drawer.addEventListener("click", function () {
        var collapsed = panel.classList.toggle("bm-collapsed");
        document.body.classList.toggle("bm-drawer-collapsed", collapsed);
        drawer.setAttribute("aria-expanded", collapsed ? "false" : "true");
      });
    }
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var tag = target && target.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) { return; }
      if (event.altKey || event.ctrlKey || event.metaKey) { return; }
      if (event.key === "ArrowRight") { step(1); event.preventDefault(); }
      if (event.key === "ArrowLeft") { step(-1); event.preventDefault(); }
    });
    /* A citation (#src-<id>) opens the bibliography at its entry, even from inside a popup. */
    function showSource() {
      var hash = window.location.hash;
      if (hash.indexOf("#src-") !== 0) { return false; }
      var entry;
      try { entry = document.getElementById(decodeURIComponent(hash.slice(1))); } catch (err) { return false; }
      if (!entry) { return false; }
      var details = entry.closest("details");
      if (details) { details.open = true; }
      if (panel && panel.classList.contains("bm-collapsed")) { drawer.click(); }
      entry.scrollIntoView({ block: "nearest" });
      entry.classList.add("bm-cited");
      return true;
    }
    window.addEventListener("hashchange", showSource);
    window.addEventListener("popstate", function () {
      var id = fromHash();
      if (id) { selectPhase(id, { push: false }); }
    });

    // The opening view is set at once (no camera move), so the names are placed where they stay.
    selectPhase(atlas ? (fromHash() || timeline.current) : timeline.current, { push: false, animate: false });

    /* Once the first view is drawn, prepare the other groups while the page is idle. */
    var ready = new Promise(function (resolve) {
      var waiting = Object.keys(groups).map(function (gid) { return groups[gid]; });
      function next() {
        var group = waiting.shift();
        if (!group) { resolve(true); return; }
        group.prepare(next);
      }
      whenIdle(next);
    });

    return {
      map: map,
      groups: groups,
      control: control,
      setLanguage: setLanguage,
      selectPhase: selectPhase,
      showDay: showDay,
      state: state,
      labels: labels,
      ready: ready
    };
  }

  window.BattleMap = { init: init };
})();
