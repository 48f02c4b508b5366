// Pantau maps: Leaflet served by Pantau itself. Tiles come from PANTAU_TILE_URL when set; without it
// the map draws points, tracks and checkpoints on a plain background (offline networks).
/* global L */
const INDONESIA = [[-11.2, 94.8], [6.3, 141.1]];

function baseMap(el) {
  const map = L.map(el, { zoomSnap: 0.5, preferCanvas: true }).fitBounds(INDONESIA);
  const tiles = el.dataset.tiles;
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
  } else {
    el.classList.add("plain-map");
    L.rectangle(INDONESIA, { color: "#9fb3c8", weight: 1, fill: false, dashArray: "4" }).addTo(map);
  }
  for (const c of JSON.parse(el.dataset.checkpoints || "[]")) {
    L.circleMarker([c.lat, c.lon], { radius: 4, color: "#0b3d91", weight: 1, fillOpacity: 0.9 })
      .bindTooltip(`${c.code} · ${c.name}`).addTo(map);
  }
  return map;
}

function trackMap(el) {
  const map = baseMap(el);
  const points = JSON.parse(document.getElementById(el.dataset.source).textContent);
  if (!points.length) return;
  const line = points.map((p) => [p.lat, p.lon]);
  L.polyline(line, { color: "#0b3d91", weight: 2, opacity: 0.7 }).addTo(map);
  points.forEach((p, i) => {
    const bad = !["valid", "expiring"].includes(p.verdict);
    L.circle([p.lat, p.lon], { radius: Math.max(p.acc || 0, 30), color: bad ? "#b91c1c" : "#17803d" }).addTo(map);
    L.circleMarker([p.lat, p.lon], { radius: i === points.length - 1 ? 7 : 4, color: bad ? "#b91c1c" : "#17803d", fillOpacity: 1 })
      .bindTooltip(`${p.t.slice(0, 16).replace("T", " ")} UTC · ${p.kind} · ${p.verdict}`).addTo(map);
  });
  map.fitBounds(L.latLngBounds(line).pad(0.3), { maxZoom: 12 });
}

// Heat map by regency: boundaries from Pantau (GADM 4.1, fetched once and cached by the browser),
// counts from /api/v1/map/regions with the same filters; no tiles needed.
const SHADES = ["#eff6ff", "#bfdbfe", "#60a5fa", "#2563eb", "#1e3a8a"];
let boundaries = null;

async function regionLayer(map, layer, params, el) {
  if (!boundaries) {
    const res = await fetch("/api/v1/map/regions.geojson", { credentials: "same-origin" });
    if (!res.ok) return;
    boundaries = await res.json();
  }
  const res = await fetch(`/api/v1/map/regions?${params}`, { credentials: "same-origin" });
  if (!res.ok) return;
  const counts = (await res.json()).regions;
  const max = Math.max(1, ...Object.values(counts).map((c) => c.scans));
  layer.clearLayers();
  L.geoJSON(boundaries, {
    style: (f) => {
      const c = counts[f.properties.code];
      const shade = c ? SHADES[Math.min(4, 1 + Math.floor((3.999 * Math.log1p(c.scans)) / Math.log1p(max)))] : SHADES[0];
      return { color: "#64748b", weight: 0.5, fillColor: shade, fillOpacity: c ? 0.75 : 0.25 };
    },
    onEachFeature: (f, shape) => {
      const c = counts[f.properties.code] || { scans: 0, persons: 0 };
      shape.bindTooltip(`${f.properties.name}, ${f.properties.province} · ${c.scans} / ${c.persons}`);
    },
  }).addTo(layer);
  el.dataset.regions = String(Object.keys(counts).length);
}

function liveMap(el) {
  const map = baseMap(el);
  const layer = L.layerGroup().addTo(map);
  const form = document.getElementById(el.dataset.form);
  async function refresh() {
    const params = new URLSearchParams(new FormData(form));
    for (const [k, v] of [...params]) if (!v) params.delete(k);
    const view = params.get("view") || "points";
    params.delete("view");
    if (view === "regions") return regionLayer(map, layer, params, el);
    params.set("zoom", Math.round(map.getZoom()));
    const res = await fetch(`/api/v1/map/scans?${params}`, { credentials: "same-origin" });
    if (!res.ok) return;
    const data = await res.json();
    if ((new FormData(form).get("view") || "points") !== "points") return;
    layer.clearLayers();
    for (const c of data.cells) {
      const r = 5 + Math.sqrt(c.count) * 2;
      L.circleMarker([c.lat, c.lon], { radius: r, color: c.findings ? "#b91c1c" : "#0b3d91", fillOpacity: 0.45, weight: 1 })
        .bindTooltip(`${c.count} · ${c.findings} !`).addTo(layer);
    }
    el.dataset.cells = String(data.cells.length);
  }
  map.on("moveend", () => { if (new FormData(form).get("view") !== "regions") refresh(); });
  form.addEventListener("change", refresh);
  refresh();
  setInterval(refresh, 30000);
}

for (const el of document.querySelectorAll("[data-map]")) {
  (el.dataset.map === "track" ? trackMap : liveMap)(el);
}
