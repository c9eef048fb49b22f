/* bm-core.js: what every part of the page's script shares. Part of hengyang-map (MIT).
 *
 * The build ships its contract with the site's data (window.BM_SITE.contract, written by
 * layers/contract.py): every record key, flag, sentinel id and default the page reads. The
 * parts read them from here (BM.R.NAME, BM.F.CHANGED, BM.G.ALL ...), never as strings of
 * their own. Dates come as the build wrote them (BM.dayText, BM.spanText): the page formats
 * none. Text from the data is set with textContent only, never parsed as markup. */
(function () {
  "use strict";

  var BM = window.BM = window.BM || {};

  /* Take the build's contract and date texts (once, before anything is drawn). */
  BM.use = function (site) {
    var c = site.contract;
    BM.R = c.record;
    BM.P = c.placement;
    BM.I = c.item;
    BM.F = c.flag;
    BM.G = c.group;
    BM.D = c.default;
    BM.Z = c.zoom;
    BM.texts = site.texts;
  };

  /* Day number d as readers write it, in both languages ([zh, en]). */
  BM.dayText = function (d) { return BM.texts.days[String(d)]; };

  /* A feature's span of validity, first and last day, in both languages. */
  BM.spanText = function (valid) { return BM.texts.spans[valid[0] + "," + valid[1]]; };

  /* An element with a class and children (nodes, or strings added as text). */
  BM.el = function (tag, className, children) {
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
    fragment.appendChild(BM.el(tag || "span", null, [text[0]]));
    fragment.lastChild.setAttribute("lang", "zh-Hans");
    fragment.appendChild(BM.el(tag || "span", null, [text[1]]));
    fragment.lastChild.setAttribute("lang", "en");
    return fragment;
  };

  BM.pointOf = function (geometry) {
    return L.latLng(geometry.coordinates[1], geometry.coordinates[0]);
  };

  /* Run fn in idle time (with a deadline object), or soon where idle callbacks are missing. */
  BM.whenIdle = function (fn) {
    if (window.requestIdleCallback) {
      window.requestIdleCallback(fn, { timeout: 1000 });
    } else {
      window.setTimeout(function () {
        var until = Date.now() + 40;
        fn({ timeRemaining: function () { return Math.max(0, until - Date.now()); } });
      }, 16);
    }
  };
})();
