"""Reading the gateway's CSV exports back as a program would (gateway/web/exports.py): strip the
byte-order mark, then key each column by the English word after its Chinese name; an amount, written as
people read it (13,921.2), read back as a number."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

BOM = "\ufeff"


def read_csv(text: str) -> list[dict]:
    """Rows keyed by each header's English key ("碳券编号 coupon_number" → coupon_number)."""
    assert text.startswith(BOM), "an export starts with the UTF-8 byte-order mark, for Excel"
    reader = csv.reader(io.StringIO(text.removeprefix(BOM)))
    keys = [name.rsplit(" ", 1)[-1] for name in next(reader)]
    return [dict(zip(keys, row, strict=True)) for row in reader]


def headers(text: str) -> list[str]:
    """The header cells as written, Chinese name and key."""
    return next(csv.reader(io.StringIO(text.removeprefix(BOM))))


def amount(cell: str) -> Decimal:
    """An amount cell (tonnes 13,921.2, yuan 12,000.00) as the number it shows."""
    return Decimal(cell.replace(",", ""))
