"""Coupon steps after minting: owner consent, the market (§13, 附件1 三), pledges,
supervision (§6), loss and reissue (§12), offsets (§14-15)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from chain import Action, OffsetPurpose, Receipt
from chain.index import CouponRow

from ..db import Document, ListingRecord, Purchase, User
from ..errors import Conflict, Invalid, NotFound
from ..runtime import Actor, Gateway
from ..schemas import (
    ListingCreate, OffsetCreate, OwnerRequest, PledgeCreate, PurchaseCreate, TradeCreate, to_fen, to_kg,
)
from .applications import CST

ZERO_ADDRESS = "0x" + "00" * 20


def coupon_id(gw: Gateway, number: str) -> int:
    if (found := gw.index.numbers.id_of(number)) is None:
        raise NotFound("COUPON_NOT_FOUND", f"no coupon {number}")
    return found


def _holder_address(gw: Gateway, db: Session, username: str | None, field: str) -> str:
    """A holder account's address (accounts are never edited: one found is remembered)."""
    if (address := gw.holder_addresses.get(username)) is None:
        user = db.scalar(select(User).where(User.username == username)) if username else None
        if user is None or user.address is None:
            raise Invalid("COUNTERPARTY_UNKNOWN", f"no holder account {username!r}", detail={"field": field})
        address = gw.holder_addresses[username] = user.address
    return address


def request(gw: Gateway, db: Session, *, actor: Actor, number: str, consent: OwnerRequest) -> Receipt:
    """The owner's own transaction: consent to one step a department then completes."""
    cid = coupon_id(gw, number)
    action = Action[consent.action]
    counterparty = ZERO_ADDRESS
    if action in (Action.TRANSFER, Action.PLEDGE):
        counterparty = _holder_address(gw, db, consent.counterparty, "counterparty")
    amount = to_kg(consent.amount_t) if consent.amount_t is not None else gw.registry.coupon(cid).amount_kg
    return gw.transact(
        actor, f"coupon.request.{action.name.lower()}", {"coupon": number, **consent.model_dump(mode="json")},
        "request", cid, int(action), counterparty, amount,
    )


def cancel_request(gw: Gateway, *, actor: Actor, number: str) -> Receipt:
    return gw.transact(actor, "coupon.request.cancel", {"coupon": number}, "cancel_request", coupon_id(gw, number))


def list_coupon(gw: Gateway, db: Session, *, actor: Actor, number: str, listing: ListingCreate) -> Receipt:
    cid = coupon_id(gw, number)
    notice_end = int(time.time()) + listing.notice_days * 86400
    disclosure = listing.model_dump(mode="json")
    disclosure_hash = hashlib.sha256(json.dumps(disclosure, sort_keys=True, ensure_ascii=False).encode()).digest()
    receipt = gw.transact(
        actor, "coupon.list", {"coupon": number, **disclosure}, "list_coupon",
        cid, to_fen(listing.price_yuan_per_t), notice_end, disclosure_hash,
    )
    db.merge(ListingRecord(coupon_id=cid, price_fen_per_tonne=to_fen(listing.price_yuan_per_t), notice_end=notice_end,
                           disclosure=disclosure, tx_hash=receipt.tx_hash))
    db.commit()
    return receipt


def withdraw_listing(gw: Gateway, *, actor: Actor, number: str) -> Receipt:
    return gw.transact(actor, "coupon.withdraw_listing", {"coupon": number}, "withdraw_listing", coupon_id(gw, number))


def apply_to_purchase(db: Session, *, buyer: User, purchase: PurchaseCreate) -> Purchase:
    """附件6 购买申请书; a party liable for ecological damage attaches the authority's consent (附件1 三(一)2(3))."""
    if purchase.liable_for_damage and purchase.authority_document is None:
        raise Invalid(
            "AUTHORITY_DOCUMENT_REQUIRED",
            "a buyer liable for ecological damage must attach the approving authority's document",
            detail={"field": "authority_document"},
        )
    if purchase.authority_document and db.get(Document, purchase.authority_document) is None:
        raise Invalid("DOCUMENT_NOT_FOUND", "upload the authority's document first", detail={"field": "authority_document"})
    row = Purchase(buyer_id=buyer.id, amount_kg=to_kg(purchase.amount_t), reason=purchase.reason,
                   liable_for_damage=purchase.liable_for_damage, authority_document=purchase.authority_document)
    db.add(row)
    db.commit()
    return row


def settle_trade(gw: Gateway, db: Session, *, actor: Actor, trade: TradeCreate) -> Receipt:
    purchase = db.get(Purchase, trade.purchase_id)
    if purchase is None:
        raise NotFound("PURCHASE_NOT_FOUND", f"no purchase application {trade.purchase_id}")
    if purchase.status != "OPEN":
        raise Conflict("PURCHASE_SETTLED", "this purchase application is already settled", detail={"tx": purchase.settlement_tx})
    buyer = db.get(User, purchase.buyer_id)
    receipt = gw.transact(
        actor, "coupon.settle_trade", trade.model_dump(mode="json"), "settle_trade",
        coupon_id(gw, trade.coupon), buyer.address, to_kg(trade.amount_t), to_fen(trade.price_yuan_per_t),
        to_fen(trade.service_fee_yuan), bytes.fromhex(trade.agreement),
    )
    purchase.status, purchase.settlement_tx = "SETTLED", receipt.tx_hash
    db.commit()
    return receipt


def register_transfer(gw: Gateway, *, actor: Actor, number: str) -> Receipt:
    return gw.transact(actor, "coupon.transfer", {"coupon": number}, "register_transfer", coupon_id(gw, number))


def register_pledge(gw: Gateway, *, actor: Actor, number: str, pledge: PledgeCreate) -> Receipt:
    term_end = int(dt.datetime.combine(pledge.term_end, dt.time(), CST).timestamp())
    return gw.transact(
        actor, "coupon.pledge", {"coupon": number, **pledge.model_dump(mode="json")}, "register_pledge",
        coupon_id(gw, number), to_fen(pledge.secured_yuan), term_end,
    )


def release_pledge(gw: Gateway, *, actor: Actor, number: str) -> Receipt:
    return gw.transact(actor, "coupon.release_pledge", {"coupon": number}, "release_pledge", coupon_id(gw, number))


def enforce_pledge(gw: Gateway, *, actor: Actor, number: str) -> Receipt:
    return gw.transact(actor, "coupon.enforce_pledge", {"coupon": number}, "enforce_pledge", coupon_id(gw, number))


def freeze(gw: Gateway, *, actor: Actor, number: str, reason: str) -> Receipt:
    return gw.transact(actor, "coupon.freeze", {"coupon": number, "reason": reason}, "freeze", coupon_id(gw, number), reason)


def unfreeze(gw: Gateway, *, actor: Actor, number: str) -> Receipt:
    return gw.transact(actor, "coupon.unfreeze", {"coupon": number}, "unfreeze", coupon_id(gw, number))


def report_loss(gw: Gateway, *, actor: Actor, number: str) -> Receipt:
    return gw.transact(actor, "coupon.report_loss", {"coupon": number}, "report_loss", coupon_id(gw, number))


def withdraw_loss(gw: Gateway, *, actor: Actor, number: str) -> Receipt:
    return gw.transact(actor, "coupon.withdraw_loss", {"coupon": number}, "withdraw_loss", coupon_id(gw, number))


def file_reissue(gw: Gateway, *, actor: Actor, number: str, filing_number: str) -> Receipt:
    return gw.transact(
        actor, "coupon.file_reissue", {"coupon": number, "filing_number": filing_number}, "file_reissue",
        coupon_id(gw, number), filing_number,
    )


def reissue(gw: Gateway, *, actor: Actor, number: str) -> Receipt:
    return gw.transact(actor, "coupon.reissue", {"coupon": number}, "reissue", coupon_id(gw, number))


def retire(gw: Gateway, *, actor: Actor, number: str, offset: OffsetCreate) -> Receipt:
    return gw.transact(
        actor, "coupon.offset", {"coupon": number, **offset.model_dump()}, "retire",
        coupon_id(gw, number), int(OffsetPurpose[offset.purpose]), offset.beneficiary, offset.case_reference,
    )


def holdings(gw: Gateway, *, owner: str | None) -> list[dict]:
    with Session(gw.index.engine) as session:
        query = select(CouponRow).order_by(CouponRow.id)
        if owner is not None:
            query = query.where(CouponRow.owner == owner)
        return [
            {"number": c.number, "state": c.state, "amount_t": str(Decimal(c.amount_kg) / 1000), "serials": [c.first_serial, c.last_serial],
             "owner": c.owner}
            for c in session.scalars(query).all()
        ]
