/* bm-space.js: what is taken on the screen, for the names and symbols the page places. Part
 * of hengyang-map (MIT).
 *
 * Boxes on screen (with an owner: a feature never collides with itself), a Space that knows
 * which are taken (buckets of boxes, and a fine grid that refuses most candidates in a crowd
 * without reading them), the course of a line on screen for names set along it, and the
 * fan-out of unit symbols that would overlap. labels.js places with these. */
(function () {
  "use strict";

  /* Boxes closer than a pixel count as touching: names need air around them. */
  function overlaps(a, b) {
    return a.minX < b.maxX + 1 && a.maxX + 1 > b.minX && a.minY < b.maxY + 1 && a.maxY + 1 > b.minY;
  }

  function box(minX, minY, maxX, maxY, owner) {
    return { minX: minX, minY: minY, maxX: maxX, maxY: maxY, owner: owner };
  }

  function inside(b, size) {
    return b.minX >= 0 && b.minY >= 0 && b.maxX <= size.x && b.maxY <= size.y;
  }

  /* What is taken on screen. The boxes are kept in buckets of 32 px: a uniform grid, as names
   * and symbols are boxes of like size on a bounded screen, where a grid finds a box's
   * neighbours in a few lists (an R-tree was walked from its root for every try, thousands of
   * times per placement). A fine grid of 3 px cells marks the cells some box covers whole, so
   * that a candidate over a taken cell is refused at once (in a crowd most are); it only ever
   * refuses what the buckets would. */
  var CELL = 3, BUCKET = 32, NOBODY = {};
  /* Buckets reach this far beyond the screen (symbols off screen are placed up to 400 px out);
   * a box farther out is kept in the outermost buckets. */
  var MARGIN = 448;
  function ownerOf(b) { return b.owner === undefined ? NOBODY : b.owner; }
  function Space(size) {
    this.cols = Math.ceil(size.x / CELL) + 1;
    this.rows = Math.ceil(size.y / CELL) + 1;
    this.cells = new Array(this.cols * this.rows);
    this.bcols = Math.ceil((size.x + 2 * MARGIN) / BUCKET) + 1;
    this.brows = Math.ceil((size.y + 2 * MARGIN) / BUCKET) + 1;
    this.buckets = new Array(this.bcols * this.brows);
    this.span = [0, 0, 0, 0];  // reused: thousands of tries per placement
  }
  function clamp(v, n) { return v < 0 ? 0 : v >= n ? n - 1 : v; }
  /* The buckets over [x0, x1] × [y0, y1], as [first col, last col, first row, last row]. */
  Space.prototype.reach = function (x0, y0, x1, y1, out) {
    out[0] = clamp(Math.floor((x0 + MARGIN) / BUCKET), this.bcols);
    out[1] = clamp(Math.floor((x1 + MARGIN) / BUCKET), this.bcols);
    out[2] = clamp(Math.floor((y0 + MARGIN) / BUCKET), this.brows);
    out[3] = clamp(Math.floor((y1 + MARGIN) / BUCKET), this.brows);
    return out;
  };
  /* The cells lying whole inside b, as [first col, last col, first row, last row]. */
  Space.prototype.cellsIn = function (b, out) {
    out[0] = Math.max(0, Math.ceil(b.minX / CELL));
    out[1] = Math.min(this.cols, Math.floor(b.maxX / CELL)) - 1;
    out[2] = Math.max(0, Math.ceil(b.minY / CELL));
    out[3] = Math.min(this.rows, Math.floor(b.maxY / CELL)) - 1;
    return out;
  };
  Space.prototype.insert = function (b) {
    // in every bucket a box within a pixel of it touches (overlaps counts a pixel's air)
    var s = this.reach(b.minX - 1, b.minY - 1, b.maxX + 1, b.maxY + 1, this.span), r, c;
    for (r = s[2]; r <= s[3]; r++) {
      for (c = s[0]; c <= s[1]; c++) {
        var i = r * this.bcols + c;
        (this.buckets[i] || (this.buckets[i] = [])).push(b);
      }
    }
    s = this.cellsIn(b, this.span);
    var owner = ownerOf(b);
    for (r = s[2]; r <= s[3]; r++) {
      for (c = s[0]; c <= s[1]; c++) { this.cells[r * this.cols + c] = owner; }
    }
  };
  Space.prototype.load = function (boxes) { boxes.forEach(this.insert, this); };
  /* Whether b overlaps a box of another owner. */
  Space.prototype.taken = function (b) {
    var s = this.reach(b.minX, b.minY, b.maxX, b.maxY, this.span);
    for (var r = s[2]; r <= s[3]; r++) {
      for (var c = s[0]; c <= s[1]; c++) {
        var list = this.buckets[r * this.bcols + c];
        if (!list) { continue; }
        for (var k = 0; k < list.length; k++) {
          var o = list[k];
          if (o.owner !== b.owner && overlaps(b, o)) { return true; }
        }
      }
    }
    return false;
  };
  /* True when b certainly overlaps a box of another owner: a cell whole inside both is taken.
   * At most five cells a side are probed, spread over b (a symbol's box covers a hundred
   * cells): in a crowd one of them is taken; a miss only leaves b to the buckets. */
  Space.prototype.blocked = function (b) {
    var s = this.cellsIn(b, this.span), mine = ownerOf(b);
    var c0 = s[0], c1 = s[1], r0 = s[2], r1 = s[3];
    var dc = Math.max(1, (c1 - c0) >> 2), dr = Math.max(1, (r1 - r0) >> 2);
    for (var r = r0; r <= r1; r += dr) {
      for (var c = c0; c <= c1; c += dc) {
        var owner = this.cells[r * this.cols + c];
        if (owner !== undefined && owner !== mine) { return true; }
      }
    }
    return false;
  };

  function free(tree, b) {
    return !tree.blocked(b) && !tree.taken(b);
  }

  /* Points along a polyline given as its screen coordinates (xs, ys, each moved by dx, dy)
   * and the distance along it at each point (at: see lengths): the point at distance s.
   * Found by halving, not by walking from the start: a river's name tries a hundred places
   * along a course of hundreds of points, three points per letter. */
  function Course(xs, ys, at, dx, dy) {
    this.xs = xs;
    this.ys = ys;
    this.at = at || lengths(xs, ys);
    this.length = this.at[this.at.length - 1];
    this.dx = dx || 0;  // added to every point: a course kept for the zoom, moved for the view
    this.dy = dy || 0;
  }
  Course.prototype.pointAt = function (s) {
    var at = this.at, xs = this.xs, ys = this.ys, lo = 1, hi = at.length - 1;
    while (lo < hi) {  // the first i from 1 with at[i] >= s, or the last
      var mid = (lo + hi) >> 1;
      if (at[mid] < s) { lo = mid + 1; } else { hi = mid; }
    }
    var i = lo, span = at[i] - at[i - 1] || 1, t = Math.max(0, Math.min(1, (s - at[i - 1]) / span));
    // (whole pixels moved by whole pixels: the point a course of moved points gives, exactly)
    return { x: (xs[i - 1] + this.dx) + (xs[i] - xs[i - 1]) * t, y: (ys[i - 1] + this.dy) + (ys[i] - ys[i - 1]) * t };
  };
  /* The distance along a polyline at each of its points. Whole-pixel points moved by whole
   * pixels keep their distances exactly: they are computed once per zoom. */
  function lengths(xs, ys) {
    var at = new Float64Array(xs.length);
    for (var i = 1; i < xs.length; i++) {
      var x = xs[i - 1] - xs[i], y = ys[i - 1] - ys[i];
      at[i] = at[i - 1] + Math.sqrt(x * x + y * y);
    }
    return at;
  }
  function rotatedBox(cx, cy, w, h, angle, owner) {
    var c = Math.abs(Math.cos(angle)), s = Math.abs(Math.sin(angle));
    var hw = (w * c + h * s) / 2, hh = (w * s + h * c) / 2;
    return box(cx - hw, cy - hh, cx + hw, cy + hh, owner);
  }

  function turn(a, b) {
    var d = Math.abs(a - b) % (2 * Math.PI);
    return d > Math.PI ? 2 * Math.PI - d : d;
  }

  /* Offsets to try for a symbol that collides: by distance from its place, upper right first. */
  var fans = {};
  function fanOffsets(w, h) {
    var key = w + "x" + h;
    if (!fans[key]) { fans[key] = makeFan(w, h); }
    return fans[key];
  }

  /* Steps a symbol may move each way (the fan is FAN_STEPS² places around its own). */
  var FAN_STEPS = 6;
  function makeFan(w, h) {
    var out = [[0, 0, 0, 0]];
    for (var i = -FAN_STEPS; i <= FAN_STEPS; i++) {
      for (var j = -FAN_STEPS; j <= FAN_STEPS; j++) {
        if (i || j) { out.push([i * (w / 2 + 3), j * (h / 2 + 3), i, j]); }
      }
    }
    out.sort(function (a, b) {
      var da = a[0] * a[0] + a[1] * a[1], db = b[0] * b[0] + b[1] * b[1];
      if (da !== db) { return da - db; }
      return (b[2] - b[3]) - (a[2] - a[3]) || a[2] - b[2] || a[3] - b[3];
    });
    return out;
  }

  /* A crowd so dense that this many symbols in a row found no free place is full: the
   * symbols after them stay at their places unfanned, as a symbol with no free place does
   * (and the names after as many names without room wait for a closer view, labels.js). Each
   * of them has tried every place within six steps of its own: two hundred such in a row leave
   * no doubt (a 1280 × 800 view holds some 900 symbols with their designations), and each
   * costs 169 tries. */
  var OPTIONS = window.BM_OPTIONS || {};
  var FULL_AFTER = OPTIONS.fullAfter !== undefined ? OPTIONS.fullAfter : 200;

  /* The places tried near each side (the nearest of the fan's: within two steps), so that in a
   * crowd a symbol half under the panel costs a few times the tries of any other, not five. */
  var ESCAPE_TRIES = 25;

  /* Beyond the places near its own, a symbol under the panel or a control in part (a layer
   * list can be hundreds of pixels across) tries just past each side of what covers it, the
   * nearest side first, and the places near there: the offsets of those sides. */
  function escapes(natural, furniture) {
    var out = [];
    furniture.forEach(function (f) {
      if (!overlaps(natural, f)) { return; }
      out.push([0, f.maxY + 1 - natural.minY], [f.minX - 1 - natural.maxX, 0], [f.maxX + 1 - natural.minX, 0],
        [0, f.minY - 1 - natural.maxY]);
    });
    return out.sort(function (a, b) { return (a[0] * a[0] + a[1] * a[1]) - (b[0] * b[0] + b[1] * b[1]); });
  }

  /* Whether box b, moved by up to (rx, ry) px, can show on a screen of `size`. */
  function reaches(b, rx, ry, size) {
    return b.maxX + rx >= 0 && b.minX - rx <= size.x && b.maxY + ry >= 0 && b.minY - ry <= size.y;
  }

  /* Whether box b lies wholly under one of the boxes `over`. */
  function covered(b, over) {
    return over.some(function (f) {
      return b.minX >= f.minX && b.maxX <= f.maxX && b.minY >= f.minY && b.maxY <= f.maxY;
    });
  }

  /* Unit symbols fanned out where they would overlap each other or stand under the panel or a
   * control (furniture: boxes): each takes the nearest free place (on screen if it is on
   * screen; entry.offset, from its true place), a leader line runs from its true place, which
   * stays marked (lines: [x0, y0, x1, y1, true]); every symbol's box and mark are taken in
   * `tree`. */
  function fanOut(units, tree, lines, lang, size, furniture) {
    // The symbols placed so far, in a space of their own (a grid refuses most tries at once),
    // and the panel and the map's controls, which a symbol does not stand under either.
    var placed = new Space(size), count = 0, missed = 0;
    furniture = furniture || [];
    furniture.forEach(function (b) { placed.insert(b); });
    // Each symbol owns its boxes there by its place in the list: two copies of one unit (the
    // atlas showing several phases) fan out like any two symbols. Tries reuse one box.
    var trial = box(0, 0, 0, 0), taken = [];
    // [offset, box] if natural moved by (ox, oy) is free (and on screen unless anywhere), or null.
    function tryAt(natural, ox, oy, anywhere) {
      trial.minX = natural.minX + ox;
      trial.minY = natural.minY + oy;
      trial.maxX = natural.maxX + ox;
      trial.maxY = natural.maxY + oy;
      if ((anywhere || inside(trial, size)) && free(placed, trial)) {
        return [[ox, oy], box(trial.minX, trial.minY, trial.maxX, trial.maxY, natural.owner)];
      }
      return null;
    }
    // Every shape is read before any symbol moves: one layout, not one per symbol.
    var shapes = units.map(function (entry) { return entry.layer.shape(lang); });
    units.forEach(function (entry, n) {
      var layer = entry.layer, p = entry.point, shape = shapes[n];
      var w = shape[2] - shape[0], h = shape[3] - shape[1];
      var natural = box(p.x + shape[0], p.y + shape[1], p.x + shape[2], p.y + shape[3], entry.id);
      // A symbol on screen moves only to a free place on screen; one off screen anywhere free;
      // one wholly under the panel or a control stays there, as out of sight as off screen.
      var onScreen = inside(natural, size), chosen = null, offsets = missed >= FULL_AFTER ? [] : fanOffsets(w, h);
      // One so far off screen that no place of its fan shows stays where it is, taking no
      // room: all it could take is off screen, beyond the names' reach (60 px; a fan's six
      // steps reach farther). At the 100k bench's pan, half the symbols collected.
      if (!onScreen && !reaches(natural, FAN_STEPS * (w / 2 + 3), FAN_STEPS * (h / 2 + 3), size)) {
        entry.offset = [0, 0];
        return;
      }
      var under = covered(natural, furniture);
      if (under) { chosen = [[0, 0], natural]; }
      trial.owner = n;
      for (var k = 0; k < offsets.length && !chosen; k++) {
        chosen = tryAt(natural, offsets[k][0], offsets[k][1], k === 0 || !onScreen);
      }
      var sides = chosen || !offsets.length ? [] : escapes(natural, furniture);
      for (var e = 0; e < sides.length && !chosen; e++) {
        for (k = 0; k < ESCAPE_TRIES && !chosen; k++) {
          chosen = tryAt(natural, sides[e][0] + offsets[k][0], sides[e][1] + offsets[k][1], !onScreen);
        }
      }
      missed = under ? missed : chosen ? 0 : missed + 1;
      if (!chosen) { chosen = [[0, 0], natural]; }
      var drawn = layer.size();  // the symbol's width and height at this zoom
      entry.offset = [chosen[0][0], chosen[0][1]];  // the symbol is moved there when the placement is shown
      // Once the crowd is full no later symbol tries a place: what is placed no longer matters.
      if (missed < FULL_AFTER) { placed.insert(box(chosen[1].minX, chosen[1].minY, chosen[1].maxX, chosen[1].maxY, n)); }
      count += 1;
      taken.push(chosen[1]);
      if (chosen[0][0] || chosen[0][1]) {
        var b2 = chosen[1];
        var cx = Math.max(b2.minX, Math.min(p.x, b2.minX + drawn[0]));
        var cy = Math.max(b2.minY, Math.min(p.y, b2.minY + drawn[1]));
        lines.push([p.x, p.y, cx, cy, true]);
        taken.push(box(p.x - 4, p.y - 4, p.x + 4, p.y + 4, entry.id));
      }
    });
    tree.load(taken);  // for the names: in one bulk load, not thousands of inserts
    return count;
  }

  /* Container pixels of (lng, lat) in the map's current view: exactly what Leaflet's
   * latLngToContainerPoint gives (its projection, rounded as it rounds), without making a
   * LatLng and three Points for each of thousands of places per view. */
  function screen(map) {
    var o = offset(map);
    return projector(map, o.x, o.y);
  }

  /* A point's whole-pixel place in the world at the map's zoom: Leaflet's projection, rounded
   * as it rounds a layer point. The screen is this less offset(map). */
  function absolute(map) { return projector(map, 0, 0); }

  /* Places projected as Leaflet projects them at the map's zoom, less (ox, oy): as {x, y}, or
   * as Leaflet's points (asPoints). */
  function projector(map, ox, oy, asPoints) {
    var crs = map.options.crs, M = L.Projection.SphericalMercator, zoom = map.getZoom();
    if (crs !== L.CRS.EPSG3857) {
      return function (lng, lat) {
        var p = map.project([lat, lng], zoom).round();
        return asPoints ? new L.Point(p.x - ox, p.y - oy) : { x: p.x - ox, y: p.y - oy };
      };
    }
    var s = crs.scale(zoom), k = 0.5 / (Math.PI * M.R), d = Math.PI / 180, max = M.MAX_LATITUDE;
    return function (lng, lat) {
      var sin = Math.sin(Math.max(Math.min(max, lat), -max) * d);
      var x = Math.round(s * (k * (M.R * lng * d) + 0.5)) - ox;
      var y = Math.round(s * (-k * (M.R * Math.log((1 + sin) / (1 - sin)) / 2) + 0.5)) - oy;
      return asPoints ? new L.Point(x, y) : { x: x, y: y };
    };
  }

  /* Leaflet's latLngToLayerPoint (its projection, rounded as it rounds, less the pixel
   * origin) as one function per zoom and origin, kept on the map: the paths of a large
   * battle are projected by the thousand at each zoom, and Leaflet made a LatLng check and
   * three Points for each of their points. */
  function layerPoints(map) {
    var kept = map.bmLayerPoints, origin = map.getPixelOrigin(), zoom = map.getZoom();
    if (!kept || kept.x !== origin.x || kept.y !== origin.y || kept.zoom !== zoom || kept.crs !== map.options.crs) {
      kept = map.bmLayerPoints = { x: origin.x, y: origin.y, zoom: zoom, crs: map.options.crs,
        at: projector(map, origin.x, origin.y, true) };
    }
    return kept.at;
  }
  function offset(map) {
    var origin = map.getPixelOrigin(), at = map.containerPointToLayerPoint([0, 0]);
    return { x: origin.x + at.x, y: origin.y + at.y };
  }

  window.BM.space = {
    screen: screen,
    absolute: absolute,
    layerPoints: layerPoints,
    offset: offset,
    lengths: lengths,
    box: box,
    overlaps: overlaps,
    inside: inside,
    Space: Space,
    free: free,
    Course: Course,
    rotatedBox: rotatedBox,
    turn: turn,
    fanOut: fanOut,
    FULL_AFTER: FULL_AFTER
  };
})();
