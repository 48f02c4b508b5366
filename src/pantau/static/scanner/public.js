// The public verifier page at /verifikasi: no account, no outbox, nothing sent back. The published
// root, trust list and status list are fetched (without cookies) and the sticker is verified here
// with the scanner app's own modules, so both always judge a sticker the same way.

import { pemToDer } from "./codec.js";
import { closeCamera, grabFrame, makeDecoder, openCamera } from "./camera.js";
import { formatDay, formatTime, t } from "./i18n.js";
import { StatusCache, loadTrust, verdictOf, verifySticker } from "./verify.js";

const $ = (id) => document.getElementById(id);
const VERDICT_CLASS = {
  valid: "ok", expiring: "ok", overstay: "bad", revoked: "bad", "not-genuine": "bad",
  expired: "bad", "unknown-signer": "bad", "not-pantau": "neutral", "cannot-vouch": "neutral",
};
// Outcomes for which the signature was checked against the trust list and held.
const GENUINE = new Set(["valid", "revoked-signer", "revoked-sticker", "not-yet-valid", "expired"]);
const state = { trust: null, status: null, decoder: null, scanning: false, shown: null };

async function fetchOk(path) {
  const response = await fetch(path, { credentials: "omit" });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response;
}

async function loadLists() {
  const rootDer = pemToDer(await (await fetchOk("/api/v1/trust-list/root")).text());
  const trust = await loadTrust(await (await fetchOk("/api/v1/trust-list")).json(), rootDer);
  const status = new StatusCache();
  for (let page = 0; page < 100; page++) {
    const delta = await (await fetchOk(`/api/v1/status-list?since=${status.version}`)).json();
    const { complete } = await status.apply(delta, trust.rootKey);
    if (complete) break;
  }
  state.trust = trust;
  state.status = status;
  $("lists").textContent = t("public.lists", { when: formatTime(trust.issuedAt) });
  document.body.dataset.ready = "true";
}

function fact(text, kind) {
  const li = document.createElement("li");
  li.textContent = text;
  li.dataset.fact = kind;
  $("facts").append(li);
}

// Only what a third party may know: genuine or not, valid until, revoked or not.
export function show(result, full) {
  // Why a sticker was revoked (departed, replaced) is for officers; the public reads "revoked".
  const verdict = ["departed", "replaced"].includes(full.verdict) ? { ...full, verdict: "revoked" } : full;
  const box = $("result");
  box.hidden = false;
  box.className = `result ${VERDICT_CLASS[verdict.verdict] || "neutral"}`;
  $("verdict").textContent = t(`verdict.${verdict.verdict}`);
  $("verdict").dataset.verdict = verdict.verdict;
  $("facts").replaceChildren();
  const o = result.outcome;
  if (o === "not-pantau") {
    fact(t("detail.not-pantau"), "genuine");
    return;
  }
  if (!GENUINE.has(o)) {
    fact(t(o === "unknown-key" ? "public.unknown-signer" : "public.not-genuine"), "genuine");
    return;
  }
  fact(t("public.genuine"), "genuine");
  const revoked = o === "revoked-sticker" || o === "revoked-signer";
  if (o === "valid" && result.lastDay) fact(t("detail.valid", { day: formatDay(result.lastDay) }), "valid-until");
  else if (o === "expired") fact(t("public.expired"), "valid-until");
  else if (o === "not-yet-valid") fact(t("detail.clock"), "valid-until");
  fact(t(revoked ? "public.revoked" : "public.not-revoked"), "revoked");
  // A verdict the scanner app knows and this page does not spell out: its own explanation.
  const detail = `detail.${verdict.verdict}`;
  if (!(verdict.verdict in VERDICT_CLASS) && t(detail) !== detail) fact(t(detail), "detail");
}

export async function check(text) {
  $("error").textContent = "";
  if (!state.trust) {
    $("error").textContent = t("public.no-lists");
    return null;
  }
  const result = await verifySticker(text.trim(), { trust: state.trust, status: state.status });
  const verdict = verdictOf(result, { trustFresh: true });
  show(result, verdict);
  $("result").scrollIntoView({ block: "nearest", behavior: "smooth" });
  return { outcome: result.outcome, verdict: verdict.verdict };
}

async function startCamera() {
  const video = $("video");
  try {
    state.decoder = state.decoder || (await makeDecoder(new URLSearchParams(location.search).get("decoder")));
    $("decoder").textContent = t("camera.decoder", { name: state.decoder.name });
    await openCamera(video);
  } catch (err) {
    $("error").textContent = t("camera.error", { why: err.message || err.name });
    return;
  }
  state.scanning = true;
  document.body.classList.add("scanning");
  $("camera").textContent = $("camera").dataset.stop;
  scanLoop();
}

function stopCamera() {
  state.scanning = false;
  document.body.classList.remove("scanning");
  $("camera").textContent = $("camera").dataset.start;
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
    // A sticker still in view is not checked again; another one is.
    const text = texts[0];
    if (text && text !== state.shown && state.trust) {
      state.shown = text;
      await check(text);
    }
  } catch (err) {
    console.warn("decode failed", err);
  }
  setTimeout(scanLoop, 80);
}

function start() {
  $("camera").addEventListener("click", () => (state.scanning ? stopCamera() : startCamera()));
  $("paste-form").addEventListener("submit", (event) => {
    event.preventDefault();
    state.shown = null;
    check($("paste").value);
  });
  loadLists().catch((err) => {
    $("lists").textContent = t("public.lists-failed", { why: err.message || String(err) });
  });
  window.pantauVerifier = { state, check };
}

start();
