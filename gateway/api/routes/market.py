from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from ...catalogue import steps
from ...web import vouchers
from ...core.db import Document
from ...core.errors import NotFound
from ...core.schemas import ManagementReportCreate, PaymentConfirmation, PurchaseCreate, PurchaseDecision, TradeCreate
from ...services import market as service
from ...services import entrustments, records, supervision, transparency
from . import file_answer, step_route
from ...edge.deps import ActorDep, CurrentUser, DbSession, GatewayDep, RecordPath
from ..answers import (
    EntrustmentPublic, ManagementReportFiled, PurchaseDecided, PurchaseFiled, PurchasePublic, Settlement,
    TradePublic,
)

router = APIRouter(tags=["market 交易"])


@step_route(router, steps.PURCHASE, response_model=PurchaseFiled)
def apply_to_purchase(purchase: PurchaseCreate, user: CurrentUser, gateway: GatewayDep, db: DbSession) -> dict:
    """购买申请书 (附件6): reason, amount, the commitment and the signed form; 生态赔偿 with the authority's document."""
    row = service.apply_to_purchase(gateway, db, buyer=user, purchase=purchase)
    return {"purchase": row.id, "status": service.shown_status(row)}


@router.get("/purchases", response_model=list[PurchasePublic])
def purchases(user: CurrentUser, db: DbSession, status: str | None = None) -> list[dict]:
    """A buyer's own purchase applications; every one for the departments (the centre's queue), newest first.
    `status`: SUBMITTED, ACCEPTED, REJECTED, PARTLY_FILLED or FILLED."""
    return service.purchases(db, reader=user, status=status)


@router.get("/purchases/{purchase_id}", response_model=PurchasePublic)
def purchase(purchase_id: RecordPath, user: CurrentUser, db: DbSession) -> dict:
    return service.purchase_view(db, records.seen(db, service.PURCHASES, purchase_id, user))


@step_route(router, steps.ACCEPT_PURCHASE, response_model=PurchaseDecided)
def decide_purchase(purchase_id: RecordPath, decision: PurchaseDecision, user: CurrentUser, gateway: GatewayDep,
                    db: DbSession) -> dict:
    """受理 (附件1 三(二)1): the centre accepts the application, matched to a listing, and issues the
    交易受理通知书; or refuses it with the reason."""
    row = service.decide_purchase(gateway, db, user=user, purchase_id=purchase_id, decision=decision)
    view = service.purchase_view(db, row)
    return {"purchase": row.id, "status": view["status"], "notice": view["notice"],
            "notice_pdf": f"/api/v1/purchases/{row.id}/acceptance-notice.pdf" if view["notice"] else None}


@router.get("/purchases/{purchase_id}/acceptance-notice.pdf",
            **file_answer("application/pdf", "交易受理通知书, a PDF"))
def acceptance_notice(purchase_id: RecordPath, user: CurrentUser, gateway: GatewayDep, db: DbSession) -> Response:
    """交易受理通知书 (PDF), for the buyer and the departments, once the application is accepted."""
    row = records.seen(db, service.PURCHASES, purchase_id, user)
    view = service.purchase_view(db, row)
    if view["notice"] is None:
        raise NotFound("NOTICE_NOT_ISSUED", f"purchase application {purchase_id} is {view['status']}: no notice")
    pdf = vouchers.acceptance_notice(view, listing=service.matched_listing(gateway, db, row))
    return _pdf(pdf, f"acceptance-notice-{purchase_id}.pdf")


@step_route(router, steps.SETTLE, response_model=Settlement)
def settle_trade(trade: TradeCreate, gateway: GatewayDep, db: DbSession, actor: ActorDep) -> dict:
    """交易结算 (附件7); the settlement transaction is the 交易凭证. A partial amount leaves the rest listed.
    A frozen listing is refused with the freeze's department, day and reason; an expired one as LISTING_EXPIRED."""
    with supervision.explaining(gateway, trade.coupon):
        sold = service.settle_trade(gateway, db, actor=actor, trade=trade)
    number = service.number_of(gateway, sold)
    recorded = service.trade_of(db, sold.tx_hash)
    return {"tx_hash": sold.tx_hash, "block": sold.block_number, "voucher": sold.tx_hash, "coupon": number,
            "trade": recorded.id, "voucher_pdf": f"/api/v1/trades/{recorded.id}/voucher.pdf"}


@router.get("/trades", response_model=list[TradePublic])
def trades(user: CurrentUser, db: DbSession) -> list[dict]:
    """A holder's trades as buyer or seller; every trade for the departments."""
    return service.trades(db, user=user)


@router.get("/trades/{trade_id}", response_model=TradePublic)
def trade(trade_id: RecordPath, user: CurrentUser, db: DbSession) -> dict:
    return service.trade_view(db, records.seen(db, service.TRADES, trade_id, user))


@step_route(router, steps.MANAGEMENT_REPORT, response_model=ManagementReportFiled)
def management_report(number: str, form: ManagementReportCreate, gateway: GatewayDep, db: DbSession,
                      actor: ActorDep) -> dict:
    """管理情况报告 (附件4 三、四): the centre's periodic report to the holder of a listed coupon."""
    report = entrustments.file_report(gateway, db, actor=actor, number=number, form=form)
    return {"report": report.id, "coupon": number}


@router.get("/entrustments", response_model=list[EntrustmentPublic])
def entrustments_of(user: CurrentUser, gateway: GatewayDep, db: DbSession) -> list[dict]:
    """附件4: a holder's entrustment agreements, one per listing of its coupons, with their status, papers and
    the centre's management reports; every one for the departments."""
    records.require_reader(service.TRADES, user)
    return entrustments.of(gateway, db, user)


@step_route(router, steps.CONFIRM_PAYMENT, response_model=TradePublic)
def confirm_payment(trade_id: RecordPath, form: PaymentConfirmation, gateway: GatewayDep, db: DbSession,
                    actor: ActorDep) -> dict:
    """The buyer has paid (附件7 二2): the trade's vouchers say paid, on that day."""
    return service.trade_view(db, service.confirm_payment(gateway, db, actor=actor, trade_id=trade_id, form=form))


@step_route(router, steps.CONFIRM_FEE, response_model=TradePublic)
def confirm_fee(trade_id: RecordPath, form: PaymentConfirmation, gateway: GatewayDep, db: DbSession,
                actor: ActorDep) -> dict:
    """The seller has paid the centre's service fee (附件1 三(二)2)."""
    return service.trade_view(db, service.confirm_fee(gateway, db, actor=actor, trade_id=trade_id, form=form))


@router.get("/trades/{trade_id}/voucher.pdf", **file_answer("application/pdf", "交易凭证, a PDF"))
def voucher(trade_id: RecordPath, request: Request, user: CurrentUser, gateway: GatewayDep, db: DbSession,
            copy: Literal["buyer", "seller"] | None = None) -> Response:
    """交易凭证 (PDF): the buyer's copy for the buyer, the seller's for the seller (a department picks with
    `copy`); its QR code leads to the public page of the coupon bought, whose history shows the settlement. It
    carries its offline proof attached (trade-proof.json, GET /log/bundles/<tx>.json) once its block is logged."""
    row = records.seen(db, service.TRADES, trade_id, user)
    copy = copy or ("seller" if user.id == row.seller_id and user.id != row.buyer_id else "buyer")
    base = gateway.settings.public_base_url or str(request.base_url)
    view = service.trade_view(db, row)
    pdf = vouchers.trade_voucher(view, copy=copy, verify_url=base.rstrip("/") + f"/coupons/{quote(row.coupon)}",
                                 proof=transparency.bundle_bytes(gateway, row.tx_hash))
    return _pdf(pdf, f"trade-voucher-{trade_id}-{copy}.pdf")


@router.get("/trades/{trade_id}/agreement", **file_answer("application/pdf", "the signed 附件7, as uploaded"))
def agreement(trade_id: RecordPath, user: CurrentUser, gateway: GatewayDep, db: DbSession):
    """The signed trade agreement (附件7), for both parties and the departments."""
    row = records.seen(db, service.TRADES, trade_id, user)
    document = db.get(Document, row.agreement)
    if document is None:
        raise NotFound("DOCUMENT_NOT_FOUND", f"no document {row.agreement}")
    return FileResponse(gateway.settings.data_dir / "documents" / row.agreement, media_type="application/pdf"
                        if document.content_type.startswith("application/pdf") else "application/octet-stream",
                        filename=document.filename, headers={"X-Content-Type-Options": "nosniff"})


def _pdf(content: bytes, filename: str) -> Response:
    return Response(content, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{filename}"'})
