"""兑现 (§2, DESIGN §11): DRC's designation of the district's acquirer and its price, the centre's redemption of
an owner's consented coupon, and each party's 兑现凭证."""

from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Request, Response

from ...catalogue import steps
from ...web import vouchers
from ...edge.deps import ActorDep, CurrentUser, DbSession, GatewayDep
from ...core.schemas import RedemptionCreate, RedemptionTermsCreate
from ...services import redemptions
from ...services.coupons import number_of
from . import file_answer, step_route, tx_result as _tx
from ..answers import Redeemed, RedemptionPublic, TxAnswer

router = APIRouter(tags=["redemption 兑现"])


@step_route(router, steps.REDEMPTION_TERMS, response_model=TxAnswer)
def set_terms(form: RedemptionTermsCreate, gateway: GatewayDep, db: DbSession, actor: ActorDep) -> dict:
    return _tx(redemptions.set_terms(gateway, db, actor=actor, form=form))


@step_route(router, steps.REDEEM, response_model=Redeemed)
def redeem(number: str, form: RedemptionCreate, gateway: GatewayDep, db: DbSession, actor: ActorDep) -> dict:
    """兑现: the owner's consented amount to the acquirer at the published price; the transaction is the voucher."""
    redeemed = redemptions.redeem(gateway, db, actor=actor, number=number, form=form)
    return _tx(redeemed, coupon=number_of(gateway, redeemed),
               voucher_pdf=f"/api/v1/redemptions/{redeemed.tx_hash}/voucher.pdf")


@router.get("/redemptions", response_model=list[RedemptionPublic])
def mine(user: CurrentUser, gateway: GatewayDep, db: DbSession) -> list[dict]:
    """A holder's redemptions as seller or acquirer; every one for the departments. Newest first."""
    return redemptions.of(gateway, db, user)


@router.get("/redemptions/{tx_hash}/voucher.pdf", **file_answer("application/pdf", "兑现凭证, a PDF"))
def voucher(tx_hash: str, request: Request, user: CurrentUser, gateway: GatewayDep, db: DbSession,
            copy: Literal["seller", "acquirer"] | None = None) -> Response:
    """兑现凭证 (PDF): the seller's copy for the seller, the acquirer's for the acquirer (a department picks with
    `copy`); its QR code leads to the public page of the acquirer's coupon, whose history shows the 兑现."""
    redemption = redemptions.one(gateway, db, tx_hash, user)
    mine = (user.address or "").lower()
    copy = copy or ("acquirer" if mine == redemption["acquirer_address"].lower() else "seller")
    base = gateway.settings.public_base_url or str(request.base_url)
    pdf = vouchers.redemption_voucher(redemption, copy=copy,
                                      verify_url=base.rstrip("/") + f"/coupons/{quote(redemption['coupon'])}")
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="redemption-voucher-{copy}.pdf"'})
