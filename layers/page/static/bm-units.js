/* bm-units.js: unit symbols drawn on a canvas per phase group. Part of hengyang-map (MIT).
 *
 * A unit is a light layer (UnitMark: a position, a symbol, a designation, no element of its
 * own); each group's UnitCanvas draws every mark of its group that the view and the zoom
 * show: the symbol (the build's SVG, decoded once as an image per symbol code) and the
 * designation beside it, in the page's language. Thousands of units cost one canvas, not
 * thousands of elements to create, style and lay out. The reader points at and clicks a
 * symbol as before: the page finds the mark under the pointer among the boxes last drawn
 * (topmost first) and fires the layer's own events, so tooltips, popups and halos are
 * Leaflet's. Only Leaflet's public API. */
(function () {
  "use strict";

  var BM = window.BM, LN = BM.LN;
  /* The designation's look: as .bm-desig was (600 11px, line height 1.1, 2px padding). */
  var DESIG_FONT = "600 11px sans-serif", DESIG_LINE = 12.1, DESIG_PAD = 2;
  var DESIG_INK = "#222", DESIG_PAPER = "rgba(255, 253, 247, 0.85)";
  /* Drawn a little beyond the view, so a short pan shows no empty edge (as Leaflet's renderer). */
  var PAD = 0.1;

  /* Each symbol's image, by its markup, decoded once; canvases waiting for it redraw. */
  var images = {};
  function imageOf(html) {
    var known = images[html];
    if (known) { return known.ready ? known.image : null; }
    // the build's own SVG (milsymbol; no text from the data), read in an inert document
    var svg = new DOMParser().parseFromString(html, "text/html").querySelector("svg");
    var image = new Image();
    known = images[html] = { image: image, ready: false };
    image.onload = function () { known.ready = true; canvases.forEach(function (c) { c.schedule(); }); };
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(new XMLSerializer().serializeToString(svg));
    return null;
  }

  /* The symbol as pixels at a drawing's resolution: an SVG image is drawn anew (vector) on
   * every use, a bitmap is copied (Chromium: 3.5 times faster for thousands of symbols). */
  var bitmaps = {};
  function bitmapOf(icon, ratio) {
    var IC = BM.IC, html = icon[IC.HTML], key = ratio + "|" + html, known = bitmaps[key];
    if (known) { return known; }
    var image = imageOf(html);
    if (!image) { return null; }
    var canvas = document.createElement("canvas");
    canvas.width = Math.ceil(icon[IC.WIDTH] * ratio);
    canvas.height = Math.ceil(icon[IC.HEIGHT] * ratio);
    canvas.getContext("2d").drawImage(image, 0, 0, icon[IC.WIDTH] * ratio, icon[IC.HEIGHT] * ratio);
    bitmaps[key] = canvas;
    return canvas;
  }

  /* While the browser prints, the canvases stand as drawn: a canvas drawn again while the page
   * is being printed takes the page's other canvases out of the print (Chromium). The page is
   * laid out for paper before (a printable page, or the browser's print preview). */
  var printing = false;
  window.addEventListener("beforeprint", function () { printing = true; });
  window.addEventListener("afterprint", function () { printing = false; canvases.forEach(function (c) { c.schedule(); }); });

  /* Designations measured before the fonts were ready are measured again once they are. */
  if (document.fonts && document.fonts.ready) {
    document.fonts.ready.then(function () { widths = {}; measured += 1; canvases.forEach(function (c) { c.schedule(); }); });
  }

  /* Canvas pixels per CSS pixel: the screen's, and finer on paper (a printed page or a page
   * laid out for print export), where a symbol must stay sharp. */
  var PRINT_RATIO = 3;
  function resolution() {
    var paper = document.documentElement.classList.contains(BM.C.PRINT) ||
      (window.matchMedia && window.matchMedia("print").matches);
    return Math.max(window.devicePixelRatio || 1, paper ? PRINT_RATIO : 1);
  }

  function lang() { return document.documentElement.getAttribute(BM.A.LANG) || LN.DEFAULT; }

  /* The designation's lines in the current language. */
  function desigLines(designation, current) {
    if (!designation) { return []; }
    if (designation[0] === designation[1]) { return [designation[0]]; }
    if (current === LN.ZH) { return [designation[0]]; }
    if (current === LN.EN) { return [designation[1]]; }
    return [designation[0], designation[1]];
  }

  /* Designation widths by text; `measured` counts the measurings (a mark's shape is kept until the next). */
  var measurer = null, widths = {}, measured = 0;
  function textWidth(text) {
    if (widths[text] === undefined) {
      measurer = measurer || document.createElement("canvas").getContext("2d");
      measurer.font = DESIG_FONT;
      widths[text] = measurer.measureText(text).width;
    }
    return widths[text];
  }

  /* Whether the map at `zoom` shows a symbol: a small echelon's waits for a closer view (the
   * symbol's own zoom, from the build), at the zoom rounded as the map's controls step it. */
  function reaches(icon, zoom) { return !(icon[BM.IC.MIN_ZOOM] > Math.round(zoom)); }

  /* How large a symbol is drawn at `zoom`, against its full size: full from FULL_SIZE_ZOOM on
   * (a town's streets), a step smaller for each zoom out, never under LEAST_SIZE; at a whole
   * campaign's scale a map of full-size symbols would be symbols only. Its designation keeps
   * its size: it is read, not seen. */
  var FULL_SIZE_ZOOM = 14, SHRINK_PER_ZOOM = 0.125, LEAST_SIZE = 0.5;
  function sizeAt(zoom) {
    return Math.max(LEAST_SIZE, Math.min(1, 1 - SHRINK_PER_ZOOM * (FULL_SIZE_ZOOM - Math.round(zoom))));
  }

  /* A unit on the map: its record, symbol and place; fanned out by `offset` (labels.js). */
  var UnitMark = L.Layer.extend({
    initialize: function (latlng, icon, designation, canvas) {
      this.latlng = latlng;
      this.icon = icon;
      this.designation = designation;
      this.canvas = canvas;
      this.offset = [0, 0];
      this.opacity = 1;
    },
    getLatLng: function () { return this.latlng; },
    onAdd: function () { this.canvas.add(this); },
    onRemove: function () { this.canvas.remove(this); },
    setOpacity: function (opacity) { this.opacity = opacity; this.canvas.schedule(); return this; },
    /* Drawn at this zoom (see reaches). */
    shownAt: function (zoom) { return reaches(this.icon, zoom); },
    /* Shown now: the group's canvas is visible and the zoom reaches the symbol. */
    shown: function () {
      var map = this.canvas.map;
      return !!map && this.canvas.visible() && this.shownAt(map.getZoom());
    },
    /* The symbol's [width, height, anchor x, anchor y] in CSS pixels as the map's zoom draws it
     * (sizeAt). */
    size: function () {
      var IC = BM.IC, icon = this.icon, k = this.canvas.map ? sizeAt(this.canvas.map.getZoom()) : 1;
      return [icon[IC.WIDTH] * k, icon[IC.HEIGHT] * k, icon[IC.ANCHOR_X] * k, icon[IC.ANCHOR_Y] * k, k];
    },
    /* The box of symbol and designation relative to the unit's point: [minX, minY, maxX, maxY]. */
    shape: function (current) {
      var size = this.size(), key = current + "|" + measured + "|" + size[4];
      if (this.shapeKey !== key) { this.shapeKey = key; this.shapeIs = this.measure(current, size); }
      return this.shapeIs;
    },
    measure: function (current, size) {
      var lines = desigLines(this.designation, current);
      var dw = lines.length ? Math.ceil(Math.max.apply(null, lines.map(textWidth)) + 2 * DESIG_PAD) : 0;
      var dh = Math.ceil(lines.length * DESIG_LINE);
      return [-size[2], -size[3], -size[2] + size[0] + (dw ? dw + 2 : 0), -size[3] + Math.max(size[1], dh + 2)];
    },
    setOffset: function (dx, dy) {
      if (dx !== this.offset[0] || dy !== this.offset[1]) { this.offset = [dx, dy]; this.canvas.schedule(); }
    }
  });

  /* One group's units, drawn on one canvas in the group's marker pane. */
  var canvases = [];
  /* A view-sized canvas given back by a hidden group, kept for the next (UnitCanvas.release). */
  var spare = null;
  function blank() {
    var node = L.DomUtil.create("canvas", "bm-units");
    node.width = node.height = 1;
    node.style.pointerEvents = "none";  // the page finds symbols itself (unitAt)
    node.setAttribute("aria-hidden", "true");  // the text version names every unit
    return node;
  }
  var UnitCanvas = L.Layer.extend({
    initialize: function (pane) {
      this.pane = pane;
      this.marks = {};
      this.drawn = [];
      this.pending = false;
    },
    onAdd: function (map) {
      this.map = map;
      this.node = map.getPane(this.pane).appendChild(blank());
      canvases.push(this);
      canvases.sort(function (a, b) { return a.stacking() - b.stacking(); });
      this.schedule();
    },
    onRemove: function () {
      L.DomUtil.remove(this.node);
      canvases.splice(canvases.indexOf(this), 1);
      this.map = null;
    },
    /* After a move the symbols are drawn in the next frame, with the names placed there (which
     * fan them out anew), not once before as well. */
    getEvents: function () {
      return { zoomstart: this.hide, viewreset: this.schedule, zoomend: this.schedule, moveend: this.schedule, resize: this.schedule };
    },
    stacking: function () { return +(this.map.getPane(this.pane).style.zIndex || 0); },
    visible: function () { return this.map.getPane(this.pane).style.display !== "none"; },
    add: function (mark) { this.marks[L.stamp(mark)] = mark; this.schedule(); },
    remove: function (mark) { delete this.marks[L.stamp(mark)]; this.schedule(); },
    hide: function () { if (this.node) { this.node.style.visibility = "hidden"; } },
    /* Nothing to show: the canvas gives its pixels back and leaves the layout. One canvas
     * given back keeps them, for the next group that has symbols to draw (a phase toggled
     * hides one group and shows another: a view-sized canvas made anew took longer than
     * drawing a few dozen symbols on it). */
    release: function () {
      var node = this.node;
      this.key = null;
      node.style.display = "none";
      if (node.width === 1) { return; }
      if (spare) {
        node.width = node.height = 1;
        return;
      }
      spare = node;
      this.node = blank();
      node.parentNode.replaceChild(this.node, node);
    },
    /* A canvas of w × h pixels to draw on, in place of the group's own: the one kept, if it
     * has that size (it is then this group's). */
    sized: function (w, h) {
      if (spare && spare.width === w && spare.height === h && this.node.width !== w) {
        this.node.parentNode.replaceChild(spare, this.node);
        this.node = spare;
        spare = null;
      }
      return this.node;
    },
    /* Draw again once the browser is ready to (many changes, one drawing), unless the names
     * are to be placed in the same frame: that placement moves symbols and draws them all. */
    schedule: function () {
      var self = this;
      this.touched = true;
      if (this.pending || !this.map) { return; }
      this.pending = true;
      window.requestAnimationFrame(function () {
        if (!self.pending) { return; }
        if (placing && placing()) { self.pending = false; return; }
        self.redraw();
      });
    },
    /* Draw every shown mark now: symbols south over north (as Leaflet stacks markers), each
     * designation on its own paper to the right of its symbol. */
    redraw: function () {
      this.pending = false;
      if (!this.map || printing) { return; }
      if (!this.visible()) {  // drawn again when shown; meanwhile its pixels are given back
        if (this.ahead && !this.touched && this.ahead === this.viewKey()) { return; }  // (drawn for its showing)
        this.ahead = null;
        this.stale = true;
        this.drawn = [];
        this.release();
        return;
      }
      this.ahead = null;
      this.paint();
    },
    /* The view a drawing is made for: zoom, where the map pane lies, the map's size, the
     * language and the resolution. */
    viewKey: function () {
      var map = this.map;
      return [map.getZoom(), map.containerPointToLayerPoint([0, 0]).round().toString(), map.getSize().toString(), lang(),
        resolution()].join("|");
    },
    /* Drawn ahead while hidden, with its marks where a placement made ahead puts them (units:
     * [mark, offset] pairs; away: marks back at their places if fanned out): shown at this
     * view, with that placement, it stands as drawn. */
    drawAhead: function (units, away) {
      var self = this;
      if (!this.map || printing) { return; }
      away.forEach(function (mark) { if (mark.canvas === self) { mark.offset = [0, 0]; } });
      units.forEach(function (unit) { if (unit[0].canvas === self) { unit[0].offset = unit[1].slice(); } });
      this.touched = true;
      this.paint();
      this.ahead = this.key;
    },
    paint: function () {
      var map = this.map, node = this.node;
      this.stale = false;
      var size = map.getSize(), pad = size.multiplyBy(PAD).round();
      var zoom = map.getZoom(), current = lang(), IC = BM.IC, list = [];
      // Nothing moved, changed or switched language since the last drawing: it stands.
      var key = this.viewKey();
      if (!this.touched && key === this.key) { return; }
      this.touched = false;
      this.key = key;
      var toScreen = BM.space.screen(map);
      for (var id in this.marks) {
        if (!Object.prototype.hasOwnProperty.call(this.marks, id)) { continue; }
        var mark = this.marks[id];
        if (!mark.shownAt(zoom)) { continue; }
        var p = toScreen(mark.latlng.lng, mark.latlng.lat);
        var s = mark.shape(current);
        var x0 = p.x + mark.offset[0] + s[0], y0 = p.y + mark.offset[1] + s[1];
        if (x0 > size.x + pad.x || y0 > size.y + pad.y || x0 + s[2] - s[0] < -pad.x || y0 + s[3] - s[1] < -pad.y) { continue; }
        list.push({ mark: mark, x: x0, y: y0, order: p.y, minX: x0, minY: y0, maxX: x0 + s[2] - s[0], maxY: y0 + s[3] - s[1] });
      }
      list.sort(function (a, b) { return a.order - b.order || a.x - b.x; });
      this.drawn = list;
      if (!list.length) { this.release(); return; }  // nothing to draw: no pixels held
      var ratio = resolution(), w = size.x + 2 * pad.x, h = size.y + 2 * pad.y;
      node = this.sized(Math.round(w * ratio), Math.round(h * ratio));
      // Resized only when its size changes: a resize clears it.
      if (node.width !== Math.round(w * ratio) || node.height !== Math.round(h * ratio)) {
        node.width = Math.round(w * ratio);
        node.height = Math.round(h * ratio);
        node.style.width = w + "px";
        node.style.height = h + "px";
      }
      L.DomUtil.setPosition(node, map.containerPointToLayerPoint([-pad.x, -pad.y]).round());
      node.style.visibility = "";
      node.style.display = "";
      var ctx = node.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, w, h);
      ctx.font = DESIG_FONT;
      ctx.textBaseline = "top";
      var k = sizeAt(zoom);
      list.forEach(function (entry) {
        var mark = entry.mark, icon = mark.icon, image = bitmapOf(icon, ratio * k);
        var x = entry.x + pad.x, y = entry.y + pad.y;
        ctx.globalAlpha = mark.opacity;
        if (image) { ctx.drawImage(image, x, y, icon[IC.WIDTH] * k, icon[IC.HEIGHT] * k); }
        var lines = desigLines(mark.designation, current);
        if (lines.length) {
          var dx = x + icon[IC.WIDTH] * k + 2, dy = y + 2;
          var width = Math.max.apply(null, lines.map(textWidth)) + 2 * DESIG_PAD;
          ctx.fillStyle = DESIG_PAPER;
          ctx.fillRect(dx, dy, width, lines.length * DESIG_LINE);
          ctx.fillStyle = DESIG_INK;
          lines.forEach(function (line, i) { ctx.fillText(line, dx + DESIG_PAD, dy + i * DESIG_LINE + 0.55); });
        }
      });
      ctx.globalAlpha = 1;
    }
  });

  /* Whether a placement of the names is due in this frame (labels.js says; it draws every
   * canvas once it has placed them). */
  var placing = null;

  /* The mark drawn topmost under container point p, or null. */
  function unitAt(p) {
    for (var c = canvases.length - 1; c >= 0; c--) {
      var canvas = canvases[c];
      if (!canvas.visible() || canvas.stale) { continue; }
      for (var i = canvas.drawn.length - 1; i >= 0; i--) {
        var b = canvas.drawn[i];
        if (p.x >= b.minX && p.x <= b.maxX && p.y >= b.minY && p.y <= b.maxY) { return b.mark; }
      }
    }
    return null;
  }

  /* Pointing and clicking. Each group draws on canvases of its own, stacked, and a canvas
   * would take the pointer over the whole map, so the features of the canvases beneath could
   * never be pointed at: the canvases let the pointer through (battlemap.css), and the page
   * finds what is under it itself: a symbol first, else the topmost path (bm-layers.js,
   * pathAt), and fires the layer's own events, so tooltips and popups are Leaflet's. */
  function listen(map) {
    var container = map.getContainer(), hovered = null;
    function at(event) {
      var t = event.target;
      if (t && t.closest && t.closest(".leaflet-control-container, .leaflet-popup, .leaflet-tooltip, .bm-aggregate")) { return null; }
      var p = map.mouseEventToContainerPoint(event);
      return unitAt(p) || BM.layers.pathAt(p);
    }
    function where(layer, event) {
      return layer instanceof UnitMark ? layer.getLatLng() : map.mouseEventToLatLng(event);
    }
    function hover(layer, event) {
      if (layer === hovered) {
        if (layer && !(layer instanceof UnitMark)) {  // a path's sticky tooltip follows the pointer
          layer.fire("mousemove", { latlng: where(layer, event), originalEvent: event }, true);
        }
        return;
      }
      if (hovered) { hovered.fire("mouseout", { originalEvent: event }, true); }
      hovered = layer;
      container.classList.toggle("bm-over-unit", !!layer);
      if (layer) { layer.fire("mouseover", { latlng: where(layer, event), originalEvent: event }, true); }
    }
    var last = null, pending = false;  // one hit test a frame, however fast the pointer moves
    container.addEventListener("mousemove", function (event) {
      if (event.buttons) { return; }  // a drag is the map's
      last = event;
      if (pending) { return; }
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        if (last) { hover(at(last), last); }
      });
    }, true);
    container.addEventListener("mouseleave", function (event) { last = null; hover(null, event); });
    // A press that became a drag of the map ends in a click event, which is no click on a feature.
    var dragged = false;
    container.addEventListener("mousedown", function () { dragged = false; }, true);
    map.on("dragstart", function () { dragged = true; });
    container.addEventListener("click", function (event) {
      if (dragged) { return; }
      var layer = at(event);
      if (!layer) { return; }
      event.stopPropagation();
      layer.fire("click", { latlng: where(layer, event), originalEvent: event }, true);
    }, true);
    map.on("zoomstart", function () { hover(null, null); });
  }

  BM.units = {
    UnitMark: UnitMark,
    UnitCanvas: UnitCanvas,
    listen: listen,
    reaches: reaches,
    sizeAt: sizeAt,
    /* Draw every canvas now (after the names are placed, so both show at once, in the
     * page's language). */
    redrawAll: function () {
      // the hidden first: a canvas one gives back is there for a shown one to draw on
      canvases.forEach(function (c) { if (c.map && !c.visible()) { c.redraw(); } });
      canvases.forEach(function (c) { if (!c.map || c.visible()) { c.redraw(); } });
    },
    /* Ahead of a group's showing, while the page is idle: its marks' symbols as pixels at the
     * screen's resolution and their designations measured, in the page's language. */
    warm: function (marks) {
      var ratio = resolution(), current = lang();
      marks.forEach(function (mark) { bitmapOf(mark.icon, ratio * mark.size()[4]); mark.shape(current); });
    },
    /* How many symbols have been made into pixels (for tests: a group prepared made its own). */
    rasterised: function () { return Object.keys(bitmaps).length; },
    /* How many symbols' images asked for are still loading (for tests: once none is, the
     * canvases' next drawing has the pixels of every symbol they drew). */
    unready: function () { return Object.keys(images).filter(function (html) { return !images[html].ready; }).length; },
    /* Decode the images of these symbols (the site's icons, by code) now, not when first drawn. */
    decode: function (icons) { Object.keys(icons).forEach(function (code) { imageOf(icons[code][BM.IC.HTML]); }); },
    /* fn() tells whether a placement that ends with redrawAll is due this frame. */
    placedBy: function (fn) { placing = fn; },
    at: unitAt,
    /* What the visible canvases drew: each symbol's box with its designation (container
     * pixels), its feature and designation text, bottom first. */
    boxes: function () {
      var out = [], current = lang();
      canvases.forEach(function (canvas) {
        if (!canvas.map || !canvas.visible() || canvas.stale) { return; }
        canvas.drawn.forEach(function (b) {
          out.push({ minX: b.minX, minY: b.minY, maxX: b.maxX, maxY: b.maxY, feature: b.mark.featureId,
            desig: desigLines(b.mark.designation, current).join("\n"), layer: b.mark, scale: b.mark.size()[4] });
        });
      });
      return out;
    }
  };
})();
