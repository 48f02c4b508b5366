"""Tables as CSV or XLSX downloads (openpyxl, write-only mode: constant memory)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from fastapi.responses import Response
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    # A BOM, so that spreadsheet programs open the UTF-8 file with the right encoding.
    return ("\ufeff" + buf.getvalue()).encode()


def xlsx_bytes(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])  # Excel's limit for sheet names
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def download(fmt: str, name: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Response:
    if fmt == "xlsx":
        body, media = xlsx_bytes(name, header, rows), XLSX
    else:
        body, media = csv_bytes(header, rows), "text/csv; charset=utf-8"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )
