/* bm-canvas.js: the canvas renderer every group draws its paths with. Part of hengyang-map (MIT).
 *
 * Leaflet's canvas renderer (L.Canvas) with two changes. A moved view is drawn once: Leaflet
 * draws a canvas whole when the view has moved (moveend), and again in the next frame for
 * the paths added after that (a culled group adds those near the new view on the same
 * moveend). Here the group that owns the canvas is asked first (beforeUpdate), and a drawing
 * cancels any still requested, which it includes.
 *
 * And a circle marker is stamped from a bitmap made once per radius, style and resolution,
 * instead of being traced, filled and stroked anew on every redraw. A view of a large battle
 * holds tens of thousands of point features, and tracing their arcs was most of redrawing a
 * canvas after each move (at the 100k bench's step view, one group's 19,520 circles: 240 ms
 * traced, 70 ms stamped).
 *
 * The pixels are the circle's own: the renderer places a circle marker at a whole pixel with a
 * whole radius, on a canvas scaled by a whole factor (1, or 2 on a high-resolution screen, as
 * Leaflet does), so a stamp made at that factor lands on the same pixel grid; compositing the
 * fill and stroke on the stamp first differs from compositing them on the canvas by rounding
 * only (a test compares the two). Ellipses, large circles (halos in metres) and anything not
 * at a whole pixel are traced as Leaflet traces them. A hidden canvas (a phase prepared while
 * the page is idle) stamps too: Chromium rasterises it all the same, at the end of the frame
 * after its drawing, and traced circles made that 190-720 ms a phase at real-shaped 100k.
 *
 * And a group's canvas (keepDrawn) is left as drawn when a move ends at the view it was drawn
 * for (a fit to the view already shown: a step between phases of one extent, where Leaflet
 * still ends a move and drew every canvas anew); what changed on it asked for its own redraw.
 *
 * And a view reset projects and clips each path once (Leaflet projected each twice and clipped
 * each twice: at the zoom's end, in its reset, and in the update it had postponed).
 *
 * And a path put on the map wholly beyond the canvas asks for no redraw (a culled group puts
 * the paths around the view there while the page is idle), and a reordering that changes no
 * drawing asks for none (quietly).
 *
 * And a pan at one zoom moves the drawing with the view and draws only the strips it
 * uncovered (shift), when nothing came or went where the old and new canvases overlap. For
 * that the paths are clipped to a frame around the canvas (FRAME), kept while pans stay
 * inside it, rather than to the canvas itself: clipped to the canvas, a line's dashes would
 * restart where each view cut it, and the moved pixels would not match the strips'. At
 * synthetic 100k the bench's pan drew 40-55 ms of paths; a shift draws about a third of that.
 *
 * The renderer is a class of its own (L.Canvas.extend; BM.canvas.plain, the base map's, is its
 * parent, which only projects faster), and only the paths they draw change:
 * when one joins it (_initPath), it is given methods of its own, its lines' and areas'
 * _clipPoints and _update, to clip them to the frame of the canvas, once per projection and
 * frame, and how they and circle markers are projected (_projectLatlngs, _project), faster, to
 * the same points. No prototype of Leaflet's is changed: another renderer's paths, on this map
 * or another, are drawn as Leaflet draws them. The renderers override onAdd, _initPath, _update,
 * _reset, _onZoomEnd, _redraw, _draw, _requestRedraw, _updateCircle and _updateStyle, the methods
 * by which Leaflet's renderers join a map, take a path, follow the view, draw, draw the paths in
 * a box, ask for a drawing, draw a circle marker and restyle a path. Every private member of
 * Leaflet this file relies on is listed in LEAFLET below; tests/browser/test_canvas_leaflet.py
 * fails if the vendored Leaflet changes one. */
(function () {
  "use strict";

  /* The private members of Leaflet this file relies on, by the object that has them: the
   * methods it overrides or calls (their source is checked against the vendored Leaflet's by a
   * digest of each), and the fields it reads or writes (each checked to be one Leaflet uses). */
  var LEAFLET = {
    version: "1.9.4",
    methods: {
      Renderer: ["_update", "_updatePaths", "_updateTransform", "_onZoomEnd"],
      Canvas: ["onAdd", "_initPath", "_update", "_reset", "_onZoomEnd", "_redraw", "_draw",
        "_requestRedraw", "_updateCircle", "_updateStyle", "_fillStroke"],
      Polyline: ["_update", "_clipPoints", "_projectLatlngs", "_project", "_updatePath"],
      Polygon: ["_clipPoints"],
      CircleMarker: ["_project", "_updateBounds", "_empty", "_updatePath"]
    },
    fields: {
      Canvas: ["_map", "_bounds", "_center", "_zoom", "_container", "_ctx", "_layers", "_drawing",
        "_drawFirst", "_redrawRequest", "_redrawBounds", "_postponeUpdatePaths"],
      Path: ["_renderer", "_map", "_pxBounds"],
      Polyline: ["_rings"],
      CircleMarker: ["_latlng", "_point", "_radius", "_radiusY"],
      Map: ["_animatingZoom"],
      options: ["_dashArray"]
    }
  };

  /* A circle larger than this (px) is traced: few are drawn, and a stamp would be large. */
  var LARGEST = 32;
  /* Stamps kept: a page has a few dozen styles and radii; past this the cache starts afresh. */
  var MOST = 512;
  var stamps = new Map();

  /* A style's key, kept on the layer until its style changes (_updateStyle). */
  function styleKey(layer) {
    var o = layer.options;
    if (layer.stampStyle === undefined) {
      layer.stampStyle = [o.fill ? 1 : 0, o.fillColor || o.color, o.fillOpacity, o.fillRule || "",
        o.stroke && o.weight !== 0 ? 1 : 0, o.color, o.opacity, o.weight, o.lineCap, o.lineJoin,
        String(o._dashArray || "")].join("|");
    }
    return layer.stampStyle;
  }

  /* The circle of radius r in layer's style, drawn once on a square canvas of `size` px (at
   * m device pixels to the px) with its centre at (half, half). */
  function stampOf(renderer, layer, r, m) {
    var key = r + "|" + m + "|" + styleKey(layer), stamp = stamps.get(key);
    if (stamp) { return stamp; }
    if (stamps.size >= MOST) { stamps.clear(); }
    var o = layer.options, reach = o.stroke && o.weight ? Math.ceil(o.weight / 2) : 0;
    var half = r + reach + 1, size = 2 * half, image = document.createElement("canvas");
    image.width = image.height = size * m;
    var ctx = image.getContext("2d");
    ctx.scale(m, m);
    ctx.beginPath();
    ctx.arc(half, half, r, 0, Math.PI * 2, false);
    renderer._fillStroke(ctx, layer);
    stamp = { image: image, half: half, size: size };
    stamps.set(key, stamp);
    return stamp;
  }

  function whole(v) { return v === Math.round(v); }

  /* Boxes within NEAR px of each other made one (their bounds), until none are: a dense
   * city's changed marks are a few boxes, not hundreds. */
  function merged(boxes) {
    var out = boxes.slice(), joined = true;
    while (joined) {
      joined = false;
      for (var i = 0; i < out.length; i++) {
        for (var j = i + 1; j < out.length; j++) {
          var a = out[i], c = out[j];
          if (meet(a, c, NEAR)) {
            out[i] = L.bounds(a.min, a.max).extend(c.min).extend(c.max);
            out.splice(j, 1);
            joined = true;
            j = i;  // (the grown box may now reach those passed)
          }
        }
      }
    }
    return out;
  }

  /* Whether the canvas holds at least n paths. */
  function holds(canvas, n) {
    for (var order = canvas._drawFirst; order && n > 0; order = order.next) { n--; }
    return n <= 0;
  }

  /* Whether bounds a, grown by pad px each side, meet bounds b (no bounds made: _draw asks it
   * of every path). */
  function meet(a, b, pad) {
    return a.min.x - pad <= b.max.x && a.max.x + pad >= b.min.x && a.min.y - pad <= b.max.y && a.max.y + pad >= b.min.y;
  }

  /* Whether a path's pixels may reach bounds b: its bounds, padded by its stroke and a pixel
   * of antialiasing (as Leaflet pads a path it redraws), meet b. */
  function reaches(layer, b) {
    return !!layer._pxBounds && meet(layer._pxBounds, b, (layer.options.weight || 0) + 1);
  }

  /* How far beyond its canvas a path is clipped, as a share of the canvas's size each side: a
   * pan that keeps the canvas (and STROKE px around it) inside this frame moves the drawing
   * (shift) instead of drawing it anew. The bench's pan (a quarter of the view) keeps it. */
  var FRAME = 0.25, STROKE = 16;

  /* Beyond this many boxes to draw again (drawWhere), once those within NEAR px of each other
   * are one, the canvas is drawn whole: each box draws again every path that reaches it, and a
   * large area drawn again for each of many boxes costs more than one drawing of all. */
  var MOST_BOXES = 32, NEAR = 32;
  /* A canvas of fewer paths than this is drawn whole for a change of a few (drawWhere): cheap,
   * and exactly a fresh drawing's pixels (a box's border leaves the edges it cuts antialiased a
   * little otherwise). BM_OPTIONS.boxesFrom sets it (tests: every canvas drawn in boxes). */
  var BOXES_FROM = window.BM_OPTIONS && window.BM_OPTIONS.boxesFrom !== undefined ? window.BM_OPTIONS.boxesFrom : 1000;

  function framed(frame, b) {
    return frame.contains(L.bounds(b.min.subtract([STROKE, STROKE]), b.max.add([STROKE, STROKE])));
  }

  /* The parts of bounds b that bounds old does not cover: at most two rectangles (a band
   * across the whole of b, and one along the rest), in layer pixels. */
  function uncovered(b, old) {
    var out = [], x0 = Math.max(b.min.x, old.min.x), x1 = Math.min(b.max.x, old.max.x);
    if (old.min.x > b.min.x) { out.push(L.bounds([b.min.x, b.min.y], [old.min.x, b.max.y])); }
    if (old.max.x < b.max.x) { out.push(L.bounds([old.max.x, b.min.y], [b.max.x, b.max.y])); }
    if (old.min.y > b.min.y) { out.push(L.bounds([x0, b.min.y], [x1, old.min.y])); }
    if (old.max.y < b.max.y) { out.push(L.bounds([x0, old.max.y], [x1, b.max.y])); }
    return out;
  }

  /* Leaflet's own methods of the paths, which the paths of other renderers keep. */
  var leaflet = {
    clipLine: L.Polyline.prototype._clipPoints,
    clipArea: L.Polygon.prototype._clipPoints,
    updateLine: L.Polyline.prototype._update,
    projectLine: L.Polyline.prototype._projectLatlngs,
    projectCircle: L.CircleMarker.prototype._project
  };

  /* A line or an area on one of these canvases is clipped to its frame rather than to the
   * canvas (see FRAME): the same parts, so the same pixels, whichever view within the frame
   * it was drawn for. */
  function clippedToFrame(clip) {
    return function () {
      var renderer = this._renderer, shown = renderer && renderer._bounds;
      if (!renderer || !renderer.frame) { clip.call(this); return; }
      renderer._bounds = renderer.frame;
      try { clip.call(this); } finally { renderer._bounds = shown; }
    };
  }

  /* The methods a path drawn by this renderer is given (see adopt). */
  var own = {
    clipLine: clippedToFrame(leaflet.clipLine),
    clipArea: clippedToFrame(leaflet.clipArea),

    /* A line's or an area's parts (its rings clipped to the frame and simplified) stay as they
     * are while its rings (projected anew on a zoom or a change of shape), the frame, its
     * weight (an area is clipped a stroke's width out) and its smoothing stay: a pan within
     * the frame clips and simplifies every path to what it had (at real-shaped 100k, 6 ms a
     * pan, for the rivers' long courses), and is drawn from the parts it had. */
    updateLine: function () {
      var renderer = this._renderer, frame = renderer && renderer.frame, o = this.options, kept = this.partsFor;
      if (frame && this._map && kept && kept[0] === this._rings && kept[1] === frame && kept[2] === o.weight &&
          kept[3] === o.smoothFactor && kept[4] === o.noClip) {
        this._updatePath();
        return;
      }
      leaflet.updateLine.call(this);
      this.partsFor = frame && this._map ? [this._rings, frame, o.weight, o.smoothFactor, o.noClip] : null;
    },

    /* A line's, an area's and a circle marker's points projected as Leaflet projects them
     * (latLngToLayerPoint), by one projector per zoom and origin (BM.space.layerPoints). */
    projectLine: function (latlngs, result, bounds) {
      if (!(latlngs[0] instanceof L.LatLng)) {
        for (var j = 0; j < latlngs.length; j++) { this._projectLatlngs(latlngs[j], result, bounds); }
        return;
      }
      var at = window.BM.space.layerPoints(this._map), ring = new Array(latlngs.length);
      for (var i = 0; i < latlngs.length; i++) {
        ring[i] = at(latlngs[i].lng, latlngs[i].lat);
        bounds.extend(ring[i]);
      }
      result.push(ring);
    },
    projectCircle: function () {
      this._point = window.BM.space.layerPoints(this._map)(this._latlng.lng, this._latlng.lat);
      this._updateBounds();
    }
  };

  /* A path joining one of these renderers is given its methods, in place of those it has from
   * Leaflet (a kind of path that has its own keeps them: a circle in metres, L.Circle, is
   * projected as Leaflet projects it). Once: a path culled and added again has them already. */
  function adopt(layer) {
    if (layer._clipPoints === leaflet.clipLine) { layer._clipPoints = own.clipLine; }
    if (layer._clipPoints === leaflet.clipArea) { layer._clipPoints = own.clipArea; }
    if (layer._update === leaflet.updateLine) { layer._update = own.updateLine; }
    if (layer._projectLatlngs === leaflet.projectLine) { layer._projectLatlngs = own.projectLine; }
    if (layer._project === leaflet.projectCircle) { layer._project = own.projectCircle; }
  }

  /* Leaflet's canvas, whose paths are given their methods (adopt) as they join it: a canvas
   * without a frame, whose paths are only projected faster (the base map's, bm-base.js). */
  var Plain = L.Canvas.extend({
    /* A path joins this renderer (before it is first projected): it is given its methods. */
    _initPath: function (layer) {
      adopt(layer);
      L.Canvas.prototype._initPath.call(this, layer);
    }
  });

  var Canvas = Plain.extend({
    /* How many circles this renderer has stamped (for tests: the stamp is what draws them). */
    stamped: 0,
    /* How many pans moved the drawing rather than drawing it anew (for tests: see shift). */
    shifted: 0,
    /* Whether its pane is not displayed (a group prepared but not shown). */
    hidden: function () {
      var pane = this._container && this._container.parentNode;
      return !!pane && pane.style.display === "none";
    },
    /* Called on each moveend before the canvas follows the view: what its owner adds or takes
     * away then is drawn with everything else. */
    beforeUpdate: null,
    /* The view a drawing was made for, exactly: zoom, centre, pixel origin, where the map pane
     * lies and the container's size. */
    viewKey: function () { return window.BM.viewKey(this._map); },
    onAdd: function (map) {
      this.drawnFor = null;
      L.Canvas.prototype.onAdd.call(this, map);
    },
    _update: function () {
      var map = this._map, settled = !(map && map._animatingZoom && this._bounds);  // Leaflet waits too
      if (settled && this.options.keepDrawn && this._bounds && this.drawnFor === this.viewKey()) {
        // placed as Leaflet's own update places it (a zoom event on the way may have moved it
        // by a fraction of a pixel: the film's camera, held still at a fractional zoom)
        this._center = map.getCenter();
        this._zoom = map.getZoom();
        L.DomUtil.setPosition(this._container, this._bounds.min);
        return;
      }
      if (!settled) { L.Canvas.prototype._update.call(this); return; }  // (it returns at once)
      // The drawing there is, if it is whole (drawn for its view, nothing asked for since) and
      // this is no view reset (a zoom, or a hidden group shown after the view moved).
      var was = this.drawnFor && !this._redrawRequest && this._bounds && !this._postponeUpdatePaths ?
        { bounds: this._bounds, zoom: this._zoom, origin: this.origin } : null;
      L.Renderer.prototype._update.call(this);  // _bounds, _center and _zoom for the view now
      var b = this._bounds, origin = map.getPixelOrigin(), c = this._container;
      this.origin = origin;
      if (this.beforeUpdate) {
        // what the owner adds and takes away is drawn by this update; a path that comes or
        // goes where the drawing kept for the view is (see shift) spoils it
        this.watch = was && was.bounds.intersects(b) ? was.bounds : null;
        this.spoiled = false;
        this.updating = true;
        try { this.beforeUpdate(); } finally { this.updating = false; this.watch = null; }
      }
      var m = L.Browser.retina ? 2 : 1, size = b.getSize();
      if (was && !this.spoiled && was.zoom === this._zoom && was.origin && was.origin.equals(origin) &&
          c.width === m * size.x && c.height === m * size.y && this.frame && framed(this.frame, b)) {
        this.shift(was.bounds);
      } else {
        // (whole pixels: Leaflet's clipSegment rounds the points it makes, and against a
        // fractional edge a rounded point can stay outside forever: the page hung)
        var padded = b.pad(FRAME);
        this.frame = L.bounds(padded.min.floor(), padded.max.ceil());
        L.Canvas.prototype._update.call(this);
      }
      // (a view reset clears the canvas here and draws it in _reset, once)
      if (!this._postponeUpdatePaths) { this.drawnFor = this.viewKey(); }
    },
    /* A pan at one zoom: the drawing the canvas holds is moved with the view (a copy of its
     * pixels), and only what the old canvas did not cover is drawn (strips, at most two).
     * Every path is clipped to the frame, which holds both canvases, so each path's pixels
     * where they overlap are those a drawing made afresh gives (a test compares them). */
    shift: function (old) {
      var b = this._bounds, m = L.Browser.retina ? 2 : 1, c = this._container, ctx = this._ctx;
      L.DomUtil.setPosition(c, b.min);
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.globalCompositeOperation = "copy";
      ctx.drawImage(c, (old.min.x - b.min.x) * m, (old.min.y - b.min.y) * m);
      ctx.restore();
      ctx.setTransform(m, 0, 0, m, -b.min.x * m, -b.min.y * m);
      this.strips = uncovered(b, old);
      this.shifted += 1;
      this.fire("update");  // every path clipped anew (to the same frame), then drawn: _redraw
    },
    /* A view reset (a zoom without animation, or a hidden group shown at a moved view): every
     * path is projected for the new view, then clipped and drawn once. Leaflet clipped each
     * path twice here (its reset, then the paths' update it had postponed) and had projected
     * each once already when the zoom ended (see _onZoomEnd). */
    _reset: function () {
      if (!this._postponeUpdatePaths) {
        L.Canvas.prototype._reset.call(this);
      } else {
        this._update();  // (the paths' update stays postponed: it follows, once)
        this._updateTransform(this._center, this._zoom);
        for (var id in this._layers) { this._layers[id]._project(); }
        this._postponeUpdatePaths = false;
        this._updatePaths();
      }
      this.drawnFor = this.viewKey();
    },
    /* A zoom's end projects every path, unless a view reset follows (it was announced:
     * viewprereset), which projects them after the group has culled what the new view leaves. */
    _onZoomEnd: function () {
      if (!this._postponeUpdatePaths) { L.Canvas.prototype._onZoomEnd.call(this); }
    },
    _redraw: function () {
      if (this._redrawRequest) { L.Util.cancelAnimFrame(this._redrawRequest); }  // drawn now
      var strips = this.strips;
      this.strips = null;
      if (!strips) { L.Canvas.prototype._redraw.call(this); return; }
      for (var i = 0; i < strips.length; i++) {  // after a shift: each strip cleared, clipped, drawn
        this._redrawBounds = strips[i];
        L.Canvas.prototype._redraw.call(this);
      }
    },
    /* Leaflet's drawing of the paths (only those in _redrawBounds, when set, clipped to it),
     * where a path counts as in the box if it reaches it with its stroke and antialiasing (its
     * bounds padded as Leaflet pads a path it asks to redraw), not only with its bounds: a box
     * drawn again (drawWhere, a pan's strips) has the pixels of a drawing made afresh, the
     * edges of the paths beside it included. */
    _draw: function () {
      var bounds = this._redrawBounds, ctx = this._ctx;
      ctx.save();
      if (bounds) {
        var size = bounds.getSize();
        ctx.beginPath();
        ctx.rect(bounds.min.x, bounds.min.y, size.x, size.y);
        ctx.clip();
      }
      this._drawing = true;
      for (var order = this._drawFirst; order; order = order.next) {
        if (!bounds || reaches(order.layer, bounds)) { order.layer._updatePath(); }
      }
      this._drawing = false;
      ctx.restore();
    },
    _updateCircle: function (layer) {
      // (a mark folded into a neighbour's at this zoom is not drawn: bm-layers.js, fold)
      if (!this._drawing || layer._empty() || layer.folded) { return; }
      var p = layer._point, r = Math.max(Math.round(layer._radius), 1);
      var ry = Math.max(Math.round(layer._radiusY), 1) || r;
      if (ry !== r || r > LARGEST || !whole(p.x) || !whole(p.y)) {
        L.Canvas.prototype._updateCircle.call(this, layer);
        return;
      }
      var stamp = stampOf(this, layer, r, L.Browser.retina ? 2 : 1), ctx = this._ctx;
      ctx.globalAlpha = 1;  // the stamp carries the style's opacities
      ctx.drawImage(stamp.image, p.x - stamp.half, p.y - stamp.half, stamp.size, stamp.size);
      this.stamped += 1;
    },
    /* Draw every path now, whole (a change of many paths' looks at once: marks folded or
     * unfolded, bm-layers.js), in place of any drawing asked for. */
    drawAll: function () {
      if (!this._map) { return; }
      if (this._redrawRequest) { L.Util.cancelAnimFrame(this._redrawRequest); this._redrawRequest = null; }
      this._redrawBounds = null;
      this._redraw();
    },
    /* Draw again where `paths` lie (their looks changed: marks folded or unfolded,
     * bm-layers.js): each one's box, padded as Leaflet pads a path it redraws, cleared and
     * every path there drawn, clipped to it, as the strips after a pan are; the whole canvas
     * when the boxes are many or cover much of it, a whole drawing is due, the canvas holds few
     * paths (BOXES_FROM) or is hidden (a phase drawn ahead while the page is idle: shown, it
     * has a fresh drawing's pixels exactly). In place of any drawing asked for (its box is
     * drawn too). Drawn whole for a few marks, a dense city's thousands of overlapping areas
     * cost the rasteriser most of a toggle (bench/profile.md). */
    drawWhere: function (paths) {
      var b = this._bounds;
      if (!this._map) { return; }
      if (!b || this.hidden() || (this._redrawRequest && !this._redrawBounds) || !holds(this, BOXES_FROM)) {
        this.drawAll();
        return;
      }
      var boxes = this._redrawBounds ? [this._redrawBounds] : [], area, size = b.getSize();
      for (var i = 0; i < paths.length; i++) {
        var px = paths[i]._pxBounds, pad = (paths[i].options.weight || 0) + 1;
        if (!px) { continue; }  // (not projected: drawn when it is, as Leaflet's own redraw skips it)
        var box = L.bounds(px.min.subtract([pad, pad]).floor(), px.max.add([pad, pad]).ceil());
        if (!box.intersects(b)) { continue; }
        boxes.push(box);
      }
      if (boxes.length > 40 * MOST_BOXES) { this.drawAll(); return; }  // (the merging's cost bounded)
      boxes = merged(boxes);
      area = boxes.reduce(function (sum, box) { return sum + box.getSize().x * box.getSize().y; }, 0);
      if (boxes.length > MOST_BOXES || area > size.x * size.y / 4) { this.drawAll(); return; }
      if (this._redrawRequest) { L.Util.cancelAnimFrame(this._redrawRequest); this._redrawRequest = null; }
      this._redrawBounds = null;
      if (!boxes.length) { return; }
      this.strips = boxes;
      this._redraw();
    },
    /* Run fn without asking for redraws: for a change that leaves the drawing as it is (the
     * paths already drawn keep their order among themselves: bm-layers.js, cull). */
    quietly: function (fn) {
      this.silent = true;
      try { fn(); } finally { this.silent = false; }
    },
    /* A path wholly beyond the canvas asks for no redraw (none draws anything of it), unless
     * one is due already: what it left may be in it. */
    _requestRedraw: function (layer) {
      if (this.silent) { return; }
      if (this.updating) {  // drawn by the update under way; unless it spoils the drawing kept
        var p = layer._pxBounds;  // (its strokes in, and a pixel more for their antialiasing)
        var reach = p && L.bounds(p.min.subtract([1, 1]), p.max.add([1, 1]));
        if (reach && this.watch && this.watch.intersects(reach) && this._bounds.intersects(reach)) {
          this.spoiled = true;
        }
        return;
      }
      if (!this._redrawBounds && this._bounds && layer._pxBounds && !this._bounds.intersects(layer._pxBounds)) { return; }
      L.Canvas.prototype._requestRedraw.call(this, layer);
    },
    _updateStyle: function (layer) {
      layer.stampStyle = undefined;
      L.Canvas.prototype._updateStyle.call(this, layer);
    }
  });

  window.BM.canvas = function (options) { return new Canvas(options); };
  window.BM.canvas.plain = function (options) { return new Plain(options); };
  window.BM.canvas.LEAFLET = LEAFLET;
  window.BM.canvas.own = own;  // (for tests: the methods a path of ours is given)
})();
