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

  /* The screen an area takes, as boxes: its rings (screen points, [xs, ys] each; filled even-odd,
   * as the canvas fills them) cut into horizontal strips `step` px high, each strip's spans of
   * the area a box, widened by `pad` each way (its stroke, and air). Exact to the strip: a
   * strip's spans are where the area crosses its top and bottom edges, and the x-ranges of its
   * outline's pieces inside it (each part of the area within the strip reaches no farther than
   * its outline there). Strips only within `clip` (a box): an arrow across the whole view costs
   * its height on screen in boxes, not its length in the world. Boxes are pushed to out. */
  function bands(rings, step, pad, clip, owner, out) {
    var minY = Infinity, maxY = -Infinity, r, i;
    for (r = 0; r < rings.length; r++) {
      var ys = rings[r][1];
      for (i = 0; i < ys.length; i++) { minY = Math.min(minY, ys[i]); maxY = Math.max(maxY, ys[i]); }
    }
    var y0 = Math.max(Math.floor(minY), Math.floor(clip.minY)), y1 = Math.min(Math.ceil(maxY), Math.ceil(clip.maxY));
    if (!(y0 <= y1)) { return out; }
    var n = Math.max(1, Math.ceil((y1 - y0) / step)), spans = new Array(n);
    for (var k = 0; k < n; k++) { spans[k] = []; }
    // where the area crosses each strip's edges (even-odd, as filled)
    var edges = [];
    for (k = 0; k <= n; k++) { edges.push(crossings(rings, y0 + k * step)); }
    for (k = 0; k < n; k++) { spans[k].push.apply(spans[k], edges[k]); spans[k].push.apply(spans[k], edges[k + 1]); }
    // and its outline's pieces inside each strip
    for (r = 0; r < rings.length; r++) {
      var xs = rings[r][0], ry = rings[r][1], m = xs.length;
      for (i = 0; i < m; i++) {
        var ax = xs[i], ay = ry[i], bx = xs[(i + 1) % m], by = ry[(i + 1) % m];
        var lo = Math.min(ay, by), hi = Math.max(ay, by);
        var k0 = Math.max(0, Math.floor((lo - y0) / step)), k1 = Math.min(n - 1, Math.floor((hi - y0) / step));
        for (k = k0; k <= k1; k++) {
          var top = Math.max(lo, y0 + k * step), bottom = Math.min(hi, y0 + (k + 1) * step);
          if (top > bottom) { continue; }
          var xa = by === ay ? ax : ax + (bx - ax) * (top - ay) / (by - ay);
          var xb = by === ay ? bx : ax + (bx - ax) * (bottom - ay) / (by - ay);
          spans[k].push([Math.min(xa, xb), Math.max(xa, xb)]);
        }
      }
    }
    for (k = 0; k < n; k++) {
      var list = spans[k].sort(function (a, b) { return a[0] - b[0]; }), top2 = y0 + k * step, at = null;
      for (i = 0; i < list.length; i++) {
        if (at && list[i][0] <= at[1] + 2 * pad) { at[1] = Math.max(at[1], list[i][1]); continue; }
        if (at) { out.push(box(at[0] - pad, top2 - pad, at[1] + pad, top2 + step + pad, owner)); }
        at = [list[i][0], list[i][1]];
      }
      if (at) { out.push(box(at[0] - pad, top2 - pad, at[1] + pad, top2 + step + pad, owner)); }
    }
    return out;
  }

  /* The spans [x0, x1] where the horizontal line at y lies inside the rings (even-odd). */
  function crossings(rings, y) {
    var xs = [], out = [];
    for (var r = 0; r < rings.length; r++) {
      var rx = rings[r][0], ry = rings[r][1], m = rx.length;
      for (var i = 0; i < m; i++) {
        var ax = rx[i], ay = ry[i], bx = rx[(i + 1) % m], by = ry[(i + 1) % m];
        if ((ay > y) !== (by > y)) { xs.push(ax + (bx - ax) * (y - ay) / (by - ay)); }
      }
    }
    xs.sort(function (a, b) { return a - b; });
    for (var j = 0; j + 1 < xs.length; j += 2) { out.push([xs[j], xs[j + 1]]); }
    return out;
  }

  /* How far point p lies from the nearest edge of the rings (screen points, [xs, ys] each). */
  function clearance(p, rings) {
    var best = Infinity;
    for (var r = 0; r < rings.length; r++) {
      var xs = rings[r][0], ys = rings[r][1], m = xs.length;
      for (var i = 0; i < m; i++) {
        var ax = xs[i], ay = ys[i], dx = xs[(i + 1) % m] - ax, dy = ys[(i + 1) % m] - ay;
        var t = dx || dy ? Math.max(0, Math.min(1, ((p.x - ax) * dx + (p.y - ay) * dy) / (dx * dx + dy * dy))) : 0;
        var ex = ax + dx * t - p.x, ey = ay + dy * t - p.y;
        best = Math.min(best, Math.sqrt(ex * ex + ey * ey));
      }
    }
    return best;
  }

  function turn(a, b) {
    var d = Math.abs(a - b) % (2 * Math.PI);
    return d > Math.PI ? 2 * Math.PI - d : d;
  }

  /* Kinds of leader line: a name's callout, a symbol's from a dot at its true place, and a
   * symbol's from the rim of the point's own mark there. */
  var CALLOUT = 0, LEADER_DOT = 1, LEADER_RIM = 2;
  /* Half the side of the square a moved symbol leaves clear at its true place (its leader's
   * dot, radius 3, and a pixel of air). */
  var HOME = 4;

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

  /* Unit symbols fanned out where they would overlap each other, a point's mark (marks: the
   * boxes of position dots and hill signs, which stay at their true places) or stand under
   * the panel or a control (furniture: boxes): each takes the nearest free place (on screen
   * if it is on screen; entry.offset, from its true place), a leader line runs from its true
   * place, which stays marked with a dot (lines: [x0, y0, x1, y1, LEADER_DOT]), unless a mark
   * is there already (the line then starts at the mark's rim: LEADER_RIM); every symbol's box and
   * mark are taken in `tree`. A symbol's box is its whole drawing: the frame, its echelon
   * and amplifiers above it, and its designation (UnitMark.shape). */
  function fanOut(units, tree, lines, lang, size, furniture, marks) {
    // The symbols placed so far, in a space of their own (a grid refuses most tries at once),
    // the panel and the map's controls, which a symbol does not stand under either, and the
    // points' marks, which a symbol does not hide.
    var placed = new Space(size), count = 0, missed = 0;
    furniture = furniture || [];
    marks = marks || [];
    furniture.forEach(function (b) { placed.insert(b); });
    // The marks by their middles (a point's whole-pixel place), those at one place as one box
    // that holds them all (each is centred there): a view of a whole campaign piles hundreds
    // of dots on a pixel, and a symbol tried there reads one box, not hundreds.
    var marked = new Map();
    marks.forEach(function (b) {
      var cx = Math.round((b.minX + b.maxX) / 2), cy = Math.round((b.minY + b.maxY) / 2), key = cx * 1048576 + cy;
      var kept = marked.get(key), hx = Math.max(cx - b.minX, b.maxX - cx), hy = Math.max(cy - b.minY, b.maxY - cy);
      if (!kept) { marked.set(key, box(cx - hx, cy - hy, cx + hx, cy + hy, b.owner)); return; }
      kept.minX = Math.min(kept.minX, cx - hx);
      kept.maxX = Math.max(kept.maxX, cx + hx);
      kept.minY = Math.min(kept.minY, cy - hy);
      kept.maxY = Math.max(kept.maxY, cy + hy);
    });
    marked.forEach(function (b) { placed.insert(b); });
    // Each symbol owns its boxes there by its place in the list: two copies of one unit (the
    // atlas showing several phases) fan out like any two symbols. Tries reuse one box.
    var trial = box(0, 0, 0, 0), taken = [], home = box(0, 0, 0, 0);
    // [offset, box] if natural moved by (ox, oy) is free (and on screen unless anywhere), or null.
    // Moved, it must leave its true place (home) in sight too: the leader's end marks it there.
    function tryAt(natural, ox, oy, anywhere) {
      trial.minX = natural.minX + ox;
      trial.minY = natural.minY + oy;
      trial.maxX = natural.maxX + ox;
      trial.maxY = natural.maxY + oy;
      if ((ox || oy) && overlaps(trial, home)) { return null; }
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
      home.minX = p.x - HOME;
      home.minY = p.y - HOME;
      home.maxX = p.x + HOME;
      home.maxY = p.y + HOME;
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
        var mark = marked.get(p.x * 1048576 + p.y);
        if (mark) {  // the place is marked already: the line runs from the mark's rim
          var d = Math.sqrt((cx - p.x) * (cx - p.x) + (cy - p.y) * (cy - p.y)) || 1;
          var rim = Math.min(d, (mark.maxX - mark.minX) / 2);
          lines.push([p.x + (cx - p.x) * rim / d, p.y + (cy - p.y) * rim / d, cx, cy, LEADER_RIM]);
        } else {
          lines.push([p.x, p.y, cx, cy, LEADER_DOT]);
          taken.push(box(p.x - HOME, p.y - HOME, p.x + HOME, p.y + HOME, entry.id));
        }
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
    bands: bands,
    clearance: clearance,
    turn: turn,
    fanOut: fanOut,
    CALLOUT: CALLOUT,
    LEADER_DOT: LEADER_DOT,
    LEADER_RIM: LEADER_RIM,
    FULL_AFTER: FULL_AFTER
  };
})();
