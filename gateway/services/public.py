"""What anyone may read, without logging in (§13, DESIGN §7): provenance,
offset verification, the disclosure board, statistics and CSV exports.
No personal data: addresses and organisation names of holders only."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter, defaultdict
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chain.index import CouponRow, IssuanceRow, OffsetRow, StepRow
from chain.verify import verify_offset

from ..db import ApplicationRecord, ListingRecord, User
from ..errors import NotFound
from ..runtime import Gateway
from .applications import CST


def _t(kg: int) -> str:
    return str(Decimal(kg) / 1000)


def holder_names(db: Session) -> dict[str, str]:
    """Organisation names may appear on the disclosure board (DESIGN §2); persons do not."""
    return {u.address: u.organisation for u in db.scalars(select(User).where(User.organisation.is_not(None))).all() if u.address}


def provenance(gw: Gateway, db: Session, number: str) -> dict:
    record = gw.index.provenance(number)
    if record is None:
        raise NotFound("COUPON_NOT_FOUND", f"no coupon {number}")
    names = holder_names(db)
    application = db.get(ApplicationRecord, record["issuance"]["application"])
    record["coupon"]["holder"] = names.get(record["coupon"]["owner"])
    record["coupon"]["amount_t"] = _t(record["coupon"]["amount_kg"])
    record["filing_number"] = gw.registry.call("filing_numbers", record["issuance"]["application"])
    record["issuing_unit"] = "赫山区人民政府"
    if application is not None:
        record["project_name"] = application.project_name
        record["parcels"] = [
            {k: p[k] for k in ("number", "location", "land_type", "area_mu")} for p in application.parcels
        ]
    chain_app = gw.registry.application(record["issuance"]["application"])
    record["monitoring_period"] = [chain_app.period_start, chain_app.period_end]
    return record


def verification(gw: Gateway, tx_hash: str) -> dict:
    result = verify_offset(gw.registry.chain, tx_hash, ledger_address=gw.registry.ledger.address)
    return {"verdict": result.verdict.value, "reason": result.reason, "reason_zh": result.explain("zh"),
            "tx_hash": result.tx_hash, "certificate": result.certificate}


def listings(gw: Gateway, db: Session) -> list[dict]:
    names = holder_names(db)
    board = []
    with Session(gw.index.engine) as index_db:
        listed = index_db.scalars(select(CouponRow).where(CouponRow.state == "LISTED").order_by(CouponRow.id)).all()
        for coupon in listed:
            origin = coupon
            listing = db.get(ListingRecord, origin.id)
            while listing is None and origin.parent:  # the remainder of a partly sold listing
                origin = index_db.get(CouponRow, origin.parent)
                listing = db.get(ListingRecord, origin.id)
            if listing is None:
                continue
            issuance = index_db.get(IssuanceRow, coupon.issuance)
            issued_at = index_db.scalar(select(func.min(CouponRow.created_at)).where(CouponRow.issuance == coupon.issuance))
            application = gw.registry.application(issuance.application)
            board.append({
                "number": coupon.number, "amount_t": _t(coupon.amount_kg), "holder": names.get(coupon.owner),
                "issuing_unit": "赫山区人民政府", "issued_at": issued_at,
                "monitoring_period": [application.period_start, application.period_end],
                "monitoring_amount_t": _t(issuance.amount_kg),
                "filing_number": gw.registry.call("filing_numbers", issuance.application),
                "price_yuan_per_t": str(Decimal(listing.price_fen_per_tonne) / 100),
                "notice_end": listing.notice_end, "disclosure": listing.disclosure, "listed_tx": listing.tx_hash,
            })
    return board


def stats(gw: Gateway) -> dict:
    with Session(gw.index.engine) as index_db:
        by_state: Counter = Counter()
        for state, amount in index_db.execute(select(CouponRow.state, CouponRow.amount_kg)).all():
            by_state[state] += amount
        issued = sum(i for (i,) in index_db.execute(select(CouponRow.amount_kg).where(CouponRow.parent.is_(None), CouponRow.replaces.is_(None))).all())
        offsets = index_db.scalars(select(OffsetRow)).all()
        by_purpose: dict[str, int] = defaultdict(int)
        for offset in offsets:
            by_purpose[offset.purpose] += offset.amount_kg
    return {
        "issued_t": _t(issued),
        "by_state_t": {state: _t(kg) for state, kg in sorted(by_state.items())},
        "offsets": len(offsets),
        "retired_by_purpose_t": {purpose: _t(kg) for purpose, kg in sorted(by_purpose.items())},
    }


def registrations_csv(gw: Gateway, db: Session) -> str:
    names = holder_names(db)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["coupon_number", "state", "amount_t", "first_serial", "last_serial", "holder", "parent", "replaces"])
    with Session(gw.index.engine) as index_db:
        numbers = dict(index_db.execute(select(CouponRow.id, CouponRow.number)).all())
        for c in index_db.scalars(select(CouponRow).order_by(CouponRow.id)).all():
            writer.writerow([c.number, c.state, _t(c.amount_kg), c.first_serial, c.last_serial, names.get(c.owner, c.owner),
                             numbers.get(c.parent, ""), numbers.get(c.replaces, "")])
    return out.getvalue()


def trades_csv(gw: Gateway) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["tx_hash", "block", "timestamp", "coupon_number", "amount_t", "price_yuan_per_t"])
    with Session(gw.index.engine) as index_db:
        numbers = dict(index_db.execute(select(CouponRow.id, CouponRow.number)).all())
        for step in index_db.scalars(select(StepRow).where(StepRow.event == "TradeSettled").order_by(StepRow.id)).all():
            d = step.details
            writer.writerow([step.tx_hash, step.block_number, step.timestamp, numbers.get(step.coupon_id),
                             _t(d["amount_kg"]), str(Decimal(d["price_fen_per_tonne"]) / 100)])
    return out.getvalue()


# What the statistics page charts: amounts by month and by land type. A coupon
# created with neither parent nor predecessor is newly issued.
CHARTED_EVENTS = {"CouponCreated": "issued", "CouponListed": "listed", "CouponPledged": "pledged", "CouponRetired": "retired"}


def activity(gw: Gateway, db: Session) -> dict:
    """Tonnes issued, listed, pledged and retired per month (China time), and
    issued and still-live amounts by land type, split over an issuance's parcels by area."""
    by_month: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    by_land: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    with Session(gw.index.engine) as index_db:
        amounts = dict(index_db.execute(select(CouponRow.id, CouponRow.amount_kg)).all())
        steps = index_db.scalars(select(StepRow).where(StepRow.event.in_(list(CHARTED_EVENTS)))).all()
        for step in steps:
            if step.event == "CouponCreated" and (step.details["parent"] or step.details["replaces"]):
                continue
            kg = step.details.get("amount_kg") or amounts.get(step.coupon_id, 0)
            month = dt.datetime.fromtimestamp(step.timestamp, CST).strftime("%Y-%m")
            by_month[month][CHARTED_EVENTS[step.event]] += Decimal(kg) / 1000
        applications = dict(index_db.execute(select(IssuanceRow.id, IssuanceRow.application)).all())
        for coupon in index_db.scalars(select(CouponRow).where(CouponRow.state.not_in(["SPLIT", "VOIDED"]))).all():
            record = db.get(ApplicationRecord, applications[coupon.issuance])
            parcels = record.parcels if record else []
            total_area = sum(Decimal(p["area_mu"]) for p in parcels)
            for parcel in parcels:
                share = Decimal(coupon.amount_kg) / 1000 * Decimal(parcel["area_mu"]) / total_area
                by_land[parcel["land_type"]]["issued"] += share
                if coupon.state != "RETIRED":
                    by_land[parcel["land_type"]]["live"] += share
    return {
        "by_month": {month: dict(series) for month, series in sorted(by_month.items())},
        "by_land_type": {land: dict(series) for land, series in sorted(by_land.items())},
    }
