"""Coupon steps after minting: owner consent, the market (§13, 附件1 三), pledges,
supervision (§6), loss and reissue (§12), offsets (§14-15)."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from contextlib import contextmanager
from functools import partial

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from chain import Action, CouponWritten, OffsetPurpose, Receipt
from chain.index import CouponRow

from ..db import DocumentUpload, ListingRecord, Purchase, User
from ..errors import Conflict, DomainError, Invalid, NotFound
from ..runtime import Actor, Gateway
from ..steps import HOLDER
from . import users
from ..schemas import ListingCreate, OffsetCreate, OwnerRequest, PledgeCreate, PurchaseCreate, TradeCreate
from ..units import ZERO_ADDRESS, day_start, to_fen, to_kg, tonnes_text, yuan
from .supervision import explained as explain_freeze


def coupon_id(gw: Gateway, number: str) -> int:
    if (found := gw.index.numbers.id_of(number)) is None:
        raise NotFound("COUPON_NOT_FOUND", f"no coupon {number}")
    return found


def number_of(gw: Gateway, written: CouponWritten) -> str:
    """The number of the coupon a step produced (its block is indexed already)."""
    return gw.index.numbers.number_of(written.coupon)


def coupon_row(gw: Gateway, number: str) -> CouponRow:
    """A coupon as the index holds it: state, owner, pledgee, the owner's open consent."""
    if (row := gw.index.coupon(number)) is None:
        raise NotFound("COUPON_NOT_FOUND", f"no coupon {number}")
    return row


def pending_actions(gw: Gateway) -> dict[str, str]:
    """Coupon number → the owner's open consent (LIST, TRANSFER, PLEDGE, OFFSET or LOSS) awaiting a department."""
    return {c.number: c.pending_action for c in gw.index.coupons(pending=True)}


def _on_coupon(gw: Gateway, actor: Actor, audited_as: str, number: str, step, request: dict | None = None, **arguments):
    """Send one registry step on the coupon `number` names; audited as `audited_as` with the number and the
    arguments (or `request`, what the caller asked in full). A step refused on a frozen coupon says why it
    is frozen."""
    try:
        return gw.writes.send(actor, audited_as, request or {"coupon": number, **arguments},
                              partial(step, coupon=coupon_id(gw, number), **arguments))
    except DomainError as refusal:
        raise explain_freeze(gw, number, refusal) from refusal


def _holder_address(gw: Gateway, db: Session, username: str | None, field: str) -> str:
    """A holder account's address, its key made now if it has none yet (an address, once made, never
    changes: one found is remembered)."""
    if (address := gw.holder_addresses.get(username)) is None:
        user = db.scalar(select(User).where(User.username == username)) if username else None
        if user is None or user.role != HOLDER:
            raise Invalid("COUNTERPARTY_UNKNOWN", f"no holder account {username!r}", detail={"field": field})
        address = gw.holder_addresses.remember(username, users.custodial_address(gw, user))
    return address


def request(gw: Gateway, db: Session, *, actor: Actor, number: str, consent: OwnerRequest) -> Receipt:
    """The owner's own transaction: consent to one step a department then completes."""
    coupon_id(gw, number)  # an unknown coupon is refused before its counterparty
    action = Action[consent.action]
    if action == Action.LOSS:
        raise Invalid("LOSS_REPORT_REQUIRED",
                      f"report a loss with 附件3's fields: POST /api/v1/coupons/{number}/loss-report",
                      detail={"field": "action"})
    counterparty = ZERO_ADDRESS
    if action in (Action.TRANSFER, Action.PLEDGE):
        counterparty = _holder_address(gw, db, consent.counterparty, "counterparty")
    amount = to_kg(consent.amount_t) if consent.amount_t is not None else coupon_row(gw, number).amount_kg
    return _on_coupon(
        gw, actor, f"coupon.request.{action.name.lower()}", number, gw.registry.request,
        {"coupon": number, **consent.model_dump(mode="json")},
        action=action, counterparty=counterparty, amount_kg=amount,
    )


def cancel_request(gw: Gateway, *, actor: Actor, number: str) -> Receipt:
    return _on_coupon(gw, actor, "coupon.request.cancel", number, gw.registry.cancel_request)


def list_coupon(gw: Gateway, db: Session, *, actor: Actor, number: str, listing: ListingCreate) -> Receipt:
    notice_end = int(time.time()) + listing.notice_days * 86400
    disclosure = listing.model_dump(mode="json")
    disclosure_hash = hashlib.sha256(json.dumps(disclosure, sort_keys=True, ensure_ascii=False).encode()).digest()
    price = to_fen(listing.price_yuan_per_t)
    receipt = _on_coupon(gw, actor, "coupon.list", number, gw.registry.list_coupon, {"coupon": number, **disclosure},
                         price_fen_per_tonne=price, notice_end=notice_end, disclosure_hash=disclosure_hash)
    db.merge(ListingRecord(coupon_id=coupon_id(gw, number), price_fen_per_tonne=price, notice_end=notice_end,
                           disclosure=disclosure, tx_hash=receipt.tx_hash))
    db.commit()
    return receipt


def withdraw_listing(gw: Gateway, *, actor: Actor, number: str) -> Receipt:
    return _on_coupon(gw, actor, "coupon.withdraw_listing", number, gw.registry.withdraw_listing)


def apply_to_purchase(db: Session, *, buyer: User, purchase: PurchaseCreate) -> Purchase:
    """附件6 购买申请书; a party liable for ecological damage attaches the authority's consent (附件1 三(一)2(3))."""
    if purchase.liable_for_damage and purchase.authority_document is None:
        raise Invalid(
            "AUTHORITY_DOCUMENT_REQUIRED",
            "a buyer liable for ecological damage must attach the approving authority's document",
            detail={"field": "authority_document"},
        )
    if purchase.authority_document and db.get(DocumentUpload, (purchase.authority_document, buyer.id)) is None:
        raise Invalid("DOCUMENT_NOT_FOUND", "upload the authority's document first", detail={"field": "authority_document"})
    row = Purchase(buyer_id=buyer.id, amount_kg=to_kg(purchase.amount_t), reason=purchase.reason,
                   liable_for_damage=purchase.liable_for_damage, authority_document=purchase.authority_document)
    db.add(row)
    db.commit()
    return row


class KeyedLocks:
    """One lock per key, across a process's threads; a key's lock lives while anyone holds or awaits it."""

    def __init__(self):
        self._locks: dict[object, tuple[threading.Lock, int]] = {}
        self._guard = threading.Lock()

    @contextmanager
    def hold(self, key: object):
        with self._guard:
            lock, users_ = self._locks.get(key, (threading.Lock(), 0))
            self._locks[key] = (lock, users_ + 1)
        try:
            with lock:
                yield
        finally:
            with self._guard:
                lock, users_ = self._locks[key]
                if users_ == 1:
                    del self._locks[key]
                else:
                    self._locks[key] = (lock, users_ - 1)


_listings_settling = KeyedLocks()  # (ledger, coupon number) → one settlement at a time


def settle_trade(gw: Gateway, db: Session, *, actor: Actor, trade: TradeCreate) -> CouponWritten:
    """The settlement is the 交易凭证; its result names the buyer's coupon. One settlement at a time
    per listing (this process's threads queue for it, then read the listing as the last one left it),
    at the listing's price or above, and a purchase is filled by one or more trades, never beyond its
    amount: each reserves its amount on the purchase's row first, in one conditional UPDATE, so two
    gateways settling one purchase at once cannot both have it."""
    purchase = db.get(Purchase, trade.purchase_id)
    if purchase is None:
        raise NotFound("PURCHASE_NOT_FOUND", f"no purchase application {trade.purchase_id}")
    if purchase.status == "SETTLED":
        raise Conflict("PURCHASE_SETTLED", "this purchase application is already settled", detail={"tx": purchase.settlement_tx})
    amount = to_kg(trade.amount_t)
    with _listings_settling.hold((gw.registry.ledger.address, trade.coupon)):
        row, listing = _listing(gw, db, trade.coupon)
        if to_fen(trade.price_yuan_per_t) < listing.price_fen_per_tonne:
            listed = str(yuan(listing.price_fen_per_tonne))
            raise Invalid("PRICE_BELOW_LISTED", f"the listing asks {listed} yuan per tonne; a trade pays at least that",
                          detail={"field": "price_yuan_per_t", "listed_yuan_per_t": listed})
        if amount > row.amount_kg:
            raise Conflict("AMOUNT_EXCEEDS_COUPON", f"the listing holds {tonnes_text(row.amount_kg)} t",
                           detail={"field": "amount_t", "listed_t": tonnes_text(row.amount_kg)})
        _reserve(db, purchase, amount)
        try:
            buyer = db.get(User, purchase.buyer_id)
            sold = _on_coupon(
                gw, actor, "coupon.settle_trade", trade.coupon, gw.registry.settle_trade, trade.model_dump(mode="json"),
                buyer=users.custodial_address(gw, buyer), amount_kg=amount,
                price_fen_per_tonne=to_fen(trade.price_yuan_per_t), service_fee_fen=to_fen(trade.service_fee_yuan),
                agreement_hash=bytes.fromhex(trade.agreement),
            )
        except BaseException:
            _release(db, purchase.id, amount)
            raise
        db.execute(update(Purchase).where(Purchase.id == purchase.id).values(settlement_tx=sold.tx_hash))
        db.commit()
    return sold


def _listing(gw: Gateway, db: Session, number: str) -> tuple[CouponRow, ListingRecord]:
    """A listed coupon and its disclosure form (a partly sold listing's remainder has its origin's)."""
    row = coupon_row(gw, number)
    entry = next((e for e in gw.index.listed() if e.coupon.id == row.id), None) if row.state == "LISTED" else None
    if entry is None:
        raise Conflict("COUPON_NOT_LISTED", f"{number} is not listed", detail={"state": row.state})
    forms = {f.coupon_id: f for f in db.scalars(select(ListingRecord).where(ListingRecord.coupon_id.in_(entry.origins)))}
    listing = next((forms[i] for i in entry.origins if i in forms), None)
    if listing is None:
        raise Conflict("LISTING_FORM_MISSING", f"{number} was listed without a disclosure form through this gateway")
    return row, listing


def _reserve(db: Session, purchase: Purchase, amount_kg: int) -> None:
    filled = Purchase.filled_kg + amount_kg
    reserved = db.execute(
        update(Purchase)
        .where(Purchase.id == purchase.id, Purchase.status == "OPEN", filled <= Purchase.amount_kg)
        .values(filled_kg=filled, status=case((filled == Purchase.amount_kg, "SETTLED"), else_="OPEN"))
    ).rowcount
    db.commit()
    if reserved:
        return
    db.refresh(purchase)
    if purchase.status == "SETTLED":
        raise Conflict("PURCHASE_SETTLED", "this purchase application is already settled", detail={"tx": purchase.settlement_tx})
    unfilled = tonnes_text(purchase.amount_kg - purchase.filled_kg)
    raise Conflict("AMOUNT_EXCEEDS_PURCHASE", f"the purchase application has {unfilled} t left to fill",
                   detail={"field": "amount_t", "unfilled_t": unfilled})


def _release(db: Session, purchase_id: int, amount_kg: int) -> None:
    """A settlement that did not happen gives its reservation back."""
    db.rollback()
    db.execute(update(Purchase).where(Purchase.id == purchase_id)
               .values(filled_kg=Purchase.filled_kg - amount_kg, status="OPEN"))
    db.commit()


def register_transfer(gw: Gateway, *, actor: Actor, number: str) -> CouponWritten:
    return _on_coupon(gw, actor, "coupon.transfer", number, gw.registry.register_transfer)


def register_pledge(gw: Gateway, *, actor: Actor, number: str, pledge: PledgeCreate) -> CouponWritten:
    return _on_coupon(gw, actor, "coupon.pledge", number, gw.registry.register_pledge,
                      {"coupon": number, **pledge.model_dump(mode="json")},
                      secured_fen=to_fen(pledge.secured_yuan), term_end=day_start(pledge.term_end))


def release_pledge(gw: Gateway, *, actor: Actor, number: str) -> Receipt:
    return _on_coupon(gw, actor, "coupon.release_pledge", number, gw.registry.release_pledge)


def enforce_pledge(gw: Gateway, *, actor: Actor, number: str) -> Receipt:
    return _on_coupon(gw, actor, "coupon.enforce_pledge", number, gw.registry.enforce_pledge)


def freeze(gw: Gateway, *, actor: Actor, number: str, reason: str) -> Receipt:
    return _on_coupon(gw, actor, "coupon.freeze", number, gw.registry.freeze, reason=reason)


def unfreeze(gw: Gateway, *, actor: Actor, number: str) -> Receipt:
    return _on_coupon(gw, actor, "coupon.unfreeze", number, gw.registry.unfreeze)


def report_loss(gw: Gateway, *, actor: Actor, number: str) -> Receipt:
    return _on_coupon(gw, actor, "coupon.report_loss", number, gw.registry.report_loss)


def withdraw_loss(gw: Gateway, *, actor: Actor, number: str) -> Receipt:
    return _on_coupon(gw, actor, "coupon.withdraw_loss", number, gw.registry.withdraw_loss)


def file_reissue(gw: Gateway, *, actor: Actor, number: str, filing_number: str) -> Receipt:
    return _on_coupon(gw, actor, "coupon.file_reissue", number, gw.registry.file_reissue, filing_number=filing_number)


def reissue(gw: Gateway, *, actor: Actor, number: str) -> CouponWritten:
    """补发: the result names the replacement; the old number verifies as voided, replaced by it."""
    return _on_coupon(gw, actor, "coupon.reissue", number, gw.registry.reissue)


def retire(gw: Gateway, *, actor: Actor, number: str, offset: OffsetCreate) -> CouponWritten:
    """抵销: the transaction hash is the certificate id; the result names the retired coupon."""
    return _on_coupon(
        gw, actor, "coupon.offset", number, gw.registry.retire, {"coupon": number, **offset.model_dump()},
        purpose=OffsetPurpose[offset.purpose], beneficiary=offset.beneficiary, case_reference=offset.case_reference,
    )


def holdings_of(gw: Gateway, user: User) -> list[dict]:
    """A holder's own coupons (none before its account has an address); every coupon for departments."""
    if user.role != HOLDER:
        return holdings(gw, owner=None)
    address = users.holder_address(gw, user)
    return holdings(gw, owner=address) if address else []


def holdings(gw: Gateway, *, owner: str | None) -> list[dict]:
    return [
        {"number": c.number, "state": c.state, "amount_t": tonnes_text(c.amount_kg),
         "serials": [c.first_serial, c.last_serial], "owner": c.owner}
        for c in gw.index.coupons(owner=owner)
    ]
