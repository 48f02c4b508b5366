// /lapor: pin the place on a map (Leaflet, served by Pantau), and before sending, find the proof of
// work the server asks for: SHA-256(challenge ":" nonce) with `bits` leading zero bits.
/* global L, PantauBase */
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
  PantauBase.base(map, mapEl); // land, coastlines and names from Pantau; tiles if configured
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

// The place by name: suggestions from Pantau's gazetteer as the reporter types; picking one keeps
// its code, so the report goes to the office for that place even without a pin.
const placeInput = document.getElementById("place");
const placeCode = document.getElementById("place_code");
const suggestions = document.getElementById("place-suggestions");
if (placeInput && placeCode && suggestions) {
  let timer = null;
  let offered = [];
  const pick = () => {
    const chosen = offered.find((p) => p.label === placeInput.value);
    placeCode.value = chosen ? chosen.code : "";
  };
  placeInput.addEventListener("input", () => {
    pick();
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = placeInput.value.trim();
      if (q.length < 2 || placeCode.value) return;
      const res = await fetch(`/lapor/places?q=${encodeURIComponent(q)}`);
      if (!res.ok) return;
      offered = (await res.json()).places;
      suggestions.replaceChildren(...offered.map((p) => {
        const o = document.createElement("option");
        o.value = p.label;
        return o;
      }));
      placeInput.dataset.offered = String(offered.length);
    }, 200);
  });
  placeInput.addEventListener("change", pick);
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
