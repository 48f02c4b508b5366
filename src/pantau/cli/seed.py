"""`pantau seed`: synthetic people, stays and scans for demos and benchmarks."""

from __future__ import annotations

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from pantau import migrate
from pantau.cli.common import engine, friendly, out, settings

app = typer.Typer(help="Synthetic data for demos and benchmarks.", invoke_without_command=True)


@app.callback()
@friendly
def seed(
    people: int = typer.Option(1000, min=1, help="People to add."),
    days: int = typer.Option(14, min=1, max=365, help="Days of arrivals and scans, up to now."),
    seed_value: int = typer.Option(
        1, "--seed", help="Random seed: equal seeds on equal databases give equal data."
    ),
    chunk: int = typer.Option(5000, min=100, help="People per COPY chunk (memory vs. overhead)."),
    signed: int = typer.Option(200, min=0, help="Stickers with a real signed token (~23 ms each)."),
    scans_per_day: float = typer.Option(
        1.5, min=0, help="Checks per day of stay besides check-in/out."
    ),
) -> None:
    """Add synthetic arrivals along the popular routes, with hotel check-ins, TIMPORA and officer
    checks, overstays, copied stickers and refused banned persons. Running it again ADDS more
    people (it never replaces what is there)."""
    from pantau.demo.seed import SeedOptions
    from pantau.demo.seed import seed as run_seed
    from pantau.keys import pii_cipher

    s = settings()
    eng = engine(s)
    migrate.upgrade(eng)
    opts = SeedOptions(people, days, seed_value, chunk, signed, scans_per_day)
    columns = (
        *Progress.get_default_columns()[:1],
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=out) as bar:
        task = bar.add_task("people", total=people)
        report = run_seed(eng, pii_cipher(s), opts, lambda n: bar.advance(task, n))
    rows = ", ".join(f"{n:,} {table}" for table, n in report.counts.items() if n)
    out.print(f"added {rows} in {report.seconds:.1f} s")
    out.print(
        f"encryption and keyed hashes {report.pii_seconds:.1f} s, "
        f"sticker signing {report.signing_seconds:.1f} s, "
        f"foreign-key checks {'skipped (replica mode)' if report.replica_mode else 'on'}"
    )
