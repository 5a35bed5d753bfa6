from typing import Annotated

from fastapi import APIRouter, Query

from ...catalogue import steps
from ...core.schemas import InspectionCreate
from ...services import supervision as service
from . import step_route
from ...edge.deps import ActorDep, DbSession, GatewayDep, require_reader
from ..answers import InspectionPublic, InspectionRecorded

router = APIRouter(prefix="/inspections", tags=["supervision 监督"])


@step_route(router, steps.INSPECT, response_model=InspectionRecorded)
def record_inspection(inspection: InspectionCreate, gateway: GatewayDep, db: DbSession, actor: ActorDep) -> dict:
    """抽查记录 (§6): 现场核查, 查阅资料 or 系统检查, on one application or one coupon."""
    record = service.record_inspection(gateway, db, actor=actor, inspection=inspection)
    return {"inspection": record.id, "sha256": record.sha256}


@router.get("", dependencies=[require_reader(*steps.DEPARTMENTS)], response_model=list[InspectionPublic])
def inspections(gateway: GatewayDep, db: DbSession, application: Annotated[int | None, Query(ge=1)] = None,
                coupon: str | None = None) -> list[dict]:
    """Inspection records, newest first: all, or those on one application or coupon."""
    return service.inspections(gateway, db, application=application, coupon=coupon)
