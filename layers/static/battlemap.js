/* battlemap.js: draws a page's battle data on a Leaflet map. Part of hengyang-map (MIT).
 *
 * The page passes one data object built in Python: styles, icons, features (geometry plus
 * already-escaped tooltip and popup HTML) and groups (which feature, in which style). Every
 * group becomes a toggleable overlay in the layer control. No network access: the optional
 * tile layer is the only thing that would load anything, and it is off by default. */
(function () {
  "use strict";

  function pointOf(geometry) {
    return L.latLng(geometry.coordinates[1], geometry.coordinates[0]);
  }

  function drawFeature(feature, styleIndex, data) {
    var geometry = feature.g;
    var options = L.extend({}, data.styles[styleIndex]);
    var layer;
    if (feature.i !== undefined) {
      var icon = data.icons[feature.i];
      layer = L.marker(pointOf(geometry), {
        icon: L.divIcon({
          html: icon.html,
          className: "bm-unit",
          iconSize: [icon.w, icon.h],
          iconAnchor: [icon.ax, icon.ay]
        }),
        keyboard: true,
        riseOnHover: true
      });
    } else if (geometry.type === "Point") {
      layer = L.circleMarker(pointOf(geometry), options);
    } else {
      layer = L.GeoJSON.geometryToLayer({ type: "Feature", properties: {}, geometry: geometry }, options);
    }
    layer.bindTooltip(feature.t, { direction: "top", sticky: geometry.type !== "Point", opacity: 0.95 });
    layer.bindPopup(feature.p, { maxWidth: 380, autoPanPadding: [24, 24] });
    layer.featureId = feature.id;
    return layer;
  }

  function buildGroup(group, data) {
    var layers = [];
    group.items.forEach(function (item) {
      var feature = data.features[item[0]];
      if (feature.h && data.halo !== undefined) {
        var halo = L.circle(pointOf(feature.g), L.extend({ radius: feature.h }, data.styles[data.halo]));
        halo.isHalo = true;
        layers.push(halo);
      }
      layers.push(drawFeature(feature, item[1], data));
    });
    var layer = L.featureGroup(layers);
    layer.groupId = group.id;
    return layer;
  }

  function setLanguage(code) {
    document.documentElement.setAttribute("data-lang", code);
    var buttons = document.querySelectorAll(".bm-lang button");
    Array.prototype.forEach.call(buttons, function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-lang") === code ? "true" : "false");
    });
  }

  function init(map, data) {
    var plain = L.layerGroup().addTo(map);
    var bases = {};
    bases[data.base.plain] = plain;
    bases[data.base.tiles] = L.tileLayer(data.tiles.url, {
      attribution: data.tiles.attribution,
      maxZoom: 19,
      crossOrigin: true
    });

    var groups = {};
    var overlays = {};
    data.groups.forEach(function (group) {
      var layer = buildGroup(group, data);
      groups[group.id] = layer;
      overlays[group.label] = layer;
      if (group.show) {
        layer.addTo(map);
      }
    });

    var control = L.control.layers(bases, overlays, {
      collapsed: window.matchMedia("(max-width: 700px)").matches,
      position: "topright"
    }).addTo(map);

    var narrow = window.matchMedia("(max-width: 700px)").matches;
    var panel = document.getElementById("bm-panel");
    var panelWidth = panel && !narrow ? panel.offsetWidth + 20 : 0;
    map.fitBounds(L.latLngBounds(data.fit), { paddingTopLeft: [panelWidth + 16, 16], paddingBottomRight: [16, 16] });

    Array.prototype.forEach.call(document.querySelectorAll(".bm-lang button"), function (button) {
      button.addEventListener("click", function () {
        setLanguage(button.getAttribute("data-lang"));
      });
    });

    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(data.attribution);
    return { map: map, groups: groups, control: control, setLanguage: setLanguage };
  }

  window.BattleMap = { init: init };
})();
