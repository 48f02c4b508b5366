"""Sticker images: QR as SVG and PNG, and printable PDF labels (one, or a sheet of many).

QR error correction Q (shared/DESIGN.md). segno spends most of its time choosing a mask, so images are
made once per sticker by whoever needs them, never per request in a loop.
"""

from __future__ import annotations

import io

import segno
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from pantau.stickers.token import pretty_serial

# A passport visa page is 125 x 88 mm; the label fits beside an entry stamp.
LABEL_W, LABEL_H = 38 * mm, 48 * mm
QR_SIZE = 34 * mm


def qr(text: str, *, mask: int | None = None) -> segno.QRCode:
    """`mask=None` lets segno pick the mask with the lowest penalty (ISO 18004), about 80% of the
    cost (67 vs 329 a second for a 271-character token); a fixed mask still reads, but may leave
    larger uniform areas. Keep the automatic choice for print; images are made once per sticker."""
    # Level Q at least: segno raises it when a higher level fits the same version for free.
    return segno.make(text, error="q", micro=False, mask=mask)


def svg(text: str, *, scale: int = 4, mask: int | None = None) -> bytes:
    buf = io.BytesIO()
    qr(text, mask=mask).save(buf, kind="svg", scale=scale, border=4, xmldecl=False)
    return buf.getvalue()


def png(text: str, *, scale: int = 6, mask: int | None = None) -> bytes:
    buf = io.BytesIO()
    qr(text, mask=mask).save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


def _draw_label(canvas: Canvas, x: float, y: float, text: str, serial: str) -> None:
    code = qr(text)
    modules = code.symbol_size(border=0)[0]
    cell = QR_SIZE / modules
    drawing = Drawing(QR_SIZE, QR_SIZE)
    for row_i, row in enumerate(code.matrix):
        for col_i, dark in enumerate(row):
            if dark:
                drawing.add(
                    Rect(
                        col_i * cell,
                        QR_SIZE - (row_i + 1) * cell,
                        cell,
                        cell,
                        fillColor="black",
                        strokeColor=None,
                    )
                )
    canvas.setLineWidth(0.3)
    canvas.setDash(1, 2)
    canvas.rect(x, y, LABEL_W, LABEL_H)
    canvas.setDash()
    renderPDF.draw(drawing, canvas, x + (LABEL_W - QR_SIZE) / 2, y + LABEL_H - QR_SIZE - 2 * mm)
    canvas.setFont("Helvetica-Bold", 9)
    canvas.drawCentredString(x + LABEL_W / 2, y + 6.5 * mm, pretty_serial(serial))
    canvas.setFont("Helvetica", 6)
    canvas.drawCentredString(x + LABEL_W / 2, y + 3 * mm, "DITJEN IMIGRASI - PANTAU")


def label_pdf(text: str, serial: str) -> bytes:
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(LABEL_W, LABEL_H))
    canvas.setTitle(f"Stiker {serial}")
    _draw_label(canvas, 0, 0, text, serial)
    canvas.save()
    return buf.getvalue()


def sheet_pdf(stickers: list[tuple[str, str]]) -> bytes:
    """(qr_text, serial) pairs on A4 sheets, 5 x 5 labels a page, for batch printing."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4)
    canvas.setTitle("Lembar stiker Pantau")
    cols, rows = 5, 5
    margin_x = (A4[0] - cols * LABEL_W) / 2
    margin_y = (A4[1] - rows * LABEL_H) / 2
    for i, (text, serial) in enumerate(stickers):
        if i and i % (cols * rows) == 0:
            canvas.showPage()
        slot = i % (cols * rows)
        x = margin_x + (slot % cols) * LABEL_W
        y = A4[1] - margin_y - (slot // cols + 1) * LABEL_H
        _draw_label(canvas, x, y, text, serial)
    canvas.save()
    return buf.getvalue()
