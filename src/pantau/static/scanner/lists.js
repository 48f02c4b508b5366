// The trust list and status list on the phone: loaded from IndexedDB at start (the trust list is
// verified again against the pinned root each time), refreshed from the server when online.

import { kvGet, kvSet } from "./store.js";
import { StatusCache, loadTrust } from "./verify.js";

export async function loadCachedLists(state) {
  state.rootDer = await kvGet("root");
  const cached = await kvGet("trust");
  if (state.rootDer && cached) {
    try {
      state.trust = await loadTrust(cached.envelope, state.rootDer);
    } catch (err) {
      console.warn("cached trust list refused", err);
    }
  }
  const status = await kvGet("status");
  if (status) {
    state.status = StatusCache.from(status);
    state.statusIssuedAt = status.issued_at ? new Date(status.issued_at) : null;
  }
}

// `getJson(path)` fetches with the device token. Throws when a document is refused; the phone
// then keeps what it had.
export async function refreshLists(state, getJson) {
  const envelope = await getJson("/api/v1/trust-list");
  const trust = await loadTrust(envelope, state.rootDer);
  const cache = StatusCache.from(state.status.toJSON());
  let issuedAt = null;
  for (let page = 0; page < 100; page++) {
    const delta = await getJson(`/api/v1/status-list?since=${cache.version}`);
    const { complete } = await cache.apply(delta, trust.rootKey);
    issuedAt = new Date(JSON.parse(new TextDecoder().decode(
      Uint8Array.from(atob(delta.payload), (c) => c.charCodeAt(0)))).issued_at);
    if (complete) break;
  }
  await kvSet("trust", { envelope, fetched_at: new Date().toISOString() });
  await kvSet("status", { ...cache.toJSON(), issued_at: issuedAt.toISOString() });
  state.trust = trust;
  state.status = cache;
  state.statusIssuedAt = issuedAt;
}

// The lists vouch for a sticker only while young enough: the older of the two decides.
export function listsAgeMs(state) {
  if (!state.trust || !state.statusIssuedAt) return Infinity;
  return Date.now() - Math.min(state.trust.issuedAt.getTime(), state.statusIssuedAt.getTime());
}
