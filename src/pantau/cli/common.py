"""What every command shares: settings, the database, and turning errors into clear messages."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pantau.config import ConfigError, Settings, load_settings
from pantau.db import check_connection, database_url, make_engine, session_factory
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
    """Show configuration and domain errors as one line and a non-zero exit, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except ConfigError as exc:
            fail(str(exc))
        except PantauError as exc:
            fail(exc.en)
        except KeyboardInterrupt:
            err.print("interrupted")
            raise typer.Exit(130) from None

    return wrapper


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
