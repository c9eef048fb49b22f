/* battlemap.js: draws a page's battle data on a Leaflet map and tells it phase by phase and
 * day by day. Part of hengyang-map (MIT).
 *
 * The page passes one data object built in Python: styles, icons, features (geometry, already
 * escaped tooltip and popup HTML, validity in day numbers, status styles) and groups (which
 * feature, in which style). Every group becomes a toggleable overlay. No network access: the
 * optional tile layer is the only thing that would load anything, and it is off by default. */
(function () {
  "use strict";

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function pointOf(geometry) {
    return L.latLng(geometry.coordinates[1], geometry.coordinates[0]);
  }

  function drawFeature(feature, styleIndex, data) {
    var geometry = feature.g;
    var options = L.extend({}, data.styles[styleIndex]);
    var layer;
    if (feature.i !== undefined) {
      var icon = data.icons[feature.i];
      layer = L.marker(pointOf(geometry), {
        icon: L.divIcon({
          html: icon.html,
          className: "bm-unit",
          iconSize: [icon.w, icon.h],
          iconAnchor: [icon.ax, icon.ay]
        }),
        keyboard: true,
        riseOnHover: true
      });
    } else if (geometry.type === "Point") {
      layer = L.circleMarker(pointOf(geometry), options);
    } else {
      layer = L.GeoJSON.geometryToLayer({ type: "Feature", properties: {}, geometry: geometry }, options);
    }
    layer.bindTooltip(feature.t, { direction: "top", sticky: geometry.type !== "Point", opacity: 0.95 });
    layer.bindPopup(feature.p, {
      maxWidth: 380,
      autoPanPaddingTopLeft: data.popupPad || [24, 24],
      autoPanPaddingBottomRight: [24, 24]
    });
    layer.featureId = feature.id;
    return layer;
  }

  function decorations(feature, changed, data) {
    var extra = [];
    if (feature.h && data.halo !== undefined) {
      var halo = L.circle(pointOf(feature.g), L.extend({ radius: feature.h }, data.styles[data.halo]));
      halo.isDecor = true;
      extra.push(halo);
    }
    if (changed && data.changed !== undefined) {
      var style = data.styles[data.changed];
      var ring = feature.g.type === "Point"
        ? L.circleMarker(pointOf(feature.g), style)
        : L.GeoJSON.geometryToLayer({ type: "Feature", properties: {}, geometry: feature.g }, style);
      ring.isDecor = true;
      extra.push(ring);
    }
    return extra;
  }

  function buildGroup(items, data) {
    var layers = [];
    items.forEach(function (item) {
      var feature = data.features[item[0]];
      layers = layers.concat(decorations(feature, item[2] === 1, data));
      layers.push(drawFeature(feature, item[1], data));
    });
    return L.featureGroup(layers);
  }

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

  function dayLabel(start, d) {
    var parts = start.split("-");
    var date = new Date(Date.UTC(+parts[0], +parts[1] - 1, +parts[2] + d));
    var y = date.getUTCFullYear(), m = date.getUTCMonth(), day = date.getUTCDate();
    return '<span lang="zh-Hans">' + y + "年" + (m + 1) + "月" + day + "日</span>" +
      '<span lang="en">' + day + " " + MONTHS[m] + " " + y + "</span>";
  }

  function setLanguage(code) {
    document.documentElement.setAttribute("data-lang", code);
    document.documentElement.setAttribute("lang", code === "en" ? "en" : "zh-Hans");
    var buttons = document.querySelectorAll(".bm-lang button");
    Array.prototype.forEach.call(buttons, function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-lang") === code ? "true" : "false");
    });
  }

  function init(map, data) {
    var timeline = data.timeline;
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
      var layer = buildGroup(group.items, data);
      layer.groupId = group.id;
      groups[group.id] = layer;
      overlays[group.label] = layer;
      if (group.show) {
        layer.addTo(map);
      }
    });
    var control = L.control.layers(bases, overlays, { collapsed: narrow, position: "topright" }).addTo(map);
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(data.attribution);

    var state = { phase: timeline.current, day: null, dayLayer: null, timer: null };
    var phaseIds = timeline.phases.map(function (p) { return p.id; });

    function fit(bounds) {
      var panelWidth = panel && !narrow ? panel.offsetWidth + 20 : 0;
      var panelHeight = panel && narrow ? panel.offsetHeight : 0;
      map.fitBounds(L.latLngBounds(bounds), {
        paddingTopLeft: [panelWidth + 16, 16],
        paddingBottomRight: [16, panelHeight + 16]
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
      output.innerHTML = dayLabel(timeline.start, d);
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
      var phase = phaseById(id);
      setSlider(phase ? phase.d[1] : timeline.range[1]);
      if (options.fit !== false) { fit(phase ? phase.fit : timeline.fit); }
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
        if (style >= 0) {
          layers = layers.concat(decorations(feature, false, data));
          layers.push(drawFeature(feature, style, data));
        }
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

    function fromHash() {
      var id = decodeURIComponent(window.location.hash.replace(/^#/, ""));
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
      var entry = document.getElementById(decodeURIComponent(hash.slice(1)));
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

    selectPhase(atlas ? (fromHash() || timeline.current) : timeline.current, { push: false });

    return {
      map: map,
      groups: groups,
      control: control,
      setLanguage: setLanguage,
      selectPhase: selectPhase,
      showDay: showDay,
      state: state
    };
  }

  window.BattleMap = { init: init };
})();
