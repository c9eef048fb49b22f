/* bm-panel.js: what the page says about a feature, built from its record: the popup and the
 * text version's rows. Part of hengyang-map (MIT). Text is set with textContent only. */
(function () {
  "use strict";

  var BM = window.BM, el = BM.make, bi = BM.bi, C = BM.C, A = BM.A;

  function joined(parts, separator) {
    var out = [];
    parts.forEach(function (part, i) {
      if (i) { out.push(separator); }
      out.push(part);
    });
    return out;
  }

  function thousands(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  /* Bracketed citations, each a link to the page's bibliography entry with its tier after it. */
  function cites(ids, tiers) {
    if (!ids || !ids.length) { return null; }
    var span = el("span", "bm-cites", ["["]);
    ids.forEach(function (id, i) {
      if (i) { span.appendChild(document.createTextNode(", ")); }
      var mark = Object.prototype.hasOwnProperty.call(tiers, id) ? tiers[id] : "";
      var link = el("a", "bm-cite " + C.TIER + (mark === "*" ? "article" : mark), [id]);
      link.setAttribute("href", "#" + BM.ID.SOURCE + id);
      span.appendChild(link);
      if (mark) { span.appendChild(el("sup", "bm-tier", [mark])); }
    });
    span.appendChild(document.createTextNode("]"));
    return span;
  }

  function note(text, brackets) {
    if (!text) { return null; }
    return el("span", "bm-note", brackets ? ["(", bi(text), ")"] : [bi(text)]);
  }

  function kindLabel(feature, labels) {
    var TB = BM.TB, kind = feature[BM.R.KIND];
    return labels[TB.KIND][kind] || labels[TB.MOVEMENT][kind];
  }

  function figuresTable(figures, tiers) {
    var table = el("table", "bm-figures");
    figures.forEach(function (figure) {
      var head = el("th", null, [bi(figure[0])]);
      head.setAttribute("colspan", "2");
      head.setAttribute("scope", "rowgroup");
      table.appendChild(el("tr", null, [head]));
      figure[1].forEach(function (value) {
        table.appendChild(el("tr", null, [
          el("td", null, [bi(value[0])]),
          el("td", null, [cites(value[1], tiers), value[2] ? " " : null, value[2] ? bi(value[2]) : null])
        ]));
      });
    });
    return table;
  }

  function claimsBlock(claims, labels) {
    var TB = BM.TB, list = el("ul");
    claims.forEach(function (claim) {
      var field = labels[TB.FIELD][claim[0]] || [claim[0], claim[0]];
      list.appendChild(el("li", null, [el("b", null, [bi(field)]), ": ", claim[1], " ", cites(claim[2], labels[TB.TIER]),
        claim[3] ? " " : null, note(claim[3])]));
    });
    return el("div", "bm-claims", [el("b", null, [bi(labels[TB.UI][BM.W.DISAGREE])]), list]);
  }

  /* A feature's account (its description, location note, sources, claims, figures, status
   * history, commander …) is not in the site's shared file, which every page loads before it
   * draws, but in detail files of `size` features each (Site.DETAILS: [size, [path, ...]]),
   * each loaded the first time a reader asks for one of its features: a popup, the text
   * version. A detail file queues its part of each record ([chunk, {feature index: part}]) on
   * window.BM_DETAILS; a single-file page carries its parts inline. Without Site.DETAILS,
   * every record is whole. */
  var details = null;

  function detailsReady() {
    if (!details) {
      var site = window[BM.GL.SITE], spec = site[BM.S.DETAILS];
      details = { size: spec ? spec[0] : 0, files: spec ? spec[1] : [], done: {}, asked: {}, waiting: [],
        records: site[BM.S.FEATURES], index: null };
    }
    var queue = window[BM.GL.DETAILS] || [];
    while (queue.length) {
      var chunk = queue.shift(), parts = chunk[1];
      for (var i in parts) {
        if (!Object.prototype.hasOwnProperty.call(parts, i)) { continue; }
        var record = details.records[i], part = parts[i];
        for (var key in part) {
          if (Object.prototype.hasOwnProperty.call(part, key)) { record[key] = part[key]; }
        }
      }
      details.done[chunk[0]] = true;
    }
    return details;
  }

  function chunksOf(indices) {
    var d = detailsReady(), seen = {}, out = [];
    if (!d.size) { return out; }
    indices.forEach(function (i) {
      var k = Math.floor(i / d.size);
      if (!seen[k] && !d.done[k]) { seen[k] = true; out.push(k); }
    });
    return out;
  }

  /* Whether the records of features `indices` are whole now; if not, their detail files are
   * loaded and `then` is called once they are (or have failed: the page says what it has). */
  function need(indices, then) {
    var d = detailsReady(), chunks = chunksOf(indices);
    if (!chunks.length) { return true; }
    d.waiting.push([chunks, then]);
    chunks.forEach(function (k) {
      if (d.asked[k]) { return; }
      d.asked[k] = true;
      var script = document.createElement("script");
      script.src = d.files[k];
      script.onload = arrived;
      script.onerror = function () { d.done[k] = true; arrived(); };
      document.head.appendChild(script);
    });
    return false;
  }

  function arrived() {
    var d = detailsReady();
    d.waiting = d.waiting.filter(function (w) {
      if (!w[0].every(function (k) { return d.done[k]; })) { return true; }
      w[1]();
      return false;
    });
  }

  /* A feature's index in the site's records (found once for all when first asked). */
  function indexOf(record) {
    var d = detailsReady();
    if (!d.index) {
      d.index = new Map();
      Object.keys(d.records).forEach(function (i) { d.index.set(d.records[i], +i); });
    }
    return d.index.get(record);
  }

  /* The popup of `layer`'s feature: whole when its record is, else its name while the rest
   * arrives (the popup is then filled in place). */
  function popupFor(feature, data, layer) {
    var index = indexOf(feature);
    if (index === undefined || need([index], function () { if (layer.isPopupOpen()) { layer.getPopup().update(); } })) {
      return popupContent(feature, data);
    }
    var wait = el("p", "bm-wait", ["…"]);
    var box = el("div", "bm-popup", [el("h3", null, [bi(feature[BM.R.NAME])]), wait]);
    box.setAttribute("aria-busy", "true");
    return box;
  }

  /* Everything a reader may ask of a feature: names, dates, status, account, sources. */
  function popupContent(feature, data) {
    var R = BM.R, TB = BM.TB, W = BM.W, labels = data[BM.K.LABELS], tiers = labels[TB.TIER], words = labels[TB.UI];
    var box = el("div", "bm-popup", [el("h3", null, [bi(feature[R.NAME])])]);
    var meta = [bi(kindLabel(feature, labels))];
    if (feature[R.SIDE]) { meta.push(bi(labels[TB.SIDE][feature[R.SIDE]])); }
    if (feature[R.VALID]) { meta.push(bi(BM.spanText(feature[R.VALID]))); }
    box.appendChild(el("p", "bm-meta", joined(meta, " · ")));
    if (feature[R.COMMANDER]) { box.appendChild(el("p", "bm-meta", [bi(words[W.COMMANDER]), ": ", bi(feature[R.COMMANDER])])); }
    if (feature[R.UNIT]) { box.appendChild(el("p", "bm-meta", [bi(words[W.UNIT]), ": ", bi(feature[R.UNIT])])); }
    if (feature[R.STATUS]) {
      box.appendChild(el("ul", "bm-status", feature[R.STATUS].map(function (change) {
        return el("li", null, [bi(BM.dayText(change[0])), ": ", bi(labels[TB.STATUS][change[1]]), " ",
          cites(change[2], tiers), change[3] ? " " : null, note(change[3], true)]);
      })));
    }
    if (feature[R.DESCRIPTION]) { box.appendChild(el("p", "bm-desc", [bi(feature[R.DESCRIPTION])])); }
    if (feature[R.FIGURES]) { box.appendChild(figuresTable(feature[R.FIGURES], tiers)); }
    if (feature[R.CLAIMS]) { box.appendChild(claimsBlock(feature[R.CLAIMS], labels)); }
    var where = feature[R.LOCATION_NOTE];
    if (feature[R.PRECISION] !== undefined) {  // a detail file that failed to load leaves it out
      box.appendChild(el("p", "bm-loc", [bi(words[W.LOCATION]), ": ±" + thousands(feature[R.PRECISION]) + " m, ",
        bi(labels[TB.CERTAINTY][feature[R.CERTAINTY] || BM.D.CERTAINTY]), where ? ". " : null, where ? bi(where) : null]));
    }
    if (feature[R.EXTENT_SOURCES]) {  // a hill drawn as an area: where its outline and its sign come from
      box.appendChild(el("p", "bm-loc", [bi(words[W.EXTENT]), ": ", cites(feature[R.EXTENT_SOURCES], tiers)]));
      box.appendChild(el("p", "bm-loc", feature[R.SUMMIT_SOURCES] ? [bi(words[W.SUMMIT]), ": ",
        cites(feature[R.SUMMIT_SOURCES], tiers)] : [bi(words[W.NO_SUMMIT])]));
    }
    if (feature[R.ELEVATION] !== undefined && feature[R.ELEVATION_SOURCES]) {
      box.appendChild(el("p", "bm-loc", [bi(words[W.ELEVATION]), ": " + feature[R.ELEVATION] + " m ",
        cites(feature[R.ELEVATION_SOURCES], tiers)]));
    }
    if (feature[R.SOURCES]) { box.appendChild(el("p", "bm-sources", [bi(words[W.SOURCES]), ": ", cites(feature[R.SOURCES], tiers)])); }
    return box;
  }

  /* The accessible twin: a row per feature of the phase (filled when first opened). Each
   * entry is [feature index, its status at the phase's end (from the build) or undefined]. */
  function fillTwin(tbody, entries, data) {
    var R = BM.R, TB = BM.TB, labels = data[BM.K.LABELS], seen = {};
    entries.forEach(function (entry) {
      var feature = data[BM.S.FEATURES][entry[0]], status = entry[1];
      if (seen[feature[R.ID]] || !feature[R.VALID]) { return; }
      seen[feature[R.ID]] = true;
      var row = el("tr", null, [
        el("th", null, [bi(feature[R.NAME])]),
        el("td", null, [bi(kindLabel(feature, labels))]),
        el("td", null, [feature[R.SIDE] ? bi(labels[TB.SIDE][feature[R.SIDE]]) : "—"]),
        el("td", null, [bi(BM.spanText(feature[R.VALID]))]),
        el("td", null, [status ? bi(labels[TB.STATUS][status]) : "—"]),
        el("td", null, [cites(feature[R.SOURCES], labels[TB.TIER])])
      ]);
      row.firstChild.setAttribute("scope", "row");
      row.setAttribute("data-feature", feature[R.ID]);
      tbody.appendChild(row);
    });
  }

  /* A phase's figures, disputed values and sources, for its section of the panel (the same
   * blocks a feature's popup shows). */
  function facts(record, labels) {
    var R = BM.R, TB = BM.TB, tiers = labels[TB.TIER], out = document.createDocumentFragment();
    if (record[R.FIGURES]) { out.appendChild(figuresTable(record[R.FIGURES], tiers)); }
    if (record[R.CLAIMS]) { out.appendChild(claimsBlock(record[R.CLAIMS], labels)); }
    out.appendChild(el("p", "bm-sources", [bi(labels[TB.UI][BM.W.SOURCES]), ": ", cites(record[R.SOURCES], tiers)]));
    return out;
  }

  /* Fill each phase section's facts from the page's data. */
  function fillFacts(data) {
    var K = BM.K, byPhase = data[K.FACTS];
    Array.prototype.forEach.call(document.querySelectorAll("." + C.FACTS + "[" + A.PHASE + "]"), function (node) {
      var record = Object.prototype.hasOwnProperty.call(byPhase, node.getAttribute(A.PHASE))
        ? byPhase[node.getAttribute(A.PHASE)] : null;
      if (record && !node.hasChildNodes()) { node.appendChild(facts(record, data[K.LABELS])); }
    });
  }

  /* A button that takes the reader to a feature (bm-controls.js listens for its clicks). */
  function goto(feature, children) {
    var button = el("button", "bm-goto", children);
    button.type = "button";
    button.setAttribute("data-feature", feature[BM.R.ID]);
    return button;
  }

  /* A phase's lists of what changed since the previous phase and of its dated events, filled
   * when its section is first shown (a campaign's phase may list thousands). */
  /* A story list shows its first LIST_PAGE entries, then a button for the next LIST_MORE: a
   * large battle's phase can change thousands of features, and laying all of them out would
   * stall every step (the list is there to read, not to scroll through at once). */
  var LIST_PAGE = window.BM_OPTIONS && window.BM_OPTIONS.listPage !== undefined ? window.BM_OPTIONS.listPage : 40;
  var LIST_MORE = 200;

  function paged(list, entries, entry, more) {
    var shown = 0, button = null;
    function next(count) {
      var fragment = document.createDocumentFragment(), end = Math.min(entries.length, shown + count);
      for (; shown < end; shown++) { fragment.appendChild(entry(entries[shown], shown)); }
      if (button) { button.parentNode.removeChild(button); button = null; }
      list.appendChild(fragment);
      var left = entries.length - shown;
      if (left > 0) {
        button = el("li", "bm-more-row", [el("button", C.MORE, [bi(more), " (" + thousands(left) + ")"])]);
        button.firstChild.type = "button";
        button.firstChild.addEventListener("click", function () {
          var first = shown;
          next(LIST_MORE);
          var go = list.children[first] && list.children[first].querySelector("button");
          if (go) { go.focus(); }  // the reader goes on from the first new entry
        });
        list.appendChild(button);
      }
    }
    next(LIST_PAGE);
  }

  function fillStory(phaseId, data) {
    var R = BM.R, ST = BM.ST, story = data[BM.K.STORY], features = data[BM.S.FEATURES];
    var more = data[BM.K.LABELS][BM.TB.UI][BM.W.MORE];
    var told = Object.prototype.hasOwnProperty.call(story, phaseId) ? story[phaseId] : {};
    var selector = "[" + A.PHASE + "='" + phaseId.replace(/[^a-z0-9_-]/g, "") + "']";
    var changes = document.querySelector("." + C.CHANGES + selector);
    if (changes && !changes.hasChildNodes()) {
      paged(changes, told[ST.CHANGES] || [], function (change) {
        var feature = features[change[0]];
        return el("li", null, [goto(feature, [bi(feature[R.NAME])]), ": ", bi(data[BM.K.WHATS][change[1]])]);
      }, more);
    }
    var events = document.querySelector("." + C.EVENTS + selector);
    if (events && !events.hasChildNodes()) {
      paged(events, told[ST.EVENTS] || [], function (event, i) {
        var feature = features[event[0]];
        var item = el("li", null, [goto(feature, [el("span", "bm-when", [bi(BM.dayText(event[1]))]), " ", bi(feature[R.NAME])])]);
        item.value = i + 1;  // the number of its mark on the map (bm-key.js)
        return item;
      }, more);
    }
  }

  BM.panel = { popupFor: popupFor, need: need, fillTwin: fillTwin, fillFacts: fillFacts, fillStory: fillStory };
})();
