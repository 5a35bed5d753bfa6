"""Charts as inline SVG, drawn on the server: no script, prints well, readable on a phone."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from markupsafe import Markup

COLOURS = {"issued": "#2f7d4f", "listed": "#d08c1f", "pledged": "#3f6fb5", "retired": "#8a8f98", "live": "#2f7d4f"}


def _fmt(value: Decimal) -> str:
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def grouped_bars(categories: list[str], series: dict[str, list[Decimal]], names: dict[str, str]) -> Markup:
    """Vertical bars, one group per category (a month), one bar per series, with a legend."""
    width, height, left, bottom, top = 720, 260, 56, 28, 28
    peak = max([v for values in series.values() for v in values] + [Decimal(1)])
    group = (width - left) / max(len(categories), 1)
    bar = min(group * 0.8 / max(len(series), 1), 28)
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" xmlns="http://www.w3.org/2000/svg">']
    for tick in range(5):
        value = peak * tick / 4
        y = height - bottom - (height - bottom - top) * tick / 4
        parts.append(f'<line x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" class="axis" text-anchor="end">{_fmt(value)}</text>')
    for i, category in enumerate(categories):
        x0 = left + group * i + (group - bar * len(series)) / 2
        for j, (key, values) in enumerate(series.items()):
            h = float(values[i] / peak) * (height - bottom - top)
            parts.append(f'<rect x="{x0 + bar * j:.1f}" y="{height - bottom - h:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" '
                         f'fill="{COLOURS[key]}"><title>{escape(category)} {escape(names[key])}: {_fmt(values[i])}</title></rect>')
        parts.append(f'<text x="{left + group * (i + 0.5):.1f}" y="{height - 8}" class="axis" text-anchor="middle">{escape(category)}</text>')
    for j, key in enumerate(series):
        parts.append(f'<rect x="{left + 110 * j}" y="4" width="12" height="12" fill="{COLOURS[key]}"/>'
                     f'<text x="{left + 110 * j + 16}" y="14" class="legend">{escape(names[key])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def horizontal_bars(rows: list[tuple[str, Decimal]], colour: str = COLOURS["issued"]) -> Markup:
    """One labelled bar per row, value printed at its end."""
    width, row_height, left = 760, 30, 250
    height = row_height * max(len(rows), 1) + 8
    peak = max([value for _, value in rows] + [Decimal(1)])
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(rows):
        y = 4 + row_height * i
        w = float(value / peak) * (width - left - 110)
        parts.append(f'<text x="{left - 8}" y="{y + 19}" class="axis" text-anchor="end">{escape(label)}</text>'
                     f'<rect x="{left}" y="{y + 4}" width="{w:.1f}" height="{row_height - 10}" fill="{colour}"/>'
                     f'<text x="{left + w + 6:.1f}" y="{y + 19}" class="value">{_fmt(value)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
