"""Working days under the State Council holiday schedule, 调休 included (DESIGN §5).

chinesecalendar carries the years it has published (to 2026 in release 1.11). Each later year is
entered by DRC from the State Council's notice (services/calendar.py), with the notice's number:
its days off and its make-up working days. A year neither knows is never silently guessed: a
strict reading raises UnknownCalendarYear, and a due date beyond the known calendar is computed
on weekdays only and shown as provisional, saying which year is missing (services/time_limits.py).
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import chinese_calendar
from chinese_calendar import constants as published

from .errors import DomainError

PUBLISHED_UNTIL = max(published.holidays).year  # the last year the shipped package knows
RECHECK_SECONDS = 30.0  # how long a year found missing is not asked for again (another replica may enter it)


class UnknownCalendarYear(DomainError):
    status = 503

    def __init__(self, year: int):
        super().__init__(
            "CALENDAR_YEAR_UNKNOWN",
            f"the State Council's holiday schedule for {year} has not been entered: DRC enters it on the "
            "calendar page (/console/calendar)",
            detail={"year": year},
        )
        self.year = year


@dataclass(frozen=True)
class Schedule:
    """One year's State Council schedule: its days off and its make-up working days (调休上班)."""

    year: int
    notice: str  # the notice's number, 国办发明电〔…〕…号
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]

    def is_workday(self, day: dt.date) -> bool:
        return day in self.workdays or (day.weekday() < 5 and day not in self.holidays)


class WorkCalendar:
    """`entered(year)` reads the schedule DRC entered for a year, or None."""

    def __init__(self, entered: Callable[[int], Schedule | None] = lambda year: None):
        self._entered = entered
        self._years: dict[int, Schedule] = {}
        self._missing: dict[int, float] = {}  # year → when it was last found missing
        self._lock = threading.Lock()
        self.guessing = False  # a provisional view: unknown years are weekdays only

    def provisional(self) -> WorkCalendar:
        """This calendar, but a year nobody has entered counts Monday to Friday as working days."""
        view = copy.copy(self)
        view.guessing = True
        return view

    def schedule(self, year: int) -> Schedule | None:
        """DRC's schedule of `year`, read again at most every RECHECK_SECONDS while it is missing."""
        if year in self._years:
            return self._years[year]
        with self._lock:
            if time.monotonic() - self._missing.get(year, -RECHECK_SECONDS) < RECHECK_SECONDS:
                return None
            found = self._entered(year)
            if found is None:
                self._missing[year] = time.monotonic()
            else:
                self._years[year] = found
                self._missing.pop(year, None)
            return found

    def forget(self, year: int) -> None:
        """A schedule entered or corrected here: read it again at the next use."""
        with self._lock:
            self._years.pop(year, None)
            self._missing.pop(year, None)

    def known_until(self) -> dt.date:
        """The last day of the unbroken run of known years."""
        year = PUBLISHED_UNTIL
        while self.schedule(year + 1) is not None:
            year += 1
        return dt.date(year, 12, 31)

    def is_workday(self, day: dt.date) -> bool:
        if day.year <= PUBLISHED_UNTIL:
            try:
                return chinese_calendar.is_workday(day)
            except NotImplementedError:  # a year before the package's first
                pass
        elif (entered := self.schedule(day.year)) is not None:
            return entered.is_workday(day)
        if self.guessing:
            return day.weekday() < 5
        raise UnknownCalendarYear(day.year)

    def add_workdays(self, start: dt.date, count: int) -> dt.date:
        """The day by which `count` working days after `start` have passed (start itself not counted)."""
        day = start
        while count > 0:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                count -= 1
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end`."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_workday(day)
        return count
