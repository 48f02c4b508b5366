"""Errors that reach people: each carries a machine code, an HTTP status and a message in Bahasa
Indonesia and English. Views turn them into a 4xx JSON body or a page message, the CLI into a line on
stderr and a non-zero exit - never a traceback."""

from __future__ import annotations

from typing import Any


class PantauError(Exception):
    status: int = 400
    # When True, the request's transaction is committed although the request fails: what the
    # service recorded about the failure (a refused entry) must stay.
    keep_changes: bool = False

    def __init__(
        self,
        code: str,
        en: str,
        id: str | None = None,  # the message in Bahasa Indonesia
        *,
        status: int | None = None,
        field: str | None = None,
        keep_changes: bool = False,
        **extra: Any,
    ) -> None:
        super().__init__(en)
        self.code = code
        self.en = en
        self.id_ = id or en
        self.field = field
        self.extra = extra
        self.keep_changes = keep_changes
        if status is not None:
            self.status = status

    def message(self, lang: str) -> str:
        return self.id_ if lang == "id" else self.en

    def headers(self) -> dict[str, str]:
        """Retry-After for a refusal that says when to come back (429/503 with `retry_after`)."""
        wait = self.extra.get("retry_after")
        return {"Retry-After": str(wait)} if wait and self.status in (429, 503) else {}

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message(lang)}
        if lang != "en":
            body["message_en"] = self.en
        if self.field:
            body["field"] = self.field
        body.update(self.extra)
        return body


class NotFound(PantauError):
    status = 404


class Forbidden(PantauError):
    status = 403


class Conflict(PantauError):
    status = 409


class Unauthorized(PantauError):
    status = 401
