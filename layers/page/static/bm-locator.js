/* bm-locator.js: the locator inset: where the battle lies. Part of hengyang-map (MIT).
 *
 * A Leaflet control in the top-left corner, under the zoom buttons (where the shipped battle's
 * names and symbols kept their places: bottom right hid a river's name, bottom left crowded
 * the symbols beside the panel), holding an SVG drawing: the region around the
 * battle (the data's locator places, rivers and railways, with names in the page's language,
 * and the battle's extent marked in red) and, in its corner, the country it lies in (the
 * country outlines of the offline base map, Natural Earth) with the region marked. A battle
 * without locator data gets the country outlines and the mark. A button hides and shows it;
 * the names follow the language switch (drawn again when html[data-lang] changes), and never
 * overlap each other, the marks or the overview. Text from the data is set with textContent. */
(function () {
  "use strict";

  var BM = window.BM, LN = BM.LN;
  var SVG = "http://www.w3.org/2000/svg";
  var SIZE = { wide: [200, 164], narrow: [160, 136] };
  var OVERVIEW = { wide: [66, 52], narrow: [58, 46] };
  var FONT = 11, GAP = 2;
  /* Less than any line of a name takes, per character and per line (em): a box this small
   * that finds no room around a place means the name finds none either. */
  var LEAST_EM = 0.2;

  function node(tag, attrs, parent) {
    var el = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (parent) { parent.appendChild(el); }
    return el;
  }

  function mercatorY(lat) {
    var phi = Math.max(-85, Math.min(85, lat)) * Math.PI / 180;
    return Math.log(Math.tan(Math.PI / 4 + phi / 2)) * 180 / Math.PI;
  }

  /* A projection of [west, south, east, north] onto a w×h box (north up, Mercator, equal
   * scale on both axes, centred), with a margin of m pixels. */
  function projection(bbox, w, h, m) {
    var x0 = bbox[0], x1 = bbox[2], y0 = mercatorY(bbox[1]), y1 = mercatorY(bbox[3]);
    var k = Math.min((w - 2 * m) / Math.max(x1 - x0, 1e-6), (h - 2 * m) / Math.max(y1 - y0, 1e-6));
    var cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    var p = function (lon, lat) { return [w / 2 + (lon - cx) * k, h / 2 - (mercatorY(lat) - cy) * k]; };
    p.scale = k;
    p.bbox = [cx - w / 2 / k, cy - h / 2 / k, cx + w / 2 / k, cy + h / 2 / k];  // lon and Mercator y
    return p;
  }

  function each(geometry, fn) {  // every line or ring of a GeoJSON geometry, as [lon, lat] lists
    var t = geometry.type, c = geometry.coordinates;
    if (t === "LineString") { fn(c); }
    if (t === "MultiLineString" || t === "Polygon") { c.forEach(fn); }
    if (t === "MultiPolygon") { c.forEach(function (poly) { poly.forEach(fn); }); }
  }

  function bboxOf(geometries) {
    var b = [Infinity, Infinity, -Infinity, -Infinity];
    geometries.forEach(function (g) {
      var add = function (p) { b[0] = Math.min(b[0], p[0]); b[1] = Math.min(b[1], p[1]); b[2] = Math.max(b[2], p[0]); b[3] = Math.max(b[3], p[1]); };
      if (g.type === "Point") { add(g.coordinates); } else { each(g, function (line) { line.forEach(add); }); }
    });
    return b;
  }

  function grow(b, f, least) {
    var w = Math.max(b[2] - b[0], least), h = Math.max(b[3] - b[1], least), cx = (b[0] + b[2]) / 2, cy = (b[1] + b[3]) / 2;
    return [cx - w * f / 2, cy - h * f / 2, cx + w * f / 2, cy + h * f / 2];
  }

  function overlaps(a, b) { return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]; }

  /* SVG path data of lines or rings, dropping points less than half a pixel apart and
   * parts wholly outside the box seen (bbox in lon and Mercator y). */
  function pathData(lines, p, closed) {
    var out = [];
    lines.forEach(function (line) {
      var last = null, d = [];
      var b = bboxOf([{ type: "LineString", coordinates: line }]);
      if (b[2] < p.bbox[0] || b[0] > p.bbox[2] || mercatorY(b[3]) < p.bbox[1] || mercatorY(b[1]) > p.bbox[3]) { return; }
      line.forEach(function (pt) {
        var q = p(pt[0], pt[1]);
        if (last && Math.abs(q[0] - last[0]) < 0.5 && Math.abs(q[1] - last[1]) < 0.5) { return; }
        d.push((d.length ? "L" : "M") + q[0].toFixed(1) + " " + q[1].toFixed(1));
        last = q;
      });
      if (d.length > 1) { out.push(d.join("") + (closed ? "Z" : "")); }
    });
    return out.join("");
  }

  function contains(ring, x, y) {  // point in ring (even-odd), [lon, lat]
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var a = ring[i], b = ring[j];
      if ((a[1] > y) !== (b[1] > y) && x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0]) { inside = !inside; }
    }
    return inside;
  }

  function countryAt(countries, lon, lat) {
    for (var i = 0; i < countries.length; i++) {
      var g = countries[i].geometry, polys = !g ? [] : g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      for (var j = 0; j < polys.length; j++) {
        var inside = false;
        polys[j].forEach(function (ring) { if (contains(ring, lon, lat)) { inside = !inside; } });
        if (inside) { return countries[i]; }
      }
    }
    return null;
  }

  function language() {
    var lang = document.documentElement.getAttribute(BM.A.LANG);
    return lang === LN.EN || lang === LN.BOTH ? lang : LN.DEFAULT;
  }

  /* The name's lines in the page's language: [zh], [en] or [zh, en]. */
  function nameLines(name) {
    var lang = language();
    return lang === LN.ZH ? [name[0]] : lang === LN.EN ? [name[1]] : [name[0], name[1]];
  }

  function attach(map, data) {
    var K = BM.K, LC = BM.LC, R = BM.R;
    var info = data[K.LOCATOR];
    if (!info) { return null; }
    var narrow = window.matchMedia("(max-width: 700px)").matches;
    var size = SIZE[narrow ? "narrow" : "wide"], over = OVERVIEW[narrow ? "narrow" : "wide"];
    var features = info[LC.FEATURES] || [];
    var box = info[LC.BOX];  // [[south, west], [north, east]]
    var battle = [box[0][1], box[0][0], box[1][1], box[1][0]];
    var open = info[LC.SHOW] && !narrow;  // a phone opens on the map: the inset is a tap away
    var printed = document.documentElement.classList.contains(BM.C.PRINT);
    if (printed) { open = true; }

    var root = BM.make("div", "bm-locator leaflet-control");
    root.setAttribute("role", "group");
    var heading = BM.make("span", "bm-locator-title", [BM.bi(info[LC.TITLE])]);
    root.setAttribute("aria-label", info[LC.TITLE].join(" / "));
    var button = BM.make("button", "bm-locator-switch");
    button.type = "button";
    var body = BM.make("div", BM.C.LOCATOR_BODY);
    var svg = node("svg", { width: size[0], height: size[1], viewBox: "0 0 " + size[0] + " " + size[1], role: "img" });
    body.appendChild(svg);
    var credit = BM.make("div", "bm-locator-credit", [BM.bi(info[LC.CREDIT])]);
    credit.style.maxWidth = size[0] + "px";  // wraps under the drawing, never widens the inset
    body.appendChild(credit);
    root.appendChild(BM.make("div", "bm-locator-head", [heading, button]));
    root.appendChild(body);
    L.DomEvent.disableClickPropagation(root);
    L.DomEvent.disableScrollPropagation(root);

    var geometries = features.map(function (f) { return f[R.GEOMETRY]; });
    var places = features.filter(function (f) { return f[R.GEOMETRY].type === "Point"; });
    var region;
    if (places.length) {  // the places named, and the battle: the lines run on off the edge
      region = grow(bboxOf(places.map(function (f) { return f[R.GEOMETRY]; }).concat([{ type: "LineString", coordinates: [[battle[0], battle[1]], [battle[2], battle[3]]] }])), 1.35, 0.5);
    } else {  // no locator data: the battle's extent, small in a wider region
      region = grow(battle, 8, 0.5);
      region = grow(region, 1, 3);
    }

    function draw() {
      svg.textContent = "";  // (one call: child by child is slow for thousands of places)
      var w = size[0], h = size[1];
      var p = projection(region, w, h, 4);
      node("rect", { x: 0, y: 0, width: w, height: h, "class": "bm-locator-sea" }, svg);
      var countries = BM.basemap.outlines() || [];
      var centre = [(battle[0] + battle[2]) / 2, (battle[1] + battle[3]) / 2];
      var host = countryAt(countries, centre[0], centre[1]);
      var outlines = [];
      countries.forEach(function (c) { if (c.geometry) { each(c.geometry, function (ring) { outlines.push(ring); }); } });
      node("path", { d: pathData(outlines, p, true), "class": "bm-locator-land", "fill-rule": "evenodd" }, svg);
      if (host) {
        var own = [];
        each(host.geometry, function (ring) { own.push(ring); });
        node("path", { d: pathData(own, p, true), "class": "bm-locator-host", "fill-rule": "evenodd" }, svg);
      }
      features.forEach(function (f) {
        var g = f[R.GEOMETRY];
        if (g.type === "Point") { return; }
        var lines = [];
        each(g, function (line) { lines.push(line); });
        var d = pathData(lines, p, false);
        if (f[R.KIND] === "railway") {
          node("path", { d: d, "class": "bm-locator-rail" }, svg);
          node("path", { d: d, "class": "bm-locator-rail-dash" }, svg);
        } else {
          node("path", { d: d, "class": "bm-locator-" + (f[R.KIND] === "river" ? "river" : "line") }, svg);
        }
      });
      // What names keep clear of: the overview, the battle's mark, every place's dot.
      var taken = [[0, 0, over[0] + 3, over[1] + 3]];
      var a = p(battle[0], battle[1]), b = p(battle[2], battle[3]);
      var mark = [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1])];
      if (mark[2] - mark[0] < 6) { var cx = (mark[0] + mark[2]) / 2; mark[0] = cx - 3; mark[2] = cx + 3; }
      if (mark[3] - mark[1] < 6) { var cy = (mark[1] + mark[3]) / 2; mark[1] = cy - 3; mark[3] = cy + 3; }
      taken.push(mark);
      var dots = places.map(function (f) {
        var q = p(f[R.GEOMETRY].coordinates[0], f[R.GEOMETRY].coordinates[1]);
        var inMark = q[0] >= mark[0] && q[0] <= mark[2] && q[1] >= mark[1] && q[1] <= mark[3];
        if (!inMark) {
          node("circle", { cx: q[0].toFixed(1), cy: q[1].toFixed(1), r: 2.6, "class": "bm-locator-place" }, svg);
          taken.push([q[0] - 3, q[1] - 3, q[0] + 3, q[1] + 3]);
        }
        return { feature: f, at: q, anchor: inMark ? mark : [q[0] - 3, q[1] - 3, q[0] + 3, q[1] + 3] };
      });
      node("rect", { x: mark[0].toFixed(1), y: mark[1].toFixed(1), width: (mark[2] - mark[0]).toFixed(1), height: (mark[3] - mark[1]).toFixed(1), "class": "bm-locator-battle" }, svg);
      var names = node("g", { "class": "bm-locator-names" }, svg);
      // what the drawing shows, for a screen reader: its title and the places it names
      var said = places.map(function (f) { return nameLines(f[R.NAME]).join(" "); });
      svg.setAttribute("aria-label", nameLines(info[LC.TITLE]).join(" ") + (said.length ? ": " + said.join(", ") : ""));
      // Each name with the anchors it may stand beside, in the order they are tried: a place's
      // dot, or (a line) points from the middle of what is seen outwards.
      var wanted = dots.map(function (dot) { return { words: dot.feature[R.NAME], anchors: [dot.anchor], cls: "bm-locator-name" }; });
      features.forEach(function (f) {
        var g = f[R.GEOMETRY];
        if (g.type === "Point") { return; }
        var inside = [];
        each(g, function (line) { line.forEach(function (pt) { var q = p(pt[0], pt[1]); if (q[0] > 0 && q[0] < w && q[1] > 0 && q[1] < h) { inside.push(q); } }); });
        if (!inside.length) { return; }
        wanted.push({
          words: f[R.NAME],
          cls: "bm-locator-name bm-locator-" + f[R.KIND] + "-name",
          anchors: [0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9].map(function (at) {
            var q = inside[Math.min(inside.length - 1, Math.floor(inside.length * at))];
            return [q[0] - 1, q[1] - 1, q[0] + 1, q[1] + 1];
          })
        });
      });
      // A name is made and measured only if a box smaller than any text of it has room (in a
      // campaign's thousands of places, most have none once the first are placed): measuring a
      // name lays the drawing out again, which took seconds when every name was measured.
      wanted.forEach(function (want) {
        var lines = nameLines(want.words), least = [LEAST_EM * FONT * longest(lines), LEAST_EM * FONT * lines.length];
        var room = want.anchors.some(function (anchor) {
          return spotsAround(anchor, least[0], least[1]).some(function (r) { return free(r, taken, w, h); });
        });
        if (!room) { return; }
        var text = nameText(names, want.words, want.cls), bb = measure(text);
        if (!want.anchors.some(function (anchor) { return place(text, bb, anchor, taken, w, h); })) { names.removeChild(text); }
      });
      drawOverview(countries, host);
    }

    /* A name's text element, in the page's language, in `parent`. */
    function nameText(parent, name, cls) {
      var lines = nameLines(name);
      var text = node("text", { "class": cls, "font-size": FONT }, parent);
      text.setAttribute("lang", lines.length === 1 && language() === LN.EN ? LN.EN_TAG : LN.ZH_TAG);
      lines.forEach(function (line, i) {
        var span = node("tspan", { x: 0, dy: i === 0 ? 0 : FONT + 1 }, text);
        if (lines.length > 1) { span.setAttribute("lang", i === 0 ? LN.ZH_TAG : LN.EN_TAG); }
        span.textContent = line;
      });
      text.lineCount = lines.length;
      text.longest = longest(lines);
      return text;
    }

    /* How many characters the longest of the lines has. */
    function longest(lines) { return lines.reduce(function (m, l) { return Math.max(m, l.length); }, 0); }

    /* The box a name's text really takes (ascent and descent included), from its first
     * baseline; guessed where the browser gives none. */
    function measure(text) {
      var bb = null;
      try { bb = text.getBBox(); } catch (err) { bb = null; }
      if (!bb || !bb.width) {
        bb = { x: 0, y: -FONT, width: text.longest * FONT * 0.6, height: text.lineCount * (FONT + 3) };
      }
      return { x: bb.x, y: bb.y, width: bb.width, height: bb.height };
    }

    /* The boxes a tw × th name may take around `anchor` (a box), in the order tried: right,
     * left, above, below and the corners. Each is set against the anchor's side, so a smaller
     * name's box at a spot lies within a larger one's: where a box smaller than a name has no
     * room, the name has none. */
    function spotsAround(anchor, tw, th) {
      var ax = (anchor[0] + anchor[2]) / 2, ay = (anchor[1] + anchor[3]) / 2;
      return [
        [anchor[2] + GAP, ay - th / 2], [anchor[0] - GAP - tw, ay - th / 2],
        [ax - tw / 2, anchor[1] - GAP - th], [ax - tw / 2, anchor[3] + GAP],
        [anchor[2] + GAP, anchor[1] - th], [anchor[2] + GAP, anchor[3]],
        [anchor[0] - GAP - tw, anchor[1] - th], [anchor[0] - GAP - tw, anchor[3]]
      ].map(function (at) { return [at[0], at[1], at[0] + tw, at[1] + th]; });
    }

    /* Whether box r lies inside the w × h drawing and clear of every box taken. */
    function free(r, taken, w, h) {
      if (r[0] < 1 || r[1] < 1 || r[2] > w - 1 || r[3] > h - 1) { return false; }
      return !taken.some(function (t) { return overlaps(t, r); });
    }

    /* A name in the first free spot around `anchor` (a box); true when placed, false when
     * none is free. */
    function place(text, bb, anchor, taken, w, h) {
      var spots = spotsAround(anchor, bb.width, bb.height);
      for (var i = 0; i < spots.length; i++) {
        var r = spots[i];
        if (!free(r, taken, w, h)) { continue; }
        taken.push(r);
        text.setAttribute("transform", "translate(" + (r[0] - bb.x).toFixed(1) + " " + (r[1] - bb.y).toFixed(1) + ")");
        return true;
      }
      return false;
    }

    /* The country in a corner: outlines, the host country stronger, the region marked. */
    function drawOverview(countries, host) {
      var w = over[0], h = over[1];
      var g = node("g", { "class": "bm-locator-overview" }, svg);
      node("rect", { x: 0.5, y: 0.5, width: w, height: h, "class": "bm-locator-frame" }, g);
      var whole = host ? grow(bboxOf([host.geometry]), 1.08, 1) : grow(region, 6, 10);
      var p = projection(whole, w, h, 2);
      var outlines = [];
      countries.forEach(function (c) { if (c.geometry) { each(c.geometry, function (ring) { outlines.push(ring); }); } });
      var clip = node("clipPath", { id: "bm-locator-clip" }, g);
      node("rect", { x: 0.5, y: 0.5, width: w, height: h }, clip);
      var inner = node("g", { "clip-path": "url(#bm-locator-clip)" }, g);
      node("path", { d: pathData(outlines, p, true), "class": "bm-locator-land", "fill-rule": "evenodd" }, inner);
      if (host) {
        var own = [];
        each(host.geometry, function (ring) { own.push(ring); });
        node("path", { d: pathData(own, p, true), "class": "bm-locator-host", "fill-rule": "evenodd" }, inner);
      }
      var a = p(region[0], region[1]), b = p(region[2], region[3]);
      var x = Math.min(a[0], b[0]), y = Math.min(a[1], b[1]);
      node("rect", { x: x.toFixed(1), y: y.toFixed(1), width: Math.max(3, Math.abs(b[0] - a[0])).toFixed(1), height: Math.max(3, Math.abs(b[1] - a[1])).toFixed(1), "class": "bm-locator-region" }, inner);
    }

    function setOpen(value) {
      open = value;
      body.hidden = !open;
      root.classList.toggle("bm-locator-closed", !open);
      root.style.width = open ? size[0] + 2 + "px" : "";  // the drawing's width, whatever the words
      button.setAttribute("aria-expanded", open ? "true" : "false");
      button.textContent = "";
      button.appendChild(BM.bi(info[LC.HIDE][open ? 0 : 1]));
      if (open) { draw(); }
      if (control.onToggle) { control.onToggle(open); }
    }
    button.addEventListener("click", function () { setOpen(!open); });

    var Inset = L.Control.extend({
      options: { position: "topleft" },
      onAdd: function () { return root; }
    });
    var control = new Inset();
    control.addTo(map);
    setOpen(open);
    new MutationObserver(function () { if (open) { draw(); } })
      .observe(document.documentElement, { attributes: true, attributeFilter: [BM.A.LANG] });

    control.isOpen = function () { return open; };
    control.setOpen = setOpen;
    control.element = root;
    return control;
  }

  BM.locator = { attach: attach };
})();
