"""流转 and 质押 (附件1 三(四), 附件8, §2, §4): the 流转申请表, the transferee's confirmation, the
centre's 受理意见, the registrations that rest on them, and the pledgee's view of its pledges."""

from fastapi import APIRouter

from ...catalogue import steps
from ...core.schemas import PledgeCreate, TransferAcceptance, TransferFormCreate, TransferKind
from ...services import coupons, pledges, transfers
from ...edge.deps import ActorDep, CurrentUser, DbSession, GatewayDep, RecordPath
from . import step_route, tx_result as _tx
from ..answers import CouponTxAnswer, EndedPledge, FormState, PledgePublic, TransferFormFiled, TransferFormPublic

router = APIRouter(tags=["transfers 流转与质押"])


def _saved(form) -> dict:
    return {"form": form.id, "form_number": transfers.form_number(form), "status": form.status}


@step_route(router, steps.TRANSFER_FORM, response_model=TransferFormFiled)
def file_form(number: str, form: TransferFormCreate, gateway: GatewayDep, db: DbSession, actor: ActorDep) -> dict:
    """流转申请表 (附件8) of a transfer of ownership or a pledge, filed by the coupon's owner."""
    written, consent = transfers.submit(gateway, db, actor=actor, number=number, form=form)
    return {**_saved(written), **_tx(consent)}  # the owner's consent on-chain, given by the form


@router.get("/transfer-forms", response_model=list[TransferFormPublic])
def forms(user: CurrentUser, gateway: GatewayDep, db: DbSession) -> list[dict]:
    """A holder's forms, as applicant or receiving party; every form for the departments."""
    return transfers.forms_for(gateway, db, user)


@router.get("/transfer-forms/{form_id}", response_model=TransferFormPublic)
def form(form_id: RecordPath, user: CurrentUser, gateway: GatewayDep, db: DbSession) -> dict:
    return transfers.form_for(gateway, db, user, form_id)


@step_route(router, steps.TRANSFER_CONFIRM, response_model=FormState)
def confirm(form_id: RecordPath, gateway: GatewayDep, db: DbSession, actor: ActorDep) -> dict:
    """The transferee named on the form confirms the transfer, before the centre may register it."""
    return _saved(transfers.confirm(gateway, db, actor=actor, form_id=form_id))


@step_route(router, steps.TRANSFER_WITHDRAW, response_model=FormState)
def withdraw(form_id: RecordPath, gateway: GatewayDep, db: DbSession, actor: ActorDep) -> dict:
    """The applicant withdraws a form not yet registered."""
    return _saved(transfers.withdraw(gateway, db, actor=actor, form_id=form_id))


@step_route(router, steps.TRANSFER_ACCEPT, response_model=FormState)
def accept_transfer(form_id: RecordPath, acceptance: TransferAcceptance, gateway: GatewayDep, db: DbSession,
                    actor: ActorDep) -> dict:
    """区碳汇交易综合服务中心受理意见 on a confirmed transfer form, or its refusal with the reason."""
    return _saved(transfers.accept(gateway, db, actor=actor, form_id=form_id, acceptance=acceptance,
                                   kind=TransferKind.OWNERSHIP))


@step_route(router, steps.PLEDGE_ACCEPT, response_model=FormState)
def accept_pledge(form_id: RecordPath, acceptance: TransferAcceptance, gateway: GatewayDep, db: DbSession,
                  actor: ActorDep) -> dict:
    """The centre's acceptance of a pledge form (附件8 质押权), before FINANCE registers the pledge."""
    return _saved(pledges.accept(gateway, db, actor=actor, form_id=form_id, acceptance=acceptance))


@step_route(router, steps.TRANSFER, response_model=CouponTxAnswer)
def register_transfer(number: str, gateway: GatewayDep, db: DbSession, actor: ActorDep) -> dict:
    """流转登记 of an accepted 附件8 form whose owner consented on-chain (coupon.request TRANSFER)."""
    moved = transfers.register_transfer(gateway, db, actor=actor, number=number)
    return _tx(moved, coupon=coupons.number_of(gateway, moved))


@step_route(router, steps.PLEDGE, response_model=CouponTxAnswer)
def register_pledge(number: str, pledge: PledgeCreate, gateway: GatewayDep, db: DbSession, actor: ActorDep) -> dict:
    """质押登记 of a pledge form the centre accepted, on its terms, whose owner consented on-chain."""
    pledged = pledges.register(gateway, db, actor=actor, number=number, pledge=pledge)
    return _tx(pledged, coupon=coupons.number_of(gateway, pledged))


@router.get("/pledges", response_model=list[PledgePublic])
def pledged(user: CurrentUser, gateway: GatewayDep, db: DbSession) -> list[dict]:
    """The coupons pledged to the calling pledgee (every pledge, for the departments): secured amount,
    term end and days left, as the chain holds them."""
    return pledges.pledges_for(gateway, db, user)


@router.get("/pledges/history", response_model=list[EndedPledge])
def pledge_history(user: CurrentUser, gateway: GatewayDep, db: DbSession) -> list[dict]:
    """The pledges that ended, to the calling pledgee (every one, for the departments), newest first: the
    form's terms and how the chain ended each (RELEASED or ENFORCED), when and by which transaction."""
    return pledges.history(gateway, db, user)
