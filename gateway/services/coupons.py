"""Coupon steps after minting: owner consent, pledges, supervision (§6), loss and reissue (§12),
offsets (§14-15). The market (§13, 附件1 三) is services.market."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from sqlalchemy.orm import Session

from chain import Action, CouponWritten, OffsetPurpose, Receipt
from chain.index import CouponRow

from ..core.db import ApplicationRecord, User
from ..core.errors import Conflict, DomainError, Invalid, NotFound
from ..runtime.wiring import Actor, Gateway
from ..catalogue.steps import HOLDER
from . import users
from ..core.schemas import OffsetCreate, OwnerRequest, PledgeCreate
from ..catalogue.units import ZERO_ADDRESS, day_start, to_fen, to_kg, tonnes_text
from .supervision import explained as explain_freeze


def issued_under(gw: Gateway, db: Session, number: str, row: CouponRow | None = None) -> tuple[str, list[dict]]:
    """The filing number (备案文号) and the parcels of the application the coupon was issued for (a split
    part's and a reissue's too); `row` is the coupon's index row where the caller has read it already."""
    application = gw.index.issued_under(row or coupon_row(gw, number))
    form = db.get(ApplicationRecord, application.id)
    return application.filing_number or "", list(form.parcels) if form is not None else []


def area_of(parcels: list[dict]) -> str | None:
    """面积 (附件5 项目面积, 附件8 面积): the parcels' area in mu, when a form leaves it out."""
    return str(sum(Decimal(p["area_mu"]) for p in parcels)) if parcels else None


def places_of(parcels: list[dict]) -> str:
    """地点 (附件5 地点, 附件8 地名): the parcels' locations, when a form leaves them out."""
    return "、".join(sorted({p["location"] for p in parcels}))


def numbers_of(parcels: list[dict]) -> str:
    """宗地号 (附件8): the parcels' numbers, when a form leaves them out."""
    return "、".join(p["number"] for p in parcels)[:64]


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
        user = users.holder_named(db, username) if username else None
        if user is None:
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
    if action == Action.REDEEM:
        _redeemable(gw, actor.user)
    counterparty = ZERO_ADDRESS
    if action in (Action.TRANSFER, Action.PLEDGE):
        counterparty = _holder_address(gw, db, consent.counterparty, "counterparty")
    amount = to_kg(consent.amount_t) if consent.amount_t is not None else coupon_row(gw, number).amount_kg
    return consent_on_chain(gw, actor, number, action, counterparty, amount, consent.model_dump(mode="json"))


def consent_on_chain(gw: Gateway, actor: Actor, number: str, action: Action, counterparty: str, amount_kg: int,
                     asked: dict) -> Receipt:
    """The owner's consent as the ledger holds it (CouponLedger.request); a filed 附件8 form gives it too
    (services/transfers.py), so the owner never states its counterparty and amount twice."""
    return _on_coupon(gw, actor, f"coupon.request.{action.name.lower()}", number, gw.registry.request,
                      {"coupon": number, **asked}, action=action, counterparty=counterparty, amount_kg=amount_kg)


def _redeemable(gw: Gateway, owner: User) -> None:
    """兑现 (§2) is asked only while DRC has designated an acquirer, and never by the acquirer itself: said
    before the owner signs, as the ledger would say it at the centre's step."""
    acquirer = gw.registry.call("acquirer")
    if acquirer == ZERO_ADDRESS:
        raise Conflict("NO_DESIGNATED_ACQUIRER", "DRC has not designated the district's acquirer (收储主体) yet",
                       detail={"field": "action"})
    if acquirer.lower() == (owner.address or "").lower():
        raise Invalid("BAD_COUNTERPARTY", "the designated acquirer does not redeem to itself", detail={"field": "action"})


def cancel_request(gw: Gateway, *, actor: Actor, number: str) -> Receipt:
    return _on_coupon(gw, actor, "coupon.request.cancel", number, gw.registry.cancel_request)


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
        gw, actor, "coupon.offset", number, gw.registry.retire,
        {"coupon": number, **offset.model_dump(mode="json", exclude_none=True)},
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
