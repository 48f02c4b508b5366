"""`pantau sticker verify INPUT`: check a sticker from a photo, a scan or its QR text, offline."""

from __future__ import annotations

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
) -> None:
    """Exit 0 when valid, 1 when not valid (tampered, unknown key, revoked signer or sticker,
    expired), 2 when nothing readable was found."""
    code, lines = verify_command(input, trust_list, root_file=root, mrz=mrz)
    if code == EXIT_UNREADABLE:
        for line in lines:
            err.print(f"[red]{escape(line)}[/]")
        raise typer.Exit(code)
    colour = "green" if code == EXIT_VALID else "red"
    out.print(f"[bold {colour}]{escape(lines[0])}[/]")
    for line in lines[1:]:
        out.print(escape(line))
    raise typer.Exit(code)
