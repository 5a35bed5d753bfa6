from fastapi import APIRouter

from ... import steps
from ...services import queues
from ...deps import CurrentUser, DbSession, GatewayDep, require_reader

router = APIRouter(tags=["queue 待办"])


@router.get("/queue", dependencies=[require_reader(*steps.DEPARTMENTS)])
def department_queue(user: CurrentUser, gateway: GatewayDep, db: DbSession) -> list[dict]:
    """Everything awaiting the caller's department — applications and coupons — overdue first."""
    return queues.department_queue(gateway, db, role=user.role)
