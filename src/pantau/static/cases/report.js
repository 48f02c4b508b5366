// /lapor: pin the place on a map (Leaflet, served by Pantau), and before sending, find the proof of
// work the server asks for: SHA-256(challenge ":" nonce) with `bits` leading zero bits.
/* global L */
const form = document.getElementById("report-form");
const lat = document.getElementById("lat");
const lon = document.getElementById("lon");

function zeroBits(bytes) {
  let bits = 0;
  for (const b of bytes) {
    if (b === 0) { bits += 8; continue; }
    return bits + Math.clz32(b) - 24;
  }
  return bits;
}

async function solve(challenge, bits) {
  const enc = new TextEncoder();
  for (let n = 0; ; n++) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(`${challenge}:${n}`)));
    if (zeroBits(digest) >= bits) return String(n);
  }
}

const mapEl = document.getElementById("report-map");
if (mapEl && window.L) {
  const map = L.map(mapEl).fitBounds([[-11.2, 94.8], [6.3, 141.1]]);
  if (mapEl.dataset.tiles) L.tileLayer(mapEl.dataset.tiles, { maxZoom: 18 }).addTo(map);
  else mapEl.classList.add("plain-map");
  let pin = null;
  const place = (ll) => {
    lat.value = ll.lat.toFixed(5);
    lon.value = ll.lng.toFixed(5);
    pin = pin ? pin.setLatLng(ll) : L.marker(ll).addTo(map);
  };
  map.on("click", (e) => place(e.latlng));
  document.getElementById("here")?.addEventListener("click", () => {
    navigator.geolocation?.getCurrentPosition((p) => {
      const ll = L.latLng(p.coords.latitude, p.coords.longitude);
      place(ll);
      map.setView(ll, 14);
    });
  });
}

form.addEventListener("submit", async (event) => {
  if (form.dataset.solved === "1") return;
  event.preventDefault();
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  button.textContent = button.dataset.busy;
  form.elements.nonce.value = await solve(form.elements.challenge.value, Number(form.dataset.bits));
  form.dataset.solved = "1";
  form.submit();
});
