"""Enforcement bodies (附件1 三(三)): an offset certificate handed to 执法机关、生态环境部门或区自然资源主管部门
"作为执法裁量依据" is found by its case reference (案号), and an eco-compensation offset (§15(1)) shows the
amount the eco-compensation calculator asks for (services/calculator.py) beside the amount retired.

The certificates are the event index's offsets (the chain's CouponRetired events, whose case reference the
EEB signed); the calculation is the gateway's own record (db.OffsetCompensation), written when the EEB
offsets with the land take's figures. Opening a certificate verifies it against the chain (/verify/{tx})."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chain.index.schema import OffsetRow

from ..db import OffsetCompensation, User
from ..errors import Invalid
from ..runtime import Gateway
from ..schemas import EcoCompensationCreate
from ..steps import ENFORCEMENT
from ..units import to_kg, tonnes_text
from . import calculator

# Who reads certificates by case: the bodies 附件1 三(三) names (执法机关, 生态环境部门, 区自然资源主管部门).
READERS = (ENFORCEMENT, "EEB", "NRB")
MAX_RESULTS = 200


def record_compensation(gw: Gateway, db: Session, *, certificate: str, request: EcoCompensationCreate,
                        recorded_by: User) -> dict:
    """Keep the calculator's answer for the land take an eco-compensation offset answers."""
    calculation = calculator.eco_compensation(gw.settings.data_dir, request)
    db.add(OffsetCompensation(tx_hash=certificate.lower(), needed_kg=to_kg(Decimal(calculation["coupons_needed_t"])),
                              calculation=calculation, recorded_by=recorded_by.id))
    db.commit()
    return calculation


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
