"""流转 (附件1 三(四), 附件8): the 流转申请表 of a transfer of ownership or of a pledge, as a record.

The owner files the form with 附件8's fields, and filing it is the owner's consent on-chain
(CouponLedger.request, naming the form's receiving party and amount): the owner says them once. The
receiving party (流入单位, a holder account) confirms a transfer of ownership in its own page; the centre
gives its 受理意见, or refuses with the reason. Only an accepted form may be registered, and its consent
must still stand; the department's registration (coupon.transfer; coupon.pledge for a pledge,
services.pledges) consumes the form. Withdrawing the form withdraws the consent. The chain holds the
consent and the registration; the form's personal fields (addresses, representatives) stay here
(DESIGN §2, §9)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from chain import Action, CouponWritten, Receipt

from ..core.db import TransferForm, User, utcnow
from ..core.identity import FINANCIAL
from ..core.errors import Conflict, Forbidden, Invalid
from ..runtime.wiring import Actor, Gateway
from ..core.schemas import TransferAcceptance, TransferFormCreate, TransferKind
from ..catalogue import lifecycles, steps, words
from ..catalogue.steps import HOLDER, PARTIES_AND_DEPARTMENTS
from ..catalogue.units import china_date, epoch, tonnes_text, to_fen, to_kg, yuan
from . import coupons, records, time_limits, users
from .documents import require_uploaded

ACTIONS = {TransferKind.OWNERSHIP.value: Action.TRANSFER, TransferKind.PLEDGE.value: Action.PLEDGE}
# Each kind's lifecycle (gateway/catalogue/lifecycles.py): its states, whose turn each is and what each admits.
LIFECYCLE = {TransferKind.OWNERSHIP: lifecycles.TRANSFER_FORM, TransferKind.PLEDGE: lifecycles.PLEDGE_FORM}
# The centre's 受理意见 of each kind of form: the step its lifecycle waits on before ACCEPTED, as the audit
# log records it.
ACCEPTED_BY = {TransferKind.OWNERSHIP.value: lifecycles.TRANSFER_FORM.waits["CONFIRMED"].step,
               TransferKind.PLEDGE.value: lifecycles.PLEDGE_FORM.waits["SUBMITTED"].step}
# The department's registration each kind of accepted form waits on (coupon.transfer; coupon.pledge).
REGISTERED_BY = {kind: lifecycle.waits["ACCEPTED"].step for kind, lifecycle in LIFECYCLE.items()}
OPEN = tuple(lifecycles.TRANSFER_FORM.waits)  # a form not yet refused, withdrawn or registered
# A form carries addresses and representatives: it is for its parties and the departments only.
FORMS = records.Kind(TransferForm, "transfer form", "TRANSFER_FORM_NOT_FOUND", PARTIES_AND_DEPARTMENTS,
                     lambda form: (form.applicant_id, form.transferee_id))


def _not_yet(lifecycle: lifecycles.Lifecycle, status: str | None, detail: dict) -> Conflict | None:
    """The refusal of a step further along than the form's wait (its lifecycle's `not_yet`), in the words'
    English; None where the form does not wait (it is closed)."""
    code = lifecycle.not_yet(status)
    return Conflict(code, words.MESSAGES[f"errors.{code}"][1], detail=detail) if code else None
def form_number(form: TransferForm) -> str:
    """申请表编号."""
    return f"LZ-{form.created_at.year}-{form.id:05d}"


# ---------------------------------------------------------------- writes


def submit(gw: Gateway, db: Session, *, actor: Actor, number: str,
           form: TransferFormCreate) -> tuple[TransferForm, Receipt]:
    """The owner's 流转申请表 of one ACTIVE coupon of its own, with the signed form uploaded; both parties
    show their identity papers at the centre (附件1 三(四)), so both accounts are verified ones (steps.VERIFIED_ONLY).
    Returns the form and the owner's consent it gave."""
    row = coupons.coupon_row(gw, number)
    if row.state != "ACTIVE":
        raise Conflict("COUPON_NOT_ACTIVE", f"{number} is {row.state}: only an active coupon is transferred or pledged",
                       detail={"state": row.state})
    if row.owner != users.holder_address(gw, actor.user):
        raise Forbidden("NOT_OWNER", f"{number} is not yours: its owner files the transfer form")
    transferee = users.holder_named(db, form.transferee)
    if transferee is None:
        raise Invalid("COUNTERPARTY_UNKNOWN", f"no holder account {form.transferee!r}", detail={"field": "transferee"})
    if transferee.id == actor.user.id:
        raise Invalid("COUNTERPARTY_IS_OWNER", "the receiving party is another account than the owner",
                      detail={"field": "transferee"})
    # left blank, the receiving party's 通讯地址 is the one its account registered (附件1 三(一)): said once
    transferee_address = form.transferee_address or transferee.postal_address
    amount = to_kg(form.amount_t) if form.amount_t is not None else row.amount_kg
    if amount > row.amount_kg:
        raise Conflict("AMOUNT_EXCEEDS_COUPON", f"{number} holds {tonnes_text(row.amount_kg)} t",
                       detail={"field": "amount_t", "coupon_t": tonnes_text(row.amount_kg)})
    if form.kind == TransferKind.PLEDGE:
        if transferee.account_type != FINANCIAL or transferee.verified_at is None:  # DESIGN §11, §2 质押
            raise Invalid("PLEDGEE_NOT_A_VERIFIED_BANK", "a pledgee is a financial institution the centre has "
                          "verified", detail={"field": "transferee", "account_type": transferee.account_type,
                                              "verified": transferee.verified_at is not None})
        for name in ("secured_yuan", "term_end"):
            if getattr(form, name) is None:
                raise Invalid("PLEDGE_TERMS_REQUIRED", "a pledge names its secured amount and its term end",
                              detail={"field": name})
        if form.term_end <= gw.clock.today():
            raise Invalid("TERM_END_PAST", "a pledge's term ends after today", detail={"field": "term_end"})
    for field, sha in [("signed_transfer_form", form.signed_transfer_form)] + [("documents", sha) for sha in form.documents]:
        require_uploaded(db, sha, by=actor.user, field=field)
    if (open_form := _open_form(db, row.id)) is not None:
        raise Conflict("TRANSFER_FORM_OPEN", f"{number} has an open transfer form {form_number(open_form)}",
                       detail={"form": open_form.id})
    filing_number, parcels = coupons.issued_under(gw, db, number, row)
    written = TransferForm(
        kind=form.kind.value, coupon_id=row.id, coupon_number=number, amount_kg=amount,
        filing_number=filing_number, applicant_id=actor.user.id,
        legal_representative=form.legal_representative, address=form.address, location=form.parcel_location,
        place_name=form.place_name or coupons.places_of(parcels),
        parcel_number=form.parcel_number or coupons.numbers_of(parcels),
        area_mu=str(form.area_mu) if form.area_mu is not None else coupons.area_of(parcels),
        method=form.transfer_method, term=form.term, term_end=form.term_end,
        secured_fen=to_fen(form.secured_yuan) if form.secured_yuan is not None else None,
        transferee_id=transferee.id, transferee_address=transferee_address, reason=form.transfer_reason,
        owner_opinion=form.owner_opinion, signed_form=form.signed_transfer_form, documents=form.documents,
        remarks=form.remarks, status="SUBMITTED",
    )
    db.add(written)
    db.flush()
    # The audit log names the form, never its addresses or representatives (DESIGN §9).
    gw.audit.add(db, actor.user, "transfer.form", {
        "form": written.id, "coupon": number, "kind": written.kind, "amount_kg": amount,
        "transferee": transferee.username, "signed_form": form.signed_transfer_form, "documents": form.documents})
    db.commit()
    # The form is the consent, sent once the form is kept: a form the database cannot keep sends nothing, and
    # a consent the ledger refuses leaves its form withdrawn (a record of the try that nothing registers).
    action = ACTIONS[written.kind]
    try:
        consent = coupons.consent_on_chain(gw, actor, number, action, users.holder_address(gw, transferee), amount, {
            "action": action.name, "amount_t": tonnes_text(amount), "counterparty": transferee.username,
            "form": written.id})
    except Exception:
        written.status = "WITHDRAWN"
        db.commit()
        raise
    return written, consent


def withdraw(gw: Gateway, db: Session, *, actor: Actor, form_id: int) -> TransferForm:
    """The applicant withdraws its form before the registration: the coupon may have another form then."""
    form = records.get(db, FORMS, form_id)
    LIFECYCLE[TransferKind(form.kind)].require(form.status, steps.TRANSFER_WITHDRAW, lambda status: Conflict(
        "TRANSFER_FORM_CLOSED", f"the form {form_number(form)} is {status}", detail={"status": status}))
    if form.applicant_id != actor.user.id:
        raise Forbidden("NOT_APPLICANT", "only the applicant withdraws its form")
    if _consent_stands(gw, form):  # the form's consent goes with it
        coupons.cancel_request(gw, actor=actor, number=form.coupon_number)
    form.status = "WITHDRAWN"
    gw.audit.add(db, actor.user, "transfer.withdraw", {"form": form.id, "coupon": form.coupon_number})
    db.commit()
    return form


def confirm(gw: Gateway, db: Session, *, actor: Actor, form_id: int) -> TransferForm:
    """The receiving party confirms the transfer of ownership named on the form, once."""
    form = records.get(db, FORMS, form_id)
    if form.transferee_id != actor.user.id:
        raise Forbidden("NOT_TRANSFEREE", "only the receiving party named on the form confirms it")
    if form.kind != TransferKind.OWNERSHIP.value:
        raise Conflict("NOT_A_TRANSFER", "a pledge form is accepted by the centre; the pledgee does not confirm it here")
    lifecycles.TRANSFER_FORM.require(form.status, steps.TRANSFER_CONFIRM, lambda status: Conflict(
        "TRANSFER_ALREADY_CONFIRMED" if form.confirmed_at is not None else "TRANSFER_FORM_CLOSED",
        f"the form {form_number(form)} is {status}", detail={"status": status}))
    form.status, form.confirmed_at = "CONFIRMED", utcnow()
    gw.audit.add(db, actor.user, "transfer.confirm", {"form": form.id, "coupon": form.coupon_number})
    db.commit()
    return form


def accept(gw: Gateway, db: Session, *, actor: Actor, form_id: int, acceptance: TransferAcceptance,
           kind: TransferKind) -> TransferForm:
    """区碳汇交易综合服务中心受理意见: accepted, the registration may follow; refused, the form ends with
    the opinion as its reason (the owner then withdraws its consent, if it gave one)."""
    form = records.get(db, FORMS, form_id)
    lifecycle, step = LIFECYCLE[TransferKind(form.kind)], ACCEPTED_BY[form.kind]

    def refused(status: str) -> Conflict:  # a transfer's opinion comes once its transferee has confirmed it
        return _not_yet(lifecycle, status, {"status": status}) or Conflict("TRANSFER_FORM_CLOSED", f"the centre's opinion on {form_number(form)} is given: it is {status}",
                        detail={"status": status})

    if form.kind != kind.value and lifecycle.not_yet(form.status):  # a closed form says it is closed
        raise Conflict("TRANSFER_FORM_WRONG_KIND", f"the form {form_number(form)} is a {form.kind} form",
                       detail={"kind": form.kind})
    lifecycle.require(form.status, step, refused)
    form.status = "ACCEPTED" if acceptance.decision == "accept" else "REFUSED"
    form.opinion, form.opinion_by, form.opinion_at = acceptance.opinion, actor.user.id, utcnow()
    gw.audit.add(db, actor.user, ACCEPTED_BY[kind.value].id, {"form": form.id, "coupon": form.coupon_number,
                                                             "decision": acceptance.decision, "opinion": acceptance.opinion})
    db.commit()
    return form


def registrable(gw: Gateway, db: Session, *, number: str, kind: TransferKind) -> TransferForm | None:
    """The accepted form a registration of `kind` on `number` rests on, checked against the owner's consent
    on-chain (as the index holds it: the consent's block is indexed before its sender hears back). None when
    the coupon is not active or its owner has not consented: the contract refuses that registration with its
    own code."""
    row = coupons.coupon_row(gw, number)
    if row.state != "ACTIVE" or row.pending_action != ACTIONS[kind.value].name:
        return None
    form = _open_form(db, row.id)
    form = form if form is not None and form.kind == kind.value else None
    status = form.status if form is not None else None
    if status is None or not LIFECYCLE[kind].admitted(status, REGISTERED_BY[kind]):
        raise _not_yet(LIFECYCLE[kind], status, {"form": form.id if form else None, "status": status})
    transferee = users.holder_address(gw, db.get(User, form.transferee_id))
    if (row.pending_counterparty, row.pending_amount_kg) != (transferee, form.amount_kg):
        raise Conflict("TRANSFER_FORM_MISMATCH",
                       "the owner's consent names another receiving party or amount than the accepted form",
                       detail={"form": form.id, "form_t": tonnes_text(form.amount_kg),
                               "consent_t": tonnes_text(row.pending_amount_kg)})
    return form


def accepted(gw: Gateway, db: Session, number: str, kind: TransferKind) -> TransferForm | None:
    """The coupon's open form of `kind` once the centre accepted it: what its registration's page offers."""
    form = _open_form(db, coupons.coupon_row(gw, number).id)
    return form if form is not None and (form.kind, form.status) == (kind.value, "ACCEPTED") else None


def registered(gw: Gateway, db: Session, form: TransferForm | None, written: CouponWritten) -> None:
    """The form's registration: its transaction and the coupon it moved or pledged (a split's child)."""
    if form is None:
        return
    form.status, form.registered_tx = "REGISTERED", written.tx_hash
    form.registered_coupon = coupons.number_of(gw, written)
    db.commit()


def register_transfer(gw: Gateway, db: Session, *, actor: Actor, number: str) -> CouponWritten:
    """流转登记 (附件1 三(四)) of an accepted form whose owner consented on-chain."""
    form = registrable(gw, db, number=number, kind=TransferKind.OWNERSHIP)
    moved = coupons.register_transfer(gw, actor=actor, number=number)
    registered(gw, db, form, moved)
    return moved


# ---------------------------------------------------------------- reads


def _consent_stands(gw: Gateway, form: TransferForm) -> bool:
    """The owner's consent on-chain is still the one its form gave."""
    row = coupons.coupon_row(gw, form.coupon_number)
    return row.state == "ACTIVE" and row.pending_action == ACTIONS[form.kind].name


def _open_form(db: Session, coupon_id: int) -> TransferForm | None:
    return db.scalar(select(TransferForm).where(TransferForm.coupon_id == coupon_id, TransferForm.status.in_(OPEN))
                     .order_by(TransferForm.id.desc()))


def public_form(gw: Gateway, db: Session, form: TransferForm, pending: dict[str, str] | None = None) -> dict:
    """附件8 as its parties and the departments read it (not the public: it names addresses). A list passes
    the owners' open consents (coupons.pending_actions), read once for all its forms."""
    applicant, transferee = db.get(User, form.applicant_id), db.get(User, form.transferee_id)
    opinion_by = db.get(User, form.opinion_by) if form.opinion_by else None
    pending = (pending if pending is not None else coupons.pending_actions(gw)).get(form.coupon_number)
    return {
        "id": form.id, "form_number": form_number(form), "kind": form.kind, "status": form.status,
        "coupon": form.coupon_number, "amount_t": tonnes_text(form.amount_kg), "filing_number": form.filing_number,
        "applicant": users.shown_name(applicant), "applicant_username": applicant.username,
        "legal_representative": form.legal_representative, "address": form.address,
        "location": form.location, "place_name": form.place_name, "parcel_number": form.parcel_number,
        "area_mu": form.area_mu, "method": form.method, "term": form.term,
        "term_end": form.term_end.isoformat() if form.term_end else None,
        "secured_yuan": str(yuan(form.secured_fen)) if form.secured_fen is not None else None,
        "transferee": users.shown_name(transferee), "transferee_username": transferee.username,
        "transferee_address": form.transferee_address, "reason": form.reason, "owner_opinion": form.owner_opinion,
        "signed_form": form.signed_form, "documents": form.documents, "remarks": form.remarks,
        "submitted_on": china_date(epoch(form.created_at)).isoformat(),
        "confirmed_at": form.confirmed_at.isoformat() if form.confirmed_at else None,
        "opinion": form.opinion, "opinion_by": opinion_by.display_name if opinion_by else None,
        "opinion_at": form.opinion_at.isoformat() if form.opinion_at else None,
        # The owner's consent on-chain, once it gave it and until the department registered it.
        "consent_given": pending == ACTIONS[form.kind].name,
        "registered_tx": form.registered_tx, "registered_coupon": form.registered_coupon,
    }


def forms_for(gw: Gateway, db: Session, user: User) -> list[dict]:
    """A holder's forms, as applicant or receiving party; every form for the departments. Newest first."""
    records.require_reader(FORMS, user)
    return _shown(gw, db, user, select(TransferForm))


def coupon_forms(gw: Gateway, db: Session, user: User, number: str) -> list[dict]:
    """The forms filed on one coupon or registered as it (a split's child), newest first; a holder's own only,
    none for a reader that is neither a party nor a department."""
    if user.role not in PARTIES_AND_DEPARTMENTS:
        return []
    return _shown(gw, db, user, select(TransferForm).where(
        (TransferForm.coupon_number == number) | (TransferForm.registered_coupon == number)))


def _shown(gw: Gateway, db: Session, user: User, query) -> list[dict]:
    """The forms `query` selects, a holder's own only (as applicant or receiving party), newest first."""
    if user.role == HOLDER:
        query = query.where((TransferForm.applicant_id == user.id) | (TransferForm.transferee_id == user.id))
    pending = coupons.pending_actions(gw)
    return [public_form(gw, db, form, pending) for form in db.scalars(query.order_by(TransferForm.id.desc()))]


def form_for(gw: Gateway, db: Session, user: User, form_id: int) -> dict:
    return public_form(gw, db, records.seen(db, FORMS, form_id, user))


def queue(gw: Gateway, db: Session, *, today) -> list[lifecycles.QueueItem]:
    """Forms awaiting a department (the Measures set no limit): the centre's 受理意见 on confirmed transfers and
    filed pledges, then the registration of an accepted one, on its coupon's page (the form was the consent)."""
    waiting = db.scalars(select(TransferForm).where(or_(*(
        (TransferForm.kind == kind.value) & TransferForm.status.in_(
            [state for state, wait in lifecycle.waits.items() if wait.party != HOLDER])
        for kind, lifecycle in LIFECYCLE.items()
    ))).order_by(TransferForm.id))
    return [LIFECYCLE[TransferKind(form.kind)].item(
                form.status, keys={"coupon": form.coupon_number, "form": form.id}, status="ACTIVE",
                href=f"/console/coupons/{form.coupon_number}" if form.status == "ACCEPTED"
                else f"/console/transfers#form-{form.id}",
                clock=time_limits.clock(gw.calendar, None, started=epoch(form.created_at), today=today))
            for form in waiting]
