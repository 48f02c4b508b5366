// The scanner app at /scan/: sign in once per phone, then scan offline. Each scan is stored in
// IndexedDB at once and verified on the phone against the cached trust list and status list; the
// outbox is sent when the network is there (online event, a timer, Background Sync).

import { pemToDer } from "./codec.js";
import { closeCamera, grabFrame, makeDecoder, openCamera } from "./camera.js";
import { formatAgo, formatDay, formatTime, t } from "./i18n.js";
import { MrzError, parseMrz } from "./mrz.js";
import { clearOutbox, enqueue, flush, logEntry, recentLog, waitingCount } from "./outbox.js";
import * as lists from "./lists.js";
import { kvDelete, kvGet, kvSet } from "./store.js";
import { StatusCache, checkBinding, verdictOf, verifySticker } from "./verify.js";

const $ = (id) => document.getElementById(id);
const data = document.body.dataset;
const cfg = {
  maxAgeDays: Number(data.trustMaxAgeDays) || 7,
  expiringDays: Number(data.expiringDays) || 7,
  repeatMs: (Number(data.repeatSeconds) || 60) * 1000,
  retryMs: 30000,
  refreshMs: 30 * 60000,
};
// Scan kinds by role: hotels record guests arriving and leaving (APOA); checkpoint staff record exits.
const KINDS = {
  accommodation: ["check-in", "check-out"],
  partner: ["check"],
  officer: ["check", "exit"],
  supervisor: ["check", "exit"],
  admin: ["check", "exit"],
};
const VERDICT_CLASS = {
  valid: "ok", expiring: "warn", overstay: "bad", revoked: "bad", "not-genuine": "bad",
  expired: "bad", "unknown-signer": "warn", "not-pantau": "neutral", "cannot-vouch": "neutral",
  departed: "bad", replaced: "bad", "signer-revoked": "warn",
};

const state = {
  auth: null, rootDer: null, trust: null, status: new StatusCache(), statusIssuedAt: null,
  kind: null, fix: null, geoDenied: false, decoder: null, scanning: false, seen: new Map(),
  current: null, device: null, registration: null,
};

// --- time and ids ------------------------------------------------------------------------------
function isoWithOffset(date) {
  const pad = (n, w = 2) => String(Math.abs(n)).padStart(w, "0");
  const off = -date.getTimezoneOffset();
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:` +
    `${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}` +
    `${off >= 0 ? "+" : "-"}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`;
}

function uuid4() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

async function deviceId() {
  let id = await kvGet("device");
  if (!id) {
    id = `web-${uuid4()}`;
    await kvSet("device", id);
  }
  return id;
}

// --- server calls ------------------------------------------------------------------------------
async function api(path, options = {}) {
  const headers = { ...(options.headers || {}) };
  if (state.auth) headers.Authorization = `Bearer ${state.auth.access_token}`;
  const response = await fetch(path, { ...options, headers, cache: "no-store" });
  if (response.status === 401) {
    showSignedOut();
    throw new Error(t("status.signed-out"));
  }
  return response;
}

function errorMessage(body, fallback) {
  const d = body && body.detail;
  if (d && typeof d === "object" && d.message) return d.message;
  if (typeof d === "string") return d;
  return fallback;
}

async function signIn(event) {
  event.preventDefault();
  $("signin-error").textContent = "";
  const form = new URLSearchParams(new FormData($("signin-form")));
  // Waiting scans are sent under the signed-in account: they must not change hands.
  const previous = await kvGet("auth");
  const left = await waitingCount();
  if (previous && left && previous.username !== form.get("username")) {
    $("signin-error").textContent = t("signin.other-user", { n: left, user: previous.username });
    return;
  }
  try {
    const response = await fetch("/api/v1/auth/device-token", { method: "POST", body: form });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      $("signin-error").textContent = t("signin.failed", { why: errorMessage(body, response.status) });
      return;
    }
    // Pin the national root now, over the connection the officer just trusted with a password.
    const pem = await fetch("/api/v1/trust-list/root").then((r) => (r.ok ? r.text() : Promise.reject()));
    state.rootDer = pemToDer(pem);
    state.auth = body;
    await kvSet("root", state.rootDer);
    await kvSet("auth", body);
    $("password").value = "";
    $("otp").value = "";
    await showScanner();
    await refreshLists();
    flushNow();
  } catch {
    $("signin-error").textContent = t("signin.failed", { why: t("signin.unreachable") });
  }
}

async function signOut() {
  await flushNow();
  const left = await waitingCount();
  if (left && !window.confirm(t("signout.confirm", { n: left }))) return;
  if (navigator.onLine) await api("/api/v1/auth/logout", { method: "POST" }).catch(() => {});
  await kvDelete("auth");
  if (left) await clearOutbox();
  location.reload();
}

function showSignedOut() {
  $("status-error").textContent = t("status.signed-out");
  $("signin").hidden = false;
  if (state.auth) $("username").value = state.auth.username;
}

// --- trust list and status list ----------------------------------------------------------------
async function refreshLists() {
  if (!state.auth || !state.rootDer) return;
  $("status-error").textContent = "";
  try {
    await lists.refreshLists(state, async (path) => {
      const response = await api(path);
      if (!response.ok) throw new Error(`${path}: ${response.status}`);
      return response.json();
    });
  } catch (err) {
    $("status-error").textContent = t("status.refresh-failed", { why: err.message });
  }
  renderStatus();
}

const listsAgeMs = () => lists.listsAgeMs(state);
const listsFresh = () => listsAgeMs() <= cfg.maxAgeDays * 86400000;

// --- scanning ------------------------------------------------------------------------------------
async function handleText(text) {
  const now = Date.now();
  const last = state.seen.get(text);
  if (last && now - last < cfg.repeatMs) return null; // the same sticker still in view
  state.seen.set(text, now);
  const fix = state.fix;
  const scan = {
    id: uuid4(),
    qr_text: text,
    device_time: isoWithOffset(new Date(now)),
    fix_time: fix ? isoWithOffset(new Date(fix.timestamp)) : null,
    lat: fix ? fix.coords.latitude : null,
    lon: fix ? fix.coords.longitude : null,
    accuracy_m: fix ? fix.coords.accuracy : null,
    kind: state.kind,
    device: state.device,
  };
  const [result] = await Promise.all([
    verifySticker(text, { trust: state.trust, status: state.status, now: now / 1000 }),
    enqueue(scan),
  ]);
  const verdict = state.trust
    ? verdictOf(result, { expiringDays: cfg.expiringDays, trustFresh: listsFresh() })
    : { verdict: result.outcome === "not-pantau" || result.outcome === "tampered"
        ? verdictOf(result).verdict : "cannot-vouch", reason: "none" };
  state.current = { scan, result, verdict };
  showResult();
  renderStatus();
  requestSync();
  return { scan, result, verdict };
}

function showResult() {
  const { scan, result, verdict } = state.current;
  const box = $("result");
  box.hidden = false;
  box.className = `result ${VERDICT_CLASS[verdict.verdict] || "neutral"}`;
  $("verdict").textContent = t(`verdict.${verdict.verdict}`);
  $("verdict").dataset.verdict = verdict.verdict;
  const day = verdict.lastDay ? formatDay(verdict.lastDay) : "";
  const details = {
    valid: () => t("detail.valid", { day }),
    expiring: () => t("detail.expiring", { day, n: verdict.daysLeft }),
    overstay: () => t("detail.overstay", { day, n: verdict.daysOver }),
    expired: () => t("detail.expired", { day }),
    "cannot-vouch": () => verdict.reason === "clock" ? t("detail.clock")
      : verdict.reason === "none" ? t("detail.no-trust")
        : t("detail.stale", { n: Math.floor(listsAgeMs() / 86400000), max: cfg.maxAgeDays }),
  };
  $("verdict-detail").textContent = (details[verdict.verdict] || (() => t(`detail.${verdict.verdict}`)))();
  const dl = $("claims");
  dl.replaceChildren();
  const c = result.claims;
  if (c && verdict.verdict !== "not-genuine") {
    addField(dl, t("field.serial"), `${c.serial.slice(0, 2)}-${c.serial.slice(2, 7)}-${c.serial.slice(7)}`);
    addField(dl, t("field.permit"), t(`permit.${c.permit}`).startsWith("permit.") ? `permit-${c.permit}` : t(`permit.${c.permit}`));
    addField(dl, t("field.nationality"), c.nationality);
    addField(dl, t("field.entry"), `${formatDay(c.entry)} · ${c.checkpoint}`);
  }
  $("mrz-box").hidden = !(c && ["valid", "expiring", "overstay"].includes(verdict.verdict));
  $("mrz-result").textContent = "";
  $("person").replaceChildren();
  $("person-button").hidden = !(c && navigator.onLine && state.auth);
  showCaseBox(Boolean(c && verdict.verdict !== "not-genuine"));
  showSync(scan.id);
  box.scrollIntoView({ block: "nearest", behavior: "smooth" });
}

function addField(dl, name, value) {
  const dt = document.createElement("dt");
  dt.textContent = name;
  const dd = document.createElement("dd");
  dd.textContent = value;
  dl.append(dt, dd);
}

async function showSync(id) {
  if (!state.current || state.current.scan.id !== id) return;
  const entry = await logEntry(id);
  const r = entry && entry.result;
  const lines = [];
  if (!r) lines.push(t("sync.waiting"));
  else if (r.status === "rejected") {
    lines.push(t("sync.rejected", { why: (r.errors || []).map((e) => `${e.field}: ${e.message}`).join("; ") }));
  } else {
    lines.push(t(`sync.${r.status}`));
    if (r.verdict) lines.push(t("sync.server-verdict", { verdict: t(`server.${r.verdict}`) }));
    if (r.receipt) lines.push(t("sync.receipt", { receipt: r.receipt }));
    if (r.departure) lines.push(t("sync.departure", { checkpoint: r.departure }));
    const flags = r.flags || [];
    if (flags.includes("exit-away-from-checkpoint")) lines.push(t("sync.exit-away"));
    if (flags.includes("clock-behind")) lines.push(t("sync.clock-behind"));
  }
  $("sync-state").textContent = lines.join(" · ");
  $("sync-state").dataset.state = r ? r.status : "waiting";
}

async function showPerson() {
  const serial = state.current && state.current.result.serial;
  if (!serial) return;
  const box = $("person");
  box.replaceChildren();
  try {
    const response = await api(`/api/v1/stickers/${encodeURIComponent(serial)}/view`);
    const view = await response.json();
    if (!response.ok) throw new Error(errorMessage(view, response.status));
    const dl = document.createElement("dl");
    dl.className = "claims";
    if (view.name) addField(dl, t("field.name"), view.name);
    if (view.photo_ref) addField(dl, t("field.photo"), view.photo_ref);
    addField(dl, t("sync.server-verdict", { verdict: "" }).replace(/:\s*$/, ""), `${view.status} · ${view.stay_status} · ${formatDay(view.last_day)}`);
    box.append(dl);
    if (view.movements) {
      const h = document.createElement("h3");
      h.textContent = t("field.movements");
      const ol = document.createElement("ol");
      for (const m of view.movements) {
        const li = document.createElement("li");
        const where = m.lat === null ? t("position.none") : `${m.lat.toFixed(4)}, ${m.lon.toFixed(4)}`;
        li.textContent = `${formatTime(new Date(m.time))} · ${t(`kind.${m.kind}`)} · ${where} · ${t(`server.${m.verdict}`)}`;
        ol.append(li);
      }
      box.append(h, ol);
    }
  } catch (err) {
    box.textContent = err.message;
  }
}

// --- linking the sticker's holder to a case (immigration staff, online) ---------------------------
const CASE_ROLES = ["officer", "supervisor", "admin"];

async function showCaseBox(genuine) {
  const box = $("case-box");
  $("case-result").textContent = "";
  delete $("case-result").dataset.linked;
  box.hidden = true;
  if (!genuine || !navigator.onLine || !state.auth || !CASE_ROLES.includes(state.auth.role)) return;
  try {
    const response = await api("/api/v1/cases");
    if (!response.ok) return;
    const open = (await response.json()).filter((c) => c.status !== "closed");
    const select = $("case-select");
    select.replaceChildren();
    for (const c of open) {
      const option = document.createElement("option");
      option.value = c.id;
      option.textContent = `#${c.number} ${c.title}`;
      select.append(option);
    }
    box.hidden = open.length === 0;
  } catch {
    box.hidden = true;
  }
}

async function linkToCase() {
  const serial = state.current && state.current.result.serial;
  const caseId = $("case-select").value;
  const out = $("case-result");
  if (!serial || !caseId) return;
  try {
    const response = await api(`/api/v1/cases/${encodeURIComponent(caseId)}/persons`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ serial, how: "sticker scanned in the field" }),
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw new Error(errorMessage(body, response.status));
    }
    out.textContent = t("case.linked", { title: $("case-select").selectedOptions[0].textContent });
    out.dataset.linked = caseId;
  } catch (err) {
    out.textContent = t("case.failed", { why: err.message });
    out.dataset.linked = "";
  }
}

async function checkMrz() {
  const out = $("mrz-result");
  const claims = state.current && state.current.result.claims;
  if (!claims) {
    out.textContent = t("mrz.no-sticker");
    return;
  }
  try {
    const passport = parseMrz($("mrz").value);
    const match = await checkBinding(claims, passport);
    out.textContent = t(match ? "mrz.match" : "mrz.mismatch");
    out.className = `binding ${match ? "ok" : "bad"}`;
    out.dataset.match = String(match);
  } catch (err) {
    if (!(err instanceof MrzError)) throw err;
    out.textContent = t(`mrz.${err.code}`);
    out.className = "binding bad";
    out.dataset.match = "error";
  }
}

// --- camera --------------------------------------------------------------------------------------
async function startCamera() {
  const video = $("video");
  try {
    state.decoder = state.decoder || (await makeDecoder(new URLSearchParams(location.search).get("decoder")));
    $("decoder").textContent = t("camera.decoder", { name: state.decoder.name });
    await openCamera(video);
  } catch (err) {
    $("status-error").textContent = t("camera.error", { why: err.message || err.name });
    return;
  }
  state.scanning = true;
  document.body.classList.add("scanning");
  scanLoop();
}

function stopCamera() {
  state.scanning = false;
  document.body.classList.remove("scanning");
  closeCamera($("video"));
}

async function scanLoop() {
  if (!state.scanning) return;
  const video = $("video"), canvas = $("frame");
  try {
    let texts = [];
    if (state.decoder.needsPixels) {
      if (grabFrame(video, canvas)) texts = await state.decoder.decode(canvas);
    } else if (video.readyState >= 2) {
      texts = await state.decoder.decode(video);
    }
    for (const text of texts) await handleText(text);
  } catch (err) {
    console.warn("decode failed", err);
  }
  setTimeout(scanLoop, 60);
}

// --- position ------------------------------------------------------------------------------------
function watchPosition() {
  if (!navigator.geolocation) return;
  navigator.geolocation.watchPosition(
    (pos) => { state.fix = pos; state.geoDenied = false; renderStatus(); },
    (err) => { state.geoDenied = err.code === err.PERMISSION_DENIED; renderStatus(); },
    { enableHighAccuracy: true, maximumAge: 30000, timeout: 60000 },
  );
}

// --- sending ---------------------------------------------------------------------------------------
async function requestSync() {
  if (state.registration && "sync" in state.registration) {
    state.registration.sync.register("pantau-outbox").catch(() => {});
  }
  await flushNow();
}

let flushing = null;
async function flushNow() {
  if (!state.auth || !navigator.onLine) return renderStatus();
  if (!flushing) {
    flushing = flush(state.auth.access_token)
      .then((outcome) => {
        if (outcome.error === "signed-out") showSignedOut();
      })
      .catch((err) => console.warn("send failed", err))
      .finally(() => { flushing = null; });
  }
  await flushing;
  if (state.current) await showSync(state.current.scan.id);
  await renderStatus();
}

// --- status line and log ---------------------------------------------------------------------------
async function renderStatus() {
  const online = navigator.onLine;
  $("net").textContent = t(online ? "status.online" : "status.offline");
  $("net").className = `net ${online ? "on" : "off"}`;
  const n = await waitingCount();
  $("waiting").textContent = n ? t("status.waiting", { n }) : t("status.waiting-none");
  $("waiting").dataset.count = String(n);
  const max = cfg.maxAgeDays;
  $("trust").textContent = state.trust
    ? t("status.trust", { when: `${formatTime(state.trust.issuedAt)}, ${formatAgo(Date.now() - state.trust.issuedAt)}`, max })
    : t("status.trust-never", { max });
  $("trust").className = listsFresh() ? "" : "error";
  const fix = state.fix;
  $("position").textContent = fix
    ? t("position.fix", { m: Math.round(fix.coords.accuracy), age: formatAgo(Date.now() - fix.timestamp) })
    : t(state.geoDenied ? "position.denied" : "position.none");
  await renderLog();
}

async function renderLog() {
  const ol = $("log");
  const items = await recentLog(15);
  ol.replaceChildren(...items.map((e) => {
    const li = document.createElement("li");
    const r = e.result;
    const what = r ? (r.status === "rejected" ? t("sync.rejected", { why: "" }) : t(`server.${r.verdict}`)) : t("sync.waiting");
    li.textContent = `${formatTime(new Date(e.at))} · ${t(`kind.${e.scan.kind}`)} · ${what}${r && r.receipt ? ` · ${r.receipt}` : ""}`;
    li.dataset.state = r ? r.status : "waiting";
    return li;
  }));
}

function renderKinds() {
  const kinds = KINDS[state.auth.role] || ["check"];
  if (!kinds.includes(state.kind)) state.kind = kinds[0];
  $("kinds").replaceChildren(...kinds.map((k) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = t(`kind.${k}`);
    b.dataset.kind = k;
    b.setAttribute("role", "radio");
    b.setAttribute("aria-checked", String(k === state.kind));
    b.addEventListener("click", () => { state.kind = k; kvSet("kind", k); renderKinds(); });
    return b;
  }));
}

async function showScanner() {
  $("signin").hidden = true;
  $("scanner").hidden = false;
  const a = state.auth;
  $("who").textContent = t("signin.as", { user: a.username, role: t(`role.${a.role}`), office: a.office });
  state.kind = (await kvGet("kind")) || null;
  renderKinds();
  await renderStatus();
  if (!state.timers) {
    state.timers = [setInterval(flushNow, cfg.retryMs), setInterval(refreshLists, cfg.refreshMs)];
  }
}

// --- start -------------------------------------------------------------------------------------------
async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    state.registration = await navigator.serviceWorker.register("/scan/sw.js", { scope: "/scan/" });
    navigator.serviceWorker.addEventListener("message", (e) => {
      if (e.data && e.data.type === "outbox-sent") {
        if (state.current) showSync(state.current.scan.id);
        renderStatus();
      }
    });
  } catch (err) {
    console.warn("service worker not registered", err);
  }
}

async function main() {
  state.device = await deviceId();
  state.auth = (await kvGet("auth")) || null;
  await lists.loadCachedLists(state);
  $("loading").hidden = true;
  $("signin-form").addEventListener("submit", signIn);
  $("signout").addEventListener("click", signOut);
  $("camera").addEventListener("click", () => (state.scanning ? stopCamera() : startCamera()));
  $("sync").addEventListener("click", () => flushNow());
  $("refresh").addEventListener("click", () => refreshLists());
  $("mrz-check").addEventListener("click", checkMrz);
  $("person-button").addEventListener("click", showPerson);
  $("case-link").addEventListener("click", linkToCase);
  window.addEventListener("online", () => { flushNow(); refreshLists(); });
  window.addEventListener("offline", () => renderStatus());
  document.addEventListener("visibilitychange", () => { if (!document.hidden) flushNow(); });
  registerWorker();
  watchPosition();
  if (!state.auth) {
    $("signin").hidden = false;
    return;
  }
  await showScanner();
  if (navigator.onLine) {
    flushNow();
    if (listsAgeMs() > 3600000) refreshLists();
  }
}

// For the browser tests and the benchmark: the same functions the buttons use.
globalThis.pantauScanner = { state, handleText, flushNow, refreshLists, startCamera, stopCamera, ready: main() };
