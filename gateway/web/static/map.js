// Parcels on a map (Leaflet, served by this gateway: no CDN). Every <div class="parcel-map"> draws the GeoJSON
// of its data-src address, or of the <script type="application/json"> inside it. Without a tile service the map
// is outlines on paper: scale bar, north arrow, the pointer's coordinates; with one (data-tiles, set by the
// operator) its tiles lie underneath. Parcels are filled by land type; where the project's state is known (the
// registry's map) their outline says it: solid issued, dashed filed, grey once every coupon is offset.
(function () {
  "use strict";
  const LAND = { FOREST: "#2e7d32", CULTIVATED: "#c49a00", GRASSLAND: "#7cb342", WETLAND: "#1e88e5" };
  const STATE = { ISSUED: "#2e7d32", FILED: "#f9a825", OFFSET: "#757575" };

  function words(element) {
    try { return JSON.parse(element.dataset.words || "{}"); } catch (error) { return {}; }
  }

  function popup(properties, said) {
    const rows = [];
    const add = (label, value) => { if (value !== undefined && value !== null && value !== "") rows.push([label, value]); };
    add(said.number || "宗地号", properties.number);
    add(said.project || "项目", properties.project_name);
    add(said.land_type || "地类", (said.lands || {})[properties.land_type] || properties.land_type);
    add(said.area || "面积（亩）", properties.area_mu);
    add(said.state || "状态", (said.states || {})[properties.state] || properties.state);
    const box = document.createElement("div");
    for (const [label, value] of rows) {
      const line = document.createElement("div");
      line.textContent = `${label}: ${value}`;
      box.appendChild(line);
    }
    if (properties.project) {
      const link = document.createElement("a");
      link.href = `/projects/${properties.project}`;
      link.textContent = said.open || "查看项目";
      box.appendChild(link);
    }
    return box;
  }

  function north() {
    const control = L.control({ position: "topright" });
    control.onAdd = () => {
      const arrow = L.DomUtil.create("div", "map-north");
      arrow.title = "N";
      arrow.textContent = "▲ N";
      return arrow;
    };
    return control;
  }

  function pointer(map) {
    const control = L.control({ position: "bottomright" });
    control.onAdd = () => {
      const box = L.DomUtil.create("div", "map-pointer mono");
      map.on("mousemove", (event) => {
        box.textContent = `${event.latlng.lng.toFixed(6)}°E, ${event.latlng.lat.toFixed(6)}°N`;
      });
      return box;
    };
    return control;
  }

  function legend(colours, names) {
    const control = L.control({ position: "bottomleft" });
    control.onAdd = () => {
      const box = L.DomUtil.create("div", "map-legend");
      for (const [key, colour] of Object.entries(colours)) {
        const row = L.DomUtil.create("div", "", box);
        const swatch = L.DomUtil.create("span", "swatch", row);
        swatch.style.background = colour;
        row.appendChild(document.createTextNode(" " + ((names || {})[key] || key)));
      }
      return box;
    };
    return control;
  }

  function draw(element, collection) {
    const said = words(element);
    const features = collection.features || [];
    const withState = features.some((f) => f.properties && f.properties.state);
    const map = L.map(element, { attributionControl: Boolean(element.dataset.tiles), zoomSnap: 0.25 });
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, {
        attribution: element.dataset.attribution || "", subdomains: "01234567", maxZoom: 18,
      }).addTo(map);
    }
    const layer = L.geoJSON(collection, {
      style: (feature) => {
        const p = feature.properties || {};
        const fill = LAND[p.land_type] || "#555";
        return { color: p.state ? STATE[p.state] || "#555" : fill, weight: 2, fillColor: fill,
                 fillOpacity: p.state === "OFFSET" ? 0.12 : 0.4, dashArray: p.state === "FILED" ? "6 4" : null };
      },
      onEachFeature: (feature, path) => path.bindPopup(popup(feature.properties || {}, said)),
    }).addTo(map);
    L.control.scale({ metric: true, imperial: false }).addTo(map);
    north().addTo(map);
    pointer(map).addTo(map);
    if (said.lands) legend(LAND, said.lands).addTo(map);
    if (withState) legend(STATE, said.states).addTo(map);
    const bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 17 });
    else map.setView([28.55, 112.45], 10);  // 赫山区
    element.dataset.drawn = String(features.length);
  }

  window.drawParcels = draw;  // the consoles' forms preview a boundary file with it (static/console.js)
  document.querySelectorAll(".parcel-map").forEach((element) => {
    const inline = element.querySelector('script[type="application/json"]');
    if (inline) {
      draw(element, JSON.parse(inline.textContent));
    } else if (element.dataset.src) {
      fetch(element.dataset.src, { credentials: "same-origin" })
        .then((response) => response.json())
        .then((collection) => draw(element, collection))
        .catch(() => { element.dataset.drawn = "error"; });
    }
  });
})();
