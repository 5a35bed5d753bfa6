"""The consent of the parties an application names (§8, DESIGN §11). A right-holder that applies alone
sends its application at once. An application a qualified third party prepares for a right-holder, or one
naming a co-applicant collective, waits off-chain until the right-holder and the co-applicant have each
confirmed it in their own console: only then is it signed with the right-holder's key and sent, so until
then nothing is on chain and no parcel is held. Any party may decline it (the preparer withdraws it so)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from chain import Submitted

from ..core.db import PreparedApplication, User, utcnow
from ..core.errors import Conflict, Forbidden
from ..runtime.wiring import Actor, Gateway
from ..core.schemas import ApplicationCreate
from ..catalogue.steps import HOLDER
from ..catalogue.units import epoch
from ..catalogue import lifecycles, steps
from . import applications, records, users

AWAITING, SUBMITTED, DECLINED = lifecycles.PREPARED_APPLICATION.states

PREPARED = records.Kind(
    PreparedApplication, "prepared application", "PREPARED_APPLICATION_NOT_FOUND", (HOLDER,),
    lambda p: {p.holder_id, p.agent_id, p.co_applicant_id, p.prepared_by} - {None},
)


def submit(gw: Gateway, db: Session, *, actor: Actor, form: ApplicationCreate) -> Submitted | PreparedApplication:
    """登记申请 (附件1 一(一), 附件2, §8): sent at once by a right-holder applying alone; otherwise kept for
    the parties named to confirm, the preparer's own confirmation counted when it is the right-holder."""
    parties = applications.admissible(gw, db, preparer=actor.user, form=form)
    if not parties.to_confirm:
        submitted = applications.send(gw, db, actor=actor, form=form, parties=parties, preparer=actor.user)
        db.commit()
        return submitted
    prepared = PreparedApplication(
        form=form.model_dump(mode="json"), prepared_by=actor.user.id, holder_id=parties.holder.id,
        agent_id=parties.agent.id if parties.agent else None,
        co_applicant_id=parties.co_applicant.id if parties.co_applicant else None,
        holder_confirmed_at=utcnow() if parties.agent is None else None, status=AWAITING,
    )
    db.add(prepared)
    db.flush()
    gw.audit.add(db, actor.user, "application.prepare", {"prepared": prepared.id, **prepared.form})
    db.commit()
    return prepared


def confirm(gw: Gateway, db: Session, *, actor: Actor, prepared_id: int) -> PreparedApplication:
    """The right-holder's or the co-applicant's confirmation, once each. The last one sends the application,
    checked anew (a party's verification or the agent's qualification may have ended since), signed with the
    right-holder's key; if the chain refuses it (a parcel another application holds), nothing is kept and
    the confirmation may be given again once that is settled."""
    prepared = _open(db, prepared_id, actor.user, steps.CONFIRM_APPLICATION)
    waiting = waiting_for(prepared)
    party = next((p for p in waiting if _account_of(prepared, p) == actor.user.id), None)
    if party is None and actor.user.id in (prepared.holder_id, prepared.co_applicant_id):
        raise Conflict("ALREADY_CONFIRMED", "you have confirmed this application; it waits for the other party")
    if party is None:
        raise Forbidden("NOT_ASKED_TO_CONFIRM", "the right-holder and the co-applicant confirm an application; its "
                        "preparer has sent it to them")
    now = utcnow()
    if waiting == [party]:  # the last confirmation: sent before any row of ours is written
        form = ApplicationCreate(**prepared.form)
        preparer = db.get(User, prepared.prepared_by)
        parties = applications.admissible(gw, db, preparer=preparer, form=form)
        submitted = applications.send(gw, db, actor=actor, form=form, parties=parties, preparer=preparer)
        prepared.status, prepared.application_id, prepared.closed_at = SUBMITTED, submitted.application, now
    else:  # the last one's entry is the submission's, with its transaction
        gw.audit.add(db, actor.user, "application.confirm", {"prepared": prepared.id})
    setattr(prepared, CONFIRMED_AT[party], now)
    db.commit()
    return prepared


def decline(gw: Gateway, db: Session, *, actor: Actor, prepared_id: int, reason: str) -> PreparedApplication:
    """A party declines the application with its reason (the preparer withdraws it so); it is never sent."""
    prepared = _open(db, prepared_id, actor.user, steps.DECLINE_APPLICATION)
    prepared.status, prepared.closed_at = DECLINED, utcnow()
    prepared.declined_by, prepared.declined_reason = actor.user.id, reason
    gw.audit.add(db, actor.user, "application.decline", {"prepared": prepared.id, "reason": reason})
    db.commit()
    return prepared


def _open(db: Session, prepared_id: int, user: User, step: steps.Step) -> PreparedApplication:
    """The prepared application `user` is a party to, in a state that admits `step`."""
    prepared = records.seen(db, PREPARED, prepared_id, user)
    lifecycles.PREPARED_APPLICATION.require(prepared.status, step, lambda status: Conflict(
        "PREPARED_APPLICATION_CLOSED", f"prepared application {prepared_id} is {status}",
        detail={"status": status, "application": prepared.application_id}))
    return prepared


CONFIRMED_AT = {"right_holder": "holder_confirmed_at", "co_applicant": "co_applicant_confirmed_at"}


def _account_of(prepared: PreparedApplication, party: str) -> int | None:
    return prepared.holder_id if party == "right_holder" else prepared.co_applicant_id


def waiting_for(prepared: PreparedApplication) -> list[str]:
    """The parties whose confirmation the application still waits for."""
    if prepared.status != AWAITING:
        return []
    return [party for party, confirmed_at in CONFIRMED_AT.items()
            if _account_of(prepared, party) is not None and getattr(prepared, confirmed_at) is None]


def of(db: Session, user: User) -> list[dict]:
    """The prepared applications the account is a party to, newest first, each with who still confirms
    and whether that is the account itself."""
    found = db.scalars(select(PreparedApplication).where(
        (PreparedApplication.holder_id == user.id) | (PreparedApplication.agent_id == user.id)
        | (PreparedApplication.co_applicant_id == user.id) | (PreparedApplication.prepared_by == user.id)
    ).order_by(PreparedApplication.id.desc())).all()
    return [view(db, prepared, user) for prepared in found]


def view(db: Session, prepared: PreparedApplication, user: User) -> dict:
    form = prepared.form
    waiting = waiting_for(prepared)
    party = ("right_holder" if user.id == prepared.holder_id else "co_applicant" if user.id == prepared.co_applicant_id
             else "agent")
    account = lambda user_id: users.party(db.get(User, user_id)) if user_id else None  # noqa: E731
    return {
        "id": prepared.id, "status": prepared.status, "party": party,
        "project_name": form["project_name"], "methodology": form["methodology"], "claimed_t": form["claimed_t"],
        "monitoring_period": [form["monitoring_period"]["start"], form["monitoring_period"]["end"]],
        "parcels": form["parcels"], "documents": form["documents"],
        "entrustment_document": form.get("entrustment_document"),
        "applicant": account(prepared.holder_id), "agent": account(prepared.agent_id),
        "co_applicant": account(prepared.co_applicant_id), "prepared_by": account(prepared.prepared_by),
        "confirmed": {party: epoch(getattr(prepared, at)) if getattr(prepared, at) else None  # seconds, as the chain's
                      for party, at in CONFIRMED_AT.items()},
        "waiting_for": waiting, "yours_to_confirm": any(_account_of(prepared, p) == user.id for p in waiting),
        "declined": {"by": account(prepared.declined_by), "reason": prepared.declined_reason}
        if prepared.status == DECLINED else None,
        "application": prepared.application_id, "created_at": prepared.created_at, "closed_at": prepared.closed_at,
    }
