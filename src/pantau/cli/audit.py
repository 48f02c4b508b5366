"""`pantau audit verify`: check the audit log's hash chain."""

from __future__ import annotations

import typer

from pantau.audit.services import verify_chain
from pantau.cli.common import fail, friendly, out, unit_of_work

app = typer.Typer(help="The append-only audit log.", no_args_is_help=True)


@app.command()
@friendly
def verify() -> None:
    """Walk the hash chain; exit 1 naming the first row changed, removed or reordered."""
    with unit_of_work() as db:
        result = verify_chain(db)
    if not result.ok:
        fail(
            f"audit chain broken at row {result.broken_id}: {result.reason} "
            f"({result.checked} rows before it are intact)"
        )
    out.print(f"audit chain intact: {result.checked} events")
