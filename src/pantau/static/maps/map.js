// Pantau maps: Leaflet served by Pantau itself, on the base map of basemap.js (land, coastlines,
// outlines and names, all from Pantau; tiles only when PANTAU_TILE_URL is set).
/* global L, PantauBase */
const INDONESIA = [[-11.2, 94.8], [6.3, 141.1]];
const OK = ["valid", "expiring"];

function words(el) {
  return JSON.parse(el.dataset.words || "{}");
}

function baseMap(el) {
  const map = L.map(el, { zoomSnap: 0.5, preferCanvas: true }).fitBounds(INDONESIA);
  PantauBase.base(map, el);
  for (const c of JSON.parse(el.dataset.checkpoints || "[]")) {
    L.circleMarker([c.lat, c.lon], { radius: 4, color: "#0b3d91", weight: 1, fillOpacity: 0.9 })
      .bindTooltip(`${c.name} (${c.code})${c.place ? ` · ${c.place}` : ""}`).addTo(map);
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
    const bad = !OK.includes(p.verdict);
    L.circle([p.lat, p.lon], { radius: Math.max(p.acc || 0, 30), color: bad ? "#b91c1c" : "#17803d" }).addTo(map);
    L.circleMarker([p.lat, p.lon], { radius: i === points.length - 1 ? 7 : 4, color: bad ? "#b91c1c" : "#17803d", fillOpacity: 1 })
      .bindTooltip(`${p.local}${p.place ? ` · ${p.place}` : ""} · ${p.kind} · ${p.verdict}`).addTo(map);
  });
  map.fitBounds(L.latLngBounds(line).pad(0.3), { maxZoom: 12 });
}

// Heat map by regency: boundaries from Pantau (GADM 4.1, fetched once and cached by the browser),
// counts from /api/v1/map/regions with the same filters; no tiles needed.
const SHADES = ["#eff6ff", "#bfdbfe", "#60a5fa", "#2563eb", "#1e3a8a"];

async function regionLayer(map, layer, params, el) {
  const boundaries = await PantauBase.json("/api/v1/map/regions.geojson");
  if (!boundaries) return;
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

// A cluster opens: zoomed out, a click zooms in on it; close in (or a small cluster), a click
// lists its latest sightings with their place, local time and a link to the person.
const LIST_ZOOM = 12;

function sightingList(items, w) {
  const box = document.createElement("div");
  box.className = "sightings";
  if (!items.length) {
    box.textContent = w.none || "-";
    return box;
  }
  const list = document.createElement("ul");
  for (const s of items) {
    const li = document.createElement("li");
    li.dataset.verdict = s.verdict;
    const head = document.createElement(s.person ? "a" : "span");
    if (s.person) head.href = `/console/people/${s.person}`;
    head.textContent = s.local;
    li.append(head, ` · ${s.place || `${s.lat.toFixed(4)}, ${s.lon.toFixed(4)}`} · ${s.kind} · ${s.verdict}`);
    list.append(li);
  }
  box.append(list);
  return box;
}

async function openCell(map, cell, params, el) {
  if (map.getZoom() < LIST_ZOOM && cell.count > 5) {
    map.setView([cell.lat, cell.lon], Math.min(map.getZoom() + 2, 18));
    return;
  }
  // The cell's own box on the server's grid (cell indexes gx, gy of size `size` degrees).
  const box = new URLSearchParams(params);
  box.delete("zoom");
  box.set("south", cell.gy * cell.size); box.set("north", (cell.gy + 1) * cell.size);
  box.set("west", cell.gx * cell.size); box.set("east", (cell.gx + 1) * cell.size);
  const res = await fetch(`/api/v1/map/sightings?${box}`, { credentials: "same-origin" });
  if (!res.ok) return;
  const data = await res.json();
  L.popup({ maxWidth: 420, maxHeight: 300 }).setLatLng([cell.lat, cell.lon])
    .setContent(sightingList(data.sightings, words(el))).openOn(map);
  el.dataset.opened = String(data.sightings.length);
}

function liveMap(el) {
  const map = baseMap(el);
  const layer = L.layerGroup().addTo(map);
  const form = document.getElementById(el.dataset.form);
  const w = words(el);
  form.addEventListener("submit", (event) => event.preventDefault()); // no inline handler: CSP
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
      c.size = data.cell;
      const r = 5 + Math.sqrt(c.count) * 2;
      const hint = map.getZoom() < LIST_ZOOM && c.count > 5 ? w.zoom : w.list;
      L.circleMarker([c.lat, c.lon], { radius: r, color: c.findings ? "#b91c1c" : "#0b3d91", fillOpacity: 0.45, weight: 1 })
        .bindTooltip(`${c.count} ${w.scans || ""} · ${c.findings} ! · ${hint || ""}`)
        .on("click", () => openCell(map, c, params, el))
        .addTo(layer);
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
