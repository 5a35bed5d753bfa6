"""The working calendar's page (DESIGN §5): the years whose State Council holiday schedule is known, each
entered year drawn month by month (days off, make-up working days), and for DRC the form to enter the
next year from its notice. Every department reads it: their due dates are counted on it."""

from __future__ import annotations

import calendar as months
import datetime as dt

from fastapi import APIRouter, Request

from ..catalogue import lifecycles, steps
from ..edge.deps import DbSession, GatewayDep, OptionalUser
from ..services import calendar
from .console import forms_of, page_for
from .templating import render

router = APIRouter(prefix="/console", include_in_schema=False)


def year_grid(year: int, holidays: list[str], workdays: list[str]) -> list[dict]:
    """Twelve months of weeks (Monday first), each day with its kind: workday, weekend, holiday or makeup."""
    off, makeup = set(map(dt.date.fromisoformat, holidays)), set(map(dt.date.fromisoformat, workdays))

    def kind(day: dt.date) -> str:
        return "holiday" if day in off else "makeup" if day in makeup else "weekend" if day.weekday() >= 5 else "workday"

    return [{"month": month, "weeks": [[{"day": d.day, "date": d.isoformat(), "kind": kind(d)} if d.month == month else None
                                        for d in week] for week in months.Calendar().monthdatescalendar(year, month)]}
            for month in range(1, 13)]


@router.get("/calendar")
def calendar_page(request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser, done: str | None = None):
    if (redirect := page_for(user, steps.DEPARTMENTS, "the departments")) is not None:
        return redirect
    known = calendar.overview(gateway, db, today=gateway.clock.today())
    years = [{**year, "grid": year_grid(year["year"], year["holidays"], year["workdays"])} for year in known["entered"]]
    return render(request, "console/calendar.html", user=user, done=done, known=known, years=years,
                  steps=forms_of(lifecycles.offered(user.role, "calendar"), None))
