"""The market (§13, 附件1 三): listing with the disclosure form (附件5) and the entrustment agreement
(附件4), the buyer's purchase application (附件6), the centre's acceptance (交易受理通知书, 三(二)1),
settlement under the trade agreement (附件7, 三(二)2) and its voucher (交易凭证, 三(三)).

A listing ends at its notice end (附件5 二: 信息披露期至 … 为止). The end is sent on-chain with the
listing (CouponListed.notice_end, CouponLedger.listing_end) and the contract refuses a settlement once
its block's time is past it ("ledger: listing expired"); this service says so first, with nothing sent
(LISTING_EXPIRED). The listing stays LISTED on-chain until the centre withdraws it (LISTED → ACTIVE)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from contextlib import contextmanager

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from chain import CouponWritten, Receipt
from chain.index import CouponRow

from ..core.db import ListingRecord, Purchase, Trade, User, utcnow
from ..core.identity import DAMAGE_LIABLE
from ..core.errors import Conflict, Invalid
from ..runtime.wiring import Actor, Gateway
from ..core.schemas import (
    ListingCreate,
    PaymentConfirmation,
    PurchaseCreate,
    PurchaseDecision,
    PurchaseReason,
    TradeCreate,
)
from ..catalogue import lifecycles, steps
from ..catalogue.steps import HOLDER
from ..catalogue.units import china_date, day_start, epoch, tonnes_text, to_fen, to_kg, yuan
from . import coupons, records, settlements, time_limits, users
from .settlements import SETTLEABLE
from .coupons import _on_coupon, coupon_id, coupon_row, number_of
from .documents import make_public, require_uploaded

READERS = steps.PARTIES_AND_DEPARTMENTS  # of purchases and trades
PURCHASES = records.Kind(Purchase, "purchase application", "PURCHASE_NOT_FOUND", READERS, lambda p: (p.buyer_id,))
TRADES = records.Kind(Trade, "trade", "TRADE_NOT_FOUND", READERS, lambda t: (t.buyer_id, t.seller_id))


def chain_now(gw: Gateway) -> int:
    """What a listing's end is compared with: the chain's time, the later of its latest block and the
    gateway's clock (the wall clock, which the next block's time is at least)."""
    return max(gw.registry.chain.timestamp(), gw.clock.now())


# ---------------------------------------------------------------- listing (附件4, 附件5)


def list_coupon(gw: Gateway, db: Session, *, actor: Actor, number: str, listing: ListingCreate) -> Receipt:
    """挂牌: the disclosure form and the entrustment agreement are kept here, their hash and the notice's
    end go on-chain. The notice runs `notice_days` days from 公告起始日期, the start day included, to the
    end of its last day (China time)."""
    if not listing.holder_commitment:
        raise Invalid("HOLDER_COMMITMENT_REQUIRED", "the holder must sign the commitments of 附件5 三",
                      detail={"field": "holder_commitment"})
    if coupon_row(gw, number).state == "ACTIVE":  # a coupon that cannot be listed is the contract's to refuse
        for field, sha in (("disclosure_form", listing.disclosure_form), ("coupon_original", listing.coupon_original),
                           ("entrustment.agreement", listing.entrustment.agreement),
                           *(("attachments", sha) for sha in listing.attachments)):
            require_uploaded(db, sha, field=field)
    start = listing.notice_start or china_date(chain_now(gw))
    last_day = start + dt.timedelta(days=listing.notice_days - 1)
    notice_end = day_start(last_day + dt.timedelta(days=1)) - 1
    if notice_end <= chain_now(gw):
        raise Invalid("NOTICE_ALREADY_OVER", f"a notice from {start} for {listing.notice_days} days ended on {last_day}",
                      detail={"field": "notice_start"})
    disclosure = listing.model_dump(mode="json")
    if listing.project_area_mu is None or listing.location is None:  # what the registry knows is not typed again
        _, parcels = coupons.issued_under(gw, db, number)
        disclosure["project_area_mu"] = disclosure["project_area_mu"] or coupons.area_of(parcels)
        disclosure["location"] = disclosure["location"] or coupons.places_of(parcels)
    disclosure_hash = hashlib.sha256(json.dumps(disclosure, sort_keys=True, ensure_ascii=False).encode()).digest()
    price = to_fen(listing.price_yuan_per_t)
    # The audit log keeps the agreement's date and file, not 附件4's parties (names, addresses, phones: DESIGN §2).
    audited = {"coupon": number, **disclosure, "entrustment": {
        "signed_on": disclosure["entrustment"]["signed_on"], "agreement": disclosure["entrustment"]["agreement"]}}
    receipt = _on_coupon(gw, actor, "coupon.list", number, gw.registry.list_coupon, audited,
                         price_fen_per_tonne=price, notice_end=notice_end, disclosure_hash=disclosure_hash)
    holder = db.scalar(select(User.id).where(func.lower(User.address) == coupon_row(gw, number).owner.lower()))
    db.merge(ListingRecord(
        coupon_id=coupon_id(gw, number), price_fen_per_tonne=price, notice_end=notice_end, disclosure=disclosure,
        tx_hash=receipt.tx_hash, notice_start=start, notice_last_day=last_day,
        entrustment=disclosure["entrustment"], attachments=disclosure["attachments"], listed_by=actor.user.id,
        holder_id=holder,
    ))
    make_public(db, [sha for sha in (listing.coupon_original, *listing.attachments) if sha])  # 附件5's public ones
    db.commit()
    return receipt


def withdraw_listing(gw: Gateway, *, actor: Actor, number: str) -> Receipt:
    """撤牌: withdrawn, or its notice over (LISTED → ACTIVE)."""
    return _on_coupon(gw, actor, "coupon.withdraw_listing", number, gw.registry.withdraw_listing)


def expired(gw: Gateway, listing: ListingRecord, now: int | None = None) -> bool:
    return (now if now is not None else chain_now(gw)) > listing.notice_end


def listing_of(gw: Gateway, db: Session, number: str) -> tuple[CouponRow, ListingRecord]:
    """A listed coupon and its disclosure form (a partly sold listing's remainder has its origin's)."""
    row = coupon_row(gw, number)
    entry = next((e for e in gw.index.listed() if e.coupon.id == row.id), None) if row.state == "LISTED" else None
    if entry is None:
        raise Conflict("COUPON_NOT_LISTED", f"{number} is not listed", detail={"state": row.state})
    forms = {f.coupon_id: f for f in db.scalars(select(ListingRecord).where(ListingRecord.coupon_id.in_(entry.origins)))}
    if (listing := _disclosure_of(entry, forms)) is None:
        raise Conflict("LISTING_FORM_MISSING", f"{number} was listed without a disclosure form through this gateway")
    return row, listing


def _disclosure_of(entry, forms: dict[int, ListingRecord]) -> ListingRecord | None:
    """A listing's disclosure form: its own, or for a partly sold listing's remainder, its origin's."""
    return next((forms[i] for i in entry.origins if i in forms), None)


def open_listing(gw: Gateway, db: Session, number: str) -> tuple[CouponRow, ListingRecord]:
    """A listing that may be settled: listed, and its notice not over."""
    row, listing = listing_of(gw, db, number)
    lifecycles.LISTING.require(_listed_state(gw, listing), steps.SETTLE, lambda _: Conflict(
        "LISTING_EXPIRED", f"the notice of {number} ended on {listing_last_day(listing)}: the listing cannot be settled",
        detail={"notice_end": listing.notice_end, "last_day": str(listing_last_day(listing))}))
    return row, listing


REQUESTED, RUNNING, EXPIRED, WITHDRAWN, SOLD = lifecycles.LISTING.states
# The ledger's events that end or start a listing, as the index keeps them for the coupon they name (a trade names
# the buyer's coupon: the listed one itself when sold whole, else the part split off, the listed one left SPLIT).
LISTING_EVENTS = {"CouponListed": RUNNING, "ListingWithdrawn": WITHDRAWN, "TradeSettled": SOLD}


def listing_state(gw: Gateway, db: Session, number: str) -> str | None:
    """Where the listing of `number` is in its lifecycle (lifecycles.LISTING), as the ledger and the disclosure form
    say: asked for, running, past its notice, withdrawn or sold (in whole, in part, or the buyer's part). None for a
    coupon never listed nor asked to be, or one the supervisors hold (frozen, voided)."""
    row = coupon_row(gw, number)
    if row.state == "LISTED":
        return _listed_state(gw, listing_of(gw, db, number)[1])
    if (row.state, row.pending_action) == ("ACTIVE", "LIST"):
        return REQUESTED
    last = LISTING_EVENTS.get(gw.index.last_step(row.id, LISTING_EVENTS))
    if last == RUNNING:  # listed, and no longer: a trade split it, or a supervisor holds it
        return SOLD if row.state == "SPLIT" else None
    return last


def _listed_state(gw: Gateway, listing: ListingRecord) -> str:
    return EXPIRED if expired(gw, listing) else RUNNING


def listing_last_day(listing: ListingRecord) -> dt.date:
    return listing.notice_last_day or china_date(listing.notice_end)


def listing_view(gw: Gateway, listing: ListingRecord, *, public: bool, holder_name: str | None = None,
                 now: int | None = None) -> dict:
    """附件5's fields and 附件4's parties as a page shows them. The public sees the centre's contacts and, for
    甲方, only the holder's organisation name as its account has it (`holder_name`; none for a person): what
    the centre typed for 甲方 (name, address, contact, phone) stays off the board."""
    entrustment = dict(listing.entrustment or {})
    if public and entrustment:
        entrustment = {"principal": {"name": holder_name} if holder_name else {},
                       "agent": entrustment.get("agent"), "signed_on": entrustment.get("signed_on"),
                       "agreement": entrustment.get("agreement")}
    disclosure = listing.disclosure or {}
    return {
        "price_yuan_per_t": str(yuan(listing.price_fen_per_tonne)), "notice_end": listing.notice_end,
        "notice_start": str(listing.notice_start) if listing.notice_start else None,
        "notice_last_day": str(listing_last_day(listing)), "expired": expired(gw, listing, now),
        "centre": disclosure.get("centre"), "holder_commitment": bool(disclosure.get("holder_commitment")),
        "disclosure_form": disclosure.get("disclosure_form"), "coupon_original": disclosure.get("coupon_original"),
        "attachments": listing.attachments or [], "entrustment": entrustment or None, "listed_tx": listing.tx_hash,
    }


def matched_listing(gw: Gateway, db: Session, row: Purchase) -> dict | None:
    """The listing the centre matched a purchase to, as its 交易受理通知书 names it: the coupon, the listed price
    and the notice's last day from the listing's disclosure form, whether the listing still runs or has since
    been sold, withdrawn or expired."""
    if not row.matched_coupon:
        return None
    listing = db.get(ListingRecord, coupon_id(gw, row.matched_coupon))
    if listing is None:  # listed without a disclosure form through this gateway
        return {"number": row.matched_coupon, "price_yuan_per_t": "—", "notice_last_day": "—"}
    return {"number": row.matched_coupon, "price_yuan_per_t": str(yuan(listing.price_fen_per_tonne)),
            "notice_last_day": str(listing_last_day(listing))}


def open_listings(gw: Gateway, db: Session) -> list[dict]:
    """The listings a purchase may be matched to: listed through this gateway, notice running."""
    now, shown = chain_now(gw), []
    forms = {f.coupon_id: f for f in db.scalars(select(ListingRecord))}
    for entry in gw.index.listed():
        listing = _disclosure_of(entry, forms)
        if listing is None or expired(gw, listing, now):
            continue
        shown.append({"number": entry.coupon.number, "amount_t": tonnes_text(entry.coupon.amount_kg),
                      "price_yuan_per_t": str(yuan(listing.price_fen_per_tonne)),
                      "notice_last_day": str(listing_last_day(listing)),
                      "location": (listing.disclosure or {}).get("location", "")})
    return shown


# ---------------------------------------------------------------- purchase (附件6) and acceptance (三(二)1)


def apply_to_purchase(gw: Gateway, db: Session, *, buyer: User, purchase: PurchaseCreate) -> Purchase:
    """附件6 购买申请书 with its commitment and signed form; a buyer liable for ecological damage (生态赔偿)
    attaches the authority's consent (附件1 三(一)2(3)). Every document is the buyer's own upload."""
    if not purchase.commitment:
        raise Invalid("COMMITMENT_REQUIRED", "附件6's commitment must be given to apply", detail={"field": "commitment"})
    eco = purchase.reason == PurchaseReason.ECO_COMPENSATION
    if buyer.account_type == DAMAGE_LIABLE and not eco:
        raise Invalid("LIABLE_PARTY_BUYS_AS_COMPENSATION", "a party liable for ecological damage buys only as "
                      "生态赔偿, with the authority's document (附件1 三(一)2(3))", detail={"field": "reason"})
    if eco and purchase.authority_document is None:
        raise Invalid(
            "AUTHORITY_DOCUMENT_REQUIRED",
            "a buyer liable for ecological damage must attach the approving authority's document",
            detail={"field": "authority_document"},
        )
    require_uploaded(db, purchase.signed_form, by=buyer, field="signed_form")
    require_uploaded(db, purchase.authority_document, by=buyer, field="authority_document")
    row = Purchase(buyer_id=buyer.id, amount_kg=to_kg(purchase.amount_t), reason=purchase.reason.value,
                   liable_for_damage=eco, authority_document=purchase.authority_document if eco else None,
                   purpose=purchase.purpose, case_reference=purchase.case_reference or None, commitment=True,
                   signed_form=purchase.signed_form, status="SUBMITTED")
    db.add(row)
    db.flush()
    gw.audit.add(db, buyer, "purchase.apply", {"purchase": row.id, **purchase.model_dump(mode="json")})
    db.commit()
    return row


def decide_purchase(gw: Gateway, db: Session, *, user: User, purchase_id: int, decision: PurchaseDecision) -> Purchase:
    """受理 (交易受理通知书) or refusal of a submitted application, once. A matched coupon must be a listing
    whose notice runs; a refusal says why."""
    row = records.get(db, PURCHASES, purchase_id)
    lifecycles.PURCHASE.require(row.status, steps.ACCEPT_PURCHASE, lambda _: _already_decided(row))
    if decision.decision == "reject" and not (decision.note or "").strip():
        raise Invalid("REASON_REQUIRED", "a refusal says why", detail={"field": "note"})
    matched = decision.coupon.strip().upper() if decision.coupon and decision.coupon.strip() else None
    if matched and decision.decision == "accept":
        open_listing(gw, db, matched)
    status = "ACCEPTED" if decision.decision == "accept" else "REJECTED"
    decided = db.execute(
        update(Purchase).where(Purchase.id == purchase_id, Purchase.status == "SUBMITTED")
        .values(status=status, decided_by=user.id, decided_at=utcnow(), decision_note=decision.note,
                matched_coupon=matched if status == "ACCEPTED" else None)
    ).rowcount
    if not decided:
        db.rollback()
        db.refresh(row)
        raise _already_decided(row)
    gw.audit.add(db, user, "purchase.decide", {"purchase": purchase_id, **decision.model_dump(mode="json")})
    db.commit()
    db.refresh(row)
    return row


def _already_decided(row: Purchase) -> Conflict:
    return Conflict("PURCHASE_ALREADY_DECIDED", f"purchase application {row.id} is {row.status}",
                    detail={"status": row.status})


def _not_settleable(row: Purchase, status: str) -> Conflict:
    if status == "SETTLED":
        return settlements.settled_already(row)
    return Conflict("PURCHASE_NOT_ACCEPTED",
                    f"purchase application {row.id} is {status}: the centre accepts it (交易受理通知书) first",
                    detail={"status": status})


def queue(gw: Gateway, db: Session, *, today: dt.date) -> list[lifecycles.QueueItem]:
    """The centre's purchase applications to act on: to accept (附件1 三(二)1), then to match and settle
    until filled. The Measures set these no limit: shown since submitted, never overdue."""
    waiting = db.scalars(select(Purchase).where(Purchase.status.in_(lifecycles.PURCHASE.waits)).order_by(Purchase.id))
    return [lifecycles.PURCHASE.item(row.status, keys={"purchase": row.id}, href=f"/console/purchases/{row.id}",
                                     status=shown_status(row),
                                     clock=time_limits.clock(gw.calendar, None, started=epoch(row.created_at), today=today))
            for row in waiting]


def notices_ending(gw: Gateway, db: Session, *, today: dt.date, owner: str | None = None) -> list[lifecycles.QueueItem]:
    """Listings (of `owner` only, when given) in their notice's last NOTICE_ENDING_WORKDAYS working days, and those
    past it (lifecycles.LISTING): the centre's withdrawal waits on each, due on the notice's last day, and the owner
    is told. A partly sold listing's remainder goes by its origin's notice."""
    listed = [e for e in gw.index.listed() if owner is None or e.coupon.owner.lower() == owner.lower()]
    forms = {f.coupon_id: f for f in db.scalars(select(ListingRecord).where(
        ListingRecord.coupon_id.in_({i for entry in listed for i in entry.origins})))}
    items, now = [], chain_now(gw)
    for entry in listed:
        if (listing := _disclosure_of(entry, forms)) is None:
            continue
        last_day, state = listing_last_day(listing), EXPIRED if expired(gw, listing, now) else RUNNING
        if state == RUNNING and time_limits.workdays_left(gw.calendar, today, last_day) > lifecycles.NOTICE_ENDING_WORKDAYS:
            continue
        number = entry.coupon.number
        items.append(lifecycles.LISTING.item(
            state, wait=lifecycles.LISTING.beside.get(state), keys={"coupon": number}, status=entry.coupon.state,
            href=f"/console/coupons/{number}", shown_to=(HOLDER,),
            clock=time_limits.until(listing.notice_start or last_day, last_day, today=today)))
    return items


def shown_status(row: Purchase) -> str:
    """SUBMITTED, ACCEPTED, REJECTED, PARTLY_FILLED or FILLED, as the buyer and the centre read it."""
    if row.status == "SETTLED":
        return "FILLED"
    if row.status in SETTLEABLE and row.filled_kg > 0:
        return "PARTLY_FILLED"
    return "ACCEPTED" if row.status == "OPEN" else row.status


def notice_number(row: Purchase) -> str:
    """The acceptance notice's number: the centre's year of acceptance and the application's number."""
    year = china_date(epoch(row.decided_at or row.created_at)).year
    return f"赫碳交受〔{year}〕{row.id:04d}号"


def purchase_view(db: Session, row: Purchase, trades: list[Trade] | None = None) -> dict:
    """One purchase application with its trades (a list passes them, read once for all its applications)."""
    buyer = db.get(User, row.buyer_id)
    status = shown_status(row)
    if trades is None:
        trades = db.scalars(select(Trade).where(Trade.purchase_id == row.id).order_by(Trade.id)).all()
    return {
        "id": row.id, "buyer": users.party(buyer), "amount_t": tonnes_text(row.amount_kg),
        "filled_t": tonnes_text(row.filled_kg), "unfilled_t": tonnes_text(row.amount_kg - row.filled_kg),
        "reason": row.reason, "purpose": row.purpose,
        "case_reference": row.case_reference, "commitment": row.commitment, "status": status,
        "settleable": row.status in SETTLEABLE, "signed_form": row.signed_form,
        "authority_document": row.authority_document, "submitted_at": row.created_at.isoformat(),
        "decided_at": row.decided_at.isoformat() if row.decided_at else None, "decision_note": row.decision_note,
        "matched_coupon": row.matched_coupon,
        "notice": notice_number(row) if status not in ("SUBMITTED", "REJECTED") and row.decided_at else None,
        "trades": [trade_view(db, t) for t in trades],
    }


def purchases(db: Session, *, reader: User, status: str | None = None) -> list[dict]:
    """Purchase applications, newest first: a buyer's own, or all for a department (the centre's queue);
    `status` as shown."""
    records.require_reader(PURCHASES, reader)
    query = select(Purchase).order_by(Purchase.id.desc())
    if reader.role == HOLDER:
        query = query.where(Purchase.buyer_id == reader.id)
    rows = db.scalars(query).all()
    trades: dict[int, list[Trade]] = {row.id: [] for row in rows}
    for t in db.scalars(select(Trade).where(Trade.purchase_id.in_(list(trades))).order_by(Trade.id)):
        trades[t.purchase_id].append(t)
    views = [purchase_view(db, row, trades[row.id]) for row in rows]
    return [v for v in views if status is None or v["status"] == status]


# ---------------------------------------------------------------- settlement (附件7) and voucher (三(三))


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
    """The settlement is the 交易凭证; its result names the buyer's coupon. Only an accepted purchase
    (交易受理通知书) settles, only against a listing whose notice runs. One settlement at a time per listing
    (this process's threads queue for it, then read the listing as the last one left it), at the listing's
    price or above, and a purchase is filled by one or more trades, never beyond its amount: each reserves
    its amount first (services/settlements.py), so two gateways settling one purchase at once cannot both
    have it, and a crash leaves nothing reserved for good. The trade (附件7's payment method, term and
    status, the service fee and both parties) is recorded with the settlement."""
    row_ = records.get(db, PURCHASES, trade.purchase_id)
    lifecycles.PURCHASE.require(row_.status, steps.SETTLE, lambda status: _not_settleable(row_, status))
    amount = to_kg(trade.amount_t)
    with _listings_settling.hold((gw.registry.ledger.address, trade.coupon)):
        row, listing = open_listing(gw, db, trade.coupon)
        if to_fen(trade.price_yuan_per_t) < listing.price_fen_per_tonne:
            listed = str(yuan(listing.price_fen_per_tonne))
            raise Invalid("PRICE_BELOW_LISTED", f"the listing asks {listed} yuan per tonne; a trade pays at least that",
                          detail={"field": "price_yuan_per_t", "listed_yuan_per_t": listed})
        if amount > row.amount_kg:
            raise Conflict("AMOUNT_EXCEEDS_COUPON", f"the listing holds {tonnes_text(row.amount_kg)} t",
                           detail={"field": "amount_t", "listed_t": tonnes_text(row.amount_kg)})
        buyer = db.get(User, row_.buyer_id)
        buyer_address = users.custodial_address(gw, buyer)
        reservation = settlements.reserve(db, row_, amount_kg=amount, buyer_address=buyer_address, trade={
            "coupon": trade.coupon, "price_fen_per_tonne": to_fen(trade.price_yuan_per_t),
            "service_fee_fen": to_fen(trade.service_fee_yuan), "agreement": trade.agreement,
            "payment_method": trade.payment_method.value,
            "payment_term": str(trade.payment_term or china_date(chain_now(gw))),
            "payment_status": trade.payment_status.value, "settled_by": actor.user.id,
        })
        try:
            sold = _on_coupon(
                gw, actor, "coupon.settle_trade", trade.coupon, gw.registry.settle_trade, trade.model_dump(mode="json"),
                buyer=buyer_address, amount_kg=amount, price_fen_per_tonne=to_fen(trade.price_yuan_per_t),
                service_fee_fen=to_fen(trade.service_fee_yuan), agreement_hash=bytes.fromhex(trade.agreement),
            )
        except BaseException:
            settlements.release(db, reservation)
            raise
        settlements.record(db, reservation, tx_hash=sold.tx_hash, block=sold.block_number, coupon=number_of(gw, sold),
                           seller_address=row.owner)
        db.commit()
    return sold


def trade_view(db: Session, trade: Trade) -> dict:
    buyer, seller = db.get(User, trade.buyer_id), db.get(User, trade.seller_id) if trade.seller_id else None
    return {
        "id": trade.id, "tx_hash": trade.tx_hash, "block": trade.block, "purchase": trade.purchase_id,
        "listing_coupon": trade.listing_coupon, "coupon": trade.coupon, "amount_t": tonnes_text(trade.amount_kg),
        "price_yuan_per_t": str(yuan(trade.price_fen_per_tonne)),
        "total_yuan": f"{yuan(trade.price_fen_per_tonne * trade.amount_kg // 1000):.2f}",
        "service_fee_yuan": f"{yuan(trade.service_fee_fen):.2f}", "agreement": trade.agreement,
        "payment_method": trade.payment_method, "payment_term": str(trade.payment_term),
        "payment_status": trade.payment_status, "buyer": users.party(buyer), "seller": users.party(seller),
        "seller_address": trade.seller_address, "settled_at": trade.settled_at.isoformat(),
        "paid_on": str(trade.paid_on) if trade.paid_on else None,
        "fee_paid_on": str(trade.fee_paid_on) if trade.fee_paid_on else None,
    }


def confirm_payment(gw: Gateway, db: Session, *, actor: Actor, trade_id: int, form: PaymentConfirmation) -> Trade:
    """The buyer has paid the price (附件7 二2): the trade is PAID from then on, and its vouchers say so."""
    trade = records.get(db, TRADES, trade_id)
    if trade.payment_status == "PAID":
        raise Conflict("TRADE_ALREADY_PAID", f"trade {trade_id} is paid already",
                       detail={"paid_on": str(trade.paid_on) if trade.paid_on else None})
    require_uploaded(db, form.receipt, field="receipt")
    trade.payment_status, trade.paid_on, trade.payment_confirmed_by = "PAID", form.paid_on, actor.user.id
    gw.audit.add(db, actor.user, "trade.confirm_payment", {"trade": trade_id, **form.model_dump(mode="json")})
    db.commit()
    return trade


def confirm_fee(gw: Gateway, db: Session, *, actor: Actor, trade_id: int, form: PaymentConfirmation) -> Trade:
    """The seller has paid the centre its service fee (附件1 三(二)2), once."""
    trade = records.get(db, TRADES, trade_id)
    if trade.fee_paid_on is not None:
        raise Conflict("FEE_ALREADY_RECORDED", f"the service fee of trade {trade_id} is recorded as paid",
                       detail={"fee_paid_on": str(trade.fee_paid_on)})
    if trade.service_fee_fen == 0:
        raise Conflict("NO_SERVICE_FEE", f"trade {trade_id} was settled without a service fee")
    require_uploaded(db, form.receipt, field="receipt")
    trade.fee_paid_on, trade.fee_confirmed_by = form.paid_on, actor.user.id
    gw.audit.add(db, actor.user, "trade.confirm_fee", {"trade": trade_id, **form.model_dump(mode="json")})
    db.commit()
    return trade


def trade_of(db: Session, tx_hash: str) -> Trade | None:
    return db.scalar(select(Trade).where(Trade.tx_hash == tx_hash))


def trades(db: Session, *, user: User) -> list[dict]:
    """A holder's trades as buyer or seller; every trade for a department. Newest first."""
    records.require_reader(TRADES, user)
    query = select(Trade).order_by(Trade.id.desc())
    if user.role == HOLDER:
        query = query.where((Trade.buyer_id == user.id) | (Trade.seller_id == user.id))
    return [trade_view(db, t) for t in db.scalars(query)]
