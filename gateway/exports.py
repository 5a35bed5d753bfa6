"""CSV exports a spreadsheet opens safely: a cell that begins like a formula (=, +, -, @, or a
tab or carriage return before one) is written with a leading apostrophe, so a holder's name
such as =HYPERLINK(…) reads as text, never runs."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer's writerow, each cell neutralised."""

    def __init__(self, out: IO[str]):
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([cell(value) for value in row])


def safe_writer(out: IO[str]) -> SafeWriter:
    return SafeWriter(out)
