// Just enough DER to use X.509 certificates with WebCrypto: the signed part (tbsCertificate), the
// public key (SubjectPublicKeyInfo, imported as "spki") and the ECDSA signature turned into raw r||s.

import { CodecError } from "./codec.js";

// One TLV at `pos`: {tag, start (of the TLV), body (start of content), end}.
function tlv(bytes, pos) {
  if (pos + 2 > bytes.length) throw new CodecError("der: truncated");
  const tag = bytes[pos];
  let len = bytes[pos + 1];
  let body = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 3) throw new CodecError("der: bad length");
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | bytes[body + i];
    body += n;
  }
  const end = body + len;
  if (end > bytes.length) throw new CodecError("der: truncated");
  return { tag, start: pos, body, end };
}

function children(bytes, node) {
  const out = [];
  for (let p = node.body; p < node.end; ) {
    const c = tlv(bytes, p);
    out.push(c);
    p = c.end;
  }
  return out;
}

export function parseCertificate(der) {
  const cert = tlv(der, 0);
  if (cert.tag !== 0x30 || cert.end !== der.length) throw new CodecError("der: not a certificate");
  const [tbs, , sigValue] = children(der, cert);
  if (!tbs || tbs.tag !== 0x30 || !sigValue || sigValue.tag !== 0x03) {
    throw new CodecError("der: not a certificate");
  }
  const fields = children(der, tbs);
  const offset = fields[0].tag === 0xa0 ? 1 : 0; // [0] version is optional
  const spki = fields[offset + 5];
  if (!spki || spki.tag !== 0x30) throw new CodecError("der: no public key");
  // BIT STRING: first content byte is the count of unused bits (0 here).
  const sig = der.subarray(sigValue.body + 1, sigValue.end);
  return {
    tbs: der.subarray(tbs.start, tbs.end),
    spki: der.subarray(spki.start, spki.end),
    signature: ecdsaDerToRaw(sig),
  };
}

// ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } -> 64 bytes r||s (P-256).
export function ecdsaDerToRaw(sig) {
  const seq = tlv(sig, 0);
  const [r, s] = children(sig, seq);
  if (!r || !s || r.tag !== 0x02 || s.tag !== 0x02) throw new CodecError("der: bad signature");
  const out = new Uint8Array(64);
  for (const [i, n] of [r, s].entries()) {
    let v = sig.subarray(n.body, n.end);
    while (v.length > 32 && v[0] === 0) v = v.subarray(1);
    if (v.length > 32) throw new CodecError("der: bad signature");
    out.set(v, i * 32 + (32 - v.length));
  }
  return out;
}
