/* bm-core.js: what every part of the page's script shares. Part of hengyang-map (MIT).
 *
 * The build ships its contract with the site's data (written by layers/contract.py): every
 * key of the site's data, of a page's data and of a feature's record, every flag, sentinel
 * id and default the page reads. BM.use binds each of its namespaces to a short name, and
 * the parts read every key through them, never as strings of their own:
 *
 *   BM.R  Record         a feature's record       feature[R.NAME]
 *   BM.P  Placement      how a name is placed     record[R.PLACEMENT] === P.RIVER
 *   BM.SG Sign           a hill's sign            record[R.HILL] === SG.MIDDLE
 *   BM.PO PathOption     a style's own options    options[PO.HATCH]
 *   BM.I  Item           a group's item           item[I.FEATURE]
 *   BM.F  Flag           an item's flag bits      flags & F.CHANGED
 *   BM.G  Group          ids the page reserves    G.ALL
 *   BM.D  Default        values a record omits    D.CERTAINTY
 *   BM.S  Site           the site's shared data   data[S.FEATURES] (the page's data holds them too)
 *   BM.TX Texts          the site's date texts    BM.dates[TX.DAYS]
 *   BM.IC Icon           a unit symbol            icon[IC.WIDTH]
 *   BM.K  Page           a page's own data        data[K.GROUPS]
 *   BM.O  Overlay        a group of the page      group[O.ITEMS]
 *   BM.T  Timeline       the page's timeline      data[K.TIMELINE][T.RANGE]
 *   BM.TP TimelinePhase  a phase on it            phase[TP.DAYS]
 *   BM.TB Tables         the page's label tables  data[K.LABELS][TB.KIND]
 *   BM.W  Words          the popup's own words    labels[TB.UI][W.SOURCES]
 *   BM.TI Tiles          the tile server          data[K.TILES][TI.URL]
 *   BM.B  Base           the base layers' names   data[K.BASE][B.PLAIN]
 *   BM.ST Story          a phase's story          told[ST.CHANGES]
 *   BM.BS BaseMap        the offline base map     window.BM_BASE[BS.GROUND]
 *   BM.LC Locator        the locator inset        data[K.LOCATOR][LC.BOX]
 *
 * The one name the page knows before it has the contract is the key the site's data carries
 * it under ("contract", Site.CONTRACT), read in BM.use and nowhere else.
 *
 * The names the page's markup and its script share come apart from the data, set first in
 * the page's head (window.BM_NAMES, the one global typed here: layers/contract.py's
 * page_names), since some are read there, before the site's data has come. They are bound
 * as this script loads:
 *
 *   BM.GL Global    globals the build's files set   window[GL.SITE]
 *   BM.API Api      the drawn page's members        window[GL.MAP][API.MAP]
 *   BM.ID Id        element ids                     document.getElementById(ID.PANEL)
 *   BM.C  Css       class names                     document.querySelector("." + C.SECTION)
 *   BM.A  Attr      data attributes                 node.getAttribute(A.PHASE)
 *   BM.M  Mode      the panel's A.MODE              M.ATLAS
 *   BM.LG Legend    keys of legend entries          "[" + A.LEGEND + "='" + LG.HALO + "']"
 *   BM.LN Language  language codes, HTML lang tags  root.getAttribute(A.LANG) === LN.BOTH
 *
 * (BM.LN, not BM.L: the parts bind these to local names, and L is Leaflet's.)
 *
 * Stylesheets name the classes and language codes themselves (battlemap.css). Dates come
 * as the build wrote them (BM.dayText, BM.spanText): the page formats none. Text from the
 * data is set with textContent only, never parsed as markup. */
(function () {
  "use strict";

  var BM = window.BM = window.BM || {};

  var names = window.BM_NAMES;  // the page's own names (Global.NAMES), set by its head
  BM.GL = names.global;
  BM.API = names.api;
  BM.ID = names.ids;
  BM.C = names.css;
  BM.A = names.attr;
  BM.M = names.mode;
  BM.LG = names.legend;
  BM.LN = names.language;

  /* Take the build's contract and date texts (once, before anything is drawn). */
  BM.use = function (site) {
    var contract = site.contract;  // the single entry name (Site.CONTRACT): the rest is read from it
    BM.R = contract.record;
    BM.P = contract.placement;
    BM.SG = contract.sign;
    BM.PO = contract.path_option;
    BM.I = contract.item;
    BM.F = contract.flag;
    BM.G = contract.group;
    BM.D = contract.default;
    BM.S = contract.site;
    BM.TX = contract.texts;
    BM.IC = contract.icon;
    BM.K = contract.page;
    BM.O = contract.overlay;
    BM.T = contract.timeline;
    BM.TP = contract.timeline_phase;
    BM.TB = contract.tables;
    BM.W = contract.words;
    BM.TI = contract.tiles;
    BM.B = contract.base;
    BM.ST = contract.story;
    BM.BS = contract.basemap;
    BM.LC = contract.locator;
    BM.dates = site[BM.S.TEXTS];
  };

  /* Day number d as readers write it, in both languages ([zh, en]). */
  BM.dayText = function (d) { return BM.dates[BM.TX.DAYS][String(d)]; };

  /* A feature's span of validity, first and last day, in both languages. */
  BM.spanText = function (valid) { return BM.dates[BM.TX.SPANS][valid[0] + "," + valid[1]]; };

  /* An element with a class and children (nodes, or strings added as text). */
  BM.make = function (tag, className, children) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === "") { return; }
      node.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
    });
    return node;
  };

  /* Both languages of a [zh, en] pair, each in its own lang-tagged element. */
  BM.bi = function (text, tag) {
    var fragment = document.createDocumentFragment();
    fragment.appendChild(BM.make(tag || "span", null, [text[0]]));
    fragment.lastChild.setAttribute("lang", BM.LN.ZH_TAG);
    fragment.appendChild(BM.make(tag || "span", null, [text[1]]));
    fragment.lastChild.setAttribute("lang", BM.LN.EN_TAG);
    return fragment;
  };

  BM.pointOf = function (geometry) {
    return L.latLng(geometry.coordinates[1], geometry.coordinates[0]);
  };

  /* Where a feature's mark (its dot, its hill's sign) stands, [lon, lat]: a point's own place,
   * a hill area's summit (or its middle, where the summit is not recorded); null for the rest. */
  BM.markAt = function (record) {
    var g = record[BM.R.GEOMETRY];
    return g.type === "Point" ? g.coordinates : record[BM.R.SUMMIT] || null;
  };

  /* The map's view, exactly, as a key: zoom, centre, pixel origin, where the map pane lies and
   * the container's size (what a drawing or a placement was made for). */
  BM.viewKey = function (map) {
    var centre = map.getCenter(), origin = map.getPixelOrigin(), pane = map.containerPointToLayerPoint([0, 0]);
    return [map.getZoom(), centre.lat, centre.lng, origin.x, origin.y, pane.x, pane.y, map.getSize().x, map.getSize().y].join("|");
  };

  /* A large site's features come in two files (layers/page/sitedata.py, SiteData.lead): the
   * first, loaded with a page, holds what its first phase draws, and the rest are null in
   * site[S.FEATURES] until the second (site[S.MORE], its path) has run, which sets S.MORE to
   * null. The page loads it once its first view is drawn (BM.loadRest), or at once when
   * something waits for it (BM.whenComplete). */
  var waiting = [], loading = false;
  BM.siteComplete = function () { return !window[BM.GL.SITE][BM.S.MORE]; };
  /* fn() now if every feature is there, else once they are (loading them now, unless
   * `later`: when the page loads them). */
  BM.whenComplete = function (fn, later) {
    if (BM.siteComplete()) { fn(); return; }
    waiting.push(fn);
    if (!later) { BM.loadRest(); }
  };
  BM.loadRest = function () {
    var path = window[BM.GL.SITE][BM.S.MORE];
    if (!path || loading) { return; }
    loading = true;
    var script = document.createElement("script");
    script.src = path;
    script.onload = function () {
      var due = waiting;
      waiting = [];
      due.forEach(function (fn) { fn(); });
    };
    script.onerror = function () { throw new Error("the battle's data could not be read: " + path); };
    document.head.appendChild(script);
  };

  /* Run fn in idle time (with a deadline object), or soon where idle callbacks are missing.
   * A browser may go a long while without an idle period while it still draws (Chromium
   * starved the phases' preparation for up to a second at a time, eleven times in a large
   * atlas's nine seconds): fn runs at the latest after IDLE_WAIT ms, unless `patient` (work
   * the page may never need, done only when it is idle). */
  var IDLE_WAIT = 100;
  BM.whenIdle = function (fn, patient) {
    if (window.requestIdleCallback) {
      window.requestIdleCallback(fn, patient ? {} : { timeout: IDLE_WAIT });
    } else {
      window.setTimeout(function () {
        var until = Date.now() + 40;
        fn({ timeRemaining: function () { return Math.max(0, until - Date.now()); } });
      }, 16);
    }
  };
})();
