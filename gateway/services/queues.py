"""A department's queue: applications awaiting its step and coupons awaiting it
after an owner's consent or a loss report, with due dates in working days
where the Measures set a limit (附件1), overdue first."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from .. import steps, units
from ..runtime import Gateway
from ..workdays import UnknownCalendarYear
from . import applications

# The department's step after each owner consent (the catalogue's `consent`).
AFTER_CONSENT = {step.consent: step for step in steps.CATALOGUE if step.consent}
# Working days where 附件1 sets a limit; the other steps have none.
LIMITS = {steps.REPORT_LOSS: 2, steps.FILE_REISSUE: 2, steps.REISSUE: 7}  # 附件1 二(二), 二(四), 二(五)


def department_queue(gw: Gateway, db: Session, *, role: str, today: dt.date | None = None) -> list[dict]:
    today = today or units.today()
    items = [{"kind": "application", **item} for item in applications.queue(gw, db, role=role, today=today)]
    for coupon in gw.index.coupons(pending=True):
        items.append(_item(gw, coupon, AFTER_CONSENT[coupon.pending_action], coupon.pending_since, today))
    lost = gw.index.coupons(states=["LOST_REPORTED"])
    filed = gw.index.reissues_filed([coupon.id for coupon in lost])
    for coupon in lost:
        step, since = (steps.REISSUE, filed[coupon.id]) if coupon.id in filed else (steps.FILE_REISSUE, coupon.updated_at)
        items.append(_item(gw, coupon, step, since, today))
    mine = [item for item in items if role in (item["department"], "DRC")]
    return sorted(mine, key=lambda item: (not item["overdue"], item["due"] or "9999"))


def _item(gw: Gateway, coupon, step: steps.Step, since_ts: int, today: dt.date) -> dict:
    limit = LIMITS.get(step)
    since = units.china_date(since_ts)
    due, unknown_year = None, None
    if limit is not None:
        try:
            due = gw.calendar.add_workdays(since, limit)
        except UnknownCalendarYear as exc:  # said, not guessed (DESIGN §5)
            unknown_year = exc.year
    return {
        "kind": "coupon", "coupon": coupon.number, "step": step.id, "department": step.roles[0], "status": coupon.state,
        "since": since.isoformat(), "due": due.isoformat() if due else None, "overdue": bool(due and due < today),
        "calendar_year_unknown": unknown_year,
    }
