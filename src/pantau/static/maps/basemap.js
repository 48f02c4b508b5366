// The base map under every Pantau map, all of it served by Pantau (no request leaves it):
// land, coastlines and neighbouring countries (Natural Earth, public domain) at the scale that suits
// the zoom (1:110m on the national view of a phone, 1:50m, then 1:10m); province and regency
// outlines on console maps when the boundaries are installed; names of provinces and cities.
// With PANTAU_TILE_URL set (data-tiles), real tiles are drawn instead of the land.
/* global L */
(function () {
  const LAND = "#ebe5d1"; // Indonesia (tests count this colour)
  const ABROAD = "#dcdcd6";
  const COAST = "#8aa0b4";
  const cache = new Map();

  function json(url) {
    if (!cache.has(url)) {
      cache.set(url, fetch(url, { credentials: "same-origin" })
        .then((r) => (r.ok ? r.json() : null))
        .catch(() => null));
    }
    return cache.get(url);
  }

  function scaleFor(zoom) {
    return zoom < 4 ? "110m" : zoom < 7 ? "50m" : "10m";
  }

  function label(text, cls) {
    const span = document.createElement("span");
    span.textContent = text;
    return L.divIcon({ className: `map-label ${cls}`, html: span, iconSize: null });
  }

  function base(map, el) {
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
      return;
    }
    el.classList.add("base-map");
    for (const [name, z] of [["base", 150], ["outlines", 350], ["labels", 390]]) {
      map.createPane(name).style.zIndex = String(z);
      map.getPane(name).style.pointerEvents = "none";
    }
    const landRenderer = L.canvas({ pane: "base", padding: 0.3 });
    const lineRenderer = L.canvas({ pane: "outlines", padding: 0.3 });
    map.attributionControl.addAttribution("Natural Earth");

    let land = null;
    let scale = null;
    async function drawLand() {
      const want = scaleFor(map.getZoom());
      if (want === scale) return;
      scale = want;
      const data = await json(`/maps/base/${want}.geojson`);
      if (!data || scale !== want) return;
      const next = L.geoJSON(data, {
        renderer: landRenderer,
        interactive: false,
        style: (f) => ({
          color: COAST, weight: f.properties.home ? 0.8 : 0.5,
          fillColor: f.properties.home ? LAND : ABROAD, fillOpacity: 1,
        }),
      }).addTo(map);
      if (land) map.removeLayer(land);
      land = next;
      // Where Indonesia's box is on screen (container pixels, clipped), for tests and tools.
      const size = map.getSize();
      const a = map.latLngToContainerPoint([-11.2, 94.8]);
      const b = map.latLngToContainerPoint([6.3, 141.1]);
      el.dataset.box = JSON.stringify([
        Math.max(0, Math.round(a.x)), Math.max(0, Math.round(b.y)),
        Math.min(size.x, Math.round(b.x)), Math.min(size.y, Math.round(a.y)),
      ]);
      el.dataset.base = want;
    }

    // Outlines: provinces from zoom 4, regencies from zoom 7 (console maps only: data-outlines).
    const outlines = {};
    async function drawOutlines() {
      if (el.dataset.outlines !== "1") return;
      const zoom = map.getZoom();
      const wanted = { provinces: zoom >= 4, regions: zoom >= 7 };
      for (const [name, on] of Object.entries(wanted)) {
        if (on && !outlines[name]) {
          outlines[name] = "loading";
          const data = await json(`/api/v1/map/${name}.geojson`);
          if (!data) { delete outlines[name]; continue; }
          outlines[name] = L.geoJSON(data, {
            renderer: lineRenderer,
            interactive: false,
            style: name === "provinces"
              ? { color: "#6b7a8c", weight: 1.2, fill: false, dashArray: "6 3" }
              : { color: "#98a4b3", weight: 0.6, fill: false },
          });
        }
        const layer = outlines[name];
        if (layer && layer !== "loading") {
          if (on && !map.hasLayer(layer)) layer.addTo(map);
          if (!on && map.hasLayer(layer)) map.removeLayer(layer);
        }
      }
    }

    // Labels: provinces from zoom 5, cities from zoom 7.
    const provinces = L.layerGroup();
    const cities = L.layerGroup();
    json("/maps/labels.json").then((data) => {
      if (!data) return;
      for (const p of data.provinces) {
        L.marker([p.lat, p.lon], { icon: label(p.name, "province"), pane: "labels", interactive: false, keyboard: false }).addTo(provinces);
      }
      for (const c of data.cities) {
        L.marker([c.lat, c.lon], { icon: label(c.name, "city"), pane: "labels", interactive: false, keyboard: false }).addTo(cities);
      }
      el.dataset.labels = String(data.provinces.length + data.cities.length);
      drawLabels();
    });
    function drawLabels() {
      const zoom = map.getZoom();
      for (const [layer, on] of [[provinces, zoom >= 5 && zoom < 10], [cities, zoom >= 7]]) {
        if (on && !map.hasLayer(layer)) layer.addTo(map);
        if (!on && map.hasLayer(layer)) map.removeLayer(layer);
      }
      declutter();
    }
    // A name that would overlap one already written is hidden (provinces first, then cities).
    function declutter() {
      const placed = [];
      for (const layer of [provinces, cities]) {
        if (!map.hasLayer(layer)) continue;
        layer.eachLayer((m) => {
          const node = m.getElement();
          if (!node) return;
          node.style.visibility = "";
          const r = (node.firstChild || node).getBoundingClientRect();
          const hit = placed.some((p) => r.left < p.right + 4 && r.right + 4 > p.left && r.top < p.bottom && r.bottom > p.top);
          if (hit) node.style.visibility = "hidden";
          else placed.push(r);
        });
      }
    }

    const redraw = () => { drawLand(); drawOutlines(); drawLabels(); };
    map.on("zoomend", redraw);
    map.on("moveend", declutter);
    map.whenReady(redraw);
  }

  window.PantauBase = { base, json };
})();
