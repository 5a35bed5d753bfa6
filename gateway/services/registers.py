"""The public registers anyone may browse (§13): every issuance (制发) and every retirement (抵销), each with the
project, the village or town and the land it came from, filtered as the projects list is (services/projects.py),
and the same rows for a spreadsheet. Read from the event index and the application forms in one pass each: no
call to the chain per row. A retirement names its beneficiary and purpose as the EEB put them on chain; its
certificate is verified on its own page (/verify/{tx})."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from chain import OffsetPurpose
from chain.index.schema import CouponRow, IssuanceRow, OffsetRow

from ..core.db import ApplicationRecord
from ..catalogue.units import china_date, tonnes_text, utc

ISSUANCE_FILTERS = ("q", "year", "land_type", "town", "methodology", "state")
# A retirement's coupon is retired for good: it is told apart by its purpose (§15) and beneficiary instead.
RETIREMENT_FILTERS = ("q", "year", "land_type", "town", "methodology", "purpose", "beneficiary")
PURPOSES = tuple(p.name for p in OffsetPurpose)  # §15's three uses of a coupon retired
LIVE_STATES = ("ACTIVE", "LISTED", "PLEDGED", "FROZEN", "LOST_REPORTED", "RETIRED")  # a coupon not split nor voided


def issuances(db: Session, **wanted: str | None) -> list[dict]:
    """Every issuance, newest first: its coupons as minted, project, villages or towns, land types, methodology,
    year, amount, when it was minted and the states its coupons are in now (a split part's or a reissue's
    included); those only that match every filter given (ISSUANCE_FILTERS; state is a coupon state)."""
    families: dict[int, list[CouponRow]] = defaultdict(list)
    for coupon in db.scalars(select(CouponRow).order_by(CouponRow.id)):
        families[coupon.issuance].append(coupon)
    forms = _forms(db)
    found = []
    for issuance in db.scalars(select(IssuanceRow).order_by(IssuanceRow.id.desc())):
        family = families[issuance.id]
        minted = [c for c in family if c.parent is None and c.replaces is None]
        found.append({
            "issuance": issuance.id, "numbers": [c.number for c in minted], "year": issuance.year,
            "amount_t": tonnes_text(issuance.amount_kg), "issued_at": min((c.created_at for c in minted), default=None),
            "tx_hash": issuance.tx_hash, "states": sorted({c.state for c in family if c.state in LIVE_STATES},
                                                          key=LIVE_STATES.index),
            **_project(forms.get(issuance.application), issuance.application),
        })
    return kept(found, wanted, ISSUANCE_FILTERS)


def retirements(db: Session, **wanted: str | None) -> list[dict]:
    """Every offset certificate (a CouponRetired), newest first: coupon, amount, date, purpose, beneficiary,
    case reference and the project the coupon was issued from; those only that match every filter given
    (RETIREMENT_FILTERS; year is the offset's, in China)."""
    forms = _forms(db)
    found = []
    for offset, application in db.execute(
        select(OffsetRow, IssuanceRow.application).join(CouponRow, CouponRow.id == OffsetRow.coupon_id)
        .join(IssuanceRow, IssuanceRow.id == CouponRow.issuance)
        .order_by(OffsetRow.block_number.desc(), OffsetRow.tx_hash)
    ).all():
        found.append({
            "tx_hash": offset.tx_hash, "number": offset.number, "amount_t": tonnes_text(offset.amount_kg),
            "timestamp": offset.timestamp, "year": china_date(offset.timestamp).year, "purpose": offset.purpose,
            "beneficiary": offset.beneficiary, "case_reference": offset.case_reference,
            **_project(forms.get(application), application),
        })
    return kept(found, wanted, RETIREMENT_FILTERS)


def issuance_rows(db: Session, **wanted: str | None) -> list[list]:
    """The filtered issuances for a spreadsheet, a row each (api/routes/public.py names the columns)."""
    return [[row["issuance"], " ".join(row["numbers"]), row["project"], row["project_name"], "、".join(row["places"]),
             " ".join(row["land_types"]), row["methodology"], row["year"], row["amount_t"],
             utc(row["issued_at"]) if row["issued_at"] else "", " ".join(row["states"]), row["tx_hash"]]
            for row in issuances(db, **wanted)]


def retirement_rows(db: Session, **wanted: str | None) -> list[list]:
    """The filtered retirements for a spreadsheet, a row each (api/routes/public.py names the columns)."""
    return [[row["number"], row["beneficiary"], row["purpose"], row["case_reference"], row["amount_t"],
             utc(row["timestamp"]), row["project"], row["project_name"], "、".join(row["places"]),
             " ".join(row["land_types"]), row["methodology"], row["tx_hash"]]
            for row in retirements(db, **wanted)]


def _forms(db: Session) -> dict[int, ApplicationRecord]:
    return {r.application_id: r for r in db.scalars(select(ApplicationRecord))}


def _project(form: ApplicationRecord | None, application: int) -> dict:
    """The project an issuance came from: its name, parcels' 坐落 (village or town) and land types, methodology."""
    parcels = form.parcels if form is not None else []
    return {"project": application, "project_name": form.project_name if form is not None else "",
            "places": list(dict.fromkeys(p["location"] for p in parcels)),
            "land_types": list(dict.fromkeys(p["land_type"] for p in parcels)),
            "methodology": form.methodology if form is not None else ""}


def kept(found: list[dict], wanted: dict[str, str | None], filters: tuple[str, ...]) -> list[dict]:
    """The rows (the projects list's too) that match every filter of `filters` given: q a project's or a village's name, town a 坐落,
    methodology and beneficiary in part; land type, year, state (one of its coupons') and purpose exactly."""
    wanted = {k: v.strip() for k, v in wanted.items() if k in filters and v and v.strip()}
    checks = {
        "q": lambda row, v: v in row["project_name"] or any(v in place for place in row["places"]),
        "town": lambda row, v: any(v in place for place in row["places"]),
        "land_type": lambda row, v: v in row["land_types"],
        "methodology": lambda row, v: v.casefold() in row["methodology"].casefold(),
        "beneficiary": lambda row, v: v.casefold() in row["beneficiary"].casefold(),
        "year": lambda row, v: str(row["year"]) == v,
        "state": lambda row, v: v in row["states"],
        "purpose": lambda row, v: row["purpose"] == v,
    }
    return [row for row in found if all(checks[k](row, v) for k, v in wanted.items())]
