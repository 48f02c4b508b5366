"""Charts drawn on the server as inline SVG: no chart library, no script (the CSP allows none
inline), readable without JavaScript and printable. Labels are escaped; sizes come from data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

BAR_COLOUR = "#1f6feb"
MUTED = "#6b7280"


def _nice_max(value: int) -> int:
    """A round top for the axis (1, 2 or 5 times a power of ten) so the scale reads easily."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for m in (1, 2, 5):
            if step * m >= value:
                return step * m
        step *= 10


def bars(items: Sequence[tuple[str, int]], *, label: str, top: int = 12) -> Markup:
    """Horizontal bars, largest first; what is beyond `top` is summed as "…"."""
    shown = list(items[:top])
    if len(items) > top:
        shown.append(("…", sum(n for _, n in items[top:])))
    row, left, width = 22, 90, 420
    height = max(row, row * len(shown)) + 4
    peak = _nice_max(max((n for _, n in shown), default=0))
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(label)}" viewBox="0 0 {left + width + 70}'
        f' {height}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}</title>'
    ]
    for k, (name, n) in enumerate(shown):
        y = k * row + 2
        w = round(width * n / peak)
        parts.append(
            f'<text x="{left - 6}" y="{y + 15}" text-anchor="end" font-size="12">{escape(name)}'
            f'</text><rect x="{left}" y="{y + 3}" width="{w}" height="{row - 6}" '
            f'fill="{BAR_COLOUR}"><title>{escape(name)}: {n}</title></rect>'
            f'<text x="{left + w + 4}" y="{y + 15}" font-size="12" fill="{MUTED}">{n:,}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every label above went through escape()


def columns(points: Sequence[tuple[date, int]], *, label: str) -> Markup:
    """One column per day, the axis top and the first and last day written out."""
    left, width, height, bottom = 44, 520, 120, 18
    peak = _nice_max(max((n for _, n in points), default=0))
    slot = width / max(1, len(points))
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(label)}" viewBox="0 0 {left + width + 4}'
        f' {height + bottom}" width="100%" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>"
        f'<text x="{left - 4}" y="10" text-anchor="end" font-size="11" fill="{MUTED}">{peak:,}</text>'
        f'<text x="{left - 4}" y="{height}" text-anchor="end" font-size="11" fill="{MUTED}">0</text>'
        f'<line x1="{left}" y1="{height}" x2="{left + width}" y2="{height}" stroke="{MUTED}"/>'
    ]
    for k, (day, n) in enumerate(points):
        h = round((height - 4) * n / peak, 1)
        x = round(left + k * slot + 1, 1)
        parts.append(
            f'<rect x="{x}" y="{height - h}" width="{max(1.0, round(slot - 2, 1))}" height="{h}" '
            f'fill="{BAR_COLOUR}"><title>{day.isoformat()}: {n}</title></rect>'
        )
    if points:
        parts.append(
            f'<text x="{left}" y="{height + 14}" font-size="11" fill="{MUTED}">'
            f"{points[0][0].isoformat()}</text>"
            f'<text x="{left + width}" y="{height + 14}" text-anchor="end" font-size="11" '
            f'fill="{MUTED}">{points[-1][0].isoformat()}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every label above went through escape()
