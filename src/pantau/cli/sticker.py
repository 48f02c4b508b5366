"""`pantau sticker verify INPUT`: check a sticker from a photo, a scan or its QR text, offline."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer
from cryptography import x509

from pantau.cli.common import err, out
from pantau.people.mrz import parse_mrz
from pantau.stickers.documents import DocumentError, StatusCache, TrustList
from pantau.stickers.scan import NothingReadable, qr_texts_from_input
from pantau.stickers.verify import Result, binding_matches, verify_token

app = typer.Typer(help="Verify stickers offline.", no_args_is_help=True)


def _load_bundle(path: Path, root_file: Path | None) -> tuple[TrustList, StatusCache]:
    try:
        bundle = json.loads(path.read_text())
        pem = root_file.read_bytes() if root_file else bundle["root_pem"].encode()
        root = x509.load_pem_x509_certificate(pem)
        trust = TrustList.from_document(bundle["trust_list"], root)
        status = StatusCache()
        if "status_list" in bundle:
            status.apply(bundle["status_list"], root)
    except (OSError, ValueError, KeyError, DocumentError) as exc:
        err.print(f"[red]error:[/] cannot use trust list {path}: {exc}")
        raise typer.Exit(2) from None
    return trust, status


def _report(result: Result, mrz: str | None) -> int:
    colour = "green" if result.valid else "red"
    out.print(f"[bold {colour}]{result.outcome.value.upper()}[/]: {result.message}")
    c = result.claims
    if c is not None:
        out.print(f"  serial {c.serial}  permit {c.permit}  nationality {c.nationality}")
        out.print(f"  entered {c.entry_date} at {c.checkpoint}  last allowed day {result.last_day}")
        out.print(
            f"  signed by {result.signer_code} (kid {result.kid.hex() if result.kid else '-'})"
            f"  issued {c.issued_at:%Y-%m-%d %H:%M} UTC  expires {c.expires_at:%Y-%m-%d}"
        )
        if result.valid and result.last_day and result.last_day < date.today():
            out.print(f"  [yellow]overstay: the permit ended on {result.last_day}[/]")
    if mrz and c is not None:
        m = parse_mrz(mrz)
        same = binding_matches(
            c, document_number=m.document_number, nationality=m.nationality, birth_date=m.birth_date
        )
        out.print(
            "  passport binding: "
            + (
                "[green]matches this passport[/]"
                if same
                else "[red]does NOT belong to this passport[/]"
            )
        )
        if not same:
            return 1
    return 0 if result.valid else 1


@app.command()
def verify(
    input: str = typer.Argument(
        ..., help="A photo or scan (PNG/JPEG), a text file, or the QR text."
    ),
    trust_list: Path = typer.Option(
        ...,
        "--trust-list",
        exists=True,
        dir_okay=False,
        help="File from `pantau keys export-trust-list`.",
    ),
    root: Path | None = typer.Option(
        None, help="Pinned root certificate (PEM); default: the one in the trust-list file."
    ),
    mrz: str | None = typer.Option(
        None, help="The passport's MRZ, to check the sticker is in the passport it was issued for."
    ),
) -> None:
    """Exit 0 when valid, 1 when not valid (tampered, unknown key, revoked signer or sticker,
    expired), 2 when nothing readable was found."""
    trust, status = _load_bundle(trust_list, root)
    try:
        texts = qr_texts_from_input(input)
    except NothingReadable as exc:
        err.print(f"[red]nothing readable:[/] {exc}")
        raise typer.Exit(2) from None
    if not texts or not texts[0]:
        err.print("[red]nothing readable:[/] the input is empty")
        raise typer.Exit(2)
    code = _report(verify_token(texts[0], trust, status), mrz)
    raise typer.Exit(code)
