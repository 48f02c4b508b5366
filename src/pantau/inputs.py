"""Bad input stops at the door, with a 422 in both languages, before it can reach PostgreSQL as a 500.

- `reject_bad_input`, a dependency of every route (create_app): a NUL character in any query or path
  parameter, form field or JSON string (PostgreSQL text cannot hold one), and an integer query, path
  or form parameter outside PostgreSQL's bigint.
- `data_error`, the safety net behind it: a value PostgreSQL still refuses as data (a NUL byte, a
  number out of range, a text too long for its column) is answered 422, the transaction rolled back.
- `validation_error`: FastAPI's request validation answers in Pantau's error envelope
  (`{"detail": {"code", "message", "message_en", "field", "errors"}}`), as the OpenAPI document says.
"""

from __future__ import annotations

import json
import logging
import types
import typing
from typing import Any

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy import exc as sa_exc

from pantau.errors import PantauError

log = logging.getLogger(__name__)

BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def nul_error(field: str) -> PantauError:
    return PantauError(
        "nul_character",
        f"{field}: contains a NUL character (\\0), which no text may hold.",
        f"{field}: memuat karakter NUL (\\0), yang tidak boleh ada dalam teks.",
        status=422,
        field=field,
    )


def range_error(field: str) -> PantauError:
    return PantauError(
        "out_of_range",
        f"{field}: the number is too large (at most {BIGINT_MAX}, at least {BIGINT_MIN}).",
        f"{field}: angkanya terlalu besar (paling besar {BIGINT_MAX}, paling kecil {BIGINT_MIN}).",
        status=422,
        field=field,
    )


def _find_nul(value: Any, path: str = "body") -> str | None:
    """The JSON path of the first string (or key) holding a NUL character, if any."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in str(key):
                return f"{path}.{key!r}"
            if (found := _find_nul(item, f"{path}.{key}")) is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if (found := _find_nul(item, f"{path}[{i}]")) is not None:
                return found
    return None


def _is_int(annotation: Any) -> bool:
    if annotation is int:
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        return any(_is_int(a) for a in typing.get_args(annotation) if a is not type(None))
    if origin in (list, tuple, set, frozenset):
        return any(_is_int(a) for a in typing.get_args(annotation))
    return False


def _int_out_of_range(raw: object) -> bool:
    if not isinstance(raw, str):
        return False
    text = raw.strip()
    if not text.lstrip("+-").isdigit() or len(text) < 19:
        return False  # not an integer (validation says so) or surely within range
    return not BIGINT_MIN <= int(text) <= BIGINT_MAX


def _fields(route: APIRoute) -> tuple[list[str], list[str], list[str], bool]:
    """Names of a route's integer query, path and form parameters (with its dependencies'), and
    whether it takes a body."""
    found: tuple[list[str], list[str], list[str], bool] | None = getattr(
        route, "_pantau_input_fields", None
    )
    if found is None:
        query: list[str] = []
        path: list[str] = []
        body: list[str] = []
        has_body = False
        stack: list[Dependant] = [route.dependant]
        while stack:
            dep = stack.pop()
            has_body = has_body or bool(dep.body_params)
            for fields, names in (
                (dep.query_params, query),
                (dep.path_params, path),
                (dep.body_params, body),
            ):
                names += [f.alias for f in fields if _is_int(f.field_info.annotation)]
            stack.extend(dep.dependencies)
        found = (query, path, body, has_body)
        route._pantau_input_fields = found  # type: ignore[attr-defined]  # computed once per route
    return found


async def reject_bad_input(request: Request) -> None:
    """Refuse NUL characters anywhere in the input and integers beyond bigint (see module doc)."""
    for name, value in request.query_params.multi_items():
        if "\x00" in name or "\x00" in value:
            raise nul_error(name.replace("\x00", "\\0"))
    for name, value in request.path_params.items():
        if isinstance(value, str) and "\x00" in value:
            raise nul_error(name)
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    query_ints, path_ints, form_ints, has_body = _fields(route)
    form = None
    if request.method not in ("GET", "HEAD", "OPTIONS") and has_body:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(FORM_TYPES):
            # FastAPI parsed the form already for this route (cached); a route that parses its
            # own form (with its own limits) is left to it, and to `data_error` behind.
            form = await request.form()
            for name, item in form.multi_items():
                if "\x00" in name or (isinstance(item, str) and "\x00" in item):
                    raise nul_error(name.replace("\x00", "\\0"))
        elif "json" in content_type:
            body = await request.body()  # read by FastAPI already (cached)
            if b"\\u0000" in body:
                try:
                    data = json.loads(body)
                except ValueError:
                    data = None  # not JSON: validation answers that
                if (where := _find_nul(data)) is not None:
                    raise nul_error(where)
    values: list[tuple[str, list[Any]]] = [
        (n, list(request.query_params.getlist(n))) for n in query_ints
    ]
    values += [(n, [request.path_params.get(n)]) for n in path_ints]
    if form is not None:
        values += [(n, list(form.getlist(n))) for n in form_ints]
    for name, raws in values:
        if any(_int_out_of_range(v) for v in raws):
            raise range_error(name)


def data_error(exc: sa_exc.DataError) -> PantauError:
    """The safety net: what PostgreSQL (or psycopg, before sending) refused as data, as a 422."""
    orig = exc.orig
    text = str(orig) if orig is not None else str(exc)
    state = getattr(orig, "sqlstate", None)
    log.warning("bad input reached the database (%s): %s", state, text.splitlines()[0])
    if "NUL" in text:
        return nul_error("input")
    if state == "22003":  # numeric_value_out_of_range
        return range_error("input")
    if state == "22001":  # string_data_right_truncation
        return PantauError(
            "too_long",
            "A text is longer than allowed.",
            "Ada teks yang lebih panjang dari yang diizinkan.",
            status=422,
        )
    return PantauError(
        "bad_value",
        "A value is not valid here.",
        "Ada nilai yang tidak valid di sini.",
        status=422,
    )


def validation_error(exc: RequestValidationError) -> PantauError:
    """FastAPI's request validation in Pantau's envelope: the first problem in words (both
    languages), every problem in `errors` (location, English message, type)."""
    errors = [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors()
    ]
    first = errors[0] if errors else {"loc": [], "msg": "", "type": ""}
    loc = first["loc"][1:] if len(first["loc"]) > 1 else first["loc"]
    field = ".".join(loc) or "request"
    return PantauError(
        "invalid",
        f"{field}: {first['msg'] or 'not valid'}.",
        f"{field}: tidak valid ({first['msg'] or 'periksa isinya'}).",
        status=422,
        field=field,
        errors=errors,
    )
