/* bm-controls.js: the panel's controls: phase buttons, keys, the text version, the drawer,
 * "go to" buttons, the halo switch and citations; the map's key (bm-key.js). Part of
 * hengyang-map (MIT). */
(function () {
  "use strict";

  var BM = window.BM, C = BM.C, A = BM.A;

  /* ctx: {map, data, groups, panel, atlas, state}; moves: what BM.stepper returned. */
  function controls(ctx, moves) {
    var map = ctx.map, data = ctx.data, groups = ctx.layerGroups, state = ctx.state, panel = ctx.panel;
    var G = BM.G, I = BM.I, K = BM.K, O = BM.O;
    ctx.key = BM.key.attach(ctx);  // (before the legend's entries get their switches: it copies them)

    function goTo(featureId) {
      moves.arrived();  // the phase a step is flying to, on the map now
      var found = null;
      var visible = state.dayLayer ? [state.dayLayer] : Object.keys(groups).map(function (g) { return groups[g]; });
      visible.forEach(function (group) {
        if (!map.hasLayer(group)) { return; }
        if (found) { return; }
        if (group.find) { found = group.find(featureId); return; }
        group.eachLayer(function (layer) {
          if (!found && layer.featureId === featureId) { found = layer; }
        });
      });
      if (!found) { return; }
      var where = found.getLatLng ? found.getLatLng() : found.getBounds().getCenter();
      map.setView(where, Math.max(map.getZoom(), 14));
      BM.layers.talk(found).openPopup(where);
    }

    var prev = document.querySelector("." + C.PREV);
    var next = document.querySelector("." + C.NEXT);
    var all = document.querySelector("." + C.ALL);
    if (prev) { prev.addEventListener("click", function () { moves.step(-1); }); }
    if (next) { next.addEventListener("click", function () { moves.step(1); }); }
    if (all) { all.addEventListener("click", function () { moves.selectPhase(G.ALL, { push: true }); }); }
    var phaseIds = data[K.TIMELINE][BM.T.PHASES].map(function (phase) { return phase[BM.TP.ID]; });
    // Phases ticked together read as one summary map: made once the ticking is done (a step
    // to every phase adds them one by one), before anything is drawn.
    var due = false;
    map.on("overlayadd overlayremove", function () {
      if (ctx.atlas && !due) {
        due = true;
        Promise.resolve().then(function () { due = false; BM.layers.synopsis(map, groups, phaseIds); });
      }
      BM.layers.applyHalos(map, groups, state.dayLayer);
    });
    var haloEntry = document.querySelector("." + C.LEGEND + " li[" + A.LEGEND + "='" + BM.LG.HALO + "']");
    if (haloEntry) {
      var box = document.createElement("input");
      box.type = "checkbox";
      box.className = "bm-halos";
      var label = BM.make("label", "bm-halos-label", [box, " ", BM.bi(["全部显示", "show all"])]);
      haloEntry.appendChild(label);
      box.addEventListener("change", function () {
        BM.layers.setAllHalos(box.checked);
        BM.layers.applyHalos(map, groups, state.dayLayer);
      });
    }
    Array.prototype.forEach.call(document.querySelectorAll("." + C.TWIN), function (details) {
      var tbody = details.querySelector("tbody[" + A.PHASE + "]");
      if (!tbody) { return; }
      var phaseId = tbody.getAttribute(A.PHASE);
      function fill() {
        if (!details.open || tbody.hasChildNodes()) { return; }
        // every phase (G.ALL): each feature once, in its state at the latest phase that has it
        var entries = [], at = {};
        data[K.GROUPS].forEach(function (group) {
          if (group[O.ID] !== G.REFERENCE && (!ctx.atlas || phaseId === G.ALL || group[O.ID] === phaseId)) {
            var ends = group[O.ENDS] || {};
            group[O.ITEMS].forEach(function (item, i) {
              var index = item[I.FEATURE], entry = [index, ends[String(i)]];
              if (at[index] === undefined) { at[index] = entries.length; entries.push(entry); } else { entries[at[index]] = entry; }
            });
          }
        });
        // its sources and kinds are in the records' detail files: filled once they are loaded
        if (!BM.panel.need(entries.map(function (entry) { return entry[0]; }), fill)) { return; }
        BM.panel.fillTwin(tbody, entries, data);
      }
      details.addEventListener("toggle", fill);
      fill();
    });
    /* "Go to" buttons are made as their lists are shown: one listener for all of them. */
    if (panel) {
      panel.addEventListener("click", function (event) {
        var button = event.target.closest && event.target.closest(".bm-goto");
        if (button) { goTo(button.getAttribute("data-feature")); }
      });
    }
    BM.language.wire();
    var drawer = document.querySelector("." + C.DRAWER);
    if (drawer) {
      drawer.addEventListener("click", function () {
        var collapsed = panel.classList.toggle("bm-collapsed");
        document.body.classList.toggle(C.DRAWER_FOLDED, collapsed);
        drawer.setAttribute("aria-expanded", collapsed ? "false" : "true");
      });
    }
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var tag = target && target.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) { return; }
      if (event.altKey || event.ctrlKey || event.metaKey) { return; }
      if (event.key === "ArrowRight") { moves.step(1); event.preventDefault(); }
      if (event.key === "ArrowLeft") { moves.step(-1); event.preventDefault(); }
    });
    /* A citation (#src-<id>) opens the bibliography at its entry, even from inside a popup. */
    function showSource() {
      var hash = window.location.hash;
      if (hash.indexOf("#" + BM.ID.SOURCE) !== 0) { return false; }
      var entry;
      try { entry = document.getElementById(decodeURIComponent(hash.slice(1))); } catch (err) { return false; }
      if (!entry) { return false; }
      var details = entry.closest("details");
      if (details) { details.open = true; }
      if (panel && panel.classList.contains("bm-collapsed")) { drawer.click(); }
      entry.scrollIntoView({ block: "nearest" });
      entry.classList.add("bm-cited");
      return true;
    }
    window.addEventListener("hashchange", showSource);
    window.addEventListener("popstate", function () {
      var id = moves.fromHash();
      if (id) { moves.selectPhase(id, { push: false }); }
    });
  }

  BM.controls = controls;
})();
