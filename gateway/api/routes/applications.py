from typing import Annotated

from fastapi import APIRouter, Path

from ...errors import Forbidden, Invalid
from ...runtime import HOLDER, Actor
from ...schemas import ApplicationCreate, Attestation, CcerListing, Decision, Filing, FormalReview, HarvestPlan, Resubmission
from ...services import applications as service
from . import tx_result as _tx
from ..deps import CurrentUser, DbSession, GatewayDep, require, require_reader

router = APIRouter(prefix="/applications", tags=["applications 制发"])
parcels = APIRouter(prefix="/parcels", tags=["parcels 宗地"])
DEPARTMENTS = ("DRC", "CENTER", "NRB", "FORESTRY", "EEB", "GOV", "FINANCE", "VERIFIER")
# Out of range is bad input, not a server error: the database keeps 64-bit ids, the contracts uint256.
ApplicationId = Annotated[int, Path(ge=1, le=2**63 - 1)]



@router.post("", status_code=201)
def submit(form: ApplicationCreate, gateway: GatewayDep, db: DbSession, actor: Annotated[Actor, require(HOLDER)]) -> dict:
    """登记申请 (附件1 一(一), 附件2)."""
    application_id, receipt = service.submit(gateway, db, actor=actor, form=form)
    return _tx(receipt, application=application_id)


@router.get("/queue", dependencies=[require_reader(*DEPARTMENTS)])
def queue(user: CurrentUser, gateway: GatewayDep, db: DbSession) -> list[dict]:
    """What awaits the caller's department, with due dates in working days; overdue first."""
    return service.queue(gateway, db, role=user.role)


@router.get("/{application_id}")
def detail(application_id: ApplicationId, user: CurrentUser, gateway: GatewayDep, db: DbSession) -> dict:
    result = service.detail(gateway, db, application_id)
    if user.role == HOLDER and gateway.registry.application(application_id).applicant != user.address:
        raise Forbidden("ROLE_REQUIRED", "holders see their own applications")
    return result


@router.post("/{application_id}/resubmit")
def resubmit(application_id: ApplicationId, form: Resubmission, gateway: GatewayDep, db: DbSession,
             actor: Annotated[Actor, require(HOLDER)]) -> dict:
    return _tx(service.resubmit(gateway, db, actor=actor, application_id=application_id, documents=form.documents))


@router.post("/{application_id}/formal-review")
def formal_review(application_id: ApplicationId, review: FormalReview, gateway: GatewayDep,
                  actor: Annotated[Actor, require("CENTER")]) -> dict:
    """形式审查: pass, return for supplement naming every missing item, or reject."""
    return _tx(service.formal_review(gateway, actor=actor, application_id=application_id, review=review))


@router.post("/{application_id}/field-survey/pause")
def pause_field_survey(application_id: ApplicationId, gateway: GatewayDep,
                       actor: Annotated[Actor, require("CENTER")]) -> dict:
    return _tx(service.field_survey(gateway, actor=actor, application_id=application_id, pause=True))


@router.post("/{application_id}/field-survey/resume")
def resume_field_survey(application_id: ApplicationId, gateway: GatewayDep,
                        actor: Annotated[Actor, require("CENTER")]) -> dict:
    return _tx(service.field_survey(gateway, actor=actor, application_id=application_id, pause=False))


@router.post("/{application_id}/preliminary-review")
def preliminary_review(application_id: ApplicationId, decision: Decision, gateway: GatewayDep,
                       actor: Annotated[Actor, require("CENTER")]) -> dict:
    return _tx(service.preliminary_review(gateway, actor=actor, application_id=application_id, decision=decision))


@router.post("/{application_id}/attestation")
def attest(application_id: ApplicationId, attestation: Attestation, gateway: GatewayDep,
           actor: Annotated[Actor, require("VERIFIER")]) -> dict:
    return _tx(service.attest(gateway, actor=actor, application_id=application_id, attestation=attestation))


@router.post("/{application_id}/validation")
def validate(application_id: ApplicationId, decision: Decision, gateway: GatewayDep,
             actor: Annotated[Actor, require("NRB", "FORESTRY")]) -> dict:
    """审定: NRB 会同 FORESTRY; validated once both have signed."""
    return _tx(service.validate(gateway, actor=actor, application_id=application_id, decision=decision))


@router.post("/{application_id}/filing")
def file(application_id: ApplicationId, filing: Filing, gateway: GatewayDep,
         actor: Annotated[Actor, require("EEB")]) -> dict:
    return _tx(service.file(gateway, actor=actor, application_id=application_id, filing=filing))


@router.post("/{application_id}/mint")
def mint(application_id: ApplicationId, gateway: GatewayDep, actor: Annotated[Actor, require("GOV")]) -> dict:
    receipt = service.mint(gateway, actor=actor, application_id=application_id)
    coupon = receipt.event("CouponCreated").args["coupon"]
    return _tx(receipt, coupon=gateway.number_of(coupon))


@parcels.post("/ccer")
def ccer(listing: CcerListing, gateway: GatewayDep, actor: Annotated[Actor, require("EEB")]) -> dict:
    """The EEB's list of parcels filed or planned for CCER (§2)."""
    return _tx(gateway.transact(actor, "parcel.ccer", listing.model_dump(), "set_ccer_listed",
                                service.parcel_id(listing.parcel_number), listing.listed))


@parcels.post("/harvest-plans")
def harvest_plan(plan: HarvestPlan, gateway: GatewayDep, actor: Annotated[Actor, require("FORESTRY")]) -> dict:
    """A forest parcel's planned harvest (§9)."""
    if plan.end <= plan.start:
        raise Invalid("EMPTY_PERIOD", "the harvest must end after it starts", detail={"field": "end"})
    return _tx(gateway.transact(actor, "parcel.harvest_plan", plan.model_dump(mode="json"), "record_harvest_plan",
                                service.parcel_id(plan.parcel_number), service.day_start(plan.start),
                                service.day_start(plan.end), plan.tending))


