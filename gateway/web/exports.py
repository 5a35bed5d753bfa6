"""CSV exports that people open in Excel (issue #11 item 7).

- UTF-8 with a byte-order mark, so Excel reads the Chinese as Chinese, not as mojibake.
- Each header is the Chinese name and, after a space, the stable English key scripts read
  ("碳券编号 coupon_number"): the departments read the first, programs split off the last word.
- Times (every datetime cell) in Beijing time (Asia/Shanghai, the Measures' days are China's days) as
  2026-11-29 08:00:00, never epoch seconds.
- Amounts as every page and PDF shows them (catalogue/units.py): a column whose key ends in _t is tonnes
  (13,921.2), one in _yuan or _yuan_per_t yuan (12,000.00); the csv module quotes a cell with a comma.
- A cell that begins like a formula (=, +, -, @, or a tab or carriage return before one) is
  written with a leading apostrophe, so a holder's name such as =HYPERLINK(…) reads as text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import IO
from urllib.parse import quote

from starlette.responses import Response

from ..catalogue.units import CST, amount_display, money_display, stored_utc

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATETIME = "%Y-%m-%d %H:%M:%S"


def cell(value: object) -> object:
    if isinstance(value, dt.datetime):
        return beijing(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def beijing(moment: dt.datetime) -> str:
    """A datetime as Beijing wall-clock time; a naive one is the database's UTC (units.stored_utc)."""
    return stored_utc(moment).astimezone(CST).strftime(DATETIME)


def display(key: str):
    """How a column's amounts read, by its key's unit: yuan, tonnes, or as given."""
    if key.endswith(("_yuan", "_yuan_per_t")):
        return money_display
    return amount_display if key.endswith("_t") else None


def header(columns: Sequence[tuple[str, str]]) -> list[str]:
    """(key, 中文) pairs → "中文 key" header cells."""
    return [f"{zh} {key}" for key, zh in columns]


class SafeWriter:
    """csv.writer's writerow, each cell neutralised."""

    def __init__(self, out: IO[str]):
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([cell(value) for value in row])


def safe_writer(out: IO[str]) -> SafeWriter:
    return SafeWriter(out)


def table(columns: Sequence[tuple[str, str]], rows: Iterable[Iterable[object]]) -> str:
    """The whole export: BOM, the bilingual header, then the rows, each cell neutralised."""
    out = io.StringIO()
    out.write(BOM)
    writer = safe_writer(out)
    writer.writerow(header(columns))
    shown = [display(key) for key, _zh in columns]
    for row in rows:
        writer.writerow([value if show is None else show(value) for show, value in zip(shown, row, strict=True)])
    return out.getvalue()


class CsvResponse(Response):
    """text/csv in UTF-8, offered as a download named after the export."""

    media_type = "text/csv; charset=utf-8"


def csv_response(text: str, filename: str, title: str) -> CsvResponse:
    """`filename` in ASCII for any client, `title` (Chinese) for those that read RFC 6266's filename*."""
    return CsvResponse(text.encode("utf-8"), headers={
        "Content-Disposition": f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(title)}.csv"})
