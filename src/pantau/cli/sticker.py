"""`pantau sticker verify INPUT`: check a sticker from a photo, a scan or its QR text, offline."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.markup import escape

from pantau.cli.common import err, out
from pantau.stickers.scan import EXIT_UNREADABLE, EXIT_VALID, verify_command

app = typer.Typer(help="Verify stickers offline.", no_args_is_help=True)


@app.callback()
def sticker() -> None:
    """Verify stickers offline."""
    # A callback keeps `verify` a subcommand even while it is the group's only command.


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
        help="File from `pantau keys export-trust-list`, or a signed trust list with --root.",
    ),
    root: Path | None = typer.Option(
        None, help="Pinned root certificate (PEM); default: the one in the trust-list file."
    ),
    mrz: str | None = typer.Option(
        None, help="The passport's MRZ, to check the sticker is in the passport it was issued for."
    ),
    at: str | None = typer.Option(
        None,
        help="Verify as at this time (ISO 8601, e.g. 2026-12-01T00:00:00Z; UTC if no offset) "
        "instead of now, as the test vectors do.",
    ),
) -> None:
    """Exit 0 when valid, 1 when not valid (tampered, unknown key, revoked signer or sticker,
    expired), 2 when nothing readable was found."""
    when = None
    if at is not None:
        try:
            when = datetime.fromisoformat(at)
        except ValueError:
            err.print(f"[red]--at {escape(at)!r} is not an ISO 8601 time[/]")
            raise typer.Exit(EXIT_UNREADABLE) from None
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
    code, lines = verify_command(input, trust_list, root_file=root, mrz=mrz, at=when)
    if code == EXIT_UNREADABLE:
        for line in lines:
            err.print(f"[red]{escape(line)}[/]")
        raise typer.Exit(code)
    colour = "green" if code == EXIT_VALID else "red"
    out.print(f"[bold {colour}]{escape(lines[0])}[/]")
    for line in lines[1:]:
        out.print(escape(line))
    raise typer.Exit(code)


@app.command()
def vectors(
    out_file: Path = typer.Argument(
        ..., help="Where to write the JSON (docs/sticker-vectors.json)."
    ),
) -> None:
    """Write the published test vectors: stickers signed by test keys, with the trust and status
    lists to use, the time to verify at and the expected outcome (docs/sticker-format.md section
    10). The output is the same on every run."""
    from pantau.stickers.vectors import build, dumps

    doc = build()
    try:
        out_file.write_text(dumps(doc), encoding="utf-8")
    except OSError as exc:
        err.print(
            f"[red]cannot write {escape(str(out_file))}: {escape(exc.strerror or str(exc))}[/]"
        )
        raise typer.Exit(2) from None
    out.print(f"{len(doc['vectors'])} test vectors written to {escape(str(out_file))}")
