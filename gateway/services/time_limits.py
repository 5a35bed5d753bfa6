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

from ..lifecycles import Limit
from ..units import china_date
from ..workdays import UnknownCalendarYear, WorkCalendar

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
    """A step's clock as a queue shows it: since, due, overdue, survey days so far (or why no due date)."""
    since = china_date(started)
    shown = {"since": since.isoformat(), "due": None, "overdue": False, "limit_days": None,
             "survey_workdays": 0, "calendar_year_unknown": None}
    if limit is None:
        return shown
    own = (surveys or []) if limit.field_survey else []  # a survey stops only its own step's clock
    spans = [(china_date(s.began), china_date(s.ended) if s.ended is not None else today) for s in own]
    try:
        due = due_date(calendar, since, limit.days, spans)
        surveyed = sum(calendar.workdays_between(began, ended) for began, ended in spans)
    except UnknownCalendarYear as exc:  # said, not guessed (DESIGN §5)
        return {**shown, "limit_days": limit.days, "calendar_year_unknown": exc.year}
    return {**shown, "due": due.isoformat(), "overdue": due < today, "limit_days": limit.days,
            "survey_workdays": surveyed}
