/* labels.js: writes names on the map without collisions. Part of hengyang-map (MIT).
 *
 * After every view change (and a language or phase change) it:
 *   0. draws each hill's sign (▲) on its summit, over its position's dot if it has one (a hill
 *      area's sign open, △, in its middle where no source gives its summit): the sign and the
 *      dot stay at the true place at every zoom; only the name moves;
 *   0b. folds the marks of points that would cover each other at this zoom: in rank order, a
 *      point's dot (and sign) that would overlap one already kept is not drawn, and the kept
 *      mark shows how many it stands for, with a button that zooms in to them;
 *   1. fans out unit symbols that would overlap each other or a point's dot or sign, each with
 *      a leader line to its true place, which stays marked with a dot;
 *   2. places names in rank order (the build ranks them: what the phase is about first, then
 *      key places, then the rest): beside a point (eight candidates, upper right first),
 *      inside an area, along a river (italic, spaced, repeated along a long course) or a
 *      line, or beside an arrow's middle with its dates. A name that fits nowhere is left
 *      out until a zoom makes room.
 * Collisions are tested on screen boxes (bm-space.js), against the unit symbols, the point
 * markers and hill signs, the arrows as drawn (shaft and head: an arrow's dates are set beside
 * its shaft, clear of it), the map's controls and the side panel.
 * Placement is deterministic: the same page, view and language give the same names in the
 * same places. Text is set with textContent only. */
(function () {
  "use strict";

  /* Boxes, what is taken on screen, courses along lines and the symbols' fan-out (bm-space.js). */
  var S = window.BM.space, box = S.box, inside = S.inside, Space = S.Space, free = S.free;
  var Course = S.Course, rotatedBox = S.rotatedBox, turn = S.turn;

  /* The record keys and placement codes, from the build's contract (bm-core.js). */
  var R, P;
  /* The language codes and the HTML lang tags, from the page's names (bm-core.js). */
  var LN = window.BM.LN;
  var GAP = 2;
  /* Names ranked this high or higher may stand off their point, joined by a leader line. */
  var CALLOUT_RANK = 2;
  /* How far out (px beyond its point's rim) such a name may stand: a place's name as far as
   * the last step (at an overview of a crowded city, the key hills' names stand that far out
   * rather than go unnamed); an arrow's dates no farther than the one before it (farther, they
   * would not read as the arrow's: they wait for a closer view). */
  var CALLOUT_STEPS = [16, 30, 48, 70, 100];
  /* A view so crowded that this many names in a row found no room is full: the names after
   * them (all but the key ones, which are always tried) wait for a closer view, as a name
   * with no room does. Thousands of names on one screen are then not all tried in vain. */
  var FULL_AFTER = S.FULL_AFTER;  // one count for names and symbols (bm-space.js)
  /* Candidate corners around a point, in order of preference (upper right first). */
  var AROUND = [[1, -1], [1, 1], [-1, -1], [-1, 1], [1, 0], [-1, 0], [0, -1], [0, 1]];
  /* A hill's sign (▲), width and height in px with its outline: drawn at the summit, at every
   * zoom; its name is set beside it. It fits inside a position's dot (radius 8). */
  var SIGN = [12, 11];
  /* An arrow is taken on screen as strips this many px high (bm-space.js, bands). */
  var BAND = 4;

  function currentLang() {
    return document.documentElement.getAttribute(BM.A.LANG) || LN.DEFAULT;
  }

  /* The lines a label shows in the current language. */
  function textLines(pair, lang) {
    if (lang === LN.ZH) { return [pair[0]]; }
    if (lang === LN.EN) { return [pair[1]]; }
    return pair[0] === pair[1] ? [pair[0]] : [pair[0], pair[1]];
  }

  function Labeler(map, data, visible) {
    var self = this;
    R = window.BM.R;
    P = window.BM.P;
    this.loaded = false;
    map.whenReady(function () { self.loaded = true; });
    this.map = map;
    this.data = data;
    this.visible = visible;
    this.pane = map.createPane("bm-labels");
    this.pane.style.zIndex = "645";
    this.pane.style.pointerEvents = "none";
    this.pane.setAttribute("aria-hidden", "true");  // the text version names everything for screen readers
    this.counts = map.createPane("bm-folds");  // the counts of folded marks: buttons (see fold)
    this.counts.style.zIndex = "646";
    this.counts.style.pointerEvents = "none";
    var svgNS = "http://www.w3.org/2000/svg";
    this.leaders = document.createElementNS(svgNS, "svg");
    this.leaders.setAttribute("class", "bm-leaders");
    this.leaders.setAttribute("aria-hidden", "true");
    map.createPane("bm-leaders").appendChild(this.leaders);
    map.getPane("bm-leaders").style.zIndex = "590";
    map.getPane("bm-leaders").style.pointerEvents = "none";
    this.measures = {};
    this.courses = new WeakMap();  // feature -> its course at a zoom (courseOf)
    this.pass = {};  // measured before the fonts were ready: kept for one placement
    this.shown = [];
    this.count = 0;
    this.pending = false;
    this.moving = false;
    map.on("zoomstart", function () {
      self.pane.style.visibility = "hidden";
      self.leaders.style.visibility = "hidden";
      self.counts.style.visibility = "hidden";
    });
    map.on("movestart", function () { self.moving = true; });
    map.on("moveend", function () { self.moving = false; self.settle(); });  // (a zoom ends with its move)
    // A zoom's folds are made as it ends, before the canvases draw the new view (on moveend),
    // so that they draw it once, folded; the placement that follows finds them made.
    map.on("zoomend", function () { self.foldForZoom(); });
    window.BM.layers.beforeDraw.then = function () { self.foldForZoom(); };  // (a culled page's move)
    map.on("resize overlayadd overlayremove", function () { self.schedule(); });
    window.BM.units.placedBy(function () { return self.pending && self.loaded && !self.moving; });
    document.addEventListener("bm:lang", function () { self.place(); });
    /* Text measured before the fonts are ready is measured again once they are (when some
     * are still loading: otherwise the promise is already resolved, and a second placement
     * would follow the first at once). */
    if (document.fonts && document.fonts.ready && !fontsReady()) {
      document.fonts.ready.then(function () { self.measures = {}; self.place(); });
    }
  }

  function fontsReady() {
    return !document.fonts || document.fonts.status === "loaded";
  }

  /* Place again once the browser is ready to draw (many triggers, one placement). The
   * placement is asked for anew each time, so that it comes after whatever the page asked of
   * the next frame meanwhile: a phase shown with a camera move (the move starts in that frame)
   * is placed once, where the camera ends (moveend), not also where it starts. */
  Labeler.prototype.schedule = function () {
    var self = this;
    if (this.pending) { window.cancelAnimationFrame(this.pending); }
    this.pending = window.requestAnimationFrame(function () {
      self.pending = false;
      if (!self.moving) { self.place(); }  // moving: placed when the move ends
    });
  };

  /* A move has ended: place now that the map has followed the view (each canvas draws in its
   * own handler of the same event), in a microtask after them, so that the names show in the
   * same frame as the map they name rather than a frame later. A placement asked for meanwhile
   * is this one; a move begun meanwhile is placed when it ends. */
  var soon = window.queueMicrotask ? window.queueMicrotask.bind(window) : function (fn) { Promise.resolve().then(fn); };
  Labeler.prototype.settle = function () {
    var self = this;
    if (this.settling) { return; }
    this.settling = true;
    soon(function () {
      self.settling = false;
      if (self.moving) { return; }
      if (self.pending) { window.cancelAnimationFrame(self.pending); self.pending = false; }
      self.place();
    });
  };

  /* The key a name's size is known by: its class, text and language (made once per record
   * and language: thousands of names are looked up per view). */
  var keys = new WeakMap();
  function nameKey(record, lang) {
    var known = keys.get(record);
    if (!known) { keys.set(record, known = {}); }
    return known[lang] || (known[lang] = record[R.PLACEMENT] + "|" + (record[R.RANK] <= 1) + "|" + lang + "|" +
      record[R.LABEL].join("|") + "|" + (record[R.ELEVATION] || ""));
  }

  /* A box no larger than name's own (the smallest font is 11 px with a line height of 1.15;
   * no glyph is narrower than 0.2 em): a name that cannot place even this box, on the same
   * side of its point and so inside its own, cannot be placed, and is not measured. */
  function least(record, lang) {
    var lines = textLines(record[R.LABEL], lang), chars = 0;
    lines.forEach(function (line) { chars = Math.max(chars, line.length); });
    return [Math.max(4, chars * 2.2), lines.length * 12];
  }
  /* Names measured together: one layout of the pane for them all. */
  var BATCH = 64;

  /* The size of a name, if known (measured once per class, text and language). */
  Labeler.prototype.known = function (key) {
    return this.measures[key] || this.pass[key];
  };

  /* Measure names[i] and, in the same layout, the next names not measured yet that could still
   * be placed (each would fit its smallest box somewhere now: as names are placed, space only
   * shrinks, so a name that cannot fit now is never measured). */
  Labeler.prototype.measureAhead = function (names, i, lang, tree, size) {
    var batch = [], queued = {};
    for (var j = i; j < names.length && batch.length < BATCH; j++) {
      var entry = names[j], record = entry.record, kind = record[R.PLACEMENT];
      if (kind === P.RIVER || kind === P.LINE || entry.stuck) { continue; }
      var key = nameKey(record, lang);
      if (this.known(key) || queued[key]) { continue; }
      if (j > i && !this.spot(entry, least(record, lang), tree, size)) { entry.stuck = true; continue; }
      queued[key] = true;
      batch.push(record);
    }
    this.measureNames(batch, lang);
  };

  /* Measure these names (records of names not measured yet), all in one layout of the pane. */
  Labeler.prototype.measureNames = function (records, lang) {
    var self = this, ready = fontsReady();
    var batch = records.map(function (record) {
      var node = labelNode(record[R.PLACEMENT], textLines(record[R.LABEL], lang), lang, record);
      node.style.transform = "none";
      node.style.visibility = "hidden";
      return [nameKey(record, lang), node];
    });
    measured(this.pane, batch.map(function (item) { return item[1]; })).forEach(function (r, k) {
      var known = [Math.ceil(r.width), Math.ceil(r.height)];
      if (ready) { self.measures[batch[k][0]] = known; } else { self.pass[batch[k][0]] = known; }
    });
  };

  /* The boxes of these nodes, put in `pane` for one layout and taken out again. */
  function measured(pane, nodes) {
    var fragment = document.createDocumentFragment();
    nodes.forEach(function (node) { fragment.appendChild(node); });
    pane.appendChild(fragment);
    var boxes = nodes.map(function (node) { return node.getBoundingClientRect(); });
    nodes.forEach(function (node) { pane.removeChild(node); });
    return boxes;
  }

  /* Names and letters measured ahead, while the page is idle: those a group would place at
   * the view shown now (its names with their points in view, first in rank order, and the
   * letters of its names along lines), in the page's language, so that showing the group (a
   * phase toggled in the layer control) places names already measured. They are measured as
   * a placement measures them, a batch to a layout, in slices of idle time; done() after. */
  var AHEAD = 512;  // names at most: more than a view holds
  Labeler.prototype.prepare = function (layers, done) {
    if (!this.loaded || !fontsReady()) { done(); return; }  // the fonts' arrival measures anew
    var self = this, lang = currentLang(), size = this.map.getSize(), toScreen = S.screen(this.map);
    var names = [], glyphs = [], seen = {};
    layers.forEach(function (layer) {
      var record = layer.record;
      if (!record || !record[R.LABEL] || record[R.ICON] !== undefined) { return; }
      var kind = record[R.PLACEMENT], key;
      if (kind === P.RIVER || kind === P.LINE) {
        var className = curvedClass(record);
        textLines(record[R.LABEL], lang).forEach(function (text) {
          Array.from(text).forEach(function (ch) {
            key = glyphKey(ch, className);
            if (!seen[key] && !self.measures[key]) { seen[key] = true; glyphs.push([ch, className]); }
          });
        });
        return;
      }
      var at = record[R.ANCHOR] || window.BM.markAt(record);
      var p = at && toScreen(at[0], at[1]);
      if (!p || p.x < -60 || p.y < -60 || p.x > size.x + 60 || p.y > size.y + 60) { return; }
      key = nameKey(record, lang);
      if (seen[key] || self.measures[key]) { return; }
      seen[key] = true;
      var rank = (layer.labelRank === undefined ? record[R.RANK] : layer.labelRank) + (layer.faded ? 2 : 0);
      names.push({ record: record, rank: rank, order: names.length });
    });
    names.sort(function (a, b) { return a.rank - b.rank || a.order - b.order; });
    var records = names.slice(0, AHEAD).map(function (entry) { return entry.record; });
    function slice(deadline) {
      var until = performance.now() + Math.max(deadline.timeRemaining() - 4, 8);
      do {
        if (glyphs.length) { self.measureGlyphs(glyphs.splice(0, BATCH)); }
        else if (records.length) { self.measureNames(records.splice(0, BATCH), lang); }
      } while ((glyphs.length || records.length) && performance.now() < until);
      if (glyphs.length || records.length) { window.BM.whenIdle(slice); } else { done(); }
    }
    if (glyphs.length || records.length) { window.BM.whenIdle(slice); } else { done(); }
  };

  function labelNode(kind, lines, lang, feature) {
    var node = document.createElement("div");
    node.className = "bm-label bm-label-" + kind + (feature[R.RANK] <= 1 ? " bm-label-key" : "");
    lines.forEach(function (line, i) {
      var span = document.createElement("span");
      span.className = "bm-line";
      span.setAttribute("lang", (lang === LN.BOTH ? i === 0 : lang === LN.ZH) ? LN.ZH_TAG : LN.EN_TAG);
      // (a hill's sign is drawn at the summit, not with its name: see signNode)
      span.appendChild(document.createTextNode(line));
      span.setAttribute("data-halo", line);  // (on paper the halo is drawn from it: battlemap.css)
      if (i === 0 && feature[R.ELEVATION] !== undefined) {
        var height = document.createElement("span");
        height.className = "bm-height";
        height.textContent = " " + feature[R.ELEVATION];
        height.setAttribute("data-halo", height.textContent);
        span.appendChild(height);
      }
      node.appendChild(span);
    });
    return node;
  }

  /* The screen boxes the labels must keep clear of: the panel and the map's controls. */
  Labeler.prototype.furniture = function (size) {
    var container = this.map.getContainer(), origin = container.getBoundingClientRect(), out = [];
    // (a crowd's mark, which stands for many features at an overview, is kept clear as well)
    var nodes = Array.prototype.slice.call(container.querySelectorAll(".leaflet-control, .bm-aggregate"));
    var panel = document.getElementById(BM.ID.PANEL);
    if (panel) { nodes.push(panel); }
    nodes.forEach(function (node) {
      var r = node.getBoundingClientRect();
      if (!r.width || !r.height) { return; }
      var b = box(r.left - origin.left - GAP, r.top - origin.top - GAP, r.right - origin.left + GAP, r.bottom - origin.top + GAP, "controls");
      if (b.maxX > 0 && b.maxY > 0 && b.minX < size.x && b.minY < size.y) { out.push(b); }
    });
    return out;
  };

  /* The course a name along feature's line follows, on screen now, or null if it has none or
   * it runs nowhere near the screen (no letter set along it could be inside: see REACH). Its
   * points are projected once per zoom, in whole pixels, and moved for the view. */
  Labeler.prototype.courseOf = function (feature) {
    var map = this.map, zoom = map.getZoom(), kept = this.courses.get(feature);
    if (!kept || kept.zoom !== zoom) {
      var coords = feature[R.COURSE];
      if (!coords) {
        var g = feature[R.GEOMETRY];
        if (g.type === "LineString") { coords = g.coordinates; }
        else if (g.type === "MultiLineString") {
          coords = g.coordinates.reduce(function (a, b) { return b.length > a.length ? b : a; }, []);
        } else { return null; }
      }
      var world = S.absolute(map), xs = new Float64Array(coords.length), ys = new Float64Array(coords.length);
      var bounds = box(Infinity, Infinity, -Infinity, -Infinity);
      coords.forEach(function (c, i) {
        var p = world(c[0], c[1]);
        xs[i] = p.x;
        ys[i] = p.y;
        bounds.minX = Math.min(bounds.minX, p.x);
        bounds.minY = Math.min(bounds.minY, p.y);
        bounds.maxX = Math.max(bounds.maxX, p.x);
        bounds.maxY = Math.max(bounds.maxY, p.y);
      });
      kept = { zoom: zoom, xs: xs, ys: ys, at: S.lengths(xs, ys), bounds: bounds };
      this.courses.set(feature, kept);
    }
    var o = S.offset(map), size = map.getSize(), b = kept.bounds;
    if (b.maxX - o.x < -REACH || b.minX - o.x > size.x + REACH || b.maxY - o.y < -REACH || b.minY - o.y > size.y + REACH) {
      return null;
    }
    return new Course(kept.xs, kept.ys, kept.at, -o.x, -o.y);
  };
  /* How far (px) from its course a letter set along it can reach: its shift off the line
   * (half its height and 3 px) and half its rotated box. Letters are 11-20 px. */
  var REACH = 100;

  var CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

  /* A glyph's width and height, measured once per style and character. */
  Labeler.prototype.glyph = function (ch, className) {
    var key = glyphKey(ch, className);
    if (!this.known(key)) { this.measureGlyphs([[ch, className]]); }
    return this.measures[key] || this.pass[key];
  };

  function glyphKey(ch, className) { return "g|" + className + "|" + ch; }

  /* Measure these glyphs ([character, class] pairs not measured yet) in one layout. */
  Labeler.prototype.measureGlyphs = function (glyphs) {
    var self = this, ready = fontsReady();
    var nodes = glyphs.map(function (glyph) {
      var span = document.createElement("span");
      span.className = glyph[1] + " bm-glyph";
      span.textContent = glyph[0] === " " ? "\u00a0" : glyph[0];
      span.style.visibility = "hidden";
      return span;
    });
    measured(this.pane, nodes).forEach(function (r, k) {
      var key = glyphKey(glyphs[k][0], glyphs[k][1]), known = [r.width, Math.ceil(r.height)];
      if (ready) { self.measures[key] = known; } else { self.pass[key] = known; }
    });
  };

  /* The class a name along a line is set in. */
  function curvedClass(feature) {
    return "bm-label bm-label-" + feature[R.PLACEMENT] + (feature[R.RANK] <= 1 ? " bm-label-key" : "");
  }

  /* A name set letter by letter along its line's bends: a river's spaced and italic, repeated
   * every few hundred pixels along a long course; a railway's or a defence line's once. Never
   * upside down, never across a sharp bend. Whether it found room anywhere. */
  Labeler.prototype.placeCurved = function (entry, text, lang, tree, size, out, run) {
    var feature = entry.record, course = this.courseOf(feature), owner = entry.id + "#" + run;
    if (!course) { return false; }
    var river = feature[R.PLACEMENT] === P.RIVER;
    var className = curvedClass(feature);
    var chars = Array.from(text), self = this;
    var sizes = chars.map(function (ch) { return self.glyph(ch, className); });
    var h = sizes.reduce(function (m, g) { return Math.max(m, g[1]); }, 0);
    sizes = sizes.map(function (g, i) { return chars[i] === " " ? [Math.max(g[0], h * 0.45), g[1]] : g; });  // a word space reads
    var advance = chars.map(function (ch, i) {
      var spaced = river ? (CJK.test(ch) ? 0.55 : 0.1) : (CJK.test(ch) ? 0.08 : 0);  // rivers letter-spaced
      var gap = i === chars.length - 1 ? 0 : h * spaced;
      return sizes[i][0] + gap;
    });
    var length = advance.reduce(function (a, b) { return a + b; }, 0);
    if (course.length < length + 8) { return false; }
    var spacing = Math.max(length * 2.5, 300), taken = [], shift = entry.wide ? 0 : h / 2 + 3;
    var tries = [course.length / 2];
    for (var k = 1; k < 60; k++) { tries.push(course.length / 2 + k * spacing / 6, course.length / 2 - k * spacing / 6); }
    tries.forEach(function (s) {
      var s0 = s - length / 2;
      if (s0 < 2 || s0 + length > course.length - 2) { return; }
      if (taken.length && !river) { return; }  // a line is named once, a river every `spacing` px
      if (taken.some(function (t) { return Math.abs(t - s) < spacing; })) { return; }
      // Every letter's centre lies within half the name's length along the course, and its
      // shift off it, of the name's middle: with the middle that far off screen, none is on it.
      var mid = course.pointAt(s), far = length / 2 + shift + 1;
      if (mid.x < -far || mid.y < -far || mid.x > size.x + far || mid.y > size.y + far) { return; }
      var a = course.pointAt(s0), b = course.pointAt(s0 + length), reversed = b.x < a.x;
      var glyphs = [], at = 0, previous = null;
      for (var i = 0; i < chars.length; i++) {
        var w = sizes[i][0], along = reversed ? s0 + length - at - w / 2 : s0 + at + w / 2;
        var p = course.pointAt(along), p0 = course.pointAt(along - 3), p1 = course.pointAt(along + 3);
        var angle = Math.atan2(p1.y - p0.y, p1.x - p0.x) + (reversed ? Math.PI : 0);
        if (previous !== null && turn(angle, previous) > 0.55) { return; }
        previous = angle;
        var cx = p.x + Math.sin(angle) * shift, cy = p.y - Math.cos(angle) * shift;
        var g = rotatedBox(cx, cy, w, h, angle, owner);  // each run keeps clear of the others
        if (!inside(g, size) || !free(tree, g)) { return; }
        glyphs.push([chars[i], cx - w / 2, cy - h / 2, angle, g, w]);
        at += advance[i];
      }
      taken.push(s);
      var node = document.createElement("div");
      node.className = className + " bm-curved";
      node.setAttribute("lang", lang === LN.EN ? LN.EN_TAG : LN.ZH_TAG);
      glyphs.forEach(function (item) {
        tree.insert(item[4]);
        var span = document.createElement("span");
        span.className = "bm-glyph";
        span.textContent = item[0];
        span.setAttribute("data-halo", item[0]);
        span.style.width = item[5].toFixed(1) + "px";
        span.style.transform = "translate(" + item[1].toFixed(1) + "px," + item[2].toFixed(1) + "px) rotate(" +
          (item[3] * 180 / Math.PI).toFixed(1) + "deg)";
        node.appendChild(span);
      });
      out.push([node, 0, 0, 0, box(0, 0, 0, 0, entry.id)]);
    });
    return taken.length > 0;
  };

  /* The places to try for a name beside its point, in order: the eight places around the
   * point (an area's name first inside it); then, for what the phase is about or a key
   * place, further out with a leader line rather than unnamed. Try k as [side x, side y,
   * reach, with a leader], written into `way` (no array made per try). */
  function tries(entry) {
    return (entry.record[R.PLACEMENT] === P.AREA ? 1 : 0) + AROUND.length +
      (entry.rank <= CALLOUT_RANK ? AROUND.length * (CALLOUT_STEPS.length - (entry.record[R.PLACEMENT] === P.MOVEMENT ? 1 : 0)) : 0);
  }
  function tryOf(entry, k, way) {
    var r = entry.radius;
    if (entry.record[R.PLACEMENT] === P.AREA) {
      if (k === 0) { way[0] = 0; way[1] = 0; way[2] = 0; way[3] = false; return way; }
      k -= 1;
    }
    var side = AROUND[k % AROUND.length], step = Math.floor(k / AROUND.length);
    way[0] = side[0];
    way[1] = side[1];
    way[2] = step ? r + CALLOUT_STEPS[step - 1] : side[0] && side[1] ? r * 0.75 + GAP : r + GAP;
    way[3] = step > 0;
    return way;
  }

  /* The first free place for a w×h name beside its point: [box, try], or null. The tries are
   * tested on one box reused (thousands of names are tried per view). */
  var trial = box(0, 0, 0, 0), way = [0, 0, 0, false];
  Labeler.prototype.spot = function (entry, wh, tree, size) {
    var p = entry.point, w = wh[0], h = wh[1], n = tries(entry);
    trial.owner = entry.id;
    for (var k = 0; k < n; k++) {
      tryOf(entry, k, way);
      var reach = way[2];
      trial.minX = way[0] > 0 ? p.x + reach : way[0] < 0 ? p.x - reach - w : p.x - w / 2;
      trial.minY = way[1] > 0 ? p.y + reach : way[1] < 0 ? p.y - reach - h : p.y - h / 2;
      trial.maxX = trial.minX + w;
      trial.maxY = trial.minY + h;
      if (inside(trial, size) && free(tree, trial)) {
        return [box(trial.minX, trial.minY, trial.maxX, trial.maxY, entry.id), way.slice()];
      }
    }
    return null;
  };

  Labeler.prototype.placeBeside = function (entry, wh, lang, tree, size, out, leaders) {
    var found = this.spot(entry, wh, tree, size);
    if (!found) { return false; }
    var b = found[0], way = found[1], p = entry.point, r = entry.radius, record = entry.record;
    tree.insert(b);
    out.push([labelNode(record[R.PLACEMENT], textLines(record[R.LABEL], lang), lang, record), b.minX, b.minY, 0, b]);
    if (way[3]) {  // a leader from the point's rim to the nearest edge of the name
      var ex = Math.max(b.minX, Math.min(p.x, b.maxX)), ey = Math.max(b.minY, Math.min(p.y, b.maxY));
      var t = r / Math.max(way[2], 1);
      leaders.push([p.x + (ex - p.x) * t, p.y + (ey - p.y) * t, ex, ey, S.CALLOUT]);
    }
    return true;
  };

  /* Everything these layers show, as label candidates and obstacles; and the symbols far
   * off screen (away), which go back to their places if they were fanned out. */
  /* Points' marks apart by at least this (px): nearer, one covers the other, or they touch and
   * read as one. */
  var FOLD_GAP = 4;
  /* A count's box on its mark (px): its height, and its width per character and around them. */
  var COUNT_HEIGHT = 14, COUNT_CHAR = 6, COUNT_PAD = 6;

  /* The dot's radius on screen of a point's layer (and its hill's sign's). */
  function markRadius(layer, feature) {
    var o = layer.options, radius = o && o.radius ? o.radius + (o.weight || 0) / 2 : 4;
    return feature[R.HILL] ? Math.max(radius, SIGN[0] / 2) : radius;
  }

  /* The marks of named points that would cover each other at this zoom, folded (on screen or
   * off it: a pan does not change them, only a zoom or what is shown): in rank order
   * (the order their names are placed in), a point whose mark would overlap a mark kept before
   * it is folded into that one. Returns {into: Map(folded layer -> its host's entry), hosts:
   * [entries with the layers folded into them (members)], kept: the entries kept, others:
   * the marks of points named elsewhere (an event's disc, named in the panel), which fold
   * nothing and are not folded, but which no count may cover}. A grid of cells as large as two
   * marks finds the neighbours: a view may hold thousands of points. */
  function foldMarks(layers, toScreen) {
    var entries = [], widest = 0, others = [];
    layers.forEach(function (layer, order) {
      var feature = layer.record;
      if (!feature || feature[R.ICON] !== undefined) { return; }
      var g = feature[R.GEOMETRY], named = feature[R.PLACEMENT] === P.POINT;
      if (g.type !== "Point" || (!named && feature[R.PLACEMENT] !== undefined)) { return; }
      var p = toScreen(g.coordinates[0], g.coordinates[1]), radius = markRadius(layer, feature);
      if (!named) { others.push({ layer: layer, point: p, radius: radius }); return; }
      widest = Math.max(widest, radius);
      var rank = (layer.labelRank === undefined ? feature[R.RANK] : layer.labelRank) + (layer.faded ? 2 : 0);
      entries.push({ layer: layer, point: p, radius: radius, rank: rank, order: order, members: [] });
    });
    entries.sort(function (a, b) { return a.rank - b.rank || a.order - b.order; });
    var cell = 2 * widest + FOLD_GAP, grid = new Map(), into = new Map(), kept = [], hosts = [];
    entries.forEach(function (e) {
      var cx = Math.floor(e.point.x / cell), cy = Math.floor(e.point.y / cell), host = null, nearest = Infinity;
      for (var dx = -1; dx <= 1; dx++) {
        for (var dy = -1; dy <= 1; dy++) {
          var near = grid.get((cx + dx) + "," + (cy + dy)) || [];
          for (var k = 0; k < near.length; k++) {  // (the nearest it would cover, in rank order on a tie)
            var h = near[k], reach = e.radius + h.radius + FOLD_GAP;
            var ddx = e.point.x - h.point.x, ddy = e.point.y - h.point.y, d = ddx * ddx + ddy * ddy;
            if (d < reach * reach && (d < nearest || (d === nearest && h.kept < host.kept))) { host = h; nearest = d; }
          }
        }
      }
      if (host) {
        if (!host.members.length) { hosts.push(host); }
        host.members.push(e.layer);
        into.set(e.layer, host);
        return;
      }
      e.kept = kept.length;  // (its place in rank order: a tie's winner)
      kept.push(e);
      var key = cx + "," + cy;
      if (!grid.has(key)) { grid.set(key, []); }
      grid.get(key).push(e);
    });
    return { into: into, hosts: hosts, kept: kept, others: others };
  }

  /* Where a count may stand on its mark, in order: a corner (lower right first), then a side,
   * touching the mark and then a step and two steps (px) farther out. */
  var COUNT_AT = [[1, 1], [-1, 1], [1, -1], [-1, -1], [1, 0], [-1, 0], [0, 1], [0, -1]];
  var COUNT_STEPS = [0, 8, 16];

  /* The box of host h's count, w px wide, at direction `at` and `step` px out. */
  function countBox(h, w, at, step) {
    var r = h.radius * 0.6 + step, x, y;
    x = at[0] > 0 ? h.point.x + r : at[0] < 0 ? h.point.x - r - w : h.point.x - w / 2;
    y = at[1] > 0 ? h.point.y + r : at[1] < 0 ? h.point.y - r - COUNT_HEIGHT : h.point.y - COUNT_HEIGHT / 2;
    if (!at[1]) { x = at[0] > 0 ? h.point.x + h.radius + step : h.point.x - h.radius - step - w; }
    if (!at[0]) { y = at[1] > 0 ? h.point.y + h.radius + step : h.point.y - h.radius - step - COUNT_HEIGHT; }
    return box(x, y, x + w, y + COUNT_HEIGHT, "count:" + h.layer.record[R.ID]);
  }
  function countWidth(h) { return COUNT_PAD + COUNT_CHAR * ("+" + h.members.length).length; }
  function meets(a, b) { return a.minX < b.maxX && a.maxX > b.minX && a.minY < b.maxY && a.maxY > b.minY; }

  /* Where each host's count goes: the first place (COUNT_AT, COUNT_STEPS) that covers no kept
   * mark (nor an event's disc) and no count placed before it. A host with no such place whose
   * count would only cover marks keeps the place clear of counts that covers the fewest (events'
   * last); one whose count would cover another count
   * folds, with all it stands for, into that count's host (one count, not two over each other).
   * [{host, box}]; folds.into follows the last. */
  /* What covering a mark costs a count's place, where every place covers one: an event's disc
   * (its number is how the panel names it) is covered only where nothing else can be, and then
   * the event folds into the count's mark (the count names it). */
  var EVENT_COST = 100;
  function weighedMark(e, cost) {
    return { entry: e, cost: cost, box: box(e.point.x - e.radius, e.point.y - e.radius, e.point.x + e.radius, e.point.y + e.radius) };
  }

  function countBoxes(folds) {
    var marks = folds.kept.map(function (e) { return weighedMark(e, 1); }).concat((folds.discs || []).map(function (e) { return weighedMark(e, EVENT_COST); }));
    var placed = [];
    folds.hosts.forEach(function (h) {
      var w = countWidth(h), clearOfCounts = null, least = Infinity, chosen = null, hit = null;
      for (var s = 0; s < COUNT_STEPS.length && !chosen; s++) {
        for (var a = 0; a < COUNT_AT.length && !chosen; a++) {
          var b = countBox(h, w, COUNT_AT[a], COUNT_STEPS[s]);
          var onCount = null;
          for (var k = 0; k < placed.length && !onCount; k++) { if (meets(b, placed[k].box)) { onCount = placed[k]; } }
          if (onCount) { hit = hit || onCount; continue; }
          var cost = 0;
          for (var m = 0; m < marks.length; m++) { if (!marks[m].gone && marks[m].entry !== h && meets(b, marks[m].box)) { cost += marks[m].cost; } }
          if (cost < least) { clearOfCounts = b; least = cost; }
          if (!cost) { chosen = b; }
        }
      }
      chosen = chosen || clearOfCounts;
      if (chosen && least >= EVENT_COST) {  // every place covers an event's disc: the events it covers fold into h
        marks.forEach(function (m) {
          if (m.cost !== EVENT_COST || m.gone || !meets(chosen, m.box)) { return; }
          m.gone = true;
          h.members.push(m.entry.layer);
          folds.into.set(m.entry.layer, h);
        });
        var wider = countWidth(h) - w;  // (a wider count: grown away from its mark)
        if (chosen.maxX <= h.point.x) { chosen.minX -= wider; } else { chosen.maxX += wider; }
      }
      if (chosen) { placed.push({ host: h, box: chosen }); return; }
      var into = hit.host;  // every place covers a count: fold into its host
      [h.layer].concat(h.members).forEach(function (layer) { into.members.push(layer); folds.into.set(layer, into); });
      h.members = [];
      var grown = countWidth(into) - (hit.box.maxX - hit.box.minX);
      if (grown > 0 && hit.box.maxX <= into.point.x) { hit.box.minX -= grown; } else { hit.box.maxX += grown; }
    });
    return placed;
  }

  /* Where an event's disc would cover a named point's mark (or its sign), it stands aside: at
   * the first place (ASIDE_AT, ASIDE_STEPS px from its own) that covers no such mark and no
   * other event's disc, with a leader from a dot at its true place (drawn by the placement:
   * leaderNodes). An event is named in the panel, by the number on its disc (bm-key.js), so the
   * disc must be seen; a named point is named on the map beside its mark, so the mark must be.
   * Where no place aside is free, or the event is faded (of a phase before those shown), the
   * event folds into the mark it covers (whose count names it). Discs only of events, over one
   * another, stay (their numbers share a mark). Like the folds, a place depends on the zoom,
   * not on the pan. Returns Map(layer -> {dx, dy}), and sets folds.discs: the events' discs
   * drawn ({point, radius}, where each is drawn), which the counts keep clear of. */
  var ASIDE_AT = [[1, -1], [-1, -1], [1, 1], [-1, 1], [0, -1], [1, 0], [0, 1], [-1, 0]];
  var ASIDE_STEPS = [16, 22, 30, 40, 52], ASIDE_GAP = 1;
  function asideEvents(folds) {
    var out = new Map(), discs = folds.discs = [];
    if (!folds.others.length) { return out; }
    var cell = 32, grid = new Map();
    function cells(b, visit) {
      for (var x = Math.floor(b.minX / cell); x <= Math.floor(b.maxX / cell); x++) {
        for (var y = Math.floor(b.minY / cell); y <= Math.floor(b.maxY / cell); y++) { visit(x + "," + y); }
      }
    }
    function covered(b) {  // a mark (a kept entry) b covers, else null if it covers a disc, else undefined
      var found;
      cells(b, function (key) {
        (grid.get(key) || []).forEach(function (t) { if (!found && meets(b, t.box)) { found = t.entry; } });
      });
      return found;
    }
    function take(b, entry) { cells(b, function (key) { if (!grid.has(key)) { grid.set(key, []); } grid.get(key).push({ box: b, entry: entry }); }); }
    function disc(x, y, r) { return box(x - r, y - r, x + r, y + r); }
    folds.kept.forEach(function (e) { take(disc(e.point.x, e.point.y, e.radius), e); });
    var staying = [];
    folds.others.forEach(function (e) {
      var r = e.radius + ASIDE_GAP, own = disc(e.point.x, e.point.y, r), host = covered(own);
      if (host === undefined) { staying.push(own); discs.push(e); return; }
      // (a faded event, of an earlier phase than those shown, does not stand aside: it folds)
      for (var s = e.layer.faded && host ? ASIDE_STEPS.length : 0; s < ASIDE_STEPS.length; s++) {
        for (var a = 0; a < ASIDE_AT.length; a++) {
          var u = ASIDE_AT[a], n = Math.sqrt(u[0] * u[0] + u[1] * u[1]);
          var dx = Math.round(u[0] * ASIDE_STEPS[s] / n), dy = Math.round(u[1] * ASIDE_STEPS[s] / n);
          var b = disc(e.point.x + dx, e.point.y + dy, r);
          if (covered(b) === undefined) {
            out.set(e.layer, { dx: dx, dy: dy });
            take(b, null);
            discs.push({ layer: e.layer, point: L.point(e.point.x + dx, e.point.y + dy), radius: e.radius });
            return;
          }
        }
      }
      if (host) {  // no room aside, over a named point's mark: folded into it
        if (!host.members.length) { folds.hosts.push(host); }
        host.members.push(e.layer);
        folds.into.set(e.layer, host);
      } else {  // (over another event's disc set aside: stays)
        staying.push(own);
        discs.push(e);
      }
    });
    staying.forEach(function (b) { take(b, null); });  // (after, so that events staying do not push others)
    return out;
  }

  Labeler.prototype.collect = function (layers, size) {
    var map = this.map, zoom = map.getZoom(), toScreen = S.screen(map);
    var units = [], names = [], obstacles = [], marks = [], signs = [], index = 0;
    var folds = foldMarks(layers, toScreen), aside = asideEvents(folds), counts = countBoxes(folds), discs = [];
    aside.forEach(function (d, layer) { if (folds.into.has(layer)) { aside.delete(layer); } });  // (folded by a count)
    counts.forEach(function (c) { obstacles.push(c.box); marks.push(c.box); });
    var view = box(-60, -60, size.x + 60, size.y + 60);
    // Symbols this far off screen cannot reach it however they are fanned out: left alone.
    var far = box(-400, -400, size.x + 400, size.y + 400), away = [];
    layers.forEach(function (layer) {
      var feature = layer.record;
      if (!feature || folds.into.has(layer)) { return; }  // (a folded mark: its host's count names it)
      var order = index++;
      if (feature[R.ICON] !== undefined) {
        var ll = layer.getLatLng(), at = toScreen(ll.lng, ll.lat);
        if (at.x < far.minX || at.x > far.maxX || at.y < far.minY || at.y > far.maxY) {
          away.push(layer);  // far off screen: back to its place, if fanned out
        } else if (layer.shownAt(zoom)) {  // (its group shown, or to be, the zoom reaching its echelon)
          units.push({ layer: layer, id: feature[R.ID], point: at, faded: !!layer.faded, order: order });
        }
        return;
      }
      var mark = window.BM.markAt(feature), point = null, radius = 0, arrow = null;
      if (mark) {
        // A point's marks stand at its true place: its dot and, on a hill, the hill's sign (a
        // hill area's at its summit, or open in its middle where the summit is not recorded).
        // Names and symbols keep clear of both; the name is set beside them.
        point = toScreen(mark[0], mark[1]);
        radius = layer.options && layer.options.radius ? layer.options.radius + (layer.options.weight || 0) / 2 : 4;
        var moved = aside.get(layer);
        if (moved) {  // an event's disc set aside: its true place has a dot, and a leader to the disc
          var place = box(point.x - LEADER_DOT, point.y - LEADER_DOT, point.x + LEADER_DOT, point.y + LEADER_DOT, feature[R.ID]);
          discs.push({ layer: layer, from: point, dx: moved.dx, dy: moved.dy, radius: radius });
          obstacles.push(place);
          point = L.point(point.x + moved.dx, point.y + moved.dy);
        }
        if (point.x > view.minX && point.x < view.maxX && point.y > view.minY && point.y < view.maxY) {
          var dot = box(point.x - radius, point.y - radius, point.x + radius, point.y + radius, feature[R.ID]);
          obstacles.push(dot);
          marks.push(dot);
          if (feature[R.HILL]) {
            var sign = box(point.x - SIGN[0] / 2, point.y - SIGN[1] / 2, point.x + SIGN[0] / 2, point.y + SIGN[1] / 2, feature[R.ID]);
            obstacles.push(sign);
            marks.push(sign);
            signs.push([point.x, point.y, !!layer.faded, feature[R.ID], feature[R.HILL] === window.BM.SG.MIDDLE]);
          }
        }
        if (feature[R.HILL]) { radius = Math.max(radius, SIGN[0] / 2); }
      }
      var stroke = layer.options && layer.options.weight ? layer.options.weight / 2 : 0;
      if (feature[R.TIP]) {  // an arrow: its shaft and head, as drawn now, are no place for a name
        var tip = toScreen(feature[R.TIP][0], feature[R.TIP][1]);
        obstacles.push(box(tip.x - 10, tip.y - 10, tip.x + 10, tip.y + 10, "tip:" + feature[R.ID]));
        arrow = arrowOnScreen(feature, toScreen, view);
        if (arrow && arrow.rings) {
          S.bands(arrow.rings, BAND, stroke + 1, view, "arrow:" + feature[R.ID], obstacles);
        } else if (arrow) {  // small on screen: taken whole
          var a = arrow.bounds;
          obstacles.push(box(a.minX - stroke - 1, a.minY - stroke - 1, a.maxX + stroke + 1, a.maxY + stroke + 1, "arrow:" + feature[R.ID]));
        }
      }
      if (!feature[R.LABEL]) { return; }
      if (feature[R.ANCHOR]) {
        point = toScreen(feature[R.ANCHOR][0], feature[R.ANCHOR][1]);
        radius = 0;
        if (feature[R.PLACEMENT] === P.MOVEMENT) {  // an arrow's dates: set beside its shaft, clear of it
          radius = !arrow ? 5 : stroke + GAP + (arrow.rings ? S.clearance(point, arrow.rings) :
            Math.max(arrow.bounds.maxX - arrow.bounds.minX, arrow.bounds.maxY - arrow.bounds.minY) / 2);
        }
      }
      var along = feature[R.PLACEMENT] === P.RIVER || feature[R.PLACEMENT] === P.LINE;
      if (!along && (!point || point.x < view.minX || point.x > view.maxX || point.y < view.minY || point.y > view.maxY)) { return; }
      var rank = layer.labelRank === undefined ? feature[R.RANK] : layer.labelRank;
      if (layer.faded) { rank += 2; }
      var wide = false;
      if (feature[R.WIDTH] && feature[R.PLACEMENT] === P.RIVER) {
        var metresPerPixel = 40075016.686 * Math.cos(map.getCenter().lat * Math.PI / 180) / Math.pow(2, zoom + 8);
        wide = feature[R.WIDTH][0] / metresPerPixel >= 16;
      }
      names.push({ record: feature, id: feature[R.ID], point: point, radius: radius, rank: rank, order: order, wide: wide });
    });
    units.sort(function (a, b) { return (a.faded - b.faded) || a.order - b.order; });
    names.sort(function (a, b) { return a.rank - b.rank || a.order - b.order; });
    var folded = [];  // (and events' discs set aside: drawn by the placement, not by their canvas)
    folds.into.forEach(function (host, layer) { folded.push(layer); });
    aside.forEach(function (moved, layer) { folded.push(layer); });
    return {
      units: units, names: names, obstacles: obstacles, marks: marks, signs: signs, away: away, folded: folded, counts: counts,
      discs: discs, gone: foldedEvents(folds)
    };
  };

  /* An arrow (an area: its record's polygon) on screen now: {bounds, rings}, its rings ([xs,
   * ys] each) only if it is larger than SMALL on screen; or null if it lies wholly outside
   * `view`. Its bounds are found from its corners in degrees (the projection keeps their
   * order), kept per record: a view of a whole campaign holds thousands of arrows a few pixels
   * long, each taken whole as its box; only the larger few are projected point by point. */
  var SMALL = 16, extents = new WeakMap();
  function arrowOnScreen(record, toScreen, view) {
    var geometry = record[R.GEOMETRY], e = extents.get(record);
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates] :
      geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    if (!e) {
      e = [Infinity, Infinity, -Infinity, -Infinity];
      polygons.forEach(function (polygon) {
        polygon.forEach(function (ring) {
          ring.forEach(function (c) {
            e[0] = Math.min(e[0], c[0]); e[1] = Math.min(e[1], c[1]); e[2] = Math.max(e[2], c[0]); e[3] = Math.max(e[3], c[1]);
          });
        });
      });
      extents.set(record, e);
    }
    if (!(e[0] <= e[2])) { return null; }
    var sw = toScreen(e[0], e[1]), ne = toScreen(e[2], e[3]);
    var bounds = box(sw.x, ne.y, ne.x, sw.y);
    if (bounds.maxX < view.minX || bounds.minX > view.maxX || bounds.maxY < view.minY || bounds.minY > view.maxY) { return null; }
    if (bounds.maxX - bounds.minX <= SMALL && bounds.maxY - bounds.minY <= SMALL) { return { bounds: bounds, rings: null }; }
    var rings = [];
    polygons.forEach(function (polygon) {
      polygon.forEach(function (ring) {
        var xs = new Float64Array(ring.length), ys = new Float64Array(ring.length);
        for (var i = 0; i < ring.length; i++) {
          var p = toScreen(ring[i][0], ring[i][1]);
          xs[i] = p.x;
          ys[i] = p.y;
        }
        rings.push([xs, ys]);
      });
    });
    return { bounds: bounds, rings: rings };
  }

  /* Place the names for what the page shows now, and show them. */
  Labeler.prototype.place = function () {
    if (!this.loaded) { return; }
    var layers = this.visible(), at = this.at(), found = this.recall(at, layers);
    this.present(found || this.remember(at, layers, this.compute(at, layers)));
  };

  /* Where a placement is made: the view (zoom, centre, pixel origin, where the map pane lies,
   * the map's size), the language and the screen taken by the panel and the controls. */
  Labeler.prototype.at = function () {
    var map = this.map, size = map.getSize(), origin = map.containerPointToLayerPoint([0, 0]);
    var lang = currentLang(), furniture = this.furniture(size);
    var key = [window.BM.viewKey(map), lang, fontsReady()].concat(furniture.map(function (b) {
      return [b.minX, b.minY, b.maxX, b.maxY].join(",");
    })).join("|");
    return { key: key, size: size, origin: origin, lang: lang, furniture: furniture };
  };

  /* The placement made where `at` is, for exactly these layers in this order, if one was
   * made (see foresee); placements are kept for one view at a time. */
  var KEPT = 12;
  Labeler.prototype.recall = function (at, layers) {
    var kept = this.kept || [];
    for (var i = 0; i < kept.length; i++) {
      var k = kept[i];
      if (k.key === at.key && k.layers.length === layers.length && k.layers.every(function (l, j) { return l === layers[j]; })) {
        return k.placed;
      }
    }
    return null;
  };
  Labeler.prototype.remember = function (at, layers, placed) {
    this.kept = (this.kept || []).filter(function (k) { return k.key === at.key; }).slice(-(KEPT - 1));
    if (fontsReady()) { this.kept.push({ key: at.key, layers: layers, placed: placed }); }
    return placed;
  };

  /* Place the names for these layers where `at` is, without showing them: the names (nodes
   * set where they go), the leader lines, and where each symbol is drawn. Nothing on the page
   * changes but what is measured. */
  Labeler.prototype.compute = function (at, layers) {
    var size = at.size, lang = at.lang, tree = new Space(size);
    var found = this.collect(layers, size), lines = [], out = [], self = this;
    at.furniture.forEach(function (b) { tree.insert(b); });
    S.fanOut(found.units, tree, lines, lang, size, at.furniture, found.marks);
    tree.load(found.obstacles);
    this.pass = {};
    var missed = 0;  // names in a row that found no room
    found.names.forEach(function (entry, i, names) {
      var kind = entry.record[R.PLACEMENT];
      if (missed >= FULL_AFTER && entry.rank > CALLOUT_RANK) { return; }  // the view is full
      if (kind === P.RIVER || kind === P.LINE) {  // in 中/EN each language runs along the line on its own
        var along = false;
        textLines(entry.record[R.LABEL], lang).forEach(function (text, i) {
          along = self.placeCurved(entry, text, lang === LN.BOTH ? (i ? LN.EN : LN.ZH) : lang, tree, size, out, i) || along;
        });
        missed = along ? 0 : missed + 1;
        return;
      }
      var key = nameKey(entry.record, lang);
      if (!self.known(key)) {
        if (entry.stuck || !self.spot(entry, least(entry.record, lang), tree, size)) {  // no room even for less
          missed += 1;
          return;
        }
        self.measureAhead(names, i, lang, tree, size);
      }
      missed = self.placeBeside(entry, self.known(key), lang, tree, size, out, lines) ? 0 : missed + 1;
    });
    var origin = at.origin;
    out.forEach(function (item) {
      var node = item[0];
      node.setAttribute("data-feature", item[4].owner);
      node.style.visibility = "";
      node.style.transform = "translate(" + Math.round(item[1] + origin.x) + "px," + Math.round(item[2] + origin.y) + "px)" +
        (item[3] ? " rotate(" + (item[3] * 180 / Math.PI).toFixed(1) + "deg)" : "");
    });
    return {
      nodes: out.map(function (item) { return item[0]; }),
      owners: out.map(function (item) { return item[4].owner; }),
      leaders: leaderNodes(lines, found.signs, found.discs), origin: origin, size: size,
      // a symbol or an event's disc moved aside, its leader from a dot (not a name's callout)
      leading: found.discs.length > 0 || lines.some(function (l) { return l[4] !== S.CALLOUT; }),
      units: found.units.map(function (entry) { return [entry.layer, entry.offset]; }),
      away: found.away,
      folded: found.folded,
      aside: found.discs.map(function (d) { return [d.layer.record[R.ID], d.dx, d.dy]; }),
      gone: found.gone,
      counts: found.counts.map(function (c) { return { layer: c.host.layer, members: c.host.members, box: c.box }; })
    };
  };

  /* Show a placement: its names, its leaders, and every symbol where it put it (those far off
   * screen back at their places), drawn with them. */
  Labeler.prototype.present = function (placed) {
    var map = this.map, pane = this.pane;
    placed.away.forEach(function (layer) { layer.setOffset(0, 0); });  // (a symbol not moved stays)
    placed.units.forEach(function (unit) { unit[0].setOffset(unit[1][0], unit[1][1]); });
    this.fold(placed);
    pane.textContent = "";
    var fragment = document.createDocumentFragment();
    placed.nodes.forEach(function (node) { fragment.appendChild(node); });
    pane.appendChild(fragment);
    this.drawLeaders(placed.leaders, placed.origin, placed.size);
    window.BM.units.redrawAll();  // the symbols where they were placed, drawn with their names
    pane.style.visibility = "";
    this.leaders.style.visibility = "";
    this.counts.style.visibility = "";
    this.shown = placed.owners.slice();
    this.count += 1;
    map.getContainer().setAttribute(BM.A.LABELS, String(this.count));
    if (this.placed) { this.placed(); }
  };

  /* Show a placement's folds: the marks it folds are not drawn (bm-layers.js, fold), those it
   * no longer folds are drawn again, and each mark that others are folded into carries their
   * count, a button that zooms in until they stand apart (or lists them where no zoom can). */
  Labeler.prototype.fold = function (placed) {
    var self = this, now = new Set(placed.folded), origin = placed.origin, lang = currentLang();
    var changes = [];
    // the marks shown that it no longer folds (folded by an earlier placement, or ahead for a
    // view they are not shown at); those of a phase hidden keep their folds, and are drawn
    // with them, until it is shown again (folded ahead then: battlemap.js), not twice a toggle
    this.visible().forEach(function (layer) {
      if (layer.folded && !now.has(layer)) { changes.push([layer, false]); }
    });
    placed.folded.forEach(function (layer) { changes.push([layer, true]); });
    BM.layers.fold(changes);
    this.setAside(placed.aside, placed.gone);
    var words = this.data[BM.K.LABELS][BM.TB.UI][BM.W.FOLDED], fragment = document.createDocumentFragment();
    placed.counts.forEach(function (c) {
      var n = c.members.length, b = c.box, button = document.createElement("button");
      var names = c.members.map(function (layer) { return textLines(layer.record[R.NAME], lang).join(" "); });
      var said = textLines(words, lang).map(function (w) { return w.replace("{n}", String(n)); }).join(" / ");
      button.type = "button";
      button.className = "bm-fold";
      button.textContent = "+" + n;
      button.setAttribute("aria-label", said + ": " + names.join(", "));
      button.title = said + ":\n" + names.join("\n");
      button.setAttribute("data-feature", c.layer.record[R.ID]);
      button.setAttribute("data-folded", c.members.map(function (layer) { return layer.record[R.ID]; }).join(" "));
      button.style.width = Math.round(b.maxX - b.minX) + "px";
      button.style.transform = "translate(" + Math.round(b.minX + origin.x) + "px," + Math.round(b.minY + origin.y) + "px)";
      L.DomEvent.disableClickPropagation(button);
      button.addEventListener("click", function () { self.unfold(c); });
      fragment.appendChild(button);
    });
    this.counts.textContent = "";
    this.counts.appendChild(fragment);
    // the key on the map explains the counts, and the leaders of what moved aside
    if (!!this.folding !== placed.counts.length > 0 || !!this.leading !== placed.leading) {
      this.folding = placed.counts.length > 0;
      this.leading = placed.leading;
      this.map.fire("bm-folds");
    }
  };

  /* The closest zoom a count zooms to (the closest any of the page's tile servers draws; the
   * plain background has no limit of its own). */
  var CLOSEST = 19;

  /* Fold the marks shown as this zoom folds them, quietly: the canvases are about to draw. */
  Labeler.prototype.foldForZoom = function () {
    if (!this.loaded) { return; }
    var layers = this.visible(), folds = foldMarks(layers, S.screen(this.map));
    // (counts, which may fold a host whose count has no room, and events set aside: as the placement will)
    var aside = asideEvents(folds), into = folds.into, moved = [];
    countBoxes(folds);
    aside.forEach(function (d, layer) { if (into.has(layer)) { aside.delete(layer); } });  // (folded by a count)
    BM.layers.fold(layers.filter(function (layer) { return layer.record; }).map(function (layer) {
      return [layer, into.has(layer) || aside.has(layer)];
    }), true);
    aside.forEach(function (d, layer) { moved.push([layer.record[R.ID], d.dx, d.dy]); });
    this.setAside(moved, foldedEvents(folds));
  };

  /* The ids of the events folded into a named point's mark (asideEvents). */
  function foldedEvents(folds) {
    return folds.others.filter(function (e) { return folds.into.has(e.layer); }).map(function (e) { return e.layer.record[R.ID]; });
  }

  /* The events' discs set aside now ([[feature id, dx, dy], ...]: asideEvents), told to the
   * numbers on them (bm-key.js) when they change. */
  Labeler.prototype.setAside = function (moved, folded) {
    var key = moved.map(function (m) { return m.join(","); }).join(";") + "|" + folded.join(",");
    if (key === this.asideKey) { return; }
    this.asideKey = key;
    this.asideNow = new Map(moved.map(function (m) { return [m[0], L.point(m[1], m[2])]; }));
    folded.forEach(function (id) { this.asideNow.set(id, false); }, this);
    this.map.fire("bm-aside");
  };

  /* Where the disc of the event `id` stands from its true place (px); null: at it; false: not
   * drawn (folded into a named point's mark, whose count names it). */
  Labeler.prototype.asideOf = function (id) {
    var at = this.asideNow && this.asideNow.get(id);
    return at === undefined ? null : at;
  };

  /* Fold the marks of `layers` (a group not shown yet, drawn ahead) as `placed` (a placement
   * foreseen for showing it at this view) folds them: shown there, its canvas stands as drawn
   * ahead, not drawn again for its folds. */
  Labeler.prototype.foldAhead = function (placed, layers) {
    var folded = new Set(placed.folded);
    BM.layers.fold(layers.filter(function (layer) { return layer.record; }).map(function (layer) {
      return [layer, folded.has(layer)];
    }));
  };

  /* Zoom in until the marks folded into c.layer stand apart from it (each pair as far apart as
   * their radii and FOLD_GAP), about their middle; where no zoom of the map parts them (the
   * same place), open a list of them, each of which opens its feature's popup. */
  Labeler.prototype.unfold = function (c) {
    var map = this.map, zoom = map.getZoom(), host = c.layer.getLatLng(), need = zoom + 1, apart = true;
    var hostPoint = map.latLngToContainerPoint(host), hostRadius = markRadius(c.layer, c.layer.record);
    var bounds = L.latLngBounds([host]);
    c.members.forEach(function (layer) {
      var ll = layer.getLatLng(), d = hostPoint.distanceTo(map.latLngToContainerPoint(ll));
      var reach = hostRadius + markRadius(layer, layer.record) + FOLD_GAP;
      bounds.extend(ll);
      if (d < 1e-6) { apart = false; return; }
      need = Math.max(need, zoom + Math.ceil(Math.log(reach / d) / Math.LN2 + 1e-9));
    });
    if (apart && need <= Math.min(map.getMaxZoom(), CLOSEST)) {
      map.setView(bounds.getCenter(), need);
      return;
    }
    var lang = currentLang(), list = document.createElement("ul");
    list.className = "bm-fold-list";
    [c.layer].concat(c.members).forEach(function (layer) {
      var item = document.createElement("li"), open = document.createElement("button");
      open.type = "button";
      open.textContent = textLines(layer.record[R.NAME], lang).join(" ");
      open.addEventListener("click", function () { map.closePopup(); BM.layers.talk(layer).openPopup(layer.getLatLng()); });
      item.appendChild(open);
      list.appendChild(item);
    });
    L.popup({ maxWidth: 320 }).setLatLng(host).setContent(list).openOn(map);
  };

  /* Ahead of time, while the page is idle: the placement for these layers at the view shown
   * now (what the page would show if its groups changed so: a phase toggled in the layer
   * control, or stepped to without a camera move), kept for when they do; or null. */
  Labeler.prototype.foresee = function (layers) {
    if (!this.loaded || !fontsReady()) { return null; }
    var at = this.at();
    return this.recall(at, layers) || this.remember(at, layers, this.compute(at, layers));
  };

  /* The leader lines' elements: a line from each moved symbol's or name's true place, and a
   * dot at a symbol's (unless a mark stands there: bm-space.js, fanOut); and the hills' signs,
   * each at its summit (signs: [x, y, faded, feature id, open]: open in the middle of a hill
   * area whose summit is not recorded), under the leaders. Made once per placement (a
   * placement shown again shows the same). */
  function leaderNodes(lines, signs, discs) {
    var ns = "http://www.w3.org/2000/svg", out = [];
    (discs || []).forEach(function (d) {  // an event's disc set aside (asideEvents), over its leader
      var o = d.layer.options, x = d.from.x + d.dx, y = d.from.y + d.dy;
      var rim = d.radius / Math.sqrt(d.dx * d.dx + d.dy * d.dy);
      lines.push([d.from.x, d.from.y, d.from.x + d.dx * (1 - rim), d.from.y + d.dy * (1 - rim), LEADER_TO_DISC]);
      var circle = document.createElementNS(ns, "circle");
      circle.setAttribute("class", "bm-aside");
      circle.setAttribute("cx", x.toFixed(1));
      circle.setAttribute("cy", y.toFixed(1));
      circle.setAttribute("r", String(o.radius));
      circle.setAttribute("data-feature", d.layer.record[R.ID]);
      // its canvas's look, as the canvas would draw it (CSSOM: allowed by the page's policy)
      circle.style.fill = o.fillColor || o.color;
      circle.style.fillOpacity = String(o.fillOpacity);
      circle.style.stroke = o.color;
      circle.style.strokeOpacity = String(o.opacity);
      circle.style.strokeWidth = String(o.weight);
      circle.style.pointerEvents = "auto";  // pointed at as its canvas disc would be: its popup
      circle.style.cursor = "pointer";
      L.DomEvent.disableClickPropagation(circle);
      circle.addEventListener("click", function () { BM.layers.talk(d.layer).openPopup(d.layer.getLatLng()); });
      d.node = circle;
    });
    signs.forEach(function (s) {
      var w = SIGN[0] - 2, h = SIGN[1] - 2, x = s[0] - w / 2, y = s[1] - h / 2;  // (the stroke's 1 px each way)
      var sign = document.createElementNS(ns, "path");
      sign.setAttribute("class", "bm-sign" + (s[4] ? " bm-sign-open" : "") + (s[2] ? " bm-faded" : ""));
      sign.setAttribute("d", "M" + s[0] + " " + y + "L" + (x + w) + " " + (y + h) + "L" + x + " " + (y + h) + "Z");
      sign.setAttribute("data-feature", s[3]);
      out.push(sign);
    });
    lines.forEach(function (l) {
      var line = document.createElementNS(ns, "line");
      line.setAttribute("x1", l[0].toFixed(1));
      line.setAttribute("y1", l[1].toFixed(1));
      line.setAttribute("x2", l[2].toFixed(1));
      line.setAttribute("y2", l[3].toFixed(1));
      out.push(line);
      if (l[4] === S.CALLOUT) { line.setAttribute("class", "bm-callout"); return; }
      if (l[4] === LEADER_TO_DISC) { line.setAttribute("class", "bm-aside-leader"); }
      if (l[4] === S.LEADER_RIM) { return; }  // the point's own mark stands at its end
      var dot = document.createElementNS(ns, "circle");
      dot.setAttribute("cx", l[0].toFixed(1));
      dot.setAttribute("cy", l[1].toFixed(1));
      dot.setAttribute("r", String(LEADER_DOT));
      out.push(dot);
    });
    (discs || []).forEach(function (d) { out.push(d.node); });  // (over the lines)
    return out;
  }
  /* A leader's dot at a true place (px), and a leader to an event's disc set aside. */
  var LEADER_DOT = 3, LEADER_TO_DISC = "disc";

  Labeler.prototype.drawLeaders = function (nodes, origin, size) {
    var svg = this.leaders, fragment = document.createDocumentFragment();
    svg.textContent = "";
    svg.setAttribute("width", String(size.x));
    svg.setAttribute("height", String(size.y));
    svg.style.transform = "translate(" + Math.round(origin.x) + "px," + Math.round(origin.y) + "px)";
    nodes.forEach(function (node) { fragment.appendChild(node); });
    svg.appendChild(fragment);
  };

  window.BattleLabels = {
    attach: function (map, data, visible) { return new Labeler(map, data, visible); }
  };
})();
