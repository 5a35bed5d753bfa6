"""兑现 (§2: 交易、兑现、抵销; DESIGN §11). DRC designates the district's acquirer (收储主体), a verified
account, and publishes the price it pays, with the notice's number. A holder realises its coupon's value by
consenting to redeem it (the owner's REDEEM request, whole or part); the centre then sells it to the acquirer
at the published price, no listing needed. The chain holds the acquirer and the price, and the redemption
(CouponRedeemed) is the 兑现凭证: provenance shows it as 兑现, and each party prints its copy. The acquirer
holds the coupon as any owner does."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chain import CouponWritten, Receipt
from chain.index.schema import StepRow

from ..core.db import RedemptionTerms, User
from ..core.errors import Forbidden, Invalid, NotFound
from ..runtime.wiring import Actor, Gateway
from ..core.schemas import RedemptionCreate, RedemptionTermsCreate
from ..catalogue.steps import HOLDER, PARTIES_AND_DEPARTMENTS
from ..catalogue.units import tonnes, tonnes_text, to_fen, yuan
from . import users
from .coupons import _on_coupon
from .documents import require_uploaded

REDEEMED = "CouponRedeemed"


def set_terms(gw: Gateway, db: Session, *, actor: Actor, form: RedemptionTermsCreate) -> Receipt:
    """DRC's designation and price: on chain for the ledger to apply, with the notice's number kept here."""
    acquirer = users.holder_named(db, form.acquirer)
    if acquirer is None or acquirer.disabled_at is not None:
        raise Invalid("ACQUIRER_NOT_FOUND", f"no account {form.acquirer!r} to designate", detail={"field": "acquirer"})
    if acquirer.verified_at is None:
        raise Forbidden("ACCOUNT_UNVERIFIED", f"the centre has not verified {form.acquirer!r} in person "
                        "(附件1 三(一))", detail={"field": "acquirer"})
    price = to_fen(form.redemption_price_yuan_per_t)
    receipt = gw.writes.send(actor, "redemption.terms", form.model_dump(mode="json"), partial(
        gw.registry.set_redemption, acquirer=users.custodial_address(gw, acquirer), price_fen_per_tonne=price))
    db.add(RedemptionTerms(tx_hash=receipt.tx_hash, acquirer_id=acquirer.id, price_fen_per_tonne=price,
                           notice=form.price_notice, set_by=actor.user.id))
    db.commit()
    return receipt


def terms(gw: Gateway, db: Session) -> dict | None:
    """The terms in force: DRC's latest publication, with the transaction that put them on chain for anyone to
    check there (the ledger's `acquirer` and `redemption_price_fen`); None before DRC has published any."""
    published = db.scalar(select(RedemptionTerms).order_by(RedemptionTerms.set_at.desc()).limit(1))
    if published is None:
        return None
    acquirer = db.get(User, published.acquirer_id)
    return {"acquirer": users.party(acquirer), "acquirer_address": acquirer.address,
            "price_yuan_per_t": f"{yuan(published.price_fen_per_tonne):.2f}", "notice": published.notice,
            "tx_hash": published.tx_hash}


def redeem(gw: Gateway, db: Session, *, actor: Actor, number: str, form: RedemptionCreate) -> CouponWritten:
    """兑现: the owner's consented amount to the acquirer at the published price; the result names the
    acquirer's coupon."""
    require_uploaded(db, form.redemption_agreement, field="redemption_agreement")
    return _on_coupon(gw, actor, "coupon.redeem", number, gw.registry.redeem, {"coupon": number, **form.model_dump()},
                      agreement_hash=bytes.fromhex(form.redemption_agreement))


def of(gw: Gateway, db: Session, user: User) -> list[dict]:
    """Redemptions, newest first: a holder's own as seller or acquirer, every one for the departments."""
    if user.role not in PARTIES_AND_DEPARTMENTS:
        raise Forbidden("ROLE_REQUIRED", "a redemption is for its parties and the departments")
    mine = (users.holder_address(gw, user) or "").lower() if user.role == HOLDER else None
    found = [s for s in reversed(gw.index.steps([REDEEMED]))
             if mine is None or mine in (s.details["seller"].lower(), s.details["acquirer"].lower())]
    return [view(gw, db, s) for s in found]


def one(gw: Gateway, db: Session, tx_hash: str, user: User) -> dict:
    """One redemption for its parties and the departments; another's is answered as a missing one."""
    found = [r for r in of(gw, db, user) if r["tx_hash"] == tx_hash.lower()]
    if not found:
        raise NotFound("REDEMPTION_NOT_FOUND", f"no redemption {tx_hash}")
    return found[0]


def view(gw: Gateway, db: Session, step: StepRow) -> dict:
    d = step.details
    names = {u.address.lower(): u for u in db.scalars(select(User).where(func.lower(User.address).in_(
        [d["seller"].lower(), d["acquirer"].lower()])))}
    price = yuan(d["price_fen_per_tonne"])
    return {
        "tx_hash": step.tx_hash, "block": step.block_number, "timestamp": step.timestamp,
        "coupon": gw.index.numbers.number_of(step.coupon_id), "amount_t": tonnes_text(d["amount_kg"]),
        "price_yuan_per_t": f"{price:.2f}", "total_yuan": f"{(tonnes(d['amount_kg']) * price).quantize(Decimal('0.01'))}",
        "seller": users.party(names.get(d["seller"].lower())), "seller_address": d["seller"],
        "acquirer": users.party(names.get(d["acquirer"].lower())), "acquirer_address": d["acquirer"],
        "agreement": str(d["agreement_hash"]).removeprefix("0x"),
    }
