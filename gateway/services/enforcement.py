"""Enforcement bodies (附件1 三(三)): an offset certificate handed to 执法机关、生态环境部门或区自然资源主管部门
"作为执法裁量依据" is found by its case reference (案号), and an eco-compensation offset (§15(1)) shows the
amount the eco-compensation calculator asks for (services/calculator.py) beside the amount retired.

The certificates are the event index's offsets (the chain's CouponRetired events, whose case reference the
EEB signed); the calculation is the gateway's own record (db.OffsetCompensation), written when the EEB
offsets with the land take's figures. Opening a certificate verifies it against the chain (/verify/{tx})."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chain import CouponWritten
from chain.index.schema import OffsetRow

from ..core.db import OffsetCompensation, utcnow
from ..core.errors import Invalid
from ..runtime.wiring import Actor, Gateway
from ..core.schemas import OffsetCreate
from ..catalogue.steps import ENFORCEMENT
from ..catalogue.units import stored_utc, to_kg, tonnes_text
from . import calculator, coupons

log = logging.getLogger(__name__)

# Who reads certificates by case: the bodies 附件1 三(三) names (执法机关, 生态环境部门, 区自然资源主管部门).
READERS = (ENFORCEMENT, "EEB", "NRB")
MAX_RESULTS = 200


def offset(gw: Gateway, db: Session, *, actor: Actor, number: str, body: OffsetCreate) -> CouponWritten:
    """抵销 (§14-15), and for an eco-compensation (§15(1)) the calculation of the land take it answers: kept
    before the offset is sent, its certificate added once the offset is on chain, dropped if the chain did
    not take it. A calculation the calculator or the database cannot make stops the offset before it is sent;
    one a crash left without its certificate `recover` ends."""
    pending = None
    if body.compensation is not None:
        calculation = calculator.eco_compensation(gw.settings.data_dir, body.compensation)
        pending = OffsetCompensation(coupon=number, case_reference=body.case_reference, calculation=calculation,
                                     needed_kg=to_kg(Decimal(calculation["coupons_needed_t"])),
                                     recorded_by=actor.user.id)
        db.add(pending)
        db.commit()
    try:
        retired = coupons.retire(gw, actor=actor, number=number, offset=body)
    except BaseException:
        if pending is not None:
            db.rollback()
            db.delete(pending)
            db.commit()
        raise
    if pending is not None:
        pending.tx_hash = retired.tx_hash.lower()
        db.commit()
    return retired


def recover(gw: Gateway, *, older_than: dt.timedelta) -> dict[str, int]:
    """End the calculations a crash left without their certificate for longer than `older_than`: given the
    certificate where the chain has that offset (its case reference, the coupon asked or its part split off
    for it), dropped where it has none."""
    cutoff = utcnow() - older_than
    ended = {"certified": 0, "dropped": 0}
    with gw.db.sessions() as db:
        pending = [c for c in db.scalars(select(OffsetCompensation).where(OffsetCompensation.tx_hash.is_(None)))
                   if stored_utc(c.created_at) <= cutoff]
        if not pending:
            return ended
        gw.follower.sync()
        claimed = set(db.scalars(select(OffsetCompensation.tx_hash).where(OffsetCompensation.tx_hash.is_not(None))))
        for calculation in pending:
            certificate = next((o.tx_hash for o in db.scalars(select(OffsetRow).where(
                OffsetRow.case_reference == calculation.case_reference).order_by(OffsetRow.block_number))
                if o.tx_hash not in claimed and calculation.coupon in _numbers_of(gw, o)), None)
            if certificate is None:
                db.delete(calculation)
                ended["dropped"] += 1
            else:
                calculation.tx_hash = certificate
                claimed.add(certificate)
                ended["certified"] += 1
            db.commit()
    log.warning("eco-compensation calculations a crash left: %(certified)d certified by the chain, "
                "%(dropped)d dropped", ended)
    return ended


def _numbers_of(gw: Gateway, offset: OffsetRow) -> set[str]:
    """The coupon an offset retired, and the one it was split from, if it was."""
    retired = gw.index.coupon(offset.number)
    parent = gw.index.numbers.number_of(retired.parent) if retired is not None and retired.parent else None
    return {offset.number, *([parent] if parent else [])}


def search(db: Session, case_reference: str) -> list[dict]:
    """Offset certificates whose case reference contains `case_reference` (case and surrounding spaces
    ignored), newest first, each eco-compensation one with its calculated amount."""
    wanted = case_reference.strip()
    if not wanted:
        raise Invalid("EMPTY_CASE_REFERENCE", "give the case reference (案号) to search for",
                      detail={"field": "case_reference"})
    if len(wanted) > 128:
        raise Invalid("CASE_REFERENCE_TOO_LONG", "a case reference is at most 128 characters",
                      detail={"field": "case_reference"})
    rows = db.scalars(
        select(OffsetRow)
        .where(func.lower(OffsetRow.case_reference).contains(wanted.lower(), autoescape=True))
        .order_by(OffsetRow.block_number.desc())
        .limit(MAX_RESULTS)
    ).all()
    calculations = {c.tx_hash: c for c in db.scalars(
        select(OffsetCompensation).where(OffsetCompensation.tx_hash.in_([r.tx_hash for r in rows])))}
    return [_certificate(row, calculations.get(row.tx_hash)) for row in rows]


def _certificate(row: OffsetRow, calculation: OffsetCompensation | None) -> dict:
    found = {
        "certificate": row.tx_hash, "coupon": row.number, "case_reference": row.case_reference,
        "purpose": row.purpose, "beneficiary": row.beneficiary, "amount_t": tonnes_text(row.amount_kg),
        "serials": [row.first_serial, row.last_serial], "block": row.block_number, "timestamp": row.timestamp,
        "compensation": None,
    }
    if row.purpose == "ECO_COMPENSATION" and calculation is not None:
        shortfall = max(calculation.needed_kg - row.amount_kg, 0)
        found["compensation"] = {
            "needed_t": tonnes_text(calculation.needed_kg), "covered": shortfall == 0,
            "shortfall_t": tonnes_text(shortfall), "years": calculation.calculation["years"],
            "parcels": calculation.calculation["parcels"], "factor_source": calculation.calculation["factor_source"],
        }
    return found
