"""A department's queue: every object whose lifecycle waits on it (gateway/catalogue/lifecycles.py), one QueueItem
each: applications, owners' consents, loss reports at each reissue stage, 附件8 forms, purchases, listings near
or past their notice's end, pledges past their term and the calendar; each step with its own clock in working days where 附件1 sets a limit
(DESIGN §5), overdue first. Every builder builds all its items; the role's are picked here."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from ..catalogue import lifecycles
from ..runtime.wiring import Gateway
from . import applications, calendar, market, pledges, reissues, time_limits, transfers, users

CONSENTS = lifecycles.COUPON_CONSENT


def department_queue(gw: Gateway, db: Session, *, role: str, today: dt.date | None = None) -> list[dict]:
    today = today or gw.clock.today()
    items = applications.queue(gw, db, today=today)
    for coupon in gw.index.coupons(pending=True):
        if coupon.pending_action in ("LOSS", "TRANSFER", "PLEDGE"):  # the reissue's first wait; a 附件8 form's (below)
            continue
        # The Measures set these steps no limit: shown since the owner asked, never overdue.
        items.append(CONSENTS.item(coupon.pending_action, keys={"coupon": coupon.number},
                                   href=f"/console/coupons/{coupon.number}", status=coupon.state,
                                   clock=time_limits.clock(gw.calendar, None, started=coupon.pending_since, today=today)))
    items += reissues.queue(gw, today=today)
    items += transfers.queue(gw, db, today=today)  # 附件8 forms to accept and to register
    items += market.queue(gw, db, today=today)  # purchase applications (附件6) to accept and settle
    items += market.notices_ending(gw, db, today=today)  # the centre: listings near or past their notice's end
    items += calendar.queue(gw, today=today)  # DRC: next year's holiday schedule to enter
    items += pledges.queue(gw, db, today=today)  # FINANCE: pledges past their term
    items += users.queue(gw, db, today=today)  # the centre: accounts to verify in person
    return shown(items, role)


def shown(items: list[lifecycles.QueueItem], role: str) -> list[dict]:
    """The items that are `role`'s turn (or that it watches), overdue first, then by due date, as it reads them."""
    mine = sorted((item for item in items if item.for_department(role)),
                  key=lambda item: (not item.clock["overdue"], item.clock["due"] or "9999"))
    return [item.shown(role) for item in mine]
