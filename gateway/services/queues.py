"""A department's queue: applications awaiting its step and coupons awaiting it
after an owner's consent or a loss report, with due dates in working days
where the Measures set a limit (附件1), overdue first."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from chain.index import CouponRow, StepRow

from .. import steps
from ..runtime import Gateway
from ..workdays import UnknownCalendarYear
from ..units import CST
from . import applications

# The department's step after each owner consent (the catalogue's `consent`).
AFTER_CONSENT = {step.consent: step for step in steps.CATALOGUE if step.consent}
# Working days where 附件1 sets a limit; the other steps have none.
LIMITS = {steps.REPORT_LOSS: 2, steps.FILE_REISSUE: 2, steps.REISSUE: 7}  # 附件1 二(二), 二(四), 二(五)


def department_queue(gw: Gateway, db: Session, *, role: str, today: dt.date | None = None) -> list[dict]:
    today = today or dt.datetime.now(CST).date()
    items = [{"kind": "application", **item} for item in applications.queue(gw, db, role=role, today=today)]
    with Session(gw.index.engine) as index_db:
        for coupon in index_db.scalars(select(CouponRow).where(CouponRow.pending_action.is_not(None))).all():
            items.append(_item(gw, coupon, AFTER_CONSENT[coupon.pending_action], coupon.pending_since, today))
        for coupon in index_db.scalars(select(CouponRow).where(CouponRow.state == "LOST_REPORTED")).all():
            filed = index_db.scalar(
                select(StepRow).where(StepRow.coupon_id == coupon.id, StepRow.event == "ReissueFiled")
                .order_by(StepRow.id.desc())
            )
            step, since = (steps.REISSUE, filed.timestamp) if filed else (steps.FILE_REISSUE, coupon.updated_at)
            items.append(_item(gw, coupon, step, since, today))
    mine = [item for item in items if role in (item["department"], "DRC")]
    return sorted(mine, key=lambda item: (not item["overdue"], item["due"] or "9999"))


def _item(gw: Gateway, coupon: CouponRow, step: steps.Step, since_ts: int, today: dt.date) -> dict:
    limit = LIMITS.get(step)
    since = dt.datetime.fromtimestamp(since_ts, CST).date()
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
