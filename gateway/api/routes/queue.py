from fastapi import APIRouter

from ...catalogue import steps
from ...services import inbox, notices, queues
from ...edge.deps import CurrentUser, DbSession, GatewayDep, require_reader
from ..answers import NoticePublic, WaitingItem

router = APIRouter(tags=["queue 待办"])


@router.get("/queue", dependencies=[require_reader(*steps.DEPARTMENTS)],
            response_model=list[WaitingItem], response_model_exclude_unset=True)
def department_queue(user: CurrentUser, gateway: GatewayDep, db: DbSession) -> list[dict]:
    """Everything awaiting the caller's department — applications and coupons — overdue first."""
    return queues.department_queue(gateway, db, role=user.role)


@router.get("/inbox", response_model=list[WaitingItem], response_model_exclude_unset=True)
def waiting_on_me(user: CurrentUser, gateway: GatewayDep, db: DbSession) -> list[dict]:
    """What waits on the caller: its department's queue, or a holder's own items (补正 owed, applications to
    confirm, 附件8 forms to confirm or consent to, pledges to it nearing their term), overdue first."""
    return inbox.waiting_on(gateway, db, user)


@router.get("/notices", dependencies=[require_reader("DRC")], response_model=list[NoticePublic])
def outbox(db: DbSession) -> list[dict]:
    """DRC: the notices sent, waiting or given up, newest first (services/notices.py)."""
    return notices.outbox(db)
