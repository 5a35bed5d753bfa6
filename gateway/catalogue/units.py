"""Units and time, in one place: Beijing time (the Measures' days are China's days),
tonnes ↔ integer kilograms CO2e (DESIGN §3), yuan ↔ fen."""

from __future__ import annotations

import datetime as dt
import time
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
    return "" if kg is None else amount_display(tonnes(kg))


# The one format of figures people read, on every page, paper and CSV (web/exports.py; the API keeps plain
# decimals for programs): tonnes thousands separated with at most three decimals (1,198.2), yuan with two (12,000.00).
def amount_display(t: Decimal | str | int | None) -> str:
    """Tonnes, given in tonnes (an API value such as "13921.2"), as people read them: 13,921.2."""
    return "" if t is None or t == "" else f"{Decimal(t):,.3f}".rstrip("0").rstrip(".")


def money_display(yuan: Decimal | str | int | None) -> str:
    """Yuan, given in yuan ("816.9"), as people read them: 816.90; 100,000.00."""
    return "" if yuan is None or yuan == "" else f"{Decimal(yuan):,.2f}"


def yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def day_start(day: dt.date) -> int:
    """The unix time of a day's midnight in China: how the chain stores a date."""
    return int(dt.datetime.combine(day, dt.time(), CST).timestamp())


def period_end_on_chain(last_day: dt.date) -> int:
    """A period's end as the chain compares periods, half-open: the midnight after its last day, which the
    period includes (a monitoring period ends on the monitoring report's last day)."""
    return day_start(last_day + dt.timedelta(days=1))


def period_last_day(end_on_chain: int) -> int:
    """The midnight of a period's last day (included), from its end on-chain (China keeps no daylight saving)."""
    return end_on_chain - 86400


def stored_utc(moment: dt.datetime) -> dt.datetime:
    """A datetime read back from the database, with its zone: the gateway stores UTC, and SQLite drops the zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def epoch(moment: dt.datetime) -> int:
    """A stored datetime as chain-style seconds, whatever the process's local zone."""
    return int(stored_utc(moment).timestamp())


def utc(timestamp: int) -> dt.datetime:
    """A chain timestamp (seconds) as a datetime with its zone."""
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc)


def china_date(timestamp: int) -> dt.date:
    return dt.datetime.fromtimestamp(timestamp, CST).date()


def china_time(timestamp: int | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return dt.datetime.fromtimestamp(timestamp, CST).strftime(fmt) if timestamp else ""


def today() -> dt.date:
    return dt.datetime.now(CST).date()


class Clock:
    """What time it is for the gateway's deadlines: the wall clock, unless set.

    The chain says when each step happened; the clock says what "today" is when a
    queue counts working days to a due date. Tests set it (with the instant chain's
    time travel for the steps) to walk a file through a holiday and check each date."""

    def __init__(self) -> None:
        self._set: int | None = None

    def now(self) -> int:
        return self._set if self._set is not None else int(time.time())

    def today(self) -> dt.date:
        return china_date(self.now())

    def set(self, timestamp: int | None) -> None:
        """Hold the clock at `timestamp` (unix seconds); None follows the wall clock again."""
        self._set = timestamp
