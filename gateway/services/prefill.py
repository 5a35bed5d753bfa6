"""What a department's form on a coupon starts with, so that nobody retypes what the registry knows: FINANCE's
pledge registration the terms of the pledge form the centre accepted (附件8), the EEB's offset the owner
as beneficiary and, for a buyer that applied to buy for eco-compensation (附件6), that purpose; the centre's
listing (附件4, 附件5) the project's area and place from its parcels, the owner's particulars from its account
and the centre's from the official's own."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.db import ApplicationRecord, Purchase, User
from ..runtime.wiring import Gateway
from ..core.schemas import TransferKind
from ..catalogue.units import yuan
from ..catalogue import steps
from . import transfers


def _party(user: User | None) -> dict:
    if user is None:
        return {}
    found = {"name": user.organisation or user.display_name, "address": user.postal_address,
             "contact_person": user.contact_person, "phone": user.contact_phone}
    return {k: v for k, v in found.items() if v}


def coupon_forms(gw: Gateway, db: Session, number: str, official: User) -> dict[str, dict]:
    """Step id → {field: value} for the forms on coupon `number`, as `official` opens them."""
    values = {}
    if (form := transfers.accepted(gw, db, number, TransferKind.PLEDGE)) is not None:
        values[steps.PLEDGE.id] = {"secured_yuan": f"{yuan(form.secured_fen):.2f}", "term_end": form.term_end.isoformat()}
    coupon = gw.index.coupon(number)
    owner = db.scalar(select(User).where(User.address == coupon.owner)) if coupon is not None else None
    if owner is not None:
        offset = {"beneficiary": owner.organisation or owner.display_name}
        latest = db.scalar(select(Purchase).where(Purchase.buyer_id == owner.id).order_by(Purchase.id.desc()))
        if latest is not None and latest.reason == "ECO_COMPENSATION":
            offset["purpose"] = "ECO_COMPENSATION"
        values[steps.OFFSET.id] = offset
    if coupon is not None:
        values[steps.LIST.id] = _listing(gw, db, coupon, owner, official)
    return values


def _listing(gw: Gateway, db: Session, coupon, owner: User | None, official: User) -> dict:
    listing = {f"entrustment.principal.{k}": v for k, v in _party(owner).items()}
    centre = _party(official)
    listing |= {f"entrustment.agent.{k}": v for k, v in centre.items()}
    listing |= {f"centre.{k}": v for k, v in centre.items() if k != "name"}
    record = db.get(ApplicationRecord, gw.index.issuance_applications().get(coupon.issuance, 0))
    if record is not None:
        listing["project_area_mu"] = str(sum(Decimal(str(p["area_mu"])) for p in record.parcels))
        listing["location"] = "、".join(dict.fromkeys(p["location"] for p in record.parcels))
    return listing
