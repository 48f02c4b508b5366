// The phone's storage (IndexedDB): it survives closing the app and restarting the phone.
//   kv      sign-in, pinned root, cached trust list and status list, device id, preferences
//   outbox  scans not yet acknowledged by the data centre (key: the scan's UUID)
//   log     the latest results (verdicts, receipts), newest kept, for the officer to look back
// The service worker (sw.js) opens the same database to send the outbox in the background.

export const DB_NAME = "pantau-scanner";
const DB_VERSION = 1;
export const LOG_KEEP = 200;

let opening = null;

export function openDb() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains("kv")) db.createObjectStore("kv");
        if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", { keyPath: "id" });
        if (!db.objectStoreNames.contains("log")) {
          db.createObjectStore("log", { keyPath: "id" }).createIndex("at", "at");
        }
      };
      req.onsuccess = () => {
        const db = req.result;
        db.onversionchange = () => { db.close(); opening = null; };
        resolve(db);
      };
      req.onerror = () => { opening = null; reject(req.error); };
    });
  }
  return opening;
}

export function done(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function finished(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
  });
}

export async function kvGet(key) {
  const db = await openDb();
  return done(db.transaction("kv").objectStore("kv").get(key));
}

export async function kvSet(key, value) {
  const db = await openDb();
  const tx = db.transaction("kv", "readwrite");
  tx.objectStore("kv").put(value, key);
  return finished(tx);
}

export async function kvDelete(...keys) {
  const db = await openDb();
  const tx = db.transaction("kv", "readwrite");
  for (const k of keys) tx.objectStore("kv").delete(k);
  return finished(tx);
}
