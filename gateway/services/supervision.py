"""Supervision (§5, §6): inspection records (抽查: 现场核查, 查阅资料, 系统检查) on an
application or a coupon, the freeze a supervising department puts on a coupon in
any live state, and voiding a coupon found invalid (注销), which NRB and FORESTRY
sign jointly with the reason and the inspection record it rests on.

An inspection record is the gateway's own (off-chain); a voiding puts its sha256
on-chain, so the record a voided coupon cites can be checked against the chain."""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from chain import CouponState, Receipt

from ..core.db import InspectionRecord, User
from ..core.errors import Conflict, DomainError, Invalid, NotFound
from ..runtime.wiring import Actor, Gateway
from ..core.schemas import InspectionCreate, Voiding
from ..catalogue.units import china_time
from . import timeline
from .documents import require_uploaded

SUPERVISION_EVENTS = ("CouponFrozen", "CouponUnfrozen", "VoidingSigned", "CouponInvalidated")


def _coupon(gw: Gateway, number: str) -> int:
    if (found := gw.index.numbers.id_of(number)) is None:
        raise NotFound("COUPON_NOT_FOUND", f"no coupon {number}")
    return found


# ---------------------------------------------------------------- inspection records (§6 抽查)


def record_inspection(gw: Gateway, db: Session, *, actor: Actor, inspection: InspectionCreate) -> InspectionRecord:
    """An inspection's findings, on one application or one coupon, by the caller's department."""
    if (inspection.application is None) == (inspection.coupon is None):
        raise Invalid("INSPECTION_SUBJECT", "name the application or the coupon inspected (one of them)",
                      detail={"field": "coupon" if inspection.coupon is None else "application"})
    coupon_id = _coupon(gw, inspection.coupon) if inspection.coupon is not None else None
    if inspection.application is not None and gw.index.application(inspection.application) is None:
        raise NotFound("APPLICATION_NOT_FOUND", f"no application {inspection.application}")
    for sha in inspection.documents:
        require_uploaded(db, sha, field="documents")  # a department may cite any document it can read
    content = {**inspection.model_dump(mode="json"), "department": actor.department, "inspector": actor.user.username}
    record = InspectionRecord(
        department=actor.department, inspector_id=actor.user.id, inspected_on=inspection.inspected_on,
        method=inspection.method.value, findings=inspection.findings, documents=inspection.documents,
        application_id=inspection.application, coupon_id=coupon_id,
        sha256=hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest(),
    )
    db.add(record)
    db.flush()
    gw.audit.add(db, actor.user, "supervision.inspection", {"inspection": record.id, **content})
    db.commit()
    return record


def inspections(gw: Gateway, db: Session, *, application: int | None = None, coupon: str | None = None) -> list[dict]:
    """Inspection records, newest first: all of them, or those on one application or coupon."""
    query = select(InspectionRecord).order_by(InspectionRecord.id.desc())
    if application is not None:
        query = query.where(InspectionRecord.application_id == application)
    if coupon is not None:
        query = query.where(InspectionRecord.coupon_id == _coupon(gw, coupon))
    records = db.scalars(query).all()
    inspectors = {u.id: u for u in db.scalars(select(User).where(User.id.in_({r.inspector_id for r in records})))}
    return [inspection_public(gw, r, inspectors[r.inspector_id]) for r in records]


def inspection_public(gw: Gateway, record: InspectionRecord, inspector: User) -> dict:
    return {
        "id": record.id, "department": record.department, "inspector": inspector.display_name,
        "inspected_on": record.inspected_on.isoformat(), "method": record.method, "findings": record.findings,
        "documents": record.documents, "application": record.application_id,
        "coupon": gw.index.numbers.number_of(record.coupon_id) if record.coupon_id else None,
        "sha256": record.sha256,
    }


# ---------------------------------------------------------------- freezes and voiding (§5, §6)


def supervision_of(gw: Gateway, db: Session, number: str) -> dict:
    """A coupon under supervision: its freeze (who, when, why, the state it returns to), the voiding
    signatures given so far, and, once voided as invalid, the reason and the inspection record."""
    coupon = _coupon(gw, number)
    events = timeline.of_coupons(gw, [coupon], SUPERVISION_EVENTS).get(coupon, [])
    frozen = None
    signatures: list[dict] = []
    invalidated = None
    records = {r.sha256: r.id for r in db.scalars(select(InspectionRecord).where(InspectionRecord.coupon_id == coupon))}
    for e in events:
        if e.event == "CouponFrozen":
            frozen = {"department": e.department, "reason": e.details["reason"], "since": e.timestamp,
                      "previous_state": _state_name(e.details.get("previous_state"))}
        elif e.event == "CouponUnfrozen":
            frozen = None
        elif e.event == "VoidingSigned":
            sha = e.details["inspection_hash"].removeprefix("0x")
            signed = {"department": e.department, "reason": e.details["reason"], "at": e.timestamp,
                      "inspection": records.get(sha), "inspection_sha256": sha}
            # Both departments sign one reason and record: a different one starts the signing again.
            same = (signed["reason"], sha)
            signatures = [s for s in signatures if (s["reason"], s["inspection_sha256"]) == same] + [signed]
        elif e.event == "CouponInvalidated":  # void: its freeze and signatures end with it
            invalidated = {"reason": e.details["reason"], "at": e.timestamp,
                           "inspection": records.get(e.details["inspection_hash"].removeprefix("0x"))}
            frozen, signatures = None, []
    return {"frozen": frozen, "voiding_signatures": signatures, "invalidated": invalidated}


def _state_name(value: int | None) -> str | None:
    return CouponState(value).name if value else None


def void(gw: Gateway, db: Session, *, actor: Actor, number: str, voiding: Voiding) -> Receipt:
    """注销 (§5, §6): the caller's department signs voiding the coupon with a reason and an inspection record
    on it; the coupon is void once NRB and FORESTRY have both signed the same. Without a reason and record,
    the caller signs what the other department signed."""
    coupon = _coupon(gw, number)
    reason, inspection = voiding.reason, voiding.inspection
    if reason is None and inspection is None:
        signed = supervision_of(gw, db, number)["voiding_signatures"]
        pending = [s for s in signed if s["department"] != actor.department]
        if not pending or pending[-1]["inspection"] is None:
            raise Invalid("VOIDING_REASON_REQUIRED", "give the reason and the inspection record: no other department "
                          "has signed a voiding of this coupon yet", detail={"field": "reason"})
        reason, inspection = pending[-1]["reason"], pending[-1]["inspection"]
    if not reason or inspection is None:
        raise Invalid("VOIDING_REASON_REQUIRED", "a voiding gives both its reason and the inspection record",
                      detail={"field": "reason" if not reason else "inspection"})
    record = db.get(InspectionRecord, inspection)
    if record is None or record.coupon_id != coupon:
        raise Invalid("INSPECTION_NOT_FOUND", f"no inspection record {inspection} on {number}",
                      detail={"field": "inspection"})
    return gw.writes.send(actor, "coupon.void", {"coupon": number, "reason": reason, "inspection": inspection},
                          partial(gw.registry.sign_voiding, coupon=coupon, reason=reason,
                                  inspection_hash=bytes.fromhex(record.sha256)))


@contextmanager
def explaining(gw: Gateway, number: str):
    """Refusals inside the block, of a step on the coupon `number`, say why it is frozen if it is."""
    try:
        yield
    except DomainError as refusal:
        raise explained(gw, number, refusal) from refusal


def explained(gw: Gateway, number: str, refusal: DomainError) -> DomainError:
    """A step refused on a frozen coupon says why it is frozen: the state code stays the contract's,
    the message and detail name the department, the day and the reason."""
    coupon = gw.index.numbers.id_of(number)
    row = gw.index.coupon(number) if coupon is not None else None
    if refusal.status != 409 or row is None or row.state != "FROZEN":
        return refusal
    frozen = next((e for e in reversed(timeline.of_coupons(gw, [coupon], ["CouponFrozen"]).get(coupon, []))), None)
    if frozen is None:
        return refusal
    reason, since = frozen.details["reason"], china_time(frozen.timestamp, "%Y-%m-%d")
    detail = {**(refusal.detail if isinstance(refusal.detail, dict) else {}),
              "frozen": {"department": frozen.department, "since": since, "reason": reason}}
    return Conflict(refusal.code, f"{number} is frozen by {frozen.department} since {since}: {reason}", detail=detail)
