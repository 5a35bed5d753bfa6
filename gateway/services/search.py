"""A department's console search (办理): one box for a coupon number, an application's number or project,
a holder's name, a case reference (案号) or a parcel number; each hit links the console page where the
department acts on it. A coupon number or an application number that exists opens its page at once."""

from __future__ import annotations

import re

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..core.db import ApplicationRecord, ParcelBoundary, User
from ..runtime.wiring import Gateway
from ..catalogue.steps import HOLDER
from . import enforcement
from .boundaries import parcel_number

COUPON_NUMBER = re.compile(r"^HSTQ-\d{4}-\d{4}-\d{4}$", re.IGNORECASE)  # as typed (chain.registry.coupon_number)
LIMIT = 20


def direct(gw: Gateway, q: str) -> str | None:
    """The page a query names outright: a coupon's or an application's."""
    q = q.strip()
    if COUPON_NUMBER.match(q) and gw.index.coupon(q.upper()) is not None:
        return f"/console/coupons/{q.upper()}"
    if q.isdigit() and gw.index.application(int(q)) is not None:
        return f"/console/applications/{int(q)}"
    return None


def find(gw: Gateway, db: Session, q: str) -> dict[str, list[dict]]:
    """Every kind of hit for a free-text query, at most LIMIT of each."""
    q = q.strip()
    if not q:
        return {"applications": [], "accounts": [], "offsets": [], "parcels": []}
    like = f"%{q}%"
    applications = db.scalars(select(ApplicationRecord).where(ApplicationRecord.project_name.ilike(like))
                              .order_by(ApplicationRecord.application_id.desc()).limit(LIMIT))
    accounts = db.scalars(select(User).where(User.role == HOLDER, or_(
        User.organisation.ilike(like), User.display_name.ilike(like), User.username.ilike(like))).limit(LIMIT))
    parcels = db.scalars(select(ParcelBoundary).where(ParcelBoundary.number.ilike(f"%{parcel_number(q)}%"))
                         .order_by(ParcelBoundary.id.desc()).limit(LIMIT))
    return {
        "applications": [{"id": r.application_id, "project_name": r.project_name,
                          "href": f"/console/applications/{r.application_id}"} for r in applications],
        "accounts": [{"name": u.organisation or u.display_name, "username": u.username,
                      "href": f"/console/accounts?state=ALL#account-{u.username}"} for u in accounts],
        "offsets": [{"case_reference": o["case_reference"], "coupon": o["coupon"], "tx_hash": o["certificate"],
                     "href": f"/verify/{o['certificate']}"} for o in enforcement.search(db, q[:128])[:LIMIT]],
        "parcels": [{"number": p.number, "source": p.source, "application": p.application_id,
                     "href": f"/console/applications/{p.application_id}" if p.application_id else "/console/parcels"}
                    for p in parcels],
    }
