// Offline verification of a Pantau sticker, as docs/sticker-format.md specifies it: the trust list
// checked against the pinned national root, the status list applied as deltas, and the sticker's
// COSE_Sign1 (ES256) checked with WebCrypto. Outcomes use the document's names.

import {
  CodecError, Tagged, base45Decode, bytesEqual, cborDecode, cborEncode, fromBase64, fromHex, inflate,
  toHex,
} from "./codec.js";
import { parseCertificate } from "./der.js";

export const PREFIX = "PN1:";
export const MAX_TEXT = 1024;
const CLOCK_SLACK_S = 300;
const RETIRED_SLACK_S = 86400;
const ECDSA = { name: "ECDSA", namedCurve: "P-256" };
const ES256 = { name: "ECDSA", hash: "SHA-256" };
const PANTAU_CLAIM = -65537;
// Half the order of the P-256 group, big-endian. A signature (r, s) has a twin (r, n - s) that
// WebCrypto accepts too; Pantau makes and accepts only s <= n/2 (section 2: one valid encoding).
const P256_HALF_ORDER = fromHex("7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8");

// True when the 64-byte r||s signature has its low s (compared as big-endian numbers).
export function isLowS(signature) {
  const s = signature.subarray(32);
  for (let i = 0; i < 32; i++) {
    if (s[i] !== P256_HALF_ORDER[i]) return s[i] < P256_HALF_ORDER[i];
  }
  return true;
}

export class DocumentError extends Error {}

export async function importSpki(spki) {
  return crypto.subtle.importKey("spki", spki, ECDSA, false, ["verify"]);
}

export async function rootKeyOf(rootDer) {
  return importSpki(parseCertificate(rootDer).spki);
}

export async function kidOf(certDer) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", certDer)).slice(0, 8);
}

// A signed envelope {payload, kid, signature}: the payload JSON once the root's signature over its
// exact bytes checks out.
export async function openSealed(envelope, rootKey) {
  let raw, sig;
  try {
    raw = fromBase64(envelope.payload);
    sig = fromBase64(envelope.signature);
  } catch {
    throw new DocumentError("not a signed Pantau document");
  }
  if (sig.length !== 64 || !(await crypto.subtle.verify(ES256, rootKey, sig, raw))) {
    throw new DocumentError("signature does not match the pinned root");
  }
  try {
    return JSON.parse(new TextDecoder().decode(raw));
  } catch {
    throw new DocumentError("payload is not JSON");
  }
}

// The trust list, verified: every signer certificate issued by the root, every kid its own.
export async function loadTrust(envelope, rootDer) {
  const rootKey = await rootKeyOf(rootDer);
  const body = await openSealed(envelope, rootKey);
  if (body.format !== "pantau-trust-list/1") throw new DocumentError("not a Pantau trust list");
  if (!bytesEqual(fromBase64(body.root), rootDer)) throw new DocumentError("another root");
  const signers = new Map();
  for (const entry of body.signers) {
    const der = fromBase64(entry.cert);
    const cert = parseCertificate(der);
    if (!(await crypto.subtle.verify(ES256, rootKey, cert.signature, cert.tbs))) {
      throw new DocumentError(`signer ${entry.code} is not issued by the root`);
    }
    const kid = toHex(await kidOf(der));
    if (kid !== toHex(fromBase64(entry.kid))) throw new DocumentError("kid does not match");
    signers.set(kid, {
      code: entry.code,
      key: await importSpki(cert.spki),
      revoked: entry.revoked === true,
      useUntil: entry.use_until ? Date.parse(entry.use_until) / 1000 : null,
    });
  }
  return { issuedAt: new Date(body.issued_at), signers, rootKey };
}

// What the phone knows of revocations and moved last days (section 8), kept in IndexedDB as JSON.
export class StatusCache {
  constructor(version = 0, revoked = [], lastDay = {}, reasons = {}) {
    this.version = version;
    this.revoked = new Set(revoked);
    this.lastDay = new Map(Object.entries(lastDay));
    this.reasons = new Map(Object.entries(reasons || {})); // why revoked: departed, reissued, ...
  }

  static from(json) {
    return json
      ? new StatusCache(json.version, json.revoked, json.last_day, json.reasons)
      : new StatusCache();
  }

  toJSON() {
    return {
      version: this.version,
      revoked: [...this.revoked],
      last_day: Object.fromEntries(this.lastDay),
      reasons: Object.fromEntries(this.reasons),
    };
  }

  // Applies one signed delta; returns {fresh, complete, version}. Checks every entry before
  // changing anything, so a bad document leaves the cache as it was.
  async apply(envelope, rootKey) {
    const body = await openSealed(envelope, rootKey);
    if (body.format !== "pantau-status-list/1") throw new DocumentError("not a status list");
    const since = body.since, version = body.version;
    if (!Number.isInteger(since) || !Number.isInteger(version) || !Array.isArray(body.entries)) {
      throw new DocumentError("malformed status list");
    }
    const entries = body.entries.map((e) => {
      if (!Number.isInteger(e.v) || e.v <= since || e.v > version || typeof e.serial !== "string") {
        throw new DocumentError("malformed status entry");
      }
      if (e.kind === "revoked") return e;
      if (e.kind === "last-day" && /^\d{4}-\d{2}-\d{2}$/.test(e.last_day)) return e;
      throw new DocumentError(`unknown status entry kind ${e.kind}`);
    });
    if (since > this.version) throw new DocumentError(`gap: delta from ${since}, cache at ${this.version}`);
    const fresh = entries.filter((e) => e.v > this.version);
    for (const e of fresh) {
      if (e.kind === "revoked") {
        this.revoked.add(e.serial);
        if (typeof e.reason === "string") this.reasons.set(e.serial, e.reason);
      } else this.lastDay.set(e.serial, e.last_day);
    }
    this.version = Math.max(this.version, version);
    return { fresh: fresh.length, complete: body.complete !== false, version: this.version };
  }
}

export function dayToIso(days) {
  return new Date(days * 86400000).toISOString().slice(0, 10);
}

function uuidOf(b) {
  const h = toHex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const isUint = (v) => Number.isSafeInteger(v) && v >= 0;
const isBytes = (v, n) => v instanceof Uint8Array && (n === undefined || v.length === n);

// The COSE_Sign1 in its one accepted shape (section 2), or CodecError.
export function decodeSign1(cose) {
  const { value, end } = cborDecode(cose);
  if (end !== cose.length) throw new CodecError("cose: trailing bytes");
  if (!(value instanceof Tagged) || value.tag !== 18) throw new CodecError("cose: not tag 18");
  const parts = value.value;
  if (!Array.isArray(parts) || parts.length !== 4) throw new CodecError("cose: not Sign1");
  const [protectedBytes, unprotected, payload, signature] = parts;
  if (!isBytes(protectedBytes, 13) || !(unprotected instanceof Map) || unprotected.size !== 0 ||
      !isBytes(payload) || !isBytes(signature, 64)) {
    throw new CodecError("cose: bad fields");
  }
  const want = [0xa2, 0x01, 0x26, 0x04, 0x48];
  if (!want.every((b, i) => protectedBytes[i] === b)) throw new CodecError("cose: bad header");
  // One signed sticker has one valid encoding: re-encode and compare (no long forms, no padding).
  if (!bytesEqual(cborEncode(value), cose)) throw new CodecError("cose: not canonical");
  return { protectedBytes, payload, signature, kid: protectedBytes.slice(5) };
}

export function decodeClaims(payload) {
  const { value, end } = cborDecode(payload);
  if (end !== payload.length || !(value instanceof Map)) throw new CodecError("claims: not a map");
  const iat = value.get(6), exp = value.get(4), p = value.get(PANTAU_CLAIM);
  if (!isUint(iat) || !isUint(exp) || !Array.isArray(p) || p.length < 9) {
    throw new CodecError("claims: missing");
  }
  const [serial, stay, permit, nationality, entry, checkpoint, lastDay, salt, binding] = p;
  if (typeof serial !== "string" || !isBytes(stay, 16) || !isUint(permit) ||
      typeof nationality !== "string" || !isUint(entry) || typeof checkpoint !== "string" ||
      !isUint(lastDay) || !isBytes(salt, 8) || !isBytes(binding, 8)) {
    throw new CodecError("claims: wrong types");
  }
  return {
    serial, stay: uuidOf(stay), permit, nationality, entry: dayToIso(entry), checkpoint,
    lastDay: dayToIso(lastDay), iat, exp, salt, binding,
  };
}

// Steps 1-11 of section 5. `trust` from loadTrust (or null), `status` a StatusCache (or null),
// `now` in seconds. Returns {outcome, serial?, claims?, lastDay?, signer?}.
export async function verifySticker(text, { trust, status, now = Date.now() / 1000 }) {
  if (typeof text !== "string" || !text.startsWith(PREFIX) || text.length > MAX_TEXT) {
    return { outcome: "not-pantau" };
  }
  let msg;
  try {
    msg = decodeSign1(await inflate(base45Decode(text.slice(PREFIX.length))));
  } catch (err) {
    if (err instanceof CodecError) return { outcome: "tampered" };
    throw err;
  }
  const signer = trust ? trust.signers.get(toHex(msg.kid)) : undefined;
  if (!signer) return { outcome: "unknown-key", kid: toHex(msg.kid) };
  const sigStructure = cborEncode(["Signature1", msg.protectedBytes, new Uint8Array(0), msg.payload]);
  if (!isLowS(msg.signature) ||
      !(await crypto.subtle.verify(ES256, signer.key, msg.signature, sigStructure))) {
    return { outcome: "tampered" };
  }
  let claims;
  try {
    claims = decodeClaims(msg.payload);
  } catch (err) {
    if (err instanceof CodecError) return { outcome: "tampered" };
    throw err;
  }
  const lastDay = (status && status.lastDay.get(claims.serial)) || claims.lastDay;
  const reason = status && status.reasons ? status.reasons.get(claims.serial) : undefined;
  const base = { serial: claims.serial, claims, lastDay, signer: signer.code, reason };
  let outcome = "valid";
  if (signer.revoked) outcome = "revoked-signer";
  else if (status && status.revoked.has(claims.serial)) outcome = "revoked-sticker";
  else if (signer.useUntil !== null && claims.iat > signer.useUntil + RETIRED_SLACK_S) outcome = "retired-signer";
  else if (claims.iat > now + CLOCK_SLACK_S) outcome = "not-yet-valid";
  else if (claims.exp <= now) outcome = "expired";
  return { outcome, ...base };
}

function isoDay(d) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

export function daysBetween(fromIso, toIso) {
  return Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 86400000);
}

// What the officer is told, in the words of the issue: valid / expiring / overstay / revoked /
// departed / replaced / signer-revoked / not-genuine / unknown-signer / expired / cannot-vouch. `today` is the phone's local date: the
// phone stands where the foreigner is, and that place's calendar decides the day (DOMAIN.md).
export function verdictOf(result, { today = isoDay(new Date()), expiringDays = 7, trustFresh = true } = {}) {
  const o = result.outcome;
  if (o === "not-pantau") return { verdict: "not-pantau" };
  if (o === "tampered" || o === "retired-signer") return { verdict: "not-genuine" };
  // Anything else rests on the cached lists: too old, and the phone does not guess.
  if (!trustFresh) return { verdict: "cannot-vouch", reason: "stale" };
  if (o === "unknown-key") return { verdict: "unknown-signer" };
  // A revoked signer: its honest holders need a new sticker from an office, it is no forgery.
  if (o === "revoked-signer") return { verdict: "signer-revoked" };
  if (o === "revoked-sticker") {
    if (result.reason === "departed") return { verdict: "departed" };
    if (result.reason === "reissued") return { verdict: "replaced" };
    return { verdict: "revoked" };
  }
  if (o === "not-yet-valid") return { verdict: "cannot-vouch", reason: "clock" };
  if (o === "expired") return { verdict: "expired", lastDay: result.lastDay };
  const daysLeft = daysBetween(today, result.lastDay);
  if (daysLeft < 0) return { verdict: "overstay", lastDay: result.lastDay, daysOver: -daysLeft };
  if (daysLeft < expiringDays) return { verdict: "expiring", lastDay: result.lastDay, daysLeft };
  return { verdict: "valid", lastDay: result.lastDay, daysLeft };
}

// Section 4: PBKDF2-HMAC-SHA256 over "DOCNUMBER|NAT|YYMMDD" with the sticker's salt, 8 bytes.
export async function bindingOf(salt, { documentNumber, nationality, birthDate }) {
  const text = [documentNumber, nationality].map((s) => s.replaceAll("<", "").trim().toUpperCase());
  const password = new TextEncoder().encode(`${text[0]}|${text[1]}|${birthDate}`);
  const key = await crypto.subtle.importKey("raw", password, "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations: 100000 }, key, 64,
  );
  return new Uint8Array(bits);
}

export async function checkBinding(claims, passport) {
  return bytesEqual(await bindingOf(claims.salt, passport), claims.binding);
}
