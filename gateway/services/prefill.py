"""What a form on a coupon starts with, so that nobody retypes what the registry knows.

The owner's 流转申请表 (附件8) and 补发申请表 (附件3): its particulars from its account (附件1 三(一)) and the
parcels' place, numbers and area from the application the coupon was issued for. A department's: FINANCE's
pledge registration the terms of the pledge form the centre accepted (附件8), the EEB's offset the owner as
beneficiary and, for a coupon its owner bought, the purchase application (附件6) it bought under: the buyer as
beneficiary, eco-compensation (生态赔偿) as purpose where applied for so, and its case reference; the centre's
listing (附件4, 附件5) the project's area and place from its parcels, the owner's particulars from its account
and the centre's from the official's own."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.db import Purchase, Trade, User
from ..core.identity import PERSON
from ..runtime.wiring import Gateway
from ..core.schemas import TransferKind
from ..catalogue.units import yuan
from ..catalogue import steps
from ..catalogue.steps import HOLDER
from . import coupons, transfers


def _filled(values: dict) -> dict:
    return {k: v for k, v in values.items() if v}


def _party(user: User | None) -> dict:
    if user is None:
        return {}
    return _filled({"name": user.organisation or user.display_name, "address": user.postal_address,
                    "contact_person": user.contact_person, "phone": user.contact_phone})


def coupon_forms(gw: Gateway, db: Session, number: str, user: User) -> dict[str, dict]:
    """Step id → {field: value} for the forms on coupon `number`, as `user` (its owner or an official) opens them."""
    if user.role == HOLDER:
        return _owners(gw, db, number, user)
    values = {}
    if (form := transfers.accepted(gw, db, number, TransferKind.PLEDGE)) is not None:
        values[steps.PLEDGE.id] = {"secured_yuan": f"{yuan(form.secured_fen):.2f}", "term_end": form.term_end.isoformat()}
    coupon = gw.index.coupon(number)
    owner = db.scalar(select(User).where(User.address == coupon.owner)) if coupon is not None else None
    if owner is not None:
        values[steps.OFFSET.id] = _offset(db, number, owner)
    if coupon is not None:
        values[steps.LIST.id] = _listing(gw, db, number, owner, official=user)
    return values


def _offset(db: Session, number: str, owner: User) -> dict:
    """The EEB's offset (§15, 附件1 三(三)): the purchase (附件6) under which the owner bought this coupon, not its
    latest one, gives the purpose and case reference; an organisation owner, as named in its account, is the
    beneficiary (a person's name is the EEB's to write, since the certificate is public: DESIGN §2)."""
    bought_under = db.scalar(select(Purchase).join(Trade, Trade.purchase_id == Purchase.id).where(
        Trade.coupon == number, Trade.buyer_id == owner.id).order_by(Trade.id.desc()).limit(1))
    offset = _filled({"beneficiary": owner.organisation})
    if bought_under is not None:
        # 附件6's reasons: 生态赔偿 is §15(1)'s purpose; 自愿减排 may be §15(2) or (3), for the EEB to choose
        offset |= _filled({"purpose": "ECO_COMPENSATION" if bought_under.reason == "ECO_COMPENSATION" else None,
                           "case_reference": bought_under.case_reference})
    return offset


def _owners(gw: Gateway, db: Session, number: str, owner: User) -> dict[str, dict]:
    """附件8 and 附件3 as the owner opens them. A person is its own 主要负责人."""
    _filing, parcels = coupons.issued_under(gw, db, number)
    place = coupons.places_of(parcels)
    representative = owner.legal_representative or (owner.display_name if owner.account_type == PERSON else None)
    return {
        steps.TRANSFER_FORM.id: _filled({
            "legal_representative": representative, "address": owner.postal_address, "parcel_location": place,
            "parcel_number": coupons.numbers_of(parcels), "area_mu": coupons.area_of(parcels)}),
        steps.REPORT_LOST.id: _filled({"location": place, "address": owner.postal_address,
                                       "contact_person": owner.contact_person, "contact_phone": owner.contact_phone}),
    }


def _listing(gw: Gateway, db: Session, number: str, owner: User | None, official: User) -> dict:
    listing = {f"entrustment.principal.{k}": v for k, v in _party(owner).items()}
    centre = _party(official)
    listing |= {f"entrustment.agent.{k}": v for k, v in centre.items()}
    listing |= {f"centre.{k}": v for k, v in centre.items() if k != "name"}
    _filing, parcels = coupons.issued_under(gw, db, number)
    return listing | _filled({"project_area_mu": coupons.area_of(parcels), "location": coupons.places_of(parcels)})
