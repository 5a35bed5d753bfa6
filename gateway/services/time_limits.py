"""附件1's time limits in working days (DESIGN §5): each limit belongs to one step,
has its own clock and the event that starts it, and a field survey stops only the
clock of the step it belongs to (初审 and the reissue's 审查, 不含外业调查时间).

A clock counts the working days after the day it started (that day not counted,
as 附件1's "在N个工作日内" is read) and skips the survey days of its own step: the
working days after the day a survey began, through the day it ended. A survey
still under way counts through today, so the due date it shows is the earliest
the step can be due once the survey ends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..catalogue.lifecycles import Limit
from ..catalogue.units import china_date
from ..core.workdays import UnknownCalendarYear, WorkCalendar

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Survey:
    """A field survey of one step: the unix times it began and ended (None: under way)."""

    began: int
    ended: int | None


def surveys_of(events: list[tuple[str, int]], *, paused: str, resumed: str, since: int) -> list[Survey]:
    """The field surveys in a step's events (name, timestamp) that began after its clock started at `since`."""
    found: list[Survey] = []
    began = None
    for name, timestamp in events:
        if timestamp < since:
            continue
        if name == paused:
            began = timestamp
        elif name == resumed and began is not None:
            found.append(Survey(began, timestamp))
            began = None
    if began is not None:
        found.append(Survey(began, None))
    return found


def due_date(calendar: WorkCalendar, start: dt.date, days: int, survey_days: list[tuple[dt.date, dt.date]]) -> dt.date:
    """The day the `days`-th working day after `start` falls on, survey days (after, through) skipped."""
    day, left = start, days
    while left > 0:
        day += ONE_DAY
        if calendar.is_workday(day) and not any(began < day <= ended for began, ended in survey_days):
            left -= 1
    return day


def clock(calendar: WorkCalendar, limit: Limit | None, *, started: int, today: dt.date,
          surveys: list[Survey] | None = None) -> dict:
    """A step's clock as a queue shows it: since, due, overdue, survey days so far. A due date that needs a
    year whose holiday schedule nobody has entered is counted on weekdays only and shown as provisional,
    naming that year (DESIGN §5): never a silent guess."""
    since = china_date(started)
    shown = {"since": since.isoformat(), "due": None, "overdue": False, "limit_days": None,
             "survey_workdays": 0, "calendar_year_unknown": None}
    if limit is None:
        return shown
    own = (surveys or []) if limit.field_survey else []  # a survey stops only its own step's clock
    spans = [(china_date(s.began), china_date(s.ended) if s.ended is not None else today) for s in own]
    try:
        return {**shown, **_counted(calendar, limit, since, spans, today)}
    except UnknownCalendarYear as exc:
        return {**shown, **_counted(calendar.provisional(), limit, since, spans, today), "calendar_year_unknown": exc.year}


def workdays_left(calendar: WorkCalendar, today: dt.date, last_day: dt.date) -> int:
    """The working days from today through `last_day`, both counted (weekdays where a year's schedule is unknown)."""
    try:
        return calendar.workdays_between(today - ONE_DAY, last_day)
    except UnknownCalendarYear:
        return calendar.provisional().workdays_between(today - ONE_DAY, last_day)


def until(since: dt.date, due: dt.date, *, today: dt.date) -> dict:
    """A wait's clock with a fixed due day (a calendar year's end, a pledge's term), in clock()'s shape."""
    return {"since": since.isoformat(), "due": due.isoformat(), "overdue": due < today, "limit_days": None,
            "survey_workdays": 0, "calendar_year_unknown": None}


def _counted(calendar: WorkCalendar, limit: Limit, since: dt.date, spans: list[tuple[dt.date, dt.date]],
             today: dt.date) -> dict:
    due = due_date(calendar, since, limit.days, spans)
    return {"due": due.isoformat(), "overdue": due < today, "limit_days": limit.days,
            "survey_workdays": sum(calendar.workdays_between(began, ended) for began, ended in spans)}
