"""What waits on an account, officials and holders alike: the first thing its home shows, the count in every
page's header, and what its notices tell it (services/notices.py). A department's is its queue
(services/queues.py); a holder's is every object whose lifecycle waits on it as applicant, right-holder,
co-applicant, transferee, owner or pledgee: 补正 owed on an application (附件1 一(二)) or a loss report (附件1
二(二)), applications prepared for it to confirm (§8), 附件8 forms to confirm as transferee (the owner's consent is
its filed form), and pledges to it nearing their term. It is told too of what waits on another party about its
coupons: its listings near or past their notice's end (the centre's), and its pledges nearing their term (the
bank's release once it repays). Each is a lifecycles.QueueItem built from its lifecycle's wait."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..core.db import ApplicationRecord, PreparedApplication, TransferForm, User
from ..runtime.wiring import Gateway
from ..catalogue.steps import DEPARTMENTS, HOLDER
from ..catalogue.units import epoch
from ..catalogue import lifecycles
from . import market, pledges, queues, reissues, time_limits, users
from .transfers import LIFECYCLE as FORM_LIFECYCLES


def waiting_on(gw: Gateway, db: Session, user: User, *, today: dt.date | None = None) -> list[dict]:
    """The account's items as its pages read them, overdue first, then by due date."""
    today = today or gw.clock.today()
    if user.role in DEPARTMENTS:
        return queues.department_queue(gw, db, role=user.role, today=today)
    if user.role != HOLDER:
        return []
    return queues.shown(holder_items(gw, db, user, today=today), HOLDER)


def holder_items(gw: Gateway, db: Session, user: User, *, today: dt.date) -> list[lifecycles.QueueItem]:
    owner = users.holder_address(gw, user)
    mine = [*reissues.supplements_owed(gw, owner, today=today),
            *market.notices_ending(gw, db, today=today, owner=owner)] if owner else []
    return [*_supplements(gw, db, user, today), *_prepared(gw, db, user, today), *_forms(gw, db, user, today),
            *mine, *_pledges_near_term(gw, db, user, today)]


def _supplements(gw: Gateway, db: Session, user: User, today: dt.date) -> list[lifecycles.QueueItem]:
    """补正 owed: its applications (as right-holder or the agent applying for it) the centre returned."""
    lifecycle = lifecycles.APPLICATION
    records = {r.application_id: r for r in db.scalars(select(ApplicationRecord).where(
        or_(ApplicationRecord.holder_id == user.id, ApplicationRecord.agent_id == user.id)))}
    return [lifecycle.item(a.status, keys={"application": a.id, "project_name": records[a.id].project_name},
                           href=f"/console/applications#application-{a.id}",
                           clock=time_limits.clock(gw.calendar, None, started=a.updated_at, today=today))
            for a in gw.index.applications(statuses=lifecycle.waiting_on(HOLDER)) if a.id in records]


def _prepared(gw: Gateway, db: Session, user: User, today: dt.date) -> list[lifecycles.QueueItem]:
    """Applications prepared by an agent or naming it co-applicant, awaiting its own confirmation (§8)."""
    lifecycle = lifecycles.PREPARED_APPLICATION
    found = db.scalars(select(PreparedApplication).where(
        PreparedApplication.status.in_(lifecycle.waiting_on(HOLDER)),
        ((PreparedApplication.holder_id == user.id) & PreparedApplication.holder_confirmed_at.is_(None))
        | ((PreparedApplication.co_applicant_id == user.id) & PreparedApplication.co_applicant_confirmed_at.is_(None))))
    return [lifecycle.item(p.status, keys={"prepared": p.id, "project_name": p.form["project_name"]},
                           href="/console/applications#prepared",
                           clock=time_limits.clock(gw.calendar, None, started=epoch(p.created_at), today=today))
            for p in found]


def _forms(gw: Gateway, db: Session, user: User, today: dt.date) -> list[lifecycles.QueueItem]:
    """附件8 forms to confirm as the transferee: the one wait of a form on a holder (its owner's consent is
    the form itself)."""
    items = []
    mine = db.scalars(select(TransferForm).where(TransferForm.transferee_id == user.id).order_by(TransferForm.id))
    for form in mine:
        lifecycle = FORM_LIFECYCLES[form.kind]
        wait = lifecycle.waits.get(form.status)
        if wait is None or wait.party != HOLDER:
            continue
        items.append(lifecycle.item(form.status, keys={"coupon": form.coupon_number, "form": form.id}, status="ACTIVE",
                                    href=f"/console/transfers#form-{form.id}",
                                    clock=time_limits.clock(gw.calendar, None, started=epoch(form.created_at),
                                                            today=today)))
    return items


def _pledges_near_term(gw: Gateway, db: Session, user: User, today: dt.date) -> list[lifecycles.QueueItem]:
    """Pledges in their last days, to this bank, which releases each once the debt is paid (§2, §4), and of this
    owner, which repays it: told the term's end and its pledgee, the release being the bank's step."""
    owner = users.holder_address(gw, user)
    to_bank = pledges.pledges_for(gw, db, user)
    of_owner = pledges.under_pledge(gw, db, pledgee=None, owner=owner, today=today) if owner else []
    items = []
    for p, notes in [*((p, {}) for p in to_bank), *((p, {"pledgee": p["pledgee"]}) for p in of_owner)]:
        if pledges.term_state(p) == "NEAR_TERM":
            term_end = dt.date.fromisoformat(p["term_end"])
            items.append(lifecycles.PLEDGE_TERM.item(
                "NEAR_TERM", keys={"coupon": p["number"]}, status=p["state"], href=f"/console/coupons/{p['number']}",
                clock=time_limits.until(term_end - dt.timedelta(days=lifecycles.NEAR_TERM_DAYS), term_end, today=today),
                notes=notes))
    return items
