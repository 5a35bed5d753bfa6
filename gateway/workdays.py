"""Working days under the State Council holiday schedule, 调休 included (DESIGN §5).

chinesecalendar knows the published years. For a year it does not know yet,
an operator adds `workdays-<year>.json` to the data directory:
{"holidays": ["2027-01-01", ...], "workdays": ["2027-02-07", ...]}
(workdays lists the make-up working weekends). A year neither knows is an
error that says so, never a silent weekdays-only guess.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import chinese_calendar

from .errors import DomainError


class UnknownCalendarYear(DomainError):
    status = 503

    def __init__(self, year: int):
        super().__init__(
            "CALENDAR_YEAR_UNKNOWN",
            f"the holiday schedule for {year} is not known; add workdays-{year}.json to the data directory",
            detail={"year": year},
        )
        self.year = year


class WorkCalendar:
    def __init__(self, schedule_dir: Path | None = None):
        self._overrides: dict[int, tuple[set[dt.date], set[dt.date]]] = {}
        if schedule_dir is not None:
            for path in sorted(schedule_dir.glob("workdays-*.json")):
                year = int(path.stem.split("-")[1])
                data = json.loads(path.read_text())
                self._overrides[year] = (
                    {dt.date.fromisoformat(d) for d in data.get("holidays", [])},
                    {dt.date.fromisoformat(d) for d in data.get("workdays", [])},
                )

    def is_workday(self, day: dt.date) -> bool:
        if day.year in self._overrides:
            holidays, workdays = self._overrides[day.year]
            return day in workdays or (day.weekday() < 5 and day not in holidays)
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError as exc:
            raise UnknownCalendarYear(day.year) from exc

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
