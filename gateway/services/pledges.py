"""质押 (§2, §4, 附件8 碳券质押权): the centre accepts the owner's pledge form (its 受理意见), FINANCE
registers the pledge the owner consented to on-chain, and the pledgee bank reads every coupon pledged
to it, with the secured amount, the term's end and the days left, and releases it. Once the term has
passed, the pledge waits on the pledgee and FINANCE (release or enforce) and stands overdue in FINANCE's
queue; the bank keeps every pledge that ended in its history.

The secured amount and term FINANCE registers are the accepted form's; what the pages show of a
pledge is what the chain holds (the CouponPledged event), so a page and the chain agree."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from chain import CouponWritten

from ..core.db import TransferForm, User
from ..core.errors import Conflict, Forbidden, Invalid
from ..runtime.wiring import Actor, Gateway
from ..core.schemas import PledgeCreate, TransferAcceptance, TransferKind
from ..catalogue import lifecycles
from ..catalogue.steps import HOLDER, PARTIES_AND_DEPARTMENTS
from ..catalogue.units import china_date, tonnes_text, to_fen, yuan
from . import coupons, public, time_limits, timeline, transfers, users


def accept(gw: Gateway, db: Session, *, actor: Actor, form_id: int, acceptance: TransferAcceptance) -> TransferForm:
    """附件8 names the centre's acceptance for 质押权 too: FINANCE registers only an accepted pledge form."""
    return transfers.accept(gw, db, actor=actor, form_id=form_id, acceptance=acceptance, kind=TransferKind.PLEDGE)


def register(gw: Gateway, db: Session, *, actor: Actor, number: str, pledge: PledgeCreate) -> CouponWritten:
    """质押登记 (§2, §4) of an accepted pledge form, on the terms the centre accepted."""
    if pledge.term_end <= gw.clock.today():  # a form accepted long ago may have outlived its term
        raise Invalid("TERM_END_PAST", "a pledge's term ends after today", detail={"field": "term_end"})
    form = transfers.registrable(gw, db, number=number, kind=TransferKind.PLEDGE)
    accepted = {"secured_yuan": str(yuan(form.secured_fen)), "term_end": form.term_end.isoformat()} if form else {}
    given = {"secured_yuan": str(yuan(to_fen(pledge.secured_yuan))), "term_end": pledge.term_end.isoformat()}
    if wrong := [field for field in accepted if given[field] != accepted[field]]:
        raise Conflict("PLEDGE_FORM_MISMATCH", "; ".join(
            f"{field} {given[field]} is not the accepted pledge form's {accepted[field]}" for field in wrong),
            detail={"form": form.id, "field": wrong[0], "fields": wrong, **accepted})
    pledged = coupons.register_pledge(gw, actor=actor, number=number, pledge=pledge)
    transfers.registered(gw, db, form, pledged)
    return pledged


def under_pledge(gw: Gateway, db: Session, *, pledgee: str | None, today: dt.date | None = None,
                 owner: str | None = None) -> list[dict]:
    """Coupons under pledge (frozen ones included, which a pledge outlives), to `pledgee` (of `owner`) only when given:
    the owner, amount, secured amount, term end and the days left until it, from the chain's record."""
    rows = [c for c in gw.index.coupons(states=["PLEDGED", "FROZEN"])
            if c.pledgee and (c.state == "PLEDGED" or c.frozen_from == "PLEDGED")
            and (pledgee is None or c.pledgee == pledgee) and (owner is None or c.owner == owner)]
    if not rows:
        return []
    pledged_steps = timeline.of_coupons(gw, [c.id for c in rows], ("CouponPledged",))
    # read by the pledge's parties and FINANCE only: a person by name
    names = public.holder_names(db, persons=True, of={address for c in rows for address in (c.owner, c.pledgee)})
    today = today or gw.clock.today()
    found = []
    for c in rows:
        step = pledged_steps[c.id][-1] if pledged_steps.get(c.id) else None
        term_end = china_date(int(step.details["term_end"])) if step else None
        found.append({
            "number": c.number, "state": c.state, "amount_t": tonnes_text(c.amount_kg),
            "owner": names.get(c.owner) or c.owner, "pledgee": names.get(c.pledgee) or c.pledgee,
            "secured_yuan": str(yuan(int(step.details["secured_fen"]))) if step else None,
            "term_end": term_end.isoformat() if term_end else None,
            "days_left": (term_end - today).days if term_end else None,
            "pledged_tx": step.tx_hash if step else None,
            "pledged_on": china_date(step.timestamp).isoformat() if step else None,
        })
    return sorted(found, key=lambda p: (p["term_end"] or "", p["number"]))


def term_state(pledge: dict) -> str | None:
    """A pledge's state in its term (lifecycles.PLEDGE_TERM), from its days left (None: a term not recorded)."""
    days_left = pledge["days_left"]
    if days_left is None:
        return None
    return "PAST_TERM" if days_left < 0 else "NEAR_TERM" if days_left <= lifecycles.NEAR_TERM_DAYS else "IN_TERM"


def queue(gw: Gateway, db: Session, *, today: dt.date) -> list[lifecycles.QueueItem]:
    """FINANCE's pledges whose term has passed: each waits on the pledgee's release or FINANCE's
    release or enforcement (§2, §4), overdue from the day after its term end."""
    items = []
    for p in under_pledge(gw, db, pledgee=None, today=today):
        if term_state(p) != "PAST_TERM":
            continue
        term_end = dt.date.fromisoformat(p["term_end"])
        items.append(lifecycles.PLEDGE_TERM.item("PAST_TERM", keys={"coupon": p["number"]}, status=p["state"],
                                                 href=f"/console/coupons/{p['number']}",
                                                 clock=time_limits.until(term_end, term_end, today=today)))
    return items


def history(gw: Gateway, db: Session, user: User) -> list[dict]:
    """The pledges that ended, to this pledgee (every one for the departments), newest first: the registered
    附件8 pledge form's terms and how the chain ended it (released or enforced), when and by which transaction."""
    _require_reader(user)
    query = select(TransferForm).where(TransferForm.kind == TransferKind.PLEDGE.value,
                                       TransferForm.status == "REGISTERED")
    if user.role == HOLDER:
        query = query.where(TransferForm.transferee_id == user.id)
    forms = db.scalars(query.order_by(TransferForm.id.desc())).all()
    ids = {form.id: coupons.coupon_id(gw, form.registered_coupon or form.coupon_number) for form in forms}
    happened = timeline.of_coupons(gw, set(ids.values()), ("CouponPledged", "PledgeReleased", "PledgeEnforced"))
    found = []
    for form in forms:
        order = happened.get(ids[form.id], [])
        pledged = next((i for i, s in enumerate(order) if s.tx_hash == form.registered_tx), None)
        end = next((s for s in order[pledged + 1:] if s.event != "CouponPledged"), None) if pledged is not None else None
        if end is None:
            continue  # still under pledge
        found.append({"number": form.registered_coupon or form.coupon_number, "secured_yuan": str(yuan(form.secured_fen)),
                      "term_end": form.term_end.isoformat(), "registered_tx": form.registered_tx,
                      "ended": "RELEASED" if end.event == "PledgeReleased" else "ENFORCED",
                      "ended_on": china_date(end.timestamp).isoformat(), "ended_tx": end.tx_hash})
    return found


def _require_reader(user: User) -> None:
    if user.role not in PARTIES_AND_DEPARTMENTS:
        raise Forbidden("ROLE_REQUIRED", "pledges are for their pledgee and the departments")


def pledges_for(gw: Gateway, db: Session, user: User) -> list[dict]:
    """A pledgee's own pledges (none before its account has an address); every pledge for the departments."""
    _require_reader(user)
    if user.role != HOLDER:
        return under_pledge(gw, db, pledgee=None)
    address = users.holder_address(gw, user)
    return under_pledge(gw, db, pledgee=address) if address else []
