"""The working calendar (DESIGN §5): which years' holiday schedules are known, and DRC's entry of a year."""

from fastapi import APIRouter

from ...catalogue import steps
from ...edge.deps import CurrentUser, DbSession, GatewayDep
from ...core.schemas import CalendarYearCreate
from ...services import calendar
from . import step_route
from ..answers import CalendarPublic, CalendarYearEntered

router = APIRouter(prefix="/calendar", tags=["calendar 工作日"])


@router.get("", response_model=CalendarPublic)
def overview(user: CurrentUser, gateway: GatewayDep, db: DbSession) -> dict:
    """The years known (the shipped calendar's, then DRC's with their notices), until when, and whether
    next year's schedule is due to be entered (sixty days before the known calendar ends)."""
    return calendar.overview(gateway, db, today=gateway.clock.today())


@step_route(router, steps.ENTER_CALENDAR_YEAR, response_model=CalendarYearEntered)
def enter_year(form: CalendarYearCreate, drc: CurrentUser, gateway: GatewayDep, db: DbSession) -> dict:
    """国务院办公厅 notice of a year's holidays: its days off and make-up working days, checked day by day."""
    row = calendar.enter(gateway, db, drc, form)
    return {"year": row.year, "notice": row.notice, "holidays": row.holidays, "workdays": row.workdays,
            "known_until": gateway.calendar.known_until().isoformat()}
