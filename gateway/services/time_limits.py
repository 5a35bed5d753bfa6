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

from .. import steps
from ..units import china_date
from ..workdays import UnknownCalendarYear, WorkCalendar

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Limit:
    """One row of DESIGN §5's table: a step, its working days and what starts its clock."""

    step: steps.Step
    days: int
    article: str
    starts: str  # the event that starts the clock, as the table says it
    field_survey: bool = False  # the step's own field survey stops its clock


# 附件1 一: registration
FORMAL_REVIEW = Limit(steps.FORMAL_REVIEW, 2, "附件1 一(二)", "submitted or resubmitted")
PRELIMINARY_REVIEW = Limit(steps.PRELIMINARY_REVIEW, 7, "附件1 一(二)", "formal review passed", field_survey=True)
VALIDATION = Limit(steps.VALIDATE, 7, "附件1 一(三)",
                   "preliminary review passed, or the verifier's attestation if that came later")
OPINION = Limit(steps.OPINION, 2, "附件1 一(三)", "validated, or returned by the EEB")
EEB_REVIEW = Limit(steps.EEB_REVIEW, 7, "附件1 一(四)", "validation opinion forwarded")
FILING = Limit(steps.FILE, 2, "附件1 一(四)", "EEB review passed")
MINT = Limit(steps.MINT, 7, "附件1 一(五)", "filed")
# 附件1 二: reissue
REISSUE_FORMAL_REVIEW = Limit(steps.REISSUE_FORMAL_REVIEW, 2, "附件1 二(二)",
                              "the owner's loss report (附件3), or its resubmission after a supplement")
REISSUE_REVIEW = Limit(steps.REISSUE_REVIEW, 7, "附件1 二(二)", "reissue formal review passed", field_survey=True)
REISSUE_REGISTRATION = Limit(steps.REISSUE_REGISTRATION, 2, "附件1 二(三)", "reissue review passed")
REISSUE_FILING = Limit(steps.FILE_REISSUE, 2, "附件1 二(四)", "reissue registered")
REISSUE = Limit(steps.REISSUE, 7, "附件1 二(五)", "the later of the reissue filing and the end of the loss notice")

TABLE: tuple[Limit, ...] = (
    FORMAL_REVIEW, PRELIMINARY_REVIEW, VALIDATION, OPINION, EEB_REVIEW, FILING, MINT,
    REISSUE_FORMAL_REVIEW, REISSUE_REVIEW, REISSUE_REGISTRATION, REISSUE_FILING, REISSUE,
)


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
