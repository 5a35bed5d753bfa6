from fastapi import APIRouter

from ...catalogue import steps
from ...core.schemas import LossReportCreate, ReissueFormalReview, ReissueOpinion, ReissueResubmission, ReissueReview
from ...services import reissues as service
from . import step_route, tx_result as _tx
from ...edge.deps import ActorDep, CurrentUser, DbSession, GatewayDep
from ...core.errors import Forbidden, NotFound
from ...services import coupons, users
from ...catalogue.steps import HOLDER
from ..answers import LossReportPublic, TxAnswer

router = APIRouter(prefix="/coupons", tags=["reissue 挂失补发"])


@step_route(router, steps.REPORT_LOST, response_model=TxAnswer)
def report_lost(number: str, report: LossReportCreate, gateway: GatewayDep, db: DbSession, actor: ActorDep) -> dict:
    """挂失申请 (附件1 二(一), 附件3): the owner's written report and form; the centre records it and the
    public notice starts."""
    return _tx(service.report_lost(gateway, db, actor=actor, number=number, report=report))


@router.get("/{number}/loss-report", response_model=LossReportPublic)
def loss_report(number: str, user: CurrentUser, gateway: GatewayDep, db: DbSession) -> dict:
    """附件3 and where the reissue procedure stands: for the departments and the coupon's owner."""
    if user.role == HOLDER and coupons.coupon_row(gateway, number).owner != users.holder_address(gateway, user):
        raise Forbidden("ROLE_REQUIRED", "holders see their own coupons' loss reports")
    report = service.loss_report(gateway, db, number)
    if report is None:
        raise NotFound("LOSS_REPORT_NOT_FOUND", f"no loss report on {number}")
    return report


@step_route(router, steps.REISSUE_FORMAL_REVIEW, response_model=TxAnswer)
def formal_review(number: str, review: ReissueFormalReview, gateway: GatewayDep, actor: ActorDep) -> dict:
    """形式审查 (附件1 二(二)): pass, or name every missing item at once (一次性告知); it cannot refuse."""
    return _tx(service.formal_review(gateway, actor=actor, number=number, review=review))


@step_route(router, steps.REISSUE_RESUBMIT, response_model=TxAnswer)
def resubmit(number: str, form: ReissueResubmission, gateway: GatewayDep, db: DbSession, actor: ActorDep) -> dict:
    """The owner's supplement: the formal review's clock restarts."""
    return _tx(service.resubmit(gateway, db, actor=actor, number=number, documents=form.documents))


@step_route(router, steps.REISSUE_SURVEY_PAUSE, response_model=TxAnswer)
def pause_field_survey(number: str, gateway: GatewayDep, actor: ActorDep) -> dict:
    """外业调查 begins: the review's clock stops (不含外业调查时间)."""
    return _tx(service.field_survey(gateway, actor=actor, number=number, pause=True))


@step_route(router, steps.REISSUE_SURVEY_RESUME, response_model=TxAnswer)
def resume_field_survey(number: str, gateway: GatewayDep, actor: ActorDep) -> dict:
    return _tx(service.field_survey(gateway, actor=actor, number=number, pause=False))


@step_route(router, steps.REISSUE_REVIEW, response_model=TxAnswer)
def review(number: str, decision: ReissueReview, gateway: GatewayDep, db: DbSession, actor: ActorDep) -> dict:
    """审查 (附件1 二(二)): pass, or refuse with the reason."""
    return _tx(service.review(gateway, db, actor=actor, number=number, decision=decision))


@step_route(router, steps.REISSUE_REGISTRATION, response_model=TxAnswer)
def register(number: str, opinion: ReissueOpinion, gateway: GatewayDep, db: DbSession, actor: ActorDep) -> dict:
    """补发登记 (附件1 二(三)) with the centre's opinion (附件3): agreed, it goes to the EEB for filing;
    not agreed, the reissue is refused with the opinion as its reason."""
    return _tx(service.register(gateway, db, actor=actor, number=number, opinion=opinion))
