"""Units and time, in one place: Beijing time (the Measures' days are China's days),
tonnes ↔ integer kilograms CO2e (DESIGN §3), yuan ↔ fen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

CST = ZoneInfo("Asia/Shanghai")
ZERO_ADDRESS = "0x" + "00" * 20


def to_kg(tonnes: Decimal) -> int:
    return int(tonnes * 1000)


def to_fen(yuan: Decimal) -> int:
    return int(yuan * 100)


def tonnes(kg: int) -> Decimal:
    """Exact tonnes of an integer amount of kilograms."""
    return Decimal(kg) / 1000


def tonnes_text(kg: int) -> str:
    """Tonnes as the API writes them: plain, exact, no trailing zeros beyond the integer ("1.5", "12")."""
    return str(tonnes(kg))


def tonnes_display(kg: int | None) -> str:
    """Tonnes as a page or certificate shows them: thousands separated, at most three decimals."""
    return "" if kg is None else f"{tonnes(kg):,.3f}".rstrip("0").rstrip(".")


def yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def day_start(day: dt.date) -> int:
    """The unix time of a day's midnight in China: how the chain stores a date."""
    return int(dt.datetime.combine(day, dt.time(), CST).timestamp())


def china_date(timestamp: int) -> dt.date:
    return dt.datetime.fromtimestamp(timestamp, CST).date()


def china_time(timestamp: int | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return dt.datetime.fromtimestamp(timestamp, CST).strftime(fmt) if timestamp else ""


def today() -> dt.date:
    return dt.datetime.now(CST).date()
