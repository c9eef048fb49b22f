/* bm-panel.js: what the page says about a feature, built from its record: the popup and the
 * text version's rows. Part of hengyang-map (MIT). Text is set with textContent only. */
(function () {
  "use strict";

  var BM = window.BM, el = BM.el, bi = BM.bi;

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
      var link = el("a", "bm-cite bm-tier-" + (mark === "*" ? "article" : mark), [id]);
      link.setAttribute("href", "#src-" + id);
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
    return labels.kind[feature[BM.R.KIND]] || labels.movement[feature[BM.R.KIND]];
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
    var list = el("ul");
    claims.forEach(function (claim) {
      var field = labels.field[claim[0]] || [claim[0], claim[0]];
      list.appendChild(el("li", null, [el("b", null, [bi(field)]), ": ", claim[1], " ", cites(claim[2], labels.tier),
        claim[3] ? " " : null, note(claim[3])]));
    });
    return el("div", "bm-claims", [el("b", null, [bi(labels.ui.disagree)]), list]);
  }

  /* Everything a reader may ask of a feature: names, dates, status, account, sources. */
  function popupContent(feature, data) {
    var R = BM.R, labels = data.labels, tiers = labels.tier;
    var box = el("div", "bm-popup", [el("h3", null, [bi(feature[R.NAME])])]);
    var meta = [bi(kindLabel(feature, labels))];
    if (feature[R.SIDE]) { meta.push(bi(labels.side[feature[R.SIDE]])); }
    if (feature[R.VALID]) { meta.push(bi(BM.spanText(feature[R.VALID]))); }
    box.appendChild(el("p", "bm-meta", joined(meta, " · ")));
    if (feature[R.COMMANDER]) { box.appendChild(el("p", "bm-meta", [bi(labels.ui.commander), ": ", bi(feature[R.COMMANDER])])); }
    if (feature[R.UNIT]) { box.appendChild(el("p", "bm-meta", [bi(labels.ui.unit), ": ", bi(feature[R.UNIT])])); }
    if (feature[R.STATUS]) {
      box.appendChild(el("ul", "bm-status", feature[R.STATUS].map(function (change) {
        return el("li", null, [bi(BM.dayText(change[0])), ": ", bi(labels.status[change[1]]), " ",
          cites(change[2], tiers), change[3] ? " " : null, note(change[3], true)]);
      })));
    }
    box.appendChild(el("p", "bm-desc", [bi(feature[R.DESCRIPTION])]));
    if (feature[R.FIGURES]) { box.appendChild(figuresTable(feature[R.FIGURES], tiers)); }
    if (feature[R.CLAIMS]) { box.appendChild(claimsBlock(feature[R.CLAIMS], labels)); }
    var where = feature[R.LOCATION_NOTE];
    box.appendChild(el("p", "bm-loc", [bi(labels.ui.location), ": ±" + thousands(feature[R.PRECISION]) + " m, ",
      bi(labels.certainty[feature[R.CERTAINTY] || BM.D.CERTAINTY]), where ? ". " : null, where ? bi(where) : null]));
    box.appendChild(el("p", "bm-sources", [bi(labels.ui.sources), ": ", cites(feature[R.SOURCES], tiers)]));
    return box;
  }

  /* The accessible twin: a row per feature of the phase (filled when first opened). Each
   * entry is [feature index, its status at the phase's end (from the build) or undefined]. */
  function fillTwin(tbody, entries, data) {
    var R = BM.R, labels = data.labels, seen = {};
    entries.forEach(function (entry) {
      var feature = data.features[entry[0]], status = entry[1];
      if (seen[feature[R.ID]] || !feature[R.VALID]) { return; }
      seen[feature[R.ID]] = true;
      var row = el("tr", null, [
        el("th", null, [bi(feature[R.NAME])]),
        el("td", null, [bi(kindLabel(feature, labels))]),
        el("td", null, [feature[R.SIDE] ? bi(labels.side[feature[R.SIDE]]) : "—"]),
        el("td", null, [bi(BM.spanText(feature[R.VALID]))]),
        el("td", null, [status ? bi(labels.status[status]) : "—"]),
        el("td", null, [cites(feature[R.SOURCES], labels.tier)])
      ]);
      row.firstChild.setAttribute("scope", "row");
      row.setAttribute("data-feature", feature[R.ID]);
      tbody.appendChild(row);
    });
  }

  /* A phase's figures, disputed values and sources, for its section of the panel (the same
   * blocks a feature's popup shows). */
  function facts(record, labels) {
    var R = BM.R, out = document.createDocumentFragment();
    if (record[R.FIGURES]) { out.appendChild(figuresTable(record[R.FIGURES], labels.tier)); }
    if (record[R.CLAIMS]) { out.appendChild(claimsBlock(record[R.CLAIMS], labels)); }
    out.appendChild(el("p", "bm-sources", [bi(labels.ui.sources), ": ", cites(record[R.SOURCES], labels.tier)]));
    return out;
  }

  /* Fill each phase section's facts from the page's data. */
  function fillFacts(data) {
    Array.prototype.forEach.call(document.querySelectorAll(".bm-facts[data-phase]"), function (node) {
      var record = Object.prototype.hasOwnProperty.call(data.facts, node.getAttribute("data-phase"))
        ? data.facts[node.getAttribute("data-phase")] : null;
      if (record && !node.hasChildNodes()) { node.appendChild(facts(record, data.labels)); }
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
  function fillStory(phaseId, data) {
    var R = BM.R, told = Object.prototype.hasOwnProperty.call(data.story, phaseId) ? data.story[phaseId] : {};
    var selector = "[data-phase='" + phaseId.replace(/[^a-z0-9_-]/g, "") + "']";
    var changes = document.querySelector(".bm-changes" + selector);
    if (changes && !changes.hasChildNodes()) {
      (told.c || []).forEach(function (change) {
        var feature = data.features[change[0]];
        changes.appendChild(el("li", null, [goto(feature, [bi(feature[R.NAME])]), ": ", bi(data.whats[change[1]])]));
      });
    }
    var events = document.querySelector(".bm-events" + selector);
    if (events && !events.hasChildNodes()) {
      (told.e || []).forEach(function (event) {
        var feature = data.features[event[0]];
        events.appendChild(el("li", null, [goto(feature, [el("span", "bm-when", [bi(BM.dayText(event[1]))]), " ", bi(feature[R.NAME])])]));
      });
    }
  }

  BM.panel = { popupContent: popupContent, fillTwin: fillTwin, fillFacts: fillFacts, fillStory: fillStory };
})();
