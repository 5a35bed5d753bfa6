from fastapi import APIRouter

from ...catalogue import steps
from ...core.schemas import ListingCreate, OffsetCreate, OwnerRequest, Reason, ReissueFiling, Voiding
from ...services import coupons as service
from ...services import market
from ...services import enforcement, supervision
from . import step_route, tx_result as _tx
from ...edge.deps import ActorDep, CurrentUser, DbSession, GatewayDep, require_reader
from ..answers import CouponPublic, CouponTxAnswer, OffsetAnswer, SupervisionPublic, TxAnswer

router = APIRouter(prefix="/coupons", tags=["coupons 碳券"])


@router.get("", response_model=list[CouponPublic])
def holdings(user: CurrentUser, gateway: GatewayDep) -> list[dict]:
    """A holder's own coupons; every coupon for departments."""
    return service.holdings_of(gateway, user)


@step_route(router, steps.REQUEST, response_model=TxAnswer)
def request(number: str, consent: OwnerRequest, gateway: GatewayDep, db: DbSession,
            actor: ActorDep) -> dict:
    """The owner's consent to list, transfer, pledge, offset or report a loss (附件5, 附件8)."""
    return _tx(service.request(gateway, db, actor=actor, number=number, consent=consent))


@step_route(router, steps.CANCEL_REQUEST, response_model=TxAnswer)
def cancel_request(number: str, gateway: GatewayDep, actor: ActorDep) -> dict:
    return _tx(service.cancel_request(gateway, actor=actor, number=number))


@step_route(router, steps.LIST, response_model=TxAnswer)
def list_coupon(number: str, listing: ListingCreate, gateway: GatewayDep, db: DbSession,
                actor: ActorDep) -> dict:
    """挂牌: publish the disclosure form (附件5) and the entrustment agreement (附件4) on the board."""
    return _tx(market.list_coupon(gateway, db, actor=actor, number=number, listing=listing))


@step_route(router, steps.WITHDRAW_LISTING, response_model=TxAnswer)
def withdraw_listing(number: str, gateway: GatewayDep, actor: ActorDep) -> dict:
    return _tx(market.withdraw_listing(gateway, actor=actor, number=number))


# coupon.transfer and coupon.pledge rest on an accepted 附件8 form: routes/transfers.py registers them.


@step_route(router, steps.RELEASE_PLEDGE, response_model=TxAnswer)
def release_pledge(number: str, gateway: GatewayDep, actor: ActorDep) -> dict:
    """The pledgee (a holder account) or FINANCE releases; the contract checks which pledgee."""
    return _tx(service.release_pledge(gateway, actor=actor, number=number))


@step_route(router, steps.ENFORCE_PLEDGE, response_model=TxAnswer)
def enforce_pledge(number: str, gateway: GatewayDep, actor: ActorDep) -> dict:
    return _tx(service.enforce_pledge(gateway, actor=actor, number=number))


@step_route(router, steps.FREEZE, response_model=TxAnswer)
def freeze(number: str, body: Reason, gateway: GatewayDep, actor: ActorDep) -> dict:
    return _tx(service.freeze(gateway, actor=actor, number=number, reason=body.reason))


@step_route(router, steps.UNFREEZE, response_model=TxAnswer)
def unfreeze(number: str, gateway: GatewayDep, actor: ActorDep) -> dict:
    """The coupon returns to the state it was frozen in (a listing, pledge or loss report resumes)."""
    return _tx(service.unfreeze(gateway, actor=actor, number=number))


@step_route(router, steps.VOID, response_model=TxAnswer)
def void(number: str, voiding: Voiding, gateway: GatewayDep, db: DbSession, actor: ActorDep) -> dict:
    """注销 of a coupon found invalid: NRB and FORESTRY each sign one reason and inspection record."""
    return _tx(supervision.void(gateway, db, actor=actor, number=number, voiding=voiding))


@router.get("/{number}/supervision", dependencies=[require_reader(*steps.DEPARTMENTS)],
            response_model=SupervisionPublic)
def under_supervision(number: str, gateway: GatewayDep, db: DbSession) -> dict:
    """The coupon's freeze, the voiding signatures given so far, and why it was voided if it was."""
    return supervision.supervision_of(gateway, db, number)


@step_route(router, steps.REPORT_LOSS, response_model=TxAnswer)
def report_loss(number: str, gateway: GatewayDep, actor: ActorDep) -> dict:
    """挂失: the owner's loss report is recorded and the public notice starts (§12)."""
    return _tx(service.report_loss(gateway, actor=actor, number=number))


@step_route(router, steps.WITHDRAW_LOSS, response_model=TxAnswer)
def withdraw_loss(number: str, gateway: GatewayDep, actor: ActorDep) -> dict:
    return _tx(service.withdraw_loss(gateway, actor=actor, number=number))


@step_route(router, steps.FILE_REISSUE, response_model=TxAnswer)
def file_reissue(number: str, filing: ReissueFiling, gateway: GatewayDep, actor: ActorDep) -> dict:
    return _tx(service.file_reissue(gateway, actor=actor, number=number, filing_number=filing.filing_number))


@step_route(router, steps.REISSUE, response_model=CouponTxAnswer)
def reissue(number: str, gateway: GatewayDep, actor: ActorDep) -> dict:
    """补发 (附件1 二(五)): the old number verifies as voided, replaced by the new one."""
    reissued = service.reissue(gateway, actor=actor, number=number)
    return _tx(reissued, coupon=service.number_of(gateway, reissued))


@step_route(router, steps.OFFSET, response_model=OffsetAnswer)
def offset(number: str, body: OffsetCreate, gateway: GatewayDep, db: DbSession, actor: ActorDep) -> dict:
    """抵销凭证 (§14-15): the transaction hash is the certificate id."""
    retired = enforcement.offset(gateway, db, actor=actor, number=number, body=body)  # §15(1)'s calculation too
    return _tx(retired, certificate=retired.tx_hash, coupon=service.number_of(gateway, retired))
