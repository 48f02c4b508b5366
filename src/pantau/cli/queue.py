"""`pantau queue ...`: the passport-queue sweep (draws, no-shows, retention) and the demo outbox."""

from __future__ import annotations

from dataclasses import asdict

import typer
from rich.table import Table

from pantau.cli.common import friendly, out, settings, unit_of_work
from pantau.db import utcnow

app = typer.Typer(help="APPAPO passport-queue booking.", no_args_is_help=True)


@app.command("sweep")
@friendly
def sweep_command() -> None:
    """Publish the rolling window, run due draws, mark no-shows and delete personal data whose
    retention ended (PANTAU_QUEUE_RETENTION_DAYS). Safe to run at any time, from cron or by hand."""
    from pantau.keys import pii_cipher
    from pantau.queue.settings import QueueSettings
    from pantau.queue.sweep import sweep

    s = settings()
    with unit_of_work(s) as session:
        result = sweep(session, cipher=pii_cipher(s), settings=QueueSettings(), now=utcnow())
    out.print(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in asdict(result).items()))


@app.command("outbox")
@friendly
def outbox_command(
    limit: int = typer.Option(10, min=1, max=200, help="How many of the newest messages."),
    to: str = typer.Option(None, help="Only messages to this phone (+62...) or e-mail."),
) -> None:
    """Print the newest SMS and e-mail messages waiting in the outbox (demo and development)."""
    from pantau.keys import pii_cipher
    from pantau.notifications.notify import read_outbox

    s = settings()
    if s.environment == "production":
        raise typer.BadParameter("the outbox holds real people's codes; not shown in production")
    table = Table("time (UTC)", "channel", "to", "message")
    with unit_of_work(s) as session:
        for m in read_outbox(session, pii_cipher(s), to=to, limit=limit):
            table.add_row(f"{m.created_at:%H:%M:%S}", m.channel, m.to, m.body)
    out.print(table)
