"""A settlement's reservation (附件7, 附件1 三(二)2). Before the chain is asked, the amount is reserved on the
purchase in one conditional UPDATE (so two gateways settling one purchase cannot both have it) and a
reservation row keeps what the trade row will need. The settlement then ends it SETTLED, with the trade, or
RELEASED, giving the amount back. A crash between the two leaves it HELD: `recover` ends it by what the
chain holds. A TradeSettled event with its agreement, buyer and amount settles it; none releases it."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from ..core.db import Purchase, Trade, TradeReservation, User, utcnow
from ..catalogue import steps
from ..core.errors import Conflict
from ..catalogue.lifecycles import PURCHASE
from ..runtime.wiring import Gateway
from ..catalogue.units import stored_utc, tonnes_text

log = logging.getLogger(__name__)

HELD, SETTLED, RELEASED = "HELD", "SETTLED", "RELEASED"
# The purchase statuses a trade settles in (lifecycles.PURCHASE; release 0.1's OPEN had no recorded acceptance)
SETTLEABLE = tuple(status for status in PURCHASE.states if PURCHASE.admitted(status, steps.SETTLE))


def reserve(db: Session, purchase: Purchase, *, amount_kg: int, buyer_address: str, trade: dict) -> TradeReservation:
    """The amount reserved on the purchase and the reservation kept, in one transaction; or the refusal."""
    filled = Purchase.filled_kg + amount_kg
    reserved = db.execute(
        update(Purchase)
        .where(Purchase.id == purchase.id, Purchase.status.in_(SETTLEABLE), filled <= Purchase.amount_kg)
        .values(filled_kg=filled, status=case((filled == Purchase.amount_kg, "SETTLED"), else_=Purchase.status))
    ).rowcount
    if reserved:
        reservation = TradeReservation(purchase_id=purchase.id, amount_kg=amount_kg, buyer_address=buyer_address,
                                       trade=trade, status=HELD)
        db.add(reservation)
        db.commit()
        return reservation
    db.rollback()
    db.refresh(purchase)
    if purchase.status == "SETTLED":
        raise settled_already(purchase)
    unfilled = tonnes_text(purchase.amount_kg - purchase.filled_kg)
    raise Conflict("AMOUNT_EXCEEDS_PURCHASE", f"the purchase application has {unfilled} t left to fill",
                   detail={"field": "amount_t", "unfilled_t": unfilled})


def settled_already(purchase: Purchase) -> Conflict:
    return Conflict("PURCHASE_SETTLED", "this purchase application is already settled",
                    detail={"tx": purchase.settlement_tx})


def release(db: Session, reservation: TradeReservation) -> None:
    """A settlement that did not happen gives its amount back, once."""
    db.rollback()
    ended = db.execute(update(TradeReservation).where(TradeReservation.id == reservation.id,
                                                      TradeReservation.status == HELD)
                       .values(status=RELEASED, closed_at=utcnow())).rowcount
    if ended:
        db.execute(update(Purchase).where(Purchase.id == reservation.purchase_id)
                   .values(filled_kg=Purchase.filled_kg - reservation.amount_kg,
                           status=case((Purchase.status == "SETTLED", "ACCEPTED"), else_=Purchase.status)))
    db.commit()


def record(db: Session, reservation: TradeReservation, *, tx_hash: str, block: int, coupon: str,
           seller_address: str) -> None:
    """The settlement on chain becomes the trade (附件7's payment terms, the fee and both parties); the
    caller commits."""
    trade = reservation.trade
    seller = db.scalar(select(User.id).where(func.lower(User.address) == seller_address.lower()))
    purchase = db.get(Purchase, reservation.purchase_id)
    purchase.settlement_tx = tx_hash
    reservation.status, reservation.tx_hash, reservation.closed_at = SETTLED, tx_hash, utcnow()
    db.add(Trade(
        tx_hash=tx_hash, block=block, purchase_id=purchase.id, listing_coupon=trade["coupon"], coupon=coupon,
        buyer_id=purchase.buyer_id, seller_id=seller, seller_address=seller_address, amount_kg=reservation.amount_kg,
        price_fen_per_tonne=trade["price_fen_per_tonne"], service_fee_fen=trade["service_fee_fen"],
        agreement=trade["agreement"], payment_method=trade["payment_method"],
        payment_term=dt.date.fromisoformat(trade["payment_term"]), payment_status=trade["payment_status"],
        settled_by=trade["settled_by"],
    ))


def recover(gw: Gateway, *, older_than: dt.timedelta) -> dict[str, int]:
    """End the reservations a crash left held longer than `older_than`: settled where the chain has the
    settlement (its trade row written now, as the settlement would have), released where it has none."""
    cutoff = utcnow() - older_than
    ended = {SETTLED: 0, RELEASED: 0}
    with gw.db.sessions() as db:
        held = [r for r in db.scalars(select(TradeReservation).where(TradeReservation.status == HELD))
                if stored_utc(r.reserved_at) <= cutoff]
        if not held:
            return ended
        gw.follower.sync()  # what the chain holds, indexed
        recorded = set(db.scalars(select(Trade.tx_hash)))
        on_chain = [s for s in gw.index.steps(["TradeSettled"]) if s.tx_hash not in recorded]
        numbers = {c.id: c.number for c in gw.index.coupons()}
        for reservation in held:
            step = next((s for s in on_chain if _is_settlement_of(s.details, reservation)), None)
            if step is None:
                release(db, reservation)
                ended[RELEASED] += 1
                continue
            on_chain.remove(step)
            record(db, reservation, tx_hash=step.tx_hash, block=step.block_number, coupon=numbers[step.coupon_id],
                   seller_address=step.details["seller"])
            db.commit()
            ended[SETTLED] += 1
    if any(ended.values()):
        log.warning("settlements a crash left held: %(SETTLED)d settled by the chain, %(RELEASED)d released", ended)
    return ended


def _is_settlement_of(event: dict, reservation: TradeReservation) -> bool:
    return (str(event["agreement_hash"]).removeprefix("0x") == reservation.trade["agreement"]
            and event["buyer"].lower() == reservation.buyer_address.lower()
            and event["amount_kg"] == reservation.amount_kg)

