"""A department's queue: applications awaiting its step, coupons awaiting it after an
owner's consent, and loss reports at each stage of the reissue procedure; each step
with its own clock in working days where 附件1 sets a limit (DESIGN §5), overdue first."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from .. import steps
from ..runtime import Gateway
from . import applications, calendar, market, pledges, reissues, time_limits, transfers

# The department's step after each owner consent (the catalogue's `consent`); a loss report is the reissue's.
AFTER_CONSENT = {step.consent: step for step in steps.CATALOGUE if step.consent and step.consent != "LOSS"}


def department_queue(gw: Gateway, db: Session, *, role: str, today: dt.date | None = None) -> list[dict]:
    today = today or gw.clock.today()
    items = [{"kind": "application", **item} for item in applications.queue(gw, db, role=role, today=today)]
    for coupon in gw.index.coupons(pending=True):
        step = AFTER_CONSENT.get(coupon.pending_action)
        if step is not None and role in (step.roles[0], "DRC"):
            # The Measures set these steps no limit: shown since the owner asked, never overdue.
            items.append({"kind": "coupon", "coupon": coupon.number, "step": step.id, "department": step.roles[0],
                          "status": coupon.state, "field_survey_paused": False,
                          **time_limits.clock(gw.calendar, None, started=coupon.pending_since, today=today)})
    items += reissues.queue(gw, role=role, today=today)
    items += transfers.queue(gw, db, role=role, today=today)  # 附件8 forms awaiting the centre's 受理意见
    items += market.queue(gw, db, role=role, today=today)  # purchase applications (附件6) to accept and settle
    items += calendar.queue(gw, role=role, today=today)  # DRC: next year's holiday schedule to enter
    items += pledges.queue(gw, db, role=role, today=today)  # FINANCE: pledges past their term
    return sorted(items, key=lambda item: (not item["overdue"], item["due"] or "9999"))
