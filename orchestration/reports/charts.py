"""Inline SVG charts for the quality report: no script, no external file, readable offline.

Each function returns Markup: every label and tooltip that comes from data
goes through `escape`, so a name from a government website never becomes
markup; the numbers and colours are ours.
"""

from __future__ import annotations

from markupsafe import Markup, escape

COLORS = {
    "published": "#2da44e",
    "quarantined": "#cf222e",
    "blocking": "#cf222e",
    "warning": "#d4a72c",
    "info": "#6e7781",
    "not_assessable": "#afb8c1",
    "track": "#eef1f4",
}



def hbars(
    rows: list[tuple[str, list[tuple[int, str, str]], str]], *, label_w: int = 110, bar_w: int = 360, right_w: int = 200, scale: int | None = None
) -> str:
    """Horizontal stacked bars: (label, [(value, colour, tooltip)], text right of the bar)."""
    if not rows:
        return Markup('<p class="muted">Nothing to chart.</p>')
    bar_h = 22
    label_w = max(label_w, 12 + max(_text_width(label) for label, _, _ in rows))
    top = max((sum(v for v, _, _ in segs) for _, segs, _ in rows), default=0)
    scale = scale or top or 1
    width, height = label_w + bar_w + right_w, bar_h * len(rows) + 6
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">']
    for i, (label, segs, right) in enumerate(rows):
        y = 3 + i * bar_h
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="{bar_h - 7}" fill="{COLORS["track"]}" rx="2"/>')
        x = float(label_w)
        for value, colour, tip in segs:
            if value <= 0:
                continue
            w = max(1.5, value / scale * bar_w)
            parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{bar_h - 7}" fill="{colour}"><title>{escape(tip)}</title></rect>')
            x += w
        parts.append(f'<text x="{label_w + bar_w + 8}" y="{y + 15}" font-size="12" fill="#444">{escape(right)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _text_width(text: str, size: int = 12) -> int:
    """Rough rendered width of an SVG label: CJK characters are square, Latin ones ~0.6 em."""
    wide = sum(1 for ch in text if ord(ch) > 0x2E7F)
    return int(size * (wide + 0.62 * (len(text) - wide)))


def legend(items: list[tuple[str, str]]) -> str:
    return Markup('<div class="legend muted">' + "".join(f'<span style="background:{c}"></span>{escape(t)}' for t, c in items) + "</div>")


def trend_chart(rows: list[tuple]) -> str:
    """Vertical grouped bars per report year: share of reports with a blocking / warning failure."""
    rows = [r for r in rows if r[0] is not None]
    if not rows:
        return Markup('<p class="muted">No report has a known year.</p>')
    col_w, plot_h, left, bottom = max(22, min(56, 900 // len(rows))), 160, 40, 36
    width, height = left + col_w * len(rows) + 10, plot_h + bottom + 12
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="failures by report year">']
    for pct in (0, 25, 50, 75, 100):
        y = 8 + plot_h - pct / 100 * plot_h
        parts.append(f'<line x1="{left}" x2="{width - 6}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d8dee4" stroke-width="1"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="#656d76">{pct}%</text>')
    bw = (col_w - 6) / 2
    for i, (year, n, blocking, warning, *_rest) in enumerate(rows):
        x = left + i * col_w + 3
        for j, (value, colour, what) in enumerate(((blocking, COLORS["blocking"], "blocking"), (warning, COLORS["warning"], "warning"))):
            rate = value / n if n else 0.0
            h = rate * plot_h
            parts.append(
                f'<rect x="{x + j * bw:.1f}" y="{8 + plot_h - h:.1f}" width="{bw - 1:.1f}" height="{max(h, 0.5):.1f}" fill="{colour}">'
                f"<title>{escape(year)}: {value} of {n} reports with a {what} failure ({rate:.0%})</title></rect>"
            )
        parts.append(f'<text x="{x + col_w / 2 - 3:.1f}" y="{plot_h + 22}" font-size="10" text-anchor="middle">{escape(year)}</text>')
        parts.append(f'<text x="{x + col_w / 2 - 3:.1f}" y="{plot_h + 34}" font-size="9" text-anchor="middle" fill="#656d76">n={n}</text>')
    parts.append("</svg>")
    return Markup("".join(parts)) + legend([("reports with a blocking failure", COLORS["blocking"]), ("reports with a warning failure", COLORS["warning"])])
