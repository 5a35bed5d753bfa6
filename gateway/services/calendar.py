"""The working calendar's years (DESIGN §5): DRC enters each year's State Council holiday schedule from
its notice, as soon as it is published (the shipped calendar ends with PUBLISHED_UNTIL). Sixty days
before the known calendar ends, DRC finds the entry waiting in its queue; until the year is entered,
due dates in it are provisional (services/time_limits.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..catalogue import lifecycles, steps
from ..core.db import CalendarYear, User
from ..core.errors import Conflict, Invalid
from ..runtime.wiring import Gateway
from ..core.schemas import CalendarYearCreate
from ..catalogue.units import china_date, epoch
from ..core.workdays import PUBLISHED_UNTIL
from . import time_limits

WARN_DAYS = 60  # DRC is told this many days before the known calendar ends


def enter(gw: Gateway, db: Session, drc: User, form: CalendarYearCreate) -> CalendarYear:
    """A year's schedule, checked day by day; DRC may enter a year again to correct it (audited)."""
    if form.year <= PUBLISHED_UNTIL:
        raise Conflict("CALENDAR_YEAR_PUBLISHED", f"the shipped calendar has {form.year} from the State Council's "
                       "notice already", detail={"field": "year", "published_until": PUBLISHED_UNTIL})
    holidays, workdays = sorted(set(form.holidays)), sorted(set(form.workdays))
    for field, days in (("holidays", holidays), ("workdays", workdays)):
        if outside := [day.isoformat() for day in days if day.year != form.year]:
            raise Invalid("CALENDAR_DAY_OUTSIDE_YEAR", f"{', '.join(outside)} not in {form.year}",
                          detail={"field": field, "days": outside})
    if weekdays := [day.isoformat() for day in workdays if day.weekday() < 5]:
        raise Invalid("MAKE_UP_DAY_NOT_WEEKEND", f"a make-up working day falls on a Saturday or Sunday, not {', '.join(weekdays)}",
                      detail={"field": "workdays", "days": weekdays})
    if both := sorted(set(holidays) & set(workdays)):
        raise Invalid("CALENDAR_DAY_TWICE", "a day is a holiday and a make-up working day at once",
                      detail={"field": "workdays", "days": [day.isoformat() for day in both]})
    row = db.get(CalendarYear, form.year) or CalendarYear(year=form.year)
    row.notice, row.entered_by, row.entered_at = form.notice, drc.id, dt.datetime.now(dt.timezone.utc)
    row.holidays, row.workdays = [d.isoformat() for d in holidays], [d.isoformat() for d in workdays]
    db.add(row)
    gw.audit.add(db, drc, steps.ENTER_CALENDAR_YEAR.id, {"year": form.year, "notice": form.notice,
                                                         "holidays": len(holidays), "workdays": len(workdays)})
    db.commit()
    gw.calendar.forget(form.year)
    return row


def overview(gw: Gateway, db: Session, *, today: dt.date) -> dict:
    """What the calendar knows: the package's years, each year DRC entered with its notice, until when."""
    known_until = gw.calendar.known_until()
    names = {row.id: row for row in db.execute(select(User.id, User.username, User.display_name)).all()}
    entered = [
        {"year": row.year, "notice": row.notice, "holidays": row.holidays, "workdays": row.workdays,
         "entered_by": names[row.entered_by].username, "entered_by_name": names[row.entered_by].display_name,
         "entered_at": row.entered_at.isoformat(), "entered_on": china_date(epoch(row.entered_at)).isoformat()}
        for row in db.scalars(select(CalendarYear).order_by(CalendarYear.year))
    ]
    return {"published_until": PUBLISHED_UNTIL, "known_until": known_until.isoformat(),
            "days_left": (known_until - today).days, "next_year": known_until.year + 1,
            "due_to_enter": today >= known_until - dt.timedelta(days=WARN_DAYS), "entered": entered}


def state(gw: Gateway, *, today: dt.date) -> str:
    """The calendar's state in its lifecycle (lifecycles.CALENDAR): ending from WARN_DAYS before the known
    calendar's last day."""
    return "CALENDAR_ENDING" if today >= gw.calendar.known_until() - dt.timedelta(days=WARN_DAYS) else "KNOWN"


def queue(gw: Gateway, *, today: dt.date) -> list[lifecycles.QueueItem]:
    """DRC's entry of the next year, from sixty days before the known calendar ends; overdue once it has."""
    if state(gw, today=today) not in lifecycles.CALENDAR.waits:
        return []
    known_until = gw.calendar.known_until()
    since = known_until - dt.timedelta(days=WARN_DAYS)
    return [lifecycles.CALENDAR.item("CALENDAR_ENDING", keys={"year": known_until.year + 1}, href="/console/calendar",
                                     clock=time_limits.until(since, known_until, today=today))]
