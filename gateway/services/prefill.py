"""What a department's form on a coupon starts with, so that nobody retypes what the registry knows: FINANCE's
pledge registration the terms of the pledge form the centre accepted (附件8), the EEB's offset the owner
as beneficiary and, for a buyer that applied to buy for eco-compensation (附件6), that purpose."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import Purchase, User
from ..runtime import Gateway
from ..schemas import TransferKind
from ..units import yuan
from .. import steps
from . import transfers


def coupon_forms(gw: Gateway, db: Session, number: str) -> dict[str, dict]:
    """Step id → {field: value} for the forms on coupon `number`."""
    values = {}
    if (form := transfers.registrable(gw, db, number=number, kind=TransferKind.PLEDGE)) is not None:
        values[steps.PLEDGE.id] = {"secured_yuan": f"{yuan(form.secured_fen):.2f}", "term_end": form.term_end.isoformat()}
    coupon = gw.index.coupon(number)
    owner = db.scalar(select(User).where(User.address == coupon.owner)) if coupon is not None else None
    if owner is not None:
        offset = {"beneficiary": owner.organisation or owner.display_name}
        latest = db.scalar(select(Purchase).where(Purchase.buyer_id == owner.id).order_by(Purchase.id.desc()))
        if latest is not None and latest.reason == "ECO_COMPENSATION":
            offset["purpose"] = "ECO_COMPENSATION"
        values[steps.OFFSET.id] = offset
    return values
