// Byte codecs for the sticker (docs/sticker-format.md section 1-2): Base45 (RFC 9285), zlib with
// a size cap, a small CBOR decoder and encoder (RFC 8949, only what COSE_Sign1 and the claims use),
// base64 and PEM. No dependencies: runs on any phone browser with DecompressionStream.

export class CodecError extends Error {}

const B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
const B45_INDEX = new Map([...B45].map((c, i) => [c, i]));

export function base45Decode(text) {
  if (text.length % 3 === 1) throw new CodecError("base45: bad length");
  const out = [];
  for (let i = 0; i < text.length; i += 3) {
    const chunk = text.slice(i, i + 3);
    const digits = [...chunk].map((c) => {
      const d = B45_INDEX.get(c);
      if (d === undefined) throw new CodecError("base45: bad character");
      return d;
    });
    if (digits.length === 3) {
      const n = digits[0] + digits[1] * 45 + digits[2] * 2025;
      if (n > 0xffff) throw new CodecError("base45: triple too large");
      out.push(n >> 8, n & 0xff);
    } else {
      const n = digits[0] + digits[1] * 45;
      if (n > 0xff) throw new CodecError("base45: pair too large");
      out.push(n);
    }
  }
  return new Uint8Array(out);
}

// zlib (RFC 1950) inflate through the browser's own DecompressionStream; stops past `limit` bytes
// so that a zip bomb never fills the phone's memory.
export async function inflate(bytes, limit = 4096) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  const reader = stream.getReader();
  const parts = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > limit) {
        reader.cancel().catch(() => {});
        throw new CodecError("zlib: too large");
      }
      parts.push(value);
    }
  } catch (err) {
    if (err instanceof CodecError) throw err;
    throw new CodecError("zlib: " + err.message);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// --- CBOR ------------------------------------------------------------------------------------
export class Tagged {
  constructor(tag, value) {
    this.tag = tag;
    this.value = value;
  }
}

// Decodes one CBOR item; returns {value, end}. Maps become Map (keys as numbers or strings);
// integers beyond 2^53 are refused (nothing in a sticker needs them).
export function cborDecode(bytes, start = 0) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = start;
  const need = (n) => {
    if (pos + n > bytes.length) throw new CodecError("cbor: truncated");
  };
  const readArg = (info) => {
    if (info < 24) return info;
    if (info === 24) { need(1); return bytes[pos++]; }
    if (info === 25) { need(2); const v = view.getUint16(pos); pos += 2; return v; }
    if (info === 26) { need(4); const v = view.getUint32(pos); pos += 4; return v; }
    if (info === 27) {
      need(8);
      const hi = view.getUint32(pos), lo = view.getUint32(pos + 4);
      pos += 8;
      if (hi > 0x1fffff) throw new CodecError("cbor: integer too large");
      return hi * 2 ** 32 + lo;
    }
    throw new CodecError("cbor: indefinite or reserved length");
  };
  const item = (depth) => {
    if (depth > 16) throw new CodecError("cbor: too deep");
    need(1);
    const first = bytes[pos++];
    const major = first >> 5, info = first & 0x1f;
    if (major === 7) {
      if (info === 20) return false;
      if (info === 21) return true;
      if (info === 22) return null;
      throw new CodecError("cbor: unsupported simple value");
    }
    const arg = readArg(info);
    switch (major) {
      case 0: return arg;
      case 1: return -1 - arg;
      case 2: { need(arg); const v = bytes.slice(pos, pos + arg); pos += arg; return v; }
      case 3: {
        need(arg);
        const v = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(pos, pos + arg));
        pos += arg;
        return v;
      }
      case 4: {
        const a = [];
        for (let i = 0; i < arg; i++) a.push(item(depth + 1));
        return a;
      }
      case 5: {
        const m = new Map();
        for (let i = 0; i < arg; i++) {
          const k = item(depth + 1);
          if (typeof k !== "number" && typeof k !== "string") throw new CodecError("cbor: bad key");
          if (m.has(k)) throw new CodecError("cbor: duplicate key");
          m.set(k, item(depth + 1));
        }
        return m;
      }
      case 6: return new Tagged(arg, item(depth + 1));
      default: throw new CodecError("cbor: bad major type");
    }
  };
  try {
    const value = item(0);
    return { value, end: pos };
  } catch (err) {
    if (err instanceof CodecError) throw err;
    throw new CodecError("cbor: " + err.message);
  }
}

function head(major, n) {
  const m = major << 5;
  if (n < 24) return [m | n];
  if (n < 0x100) return [m | 24, n];
  if (n < 0x10000) return [m | 25, n >> 8, n & 0xff];
  return [m | 26, ...u32(n)];
}

function u32(n) {
  return [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

// Shortest-form encoder for the same value model (used for Sig_structure and for the check that
// a COSE message is in its one canonical encoding).
export function cborEncode(value) {
  const out = [];
  const put = (v) => {
    if (v === false) out.push(0xf4);
    else if (v === true) out.push(0xf5);
    else if (v === null) out.push(0xf6);
    else if (typeof v === "number") {
      if (!Number.isSafeInteger(v)) throw new CodecError("cbor: only integers");
      if (v >= 0) out.push(...encodeHead(0, v));
      else out.push(...encodeHead(1, -1 - v));
    } else if (v instanceof Uint8Array) {
      out.push(...encodeHead(2, v.length));
      for (const b of v) out.push(b);
    } else if (typeof v === "string") {
      const b = new TextEncoder().encode(v);
      out.push(...encodeHead(3, b.length));
      for (const x of b) out.push(x);
    } else if (Array.isArray(v)) {
      out.push(...encodeHead(4, v.length));
      v.forEach(put);
    } else if (v instanceof Map) {
      out.push(...encodeHead(5, v.size));
      for (const [k, x] of v) { put(k); put(x); }
    } else if (v instanceof Tagged) {
      out.push(...encodeHead(6, v.tag));
      put(v.value);
    } else throw new CodecError("cbor: cannot encode");
  };
  put(value);
  return new Uint8Array(out);
}

function encodeHead(major, n) {
  if (n < 0x100000000) return head(major, n);
  const hi = Math.floor(n / 2 ** 32), lo = n >>> 0;
  return [(major << 5) | 27, ...u32(hi), ...u32(lo)];
}

// --- small helpers ---------------------------------------------------------------------------
export function bytesEqual(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function fromHex(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

export function fromBase64(text) {
  if (typeof text !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new CodecError("base64: bad text");
  }
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function toBase64(bytes) {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

export function pemToDer(pem) {
  const body = pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "").replace(/\s+/g, "");
  return fromBase64(body);
}
