"""What every command shares: settings, the database, and turning errors into clear messages."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pantau.config import ConfigError, Settings, load_settings
from pantau.db import (
    app_database_url,
    check_connection,
    database_url,
    make_engine,
    session_factory,
)
from pantau.errors import PantauError

# Piped output (scripts, CliRunner) gets wide lines rather than tables cut at 80 columns.
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
out = Console(width=None if sys.stdout.isatty() else 160)
P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def friendly(fn: Callable[P, R]) -> Callable[P, R]:
    """Show configuration, domain, file and database errors as one line and a non-zero exit, never
    a traceback. `make_friendly` applies it to every command of the `pantau` app."""
    if getattr(fn, "__pantau_friendly__", False):
        return fn

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except ConfigError as exc:
            fail(str(exc))
        except PantauError as exc:
            fail(exc.en)
        except OSError as exc:  # a file named on the command line: missing, unreadable, too long
            name = f" ({_shorten(str(exc.filename))})" if exc.filename else ""
            fail(f"{exc.strerror or exc}{name}")
        except sa_exc.OperationalError as exc:  # the database went away during the command
            fail(f"database error: {_first_line(exc)}")
        except sa_exc.DataError as exc:  # a value PostgreSQL refuses (a NUL byte, a huge number)
            fail(f"the database refused a value: {_first_line(exc)}")
        except KeyboardInterrupt:
            err.print("interrupted")
            raise typer.Exit(130) from None

    wrapper.__pantau_friendly__ = True  # type: ignore[attr-defined]
    return wrapper


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _first_line(exc: sa_exc.DBAPIError) -> str:
    text = str(exc.orig) if exc.orig is not None else str(exc)
    return _shorten(text.strip().splitlines()[0] if text.strip() else type(exc).__name__, 200)


def make_friendly(app: typer.Typer) -> None:
    """Wrap every command and group callback of `app` (and its sub-apps) in `friendly`, so that no
    command, present or future, shows a traceback for a user's mistake."""
    for command in app.registered_commands:
        if command.callback is not None:
            command.callback = friendly(command.callback)
    if app.registered_callback is not None and app.registered_callback.callback is not None:
        app.registered_callback.callback = friendly(app.registered_callback.callback)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            make_friendly(group.typer_instance)


def settings() -> Settings:
    return load_settings()


_engines: dict[str, Engine] = {}


def engine(s: Settings | None = None) -> Engine:
    """The engine for this command run (one per process; the CLI is short-lived)."""
    s = s or settings()
    url = database_url(s)
    if url not in _engines:
        eng = make_engine(url, pool_size=2, max_overflow=2)
        check_connection(eng)
        _engines[url] = eng
    return _engines[url]


def app_engine(s: Settings | None = None) -> Engine:
    """The engine `pantau serve` and `pantau worker` use: the app role, never the owner
    (pantau.dbroles). On the embedded server its login role is made here if missing."""
    s = s or settings()
    if not s.database_url:
        from pantau.dbroles import EMBEDDED_LOGIN, grant_app_role

        grant_app_role(engine(s), login=EMBEDDED_LOGIN)
    url = app_database_url(s)
    if url not in _engines:
        eng = make_engine(url)
        check_connection(eng)
        _engines[url] = eng
    return _engines[url]


@contextmanager
def unit_of_work(s: Settings | None = None) -> Iterator[Session]:
    with session_factory(engine(s))() as session, session.begin():
        yield session


def read_secret(prompt: str) -> str:
    """A password from standard input: typed at a terminal (not echoed) or piped."""
    if sys.stdin.isatty():
        first: Any = typer.prompt(prompt, hide_input=True, confirmation_prompt=True)
        return str(first)
    line = sys.stdin.readline()
    if not line:
        fail("no password on standard input")
    return line.rstrip("\r\n")
