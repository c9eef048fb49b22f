/* bm-print.js: a page laid out for paper (html.bm-print: PNG/PDF export, the browser's print).
 * The map's sheet keeps the title, the key and as much of the phase's text as fits beside the
 * map, whole paragraphs or whole sentences; the rest follows on the next sheets, in columns,
 * with the works it cites: nothing is cut, faded or clipped. Part of hengyang-map (MIT). */
(function () {
  "use strict";

  var BM = window.BM, el = BM.make, bi = BM.bi, C = BM.C;
  var root = document.documentElement;

  /* Where a paragraph may be split: after a sentence's end (Chinese or Latin punctuation), or
   * else between words (after a space, or between two Han characters). */
  var ENDS = /[。！？；]+[”’」』）)]*|[.!?;]+["'”’)]*(?=\s)/g;
  var BREAKS = /\s+|[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef](?=[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef])/g;
  /* A sentence's end is preferred to a break between words when it keeps this many lines
   * fewer at most. */
  var SENTENCE_LINES = 2;

  /* What undoes the last flow, in reverse order (the browser's print is undone after it). */
  var undo = [];

  function moveTo(node, parent) {
    var from = node.parentNode, next = node.nextSibling;
    undo.push(function () { from.insertBefore(node, next); });
    parent.appendChild(node);
  }

  function shown(node) { return node.getClientRects().length > 0; }

  /* The section's text in reading order: the narrative's paragraphs, the sources line, the
   * disputed values, the figures. */
  function blocks(section) {
    var out = Array.prototype.filter.call(section.querySelectorAll("." + C.NARRATIVE + " > p"), shown);
    [".bm-sources", ".bm-claims", ".bm-figures"].forEach(function (selector) {
      var node = section.querySelector(selector);
      if (node && shown(node)) { out.push(node); }
    });
    return out;
  }

  /* The bottom of the text up to (node, offset) of paragraph p, in page pixels. */
  function bottomAt(p, node, offset) {
    var range = document.createRange();
    range.setStart(p, 0);
    range.setEnd(node, offset);
    var rects = Array.prototype.filter.call(range.getClientRects(), function (r) { return r.height > 0; });
    return rects.length ? Math.max.apply(null, rects.map(function (r) { return r.bottom; })) : Infinity;
  }

  /* Where paragraph p may be split, in order: {node, offset, sentence}. */
  function breaks(p) {
    var out = [], texts = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    for (var t = texts.nextNode(); t; t = texts.nextNode()) {
      var here = [];
      [[ENDS, true], [BREAKS, false]].forEach(function (kind) {
        kind[0].lastIndex = 0;
        for (var m = kind[0].exec(t.data); m; m = kind[0].exec(t.data)) {
          here.push({ node: t, offset: m.index + m[0].length, sentence: kind[1] });
        }
      });
      here.sort(function (x, y) { return x.offset - y.offset || (y.sentence ? 1 : 0) - (x.sentence ? 1 : 0); });
      here.forEach(function (b) {
        var last = out[out.length - 1];
        if (last && last.node === b.node && last.offset === b.offset) { return; }  // (a sentence's end first)
        if (b.offset < t.data.length || t.nextSibling || t.parentNode !== p) { out.push(b); }  // not the paragraph's end
      });
    }
    return out;
  }

  /* Paragraph p split after its last line that ends above limit (at a sentence's end when
   * that keeps nearly as much): p keeps the text up to there, and the rest is returned as a
   * new paragraph (null when not even a line fits). */
  function split(p, limit) {
    var all = breaks(p), lo = 0, hi = all.length - 1, best = -1;
    while (lo <= hi) {  // (the text's foot only falls as it shortens)
      var mid = (lo + hi) >> 1;
      if (bottomAt(p, all[mid].node, all[mid].offset) <= limit) { best = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    if (best < 0) { return null; }
    var line = parseFloat(window.getComputedStyle(p).lineHeight) || 16;
    var foot = bottomAt(p, all[best].node, all[best].offset);
    var near = foot - SENTENCE_LINES * line - 1;  // (the text's foot only rises going back)
    for (var i = best; i >= 0 && !all[best].sentence && bottomAt(p, all[i].node, all[i].offset) >= near; i--) {
      if (all[i].sentence) { best = i; }
    }
    var at = all[best];
    var range = document.createRange();
    range.setStart(at.node, at.offset);
    range.setEndAfter(p.lastChild);
    var rest = p.cloneNode(false);
    rest.removeAttribute("id");
    rest.appendChild(range.extractContents());
    // the part that follows starts without the space after the sentence, given back with it
    var first = document.createTreeWalker(rest, NodeFilter.SHOW_TEXT).nextNode();
    var space = first ? /^\s*/.exec(first.data)[0] : "";
    if (space) { first.data = first.data.slice(space.length); }
    rest.classList.add("bm-cont");
    undo.push(function () {
      if (space) { first.data = space + first.data; }
      while (rest.firstChild) { p.appendChild(rest.firstChild); }
      p.normalize();
      if (rest.parentNode) { rest.parentNode.removeChild(rest); }
    });
    return rest;
  }

  /* The bibliography's entries for the works the moved text cites (each once, in the order
   * of the bibliography). */
  function cited(nodes) {
    var ids = {};
    nodes.forEach(function (node) {
      Array.prototype.forEach.call(node.querySelectorAll("a.bm-cite"), function (a) { ids[a.textContent] = true; });
    });
    var list = el("ol", "bm-works", []);
    Array.prototype.forEach.call(document.querySelectorAll("." + C.BIBLIOGRAPHY + " li[id^='" + BM.ID.SOURCE + "']"), function (li) {
      if (ids[li.id.slice(BM.ID.SOURCE.length)]) {
        var copy = li.cloneNode(true);
        copy.removeAttribute("id");
        list.appendChild(copy);
      }
    });
    return list.children.length ? list : null;
  }

  /* Lay the page out for paper (paper true), or back for the screen (false). paper not given:
   * whether the page is laid out for print export. */
  function flow(paper) {
    var words = BM.print.words;
    if (paper === undefined) { paper = root.classList.contains(C.PRINT); }
    while (undo.length) { undo.pop()(); }
    root.classList.remove("bm-flowed");
    root.removeAttribute("data-flowed");
    if (!paper) { return; }
    var panel = document.getElementById(BM.ID.PANEL), body = panel && panel.querySelector("." + C.BODY);
    var section = body && body.querySelector("." + C.SECTION + ":not([hidden])");
    if (!section) { root.setAttribute("data-flowed", "0"); return; }

    // The key and the credits stand at the foot of the panel, the text above them.
    var foot = el("div", "bm-foot", []);
    undo.push(function () { if (foot.parentNode) { foot.parentNode.removeChild(foot); } });
    panel.appendChild(foot);
    [C.LEGEND, C.ATTRIBUTION, C.PROVENANCE].forEach(function (name) {
      var node = body.querySelector("." + name);
      if (node) { moveTo(node, foot); }
    });

    // (a line to spare: laid out again on paper, the key's columns may balance a line taller
    // than on the screen it was measured on, and the body would clip the last line)
    var style = window.getComputedStyle(body), line = parseFloat(style.lineHeight) || 14;
    var limit = body.getBoundingClientRect().bottom - (parseFloat(style.paddingBottom) || 0) - line;
    var narrative = el("div", C.NARRATIVE, []), facts = el("div", C.FACTS, []);
    var moved = [];
    blocks(section).forEach(function (block) {
      if (!moved.length && block.getBoundingClientRect().bottom <= limit) { return; }
      var told = block.parentNode.classList.contains(C.NARRATIVE);  // (a paragraph of the story)
      var rest = !moved.length && told ? split(block, limit) : null;
      var part = rest || block;
      if (!rest) { moveTo(block, told ? narrative : facts); } else { narrative.appendChild(rest); }
      moved.push(part);
    });
    // A handout lists every event after the text, numbered as on the map (its heading with it).
    var events = root.classList.contains(C.HANDOUT) && section.querySelector("." + C.EVENTS);
    if (events && events.children.length) {
      var heading = events.previousElementSibling;
      if (heading && heading.classList.contains(C.HEADING)) { moveTo(heading, facts); }
      moveTo(events, facts);
    }
    // A key too tall for the panel (a small paper): it follows the text, whole.
    var legend = foot.querySelector("." + C.LEGEND);
    if (legend && body.getBoundingClientRect().height < 40) { moveTo(legend, facts); }
    var works = cited([section, narrative, facts]);
    var more = el("div", "bm-after", []);
    undo.push(function () { if (more.parentNode) { more.parentNode.removeChild(more); } });
    var head = el("header", "bm-after-head", []);
    var battle = panel.querySelector("." + C.BATTLE), title = panel.querySelector("h1");
    if (battle) { head.appendChild(el("p", "bm-after-battle", Array.prototype.slice.call(battle.cloneNode(true).childNodes))); }
    if (title) {
      var line = el("p", "bm-after-title", Array.prototype.slice.call(title.cloneNode(true).childNodes));
      if (words && words[BM.W.CONTINUED]) { line.appendChild(el("span", "bm-after-cont", [" ", bi(words[BM.W.CONTINUED])])); }
      head.appendChild(line);
    }
    var dates = section.querySelector("." + C.DATES);
    if (dates) { head.appendChild(dates.cloneNode(true)); }
    var columns = el("div", "bm-columns", []);
    if (narrative.hasChildNodes()) { columns.appendChild(narrative); }
    if (facts.hasChildNodes()) { columns.appendChild(facts); }
    if (works) {
      var bibliography = document.querySelector("." + C.BIBLIOGRAPHY + " > summary");
      if (bibliography) { columns.appendChild(el("h2", "bm-works-h", Array.prototype.slice.call(bibliography.cloneNode(true).childNodes))); }
      columns.appendChild(works);
    }
    more.appendChild(head);
    more.appendChild(columns);
    document.body.appendChild(more);
    root.classList.add("bm-flowed");
    root.setAttribute("data-flowed", String(moved.length));
  }

  BM.print = { flow: flow, words: null };  // words: the page's interface words (battlemap.js)
})();
