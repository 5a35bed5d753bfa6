from fastapi import APIRouter

from ... import steps
from ...schemas import PurchaseCreate, TradeCreate
from ...services import coupons as service
from ...services import supervision
from . import step_route
from ...deps import ActorDep, CurrentUser, DbSession, GatewayDep

router = APIRouter(tags=["market 交易"])


@step_route(router, steps.PURCHASE)
def apply_to_purchase(purchase: PurchaseCreate, user: CurrentUser, gateway: GatewayDep, db: DbSession) -> dict:
    """购买申请书 (附件6)."""
    row = service.apply_to_purchase(db, buyer=user, purchase=purchase)
    gateway.audit.record(user, "purchase.apply", {"purchase": row.id, **purchase.model_dump(mode="json")})
    return {"purchase": row.id, "status": row.status}


@step_route(router, steps.SETTLE)
def settle_trade(trade: TradeCreate, gateway: GatewayDep, db: DbSession, actor: ActorDep) -> dict:
    """交易结算 (附件7); the settlement transaction is the 交易凭证. A partial amount leaves the rest listed.
    A frozen listing is refused with the freeze's department, day and reason."""
    with supervision.explaining(gateway, trade.coupon):
        sold = service.settle_trade(gateway, db, actor=actor, trade=trade)
    return {"tx_hash": sold.tx_hash, "block": sold.block_number, "voucher": sold.tx_hash,
            "coupon": service.number_of(gateway, sold)}
