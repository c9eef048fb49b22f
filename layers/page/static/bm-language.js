/* bm-language.js: the reader's language (中文, English or both), and how it travels. Part of
 * hengyang-map (MIT).
 *
 * The language the page opens in is, first, the one its address asks for (`?lang=en`, or
 * `lang=en` in the hash: `#assault-2&lang=en`, `#lang=en`); else, on a page built to follow its
 * reader (the site's pages; not an export laid out in a chosen language), the first of the
 * browser's languages that is Chinese or English; else the one the page was built in. It is
 * chosen as this script loads, in the page's head, so the page is never shown in another.
 *
 * A language chosen (by a button or by the address) travels in addresses, since a page opened
 * from file:// may have no storage: the page's own address (`?lang=…`, replaced in place, so a
 * reload and the live preview's reload keep it; the atlas's `#phase` is left as it is) and
 * every link to another page of the site. The built pages are not changed: the choice lives
 * in the reader's addresses only. */
(function () {
  "use strict";

  var BM = window.BM, A = BM.A, LN = BM.LN;
  var root = document.documentElement;
  var ASKED = /(?:^|[?&;])lang=([a-z]+)/;  // lang=… in a query or a hash
  var chosen = null;  // the language the reader or the address chose, if any

  function known(code) { return LN.CODES.indexOf(code) >= 0 ? code : null; }

  /* The language an address asks for: its hash first (the atlas's own address), then its query. */
  function asked(loc) {
    var hash = ASKED.exec((loc.hash || "").replace(/^#/, "")), query = ASKED.exec((loc.search || "").replace(/^\?/, ""));
    return known(hash ? hash[1] : "") || known(query ? query[1] : "");
  }

  /* A language tag's primary subtag, lower case: "zh" of zh-Hans-CN, of zh-TW and of zh. */
  function primary(tag) { return String(tag).toLowerCase().split("-")[0]; }

  /* The browser's first language that the page has (navigator.languages in order): one whose
   * primary subtag is that of the page's Chinese or English texts (LN.ZH_TAG, LN.EN_TAG). */
  function browsers() {
    var list = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""];
    for (var i = 0; i < list.length; i++) {
      var tag = primary(list[i]);
      if (tag === primary(LN.ZH_TAG)) { return LN.ZH; }
      if (tag === primary(LN.EN_TAG)) { return LN.EN; }
    }
    return null;
  }

  /* The hash without a lang=… part: what the atlas reads as a phase (`assault-2`). */
  function hashWithout(hash) {
    return String(hash || "").replace(/^#/, "").replace(/(^|[&;?])lang=[a-z]*/, "").replace(/^[&;?]+|[&;?]+$/g, "");
  }

  /* `href` (a link to another page of the site) asking for `code`; an address elsewhere
   * (another site, a bibliography's source) is left as it is. */
  function carry(href, code) {
    if (!href || /^[a-z][a-z0-9+.-]*:|^\/\/|^#/i.test(href)) { return href; }
    var at = href.indexOf("#"), hash = at >= 0 ? href.slice(at) : "", rest = at >= 0 ? href.slice(0, at) : href;
    var q = rest.indexOf("?"), path = q >= 0 ? rest.slice(0, q) : rest;
    if (!/\.html$/i.test(path)) { return href; }
    var params = (q >= 0 ? rest.slice(q + 1) : "").split("&").filter(function (p) { return p && p.indexOf("lang=") !== 0; });
    params.push("lang=" + code);
    return path + "?" + params.join("&") + hash;
  }

  /* The page's own address asking for `code`, in place (no new history entry). */
  function remember(code) {
    var loc = window.location, hash = hashWithout(loc.hash);
    var query = (loc.search || "").replace(/^\?/, "").split("&").filter(function (p) { return p && p.indexOf("lang=") !== 0; });
    query.push("lang=" + code);
    try {
      history.replaceState(history.state, "", "?" + query.join("&") + (hash ? "#" + hash : ""));
    } catch (err) { /* an address that cannot be changed: the links still carry the choice */ }
  }

  /* Every link to another page of the site asks for the chosen language. */
  function relink() {
    if (!chosen) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("a[href]"), function (link) {
      var href = link.getAttribute("href"), next = carry(href, chosen);
      if (next !== href) { link.setAttribute("href", next); }
    });
  }

  function show(code) {
    root.setAttribute(A.LANG, code);
    root.setAttribute("lang", code === LN.EN ? LN.EN_TAG : LN.ZH_TAG);
  }

  /* Show the page in `code` (one of LN.CODES); the names on the map follow (bm:lang).
   * A choice of the reader's: the address and the links carry it. */
  function setLanguage(code) {
    if (!known(code)) { return; }
    show(code);
    chosen = code;
    remember(code);
    relink();
    var buttons = document.querySelectorAll("." + BM.C.LANG + " button");
    Array.prototype.forEach.call(buttons, function (button) {
      button.setAttribute("aria-pressed", button.getAttribute(A.LANG) === code ? "true" : "false");
    });
    document.dispatchEvent(new CustomEvent("bm:lang"));
  }

  /* The buttons, and the page as the opening language wants it (buttons pressed, links). */
  function wire() {
    Array.prototype.forEach.call(document.querySelectorAll("." + BM.C.LANG + " button"), function (button) {
      button.addEventListener("click", function () { setLanguage(button.getAttribute(A.LANG)); });
      button.setAttribute("aria-pressed", button.getAttribute(A.LANG) === shownCode() ? "true" : "false");
    });
    relink();
    // The atlas's address may change its hash (a phase step): what it asked for stays in the query.
    if (chosen && asked({ hash: window.location.hash, search: "" })) { remember(chosen); }
  }

  function shownCode() { return root.getAttribute(A.LANG); }

  // The opening language, now (this script runs in the page's head, before its body is shown).
  chosen = asked(window.location);
  var opening = chosen || (root.hasAttribute(A.LANG_READER) ? browsers() : null);
  if (opening && opening !== shownCode()) { show(opening); }

  BM.language = { set: setLanguage, wire: wire, shown: shownCode, hash: hashWithout, carry: carry };
})();
