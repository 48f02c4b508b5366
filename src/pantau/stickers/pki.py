"""The two-tier PKI (as ICAO and the EU DCC): a long-lived national root signs short-lived
document-signer certificates, one per issuing checkpoint or office. kid = SHA-256(cert DER)[:8]."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from pantau.stickers.cose import Sign, key_signer

ROOT_YEARS = 15
SIGNER_USE_DAYS = 90  # a signer makes new stickers for this long, then a fresh one takes over
# A signer certificate must outlive every sticker it signed: its use period plus the longest stay
# (KITAP, five years) plus a year of slack for extensions.
SIGNER_CERT_DAYS = SIGNER_USE_DAYS + 5 * 366 + 366


def kid_of(cert: x509.Certificate) -> bytes:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).digest()[:8]


def _name(common_name: str, unit: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Direktorat Jenderal Imigrasi"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def make_root(
    now: datetime,
    *,
    days: int = 365 * ROOT_YEARS,
    key: ec.EllipticCurvePrivateKey | None = None,
    serial: int | None = None,
    common_name: str = "Pantau National Root CA",
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A new root key and its self-signed certificate. `key` and `serial` given (test vectors),
    the certificate is reproducible: the signature is then deterministic (RFC 6979)."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name, "Pusat Data Keimigrasian")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256(), ecdsa_deterministic=serial is not None)
    )
    return key, cert


def make_signer(
    root_key: ec.EllipticCurvePrivateKey,
    root_cert: x509.Certificate,
    code: str,
    now: datetime,
    *,
    days: int = SIGNER_CERT_DAYS,
    key: ec.EllipticCurvePrivateKey | None = None,
    serial: int | None = None,
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = key or ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(f"Pantau Document Signer {code}", code))
        .issuer_name(root_cert.subject)
        .public_key(key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=False,
                crl_sign=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256(), ecdsa_deterministic=serial is not None)
    )
    return key, cert


def issued_by(cert: x509.Certificate, root: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(root)
    except (ValueError, TypeError, Exception):
        return False
    return True


def cert_der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def key_pkcs8(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_key(der: bytes) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_der_private_key(der, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise TypeError("not an EC key")
    return key


# --- key stores --------------------------------------------------------------------------------

# Names of environment variables, not secrets.
PASSPHRASE_ENV = "PANTAU_SIGNING_PASSPHRASE"  # noqa: S105
PASSPHRASE_FILE_ENV = "PANTAU_SIGNING_PASSPHRASE_FILE"  # noqa: S105


class KeyStoreError(RuntimeError):
    """The key store cannot do what was asked (no root yet, unknown kid, wrong passphrase)."""


@dataclass(frozen=True)
class PkiPolicy:
    """Validity periods: a signer signs for `signer_use_days`, and its certificate lives long
    enough to verify every sticker signed in that time."""

    root_days: int = 365 * ROOT_YEARS
    signer_use_days: int = SIGNER_USE_DAYS
    signer_cert_days: int = SIGNER_CERT_DAYS


@dataclass(frozen=True)
class SignerInfo:
    kid: bytes
    code: str
    cert: x509.Certificate
    created_at: datetime
    use_until: datetime
    revoked_at: datetime | None = None
    revoked_reason: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@runtime_checkable
class KeyStore(Protocol):
    """Where the root and document-signer keys live. Private keys never leave as bytes: callers
    get signing functions, so a hardware module can implement this protocol later."""

    def init(self, codes: Iterable[str]) -> list[SignerInfo]: ...
    def rotate(self, code: str) -> SignerInfo: ...
    def revoke(self, kid: bytes, *, reason: str) -> SignerInfo: ...
    def signers(self) -> list[SignerInfo]: ...
    def root_cert(self) -> x509.Certificate: ...
    def root_signer(self) -> Sign: ...
    def signer_for(self, code: str) -> tuple[bytes, Sign]: ...


def passphrase_from_env(environ: Mapping[str, str] | None = None) -> bytes:
    """The key store passphrase from PANTAU_SIGNING_PASSPHRASE, or from the file named by
    PANTAU_SIGNING_PASSPHRASE_FILE (a mounted secret; trailing newline ignored)."""
    env = os.environ if environ is None else environ
    if env.get(PASSPHRASE_FILE_ENV):
        return Path(env[PASSPHRASE_FILE_ENV]).read_bytes().rstrip(b"\r\n")
    if env.get(PASSPHRASE_ENV):
        return env[PASSPHRASE_ENV].encode()
    raise KeyStoreError(f"set {PASSPHRASE_ENV} or {PASSPHRASE_FILE_ENV} to open the signing keys")


def _write_private(path: Path, data: bytes) -> None:
    # Write beside, then rename: a crash never leaves half a key; 0600 from the first byte.
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class FileKeyStore:
    """Keys in a folder (e.g. `<data_dir>/keys/signing`): certificates in PEM, private keys as
    PKCS#8 encrypted with the passphrase (BestAvailableEncryption), metadata in signers.json.

    For an office machine or an offline root ceremony; a multi-machine deployment keeps its keys
    where every process sees them (the database store in keys.py, or a hardware module)."""

    folder: Path
    passphrase: bytes = field(repr=False)
    policy: PkiPolicy = field(default_factory=PkiPolicy)
    auto_rotate: bool = True  # signer_for makes a new signer when a code's use period ended
    clock: Callable[[], datetime] = _utcnow
    _keys: dict[bytes, ec.EllipticCurvePrivateKey] = field(default_factory=dict, repr=False)

    @property
    def _meta_path(self) -> Path:
        return self.folder / "signers.json"

    def _save_key(self, name: str, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        enc = serialization.BestAvailableEncryption(self.passphrase)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)
        _write_private(self.folder / f"{name}.key", pem)
        _write_private(self.folder / f"{name}.pem", cert.public_bytes(serialization.Encoding.PEM))

    def _load_key(self, name: str, kid: bytes) -> ec.EllipticCurvePrivateKey:
        if kid not in self._keys:
            try:
                key = serialization.load_pem_private_key(
                    (self.folder / f"{name}.key").read_bytes(), password=self.passphrase
                )
            except (ValueError, TypeError):
                raise KeyStoreError(f"cannot open key {name}: wrong passphrase?") from None
            if not isinstance(key, ec.EllipticCurvePrivateKey):
                raise KeyStoreError(f"key {name} is not an EC key")
            self._keys[kid] = key
        return self._keys[kid]

    def _read_meta(self) -> dict[str, dict[str, Any]]:
        if not self._meta_path.exists():
            return {}
        meta: dict[str, dict[str, Any]] = json.loads(self._meta_path.read_text())
        return meta

    def _write_meta(self, meta: dict[str, dict[str, Any]]) -> None:
        _write_private(self._meta_path, json.dumps(meta, indent=1, sort_keys=True).encode())

    def root_cert(self) -> x509.Certificate:
        path = self.folder / "root.pem"
        if not path.exists():
            raise KeyStoreError(f"no national root in {self.folder}: run init first")
        return x509.load_pem_x509_certificate(path.read_bytes())

    def root_signer(self) -> Sign:
        return key_signer(self._load_key("root", kid_of(self.root_cert())))

    def init(self, codes: Iterable[str]) -> list[SignerInfo]:
        """The root (once) and a signer for every code without one in its use period."""
        if not (self.folder / "root.pem").exists():
            key, cert = make_root(self.clock(), days=self.policy.root_days)
            self._save_key("root", key, cert)
        current = {s.code for s in self.signers() if self._usable(s)}
        return [self.rotate(code) for code in codes if code not in current]

    def rotate(self, code: str) -> SignerInfo:
        """A new signer for `code`; earlier ones stop signing but stay on the trust list."""
        root = self.root_cert()
        root_key = self._load_key("root", kid_of(root))
        now = self.clock()
        key, cert = make_signer(root_key, root, code, now, days=self.policy.signer_cert_days)
        kid = kid_of(cert)
        self._save_key(f"signer-{kid.hex()}", key, cert)
        meta = self._read_meta()
        for entry in meta.values():
            if entry["code"] == code and datetime.fromisoformat(entry["use_until"]) > now:
                entry["use_until"] = now.isoformat()
        use_until = now + timedelta(days=self.policy.signer_use_days)
        meta[kid.hex()] = {
            "code": code,
            "created_at": now.isoformat(),
            "use_until": use_until.isoformat(),
        }
        self._write_meta(meta)
        self._keys[kid] = key
        return SignerInfo(kid, code, cert, now, use_until)

    def revoke(self, kid: bytes, *, reason: str) -> SignerInfo:
        meta = self._read_meta()
        entry = meta.get(kid.hex())
        if entry is None:
            raise KeyStoreError(f"no signer with kid {kid.hex()}")
        if not entry.get("revoked_at"):
            entry.update(revoked_at=self.clock().isoformat(), revoked_reason=reason)
            self._write_meta(meta)
        return self._info(kid.hex(), entry)

    def _info(self, kid_hex: str, entry: dict[str, Any]) -> SignerInfo:
        cert = x509.load_pem_x509_certificate((self.folder / f"signer-{kid_hex}.pem").read_bytes())
        revoked_at = entry.get("revoked_at")
        return SignerInfo(
            kid=bytes.fromhex(kid_hex),
            code=entry["code"],
            cert=cert,
            created_at=datetime.fromisoformat(entry["created_at"]),
            use_until=datetime.fromisoformat(entry["use_until"]),
            revoked_at=datetime.fromisoformat(revoked_at) if revoked_at else None,
            revoked_reason=entry.get("revoked_reason"),
        )

    def signers(self) -> list[SignerInfo]:
        infos = [self._info(k, e) for k, e in self._read_meta().items()]
        return sorted(infos, key=lambda s: (s.code, s.created_at))

    def _usable(self, s: SignerInfo) -> bool:
        return not s.revoked and s.use_until > self.clock()

    def signer_for(self, code: str) -> tuple[bytes, Sign]:
        """The kid and signing function of `code`'s current signer."""
        usable = [s for s in self.signers() if s.code == code and self._usable(s)]
        if usable:
            info = usable[-1]
        elif self.auto_rotate:
            info = self.rotate(code)
        else:
            raise KeyStoreError(f"no signer in its use period for {code}: rotate it")
        return info.kid, key_signer(self._load_key(f"signer-{info.kid.hex()}", info.kid))


def signing_folder(data_dir: Path) -> Path:
    """Beside the personal-data key ring in `<data_dir>/keys`, in a folder of its own."""
    return data_dir / "keys" / "signing"
