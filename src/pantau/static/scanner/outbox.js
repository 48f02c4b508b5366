// Scans wait here until the data centre has them. Each scan carries a UUID made on the phone, so
// sending it twice (a lost answer, the page and the service worker both sending) stores it once:
// the server answers "duplicate" with the original result. A scan leaves the outbox only after
// the server's answer for it arrived (stored, duplicate, or rejected - a rejected scan would be
// rejected again, so it moves to the log with its reasons instead of blocking the queue).

import { LOG_KEEP, done, finished, openDb } from "./store.js";

export const BATCH = 200;
export const SCANS_URL = "/api/v1/scans";

export async function enqueue(scan) {
  const db = await openDb();
  const tx = db.transaction(["outbox", "log"], "readwrite");
  tx.objectStore("outbox").put(scan);
  tx.objectStore("log").put({ id: scan.id, at: scan.device_time, scan, state: "waiting" });
  await finished(tx);
}

export async function clearOutbox() {
  const db = await openDb();
  const tx = db.transaction("outbox", "readwrite");
  tx.objectStore("outbox").clear();
  await finished(tx);
}

export async function waiting() {
  const db = await openDb();
  return done(db.transaction("outbox").objectStore("outbox").getAll());
}

export async function waitingCount() {
  const db = await openDb();
  return done(db.transaction("outbox").objectStore("outbox").count());
}

export async function logEntry(id) {
  const db = await openDb();
  return done(db.transaction("log").objectStore("log").get(id));
}

export async function recentLog(limit = 20) {
  const db = await openDb();
  const all = await done(db.transaction("log").objectStore("log").index("at").getAll());
  return all.reverse().slice(0, limit);
}

async function settle(results) {
  const db = await openDb();
  const tx = db.transaction(["outbox", "log"], "readwrite");
  const outbox = tx.objectStore("outbox"), log = tx.objectStore("log");
  for (const r of results) {
    if (!r.id) continue;
    outbox.delete(r.id);
    const req = log.get(r.id);
    req.onsuccess = () => {
      const entry = req.result || { id: r.id, at: new Date().toISOString() };
      log.put({ ...entry, state: r.status, result: r });
    };
  }
  await finished(tx);
  await trimLog();
}

async function trimLog() {
  const db = await openDb();
  const tx = db.transaction("log", "readwrite");
  const index = tx.objectStore("log").index("at");
  const total = await done(tx.objectStore("log").count());
  let extra = total - LOG_KEEP;
  if (extra > 0) {
    index.openCursor().onsuccess = (e) => {
      const cursor = e.target.result;
      if (cursor && extra-- > 0) {
        cursor.delete();
        cursor.continue();
      }
    };
  }
  await finished(tx);
}

// Sends everything waiting, in batches; returns {sent, results, error?}. `error` is "offline",
// "signed-out" (401: sign in again; scans stay) or "server" (retry later).
export async function flush(token, { fetchFn = fetch } = {}) {
  const run = async () => {
    let sent = 0;
    const results = [];
    for (;;) {
      const batch = (await waiting()).sort((a, b) => (a.device_time < b.device_time ? -1 : 1)).slice(0, BATCH);
      if (!batch.length) return { sent, results };
      let response;
      try {
        response = await fetchFn(SCANS_URL, {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
          body: JSON.stringify({ scans: batch }),
        });
      } catch {
        return { sent, results, error: "offline" };
      }
      if (response.status === 401 || response.status === 403) return { sent, results, error: "signed-out" };
      if (!response.ok) return { sent, results, error: "server" };
      const body = await response.json();
      const ids = new Set(batch.map((s) => s.id));
      if (!body.results.some((r) => ids.has(r.id))) return { sent, results, error: "server" };
      await settle(body.results);
      results.push(...body.results);
      sent += batch.length;
    }
  };
  // One sender at a time per phone (page and service worker), where the browser can say so.
  if (navigator.locks) return navigator.locks.request("pantau-outbox", run);
  return run();
}
