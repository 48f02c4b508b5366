// The scanner's service worker, served as /scan/sw.js (scope /scan/) with the shell list and its
// version filled in by pantau/scanner/pages.py. It keeps the app shell so /scan/ opens with no
// network, and sends the outbox on Background Sync (Chrome) even when the app is closed.
// A classic script (module service workers are not everywhere yet), so the small sender below
// repeats what outbox.js does; both send the same UUIDs and the server stores each scan once.

const VERSION = "__VERSION__";
const SHELL = __SHELL__;
const CACHE = `pantau-scan-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith("pantau-scan-") && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && (url.pathname === "/scan/" || url.pathname === "/scan")) {
    event.respondWith(networkFirst(request, "/scan/"));
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(cacheFirst(request, url.pathname));
  }
  // Everything else (the API above all) goes to the network untouched and is never cached.
});

// The page: fresh when the network answers within a few seconds, else the cached copy.
async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await Promise.race([
      fetch(request),
      new Promise((_, reject) => setTimeout(() => reject(new Error("slow")), 4000)),
    ]);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch {
    return (await cache.match(key)) || Response.error();
  }
}

async function cacheFirst(request, key) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(key);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) await cache.put(key, response.clone());
  return response;
}

// --- Background Sync: send the outbox (same database and stores as store.js / outbox.js) ---------
self.addEventListener("sync", (event) => {
  if (event.tag === "pantau-outbox") event.waitUntil(sendOutbox());
});

function idb(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function sendOutbox() {
  const run = async () => {
    const opening = indexedDB.open("pantau-scanner", 1);
    // Never create the database here: the page makes it with its stores (store.js).
    opening.onupgradeneeded = () => opening.transaction.abort();
    const db = await idb(opening).catch(() => null);
    if (!db) return;
    try {
      const auth = await idb(db.transaction("kv").objectStore("kv").get("auth"));
      if (!auth) return;
      for (;;) {
        const batch = (await idb(db.transaction("outbox").objectStore("outbox").getAll())).slice(0, 200);
        if (!batch.length) break;
        const response = await fetch("/api/v1/scans", {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: `Bearer ${auth.access_token}` },
          body: JSON.stringify({ scans: batch }),
        });
        if (!response.ok) throw new Error(`scans: ${response.status}`); // the browser retries later
        const { results } = await response.json();
        const ids = new Set(batch.map((s) => s.id));
        const mine = results.filter((r) => ids.has(r.id));
        if (!mine.length) throw new Error("scans: no results");
        const tx = db.transaction(["outbox", "log"], "readwrite");
        for (const r of mine) {
          tx.objectStore("outbox").delete(r.id);
          const log = tx.objectStore("log");
          const get = log.get(r.id);
          get.onsuccess = () => log.put({ ...(get.result || { id: r.id, at: new Date().toISOString() }), state: r.status, result: r });
        }
        await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
      }
    } finally {
      db.close();
    }
    for (const client of await self.clients.matchAll()) client.postMessage({ type: "outbox-sent" });
  };
  if (self.navigator.locks) return self.navigator.locks.request("pantau-outbox", run);
  return run();
}
