// Restricted zones in the console: drawn on Pantau's base map (polygon: click the corners; circle:
// the centre, then a point on the edge), listed, edited and removed through /api/v1/geofences
// (the session cookie with the CSRF token; every change audited by the server).
/* global L, PantauBase */
const el = document.getElementById("zones-map");
const w = JSON.parse(el.dataset.words || "{}");
const map = L.map(el, { zoomSnap: 0.5 }).fitBounds([[-11.2, 94.8], [6.3, 141.1]]);
PantauBase.base(map, el);
const shown = L.layerGroup().addTo(map);
const draft = L.layerGroup().addTo(map);
const form = document.getElementById("zone-form");
const $ = (id) => document.getElementById(id);
let zones = JSON.parse(el.dataset.zones || "[]");
let points = [];

function shapeOf(z, style) {
  return z.kind === "circle"
    ? L.circle([z.center_lat, z.center_lon], { radius: z.radius_m, ...style })
    : L.polygon(z.polygon, style);
}

function drawZones() {
  shown.clearLayers();
  const list = $("zone-list");
  list.replaceChildren();
  for (const z of zones) {
    shapeOf(z, { color: "#b91c1c", weight: 2, fillOpacity: 0.15 }).bindTooltip(`${z.name} · ${z.office}`).addTo(shown);
    const tr = document.createElement("tr");
    tr.dataset.zone = z.id;
    for (const text of [z.name, z.office, w[z.kind] || z.kind]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    const td = document.createElement("td");
    const edit = document.createElement("button");
    edit.type = "button"; edit.className = "secondary"; edit.textContent = w.edit; edit.dataset.action = "edit";
    edit.addEventListener("click", () => startEdit(z));
    const remove = document.createElement("button");
    remove.type = "button"; remove.className = "secondary"; remove.textContent = w.remove; remove.dataset.action = "remove";
    remove.addEventListener("click", () => removeZone(z));
    td.append(edit, " ", remove);
    tr.append(td);
    list.append(tr);
  }
  if (!zones.length) {
    const tr = document.createElement("tr");
    const td = document.createElement("td");
    td.colSpan = 4; td.className = "muted"; td.textContent = w.none;
    tr.append(td); list.append(tr);
  }
  el.dataset.count = String(zones.length);
}

function drawDraft() {
  draft.clearLayers();
  const kind = $("zone-kind").value;
  if (kind === "circle" && points.length) {
    const radius = points.length > 1 ? map.distance(points[0], points[1]) : 0;
    L.circleMarker(points[0], { radius: 4 }).addTo(draft);
    if (radius) L.circle(points[0], { radius, color: "#0b3d91" }).addTo(draft);
  } else if (points.length) {
    (points.length > 2 ? L.polygon(points, { color: "#0b3d91" }) : L.polyline(points, { color: "#0b3d91" })).addTo(draft);
    for (const p of points) L.circleMarker(p, { radius: 3 }).addTo(draft);
  }
  el.dataset.points = String(points.length);
}

function hint() {
  $("zone-hint").textContent = $("zone-kind").value === "circle" ? w.draw_circle : w.draw_polygon;
}

function clear() {
  points = [];
  $("zone-id").value = "";
  drawDraft();
}

function startEdit(z) {
  $("zone-id").value = z.id;
  $("zone-name").value = z.name;
  $("zone-office").value = z.office;
  $("zone-kind").value = z.kind;
  if (z.kind === "circle") {
    const centre = L.latLng(z.center_lat, z.center_lon);
    const edge = L.latLng(z.center_lat + z.radius_m / 111320, z.center_lon);
    points = [centre, edge];
  } else {
    points = z.polygon.map(([a, b]) => L.latLng(a, b));
  }
  drawDraft();
  hint();
  map.fitBounds(shapeOf(z, {}).addTo(draft).getBounds().pad(0.5));
}

async function send(method, url, body) {
  const res = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": el.dataset.csrf, Accept: "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = res.status === 204 ? {} : await res.json();
  if (!res.ok) {
    const detail = data.detail || {};
    throw new Error(detail.message || (Array.isArray(detail) ? detail.map((d) => d.msg).join("; ") : res.statusText));
  }
  return data;
}

function status(text, bad) {
  const s = $("zone-status");
  s.textContent = text;
  s.className = bad ? "flash error" : "flash";
}

async function removeZone(z) {
  if (!window.confirm(w.confirm)) return;
  try {
    await send("DELETE", `/api/v1/geofences/${z.id}`);
    zones = zones.filter((x) => x.id !== z.id);
    drawZones();
    status(w.removed);
  } catch (err) { status(err.message, true); }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const kind = $("zone-kind").value;
  const body = { name: $("zone-name").value, office: $("zone-office").value, kind };
  if (kind === "circle") {
    if (points.length) { body.center_lat = points[0].lat; body.center_lon = points[0].lng; }
    body.radius_m = points.length > 1 ? Math.round(map.distance(points[0], points[1])) : 0;
  } else {
    body.polygon = points.map((p) => [Number(p.lat.toFixed(6)), Number(p.lng.toFixed(6))]);
  }
  const id = $("zone-id").value;
  try {
    const saved = await send(id ? "PUT" : "POST", id ? `/api/v1/geofences/${id}` : "/api/v1/geofences", body);
    zones = [...zones.filter((z) => z.id !== saved.id), saved];
    clear();
    drawZones();
    status(w.saved);
  } catch (err) { status(err.message, true); }
});

map.on("click", (e) => {
  if ($("zone-kind").value === "circle" && points.length >= 2) points = [];
  points.push(e.latlng);
  drawDraft();
});
$("zone-kind").addEventListener("change", () => { points = []; drawDraft(); hint(); });
$("zone-clear").addEventListener("click", clear);
hint();
drawZones();
