from fastapi import APIRouter, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from ...catalogue.steps import HOLDER
from ...catalogue import steps
from ...core.schemas import (
    ApplicationCreate,
    Attestation,
    CcerListing,
    Decision,
    EebReview,
    Filing,
    FormalReview,
    HarvestPlan,
    PublicVersions,
    Reason,
    Resubmission,
    ValidationOpinion,
)
from ...core.db import PreparedApplication
from ...services import applications as service
from ...services import boundaries
from ...services import parcels as parcel_service
from ...services import coupons, queues
from ...services import prepared_applications as prepared
from . import step_route, tx_result as _tx
from ...edge.deps import ActorDep, CurrentUser, DbSession, GatewayDep, RecordPath, require_reader
from ..answers import (
    ApplicationPublic, ApplicationSummary, BoundaryRead, CcerListingPublic, CouponTxAnswer, HarvestPlanPublic,
    ParcelPublic, PreparedApplicationPublic, PreparedState, PublicVersionsGiven, SubmittedApplication, TxAnswer,
    WaitingItem,
)

router = APIRouter(prefix="/applications", tags=["applications 制发"])
parcels = APIRouter(prefix="/parcels", tags=["parcels 宗地"])


@step_route(router, steps.SUBMIT, response_model=SubmittedApplication | PreparedState)
def submit(form: ApplicationCreate, gateway: GatewayDep, db: DbSession, actor: ActorDep, response: Response) -> dict:
    """登记申请 (附件1 一(一), 附件2): sent at once (201) by a right-holder applying alone; an agent's
    application, or one naming a co-applicant, waits for their confirmations (202, §8)."""
    sent = prepared.submit(gateway, db, actor=actor, form=form)
    if isinstance(sent, PreparedApplication):
        response.status_code = 202
        return _prepared(sent)
    return _tx(sent, application=sent.application)


def _prepared(row: PreparedApplication) -> dict:
    return {"prepared": row.id, "status": row.status, "waiting_for": prepared.waiting_for(row),
            "application": row.application_id}


@router.get("/prepared", dependencies=[require_reader(HOLDER)], response_model=list[PreparedApplicationPublic])
def prepared_applications(user: CurrentUser, db: DbSession) -> list[dict]:
    """Applications prepared for the caller, by it or naming it (§8), newest first: who still confirms."""
    return prepared.of(db, user)


@step_route(router, steps.CONFIRM_APPLICATION, response_model=PreparedState)
def confirm(prepared_id: RecordPath, gateway: GatewayDep, db: DbSession, actor: ActorDep) -> dict:
    """The right-holder's or co-applicant's confirmation; the last one sends the application on chain."""
    return _prepared(prepared.confirm(gateway, db, actor=actor, prepared_id=prepared_id))


@step_route(router, steps.DECLINE_APPLICATION, response_model=PreparedState)
def decline(prepared_id: RecordPath, form: Reason, gateway: GatewayDep, db: DbSession, actor: ActorDep) -> dict:
    """A party declines a prepared application, with its reason; it is never sent."""
    return _prepared(prepared.decline(gateway, db, actor=actor, prepared_id=prepared_id, reason=form.reason))


@router.get("/queue", dependencies=[require_reader(*steps.DEPARTMENTS)],
            response_model=list[WaitingItem], response_model_exclude_unset=True)
def queue(user: CurrentUser, gateway: GatewayDep, db: DbSession) -> list[dict]:
    """What awaits the caller's department, with due dates in working days; overdue first."""
    return queues.shown(service.queue(gateway, db, today=gateway.clock.today()), user.role)


@router.get("/mine", dependencies=[require_reader(HOLDER)], response_model=list[ApplicationSummary])
def mine(user: CurrentUser, gateway: GatewayDep, db: DbSession) -> list[dict]:
    """My applications (附件1 一): each one the caller applied for, applied for as agent or is co-applicant to
    (§8), newest first, with its status on chain, the centre's missing items (一次性告知) while it asks for
    them, the reason of a rejection and the coupon once issued."""
    return service.mine(gateway, db, user=user)


@router.get("/{application_id}", dependencies=[require_reader(HOLDER, *steps.DEPARTMENTS)],
            response_model=ApplicationPublic, response_model_exclude_unset=True)
def detail(application_id: RecordPath, user: CurrentUser, gateway: GatewayDep, db: DbSession) -> dict:
    """One application as its reviewers see it: status, parcels, methodology, who applied (§8), documents,
    missing items, rejection and history; a holder sees only those it is a party to, and an enforcement
    body none (its part is the offset certificates, 附件1 三(三))."""
    party = service.check_party(db, application_id, user)
    result = service.detail(gateway, db, application_id)
    if party is not None:
        result["party"] = party
    return result


@step_route(router, steps.RESUBMIT, response_model=TxAnswer)
def resubmit(application_id: RecordPath, form: Resubmission, gateway: GatewayDep, db: DbSession,
             actor: ActorDep) -> dict:
    return _tx(service.resubmit(gateway, db, actor=actor, application_id=application_id, documents=form.documents))


@step_route(router, steps.PUBLISH, response_model=PublicVersionsGiven, response_model_exclude_unset=True)
def publish(application_id: RecordPath, versions: PublicVersions, gateway: GatewayDep, db: DbSession,
            actor: ActorDep) -> dict:
    """The public versions of the monitoring report and the verifier's statement, for the project page."""
    return service.publish(gateway, db, actor=actor, application_id=application_id, versions=versions)


@step_route(router, steps.FORMAL_REVIEW, response_model=TxAnswer)
def formal_review(application_id: RecordPath, review: FormalReview, gateway: GatewayDep,
                  actor: ActorDep) -> dict:
    """形式审查: pass, return for supplement naming every missing item, or reject."""
    return _tx(service.formal_review(gateway, actor=actor, application_id=application_id, review=review))


@step_route(router, steps.SURVEY_PAUSE, response_model=TxAnswer)
def pause_field_survey(application_id: RecordPath, gateway: GatewayDep,
                       actor: ActorDep) -> dict:
    return _tx(service.field_survey(gateway, actor=actor, application_id=application_id, pause=True))


@step_route(router, steps.SURVEY_RESUME, response_model=TxAnswer)
def resume_field_survey(application_id: RecordPath, gateway: GatewayDep,
                        actor: ActorDep) -> dict:
    return _tx(service.field_survey(gateway, actor=actor, application_id=application_id, pause=False))


@step_route(router, steps.PRELIMINARY_REVIEW, response_model=TxAnswer)
def preliminary_review(application_id: RecordPath, decision: Decision, gateway: GatewayDep,
                       actor: ActorDep) -> dict:
    return _tx(service.preliminary_review(gateway, actor=actor, application_id=application_id, decision=decision))


@step_route(router, steps.ATTEST, response_model=TxAnswer)
def attest(application_id: RecordPath, attestation: Attestation, gateway: GatewayDep,
           actor: ActorDep) -> dict:
    return _tx(service.attest(gateway, actor=actor, application_id=application_id, attestation=attestation))


@step_route(router, steps.VALIDATE, response_model=TxAnswer)
def validate(application_id: RecordPath, decision: Decision, gateway: GatewayDep,
             actor: ActorDep) -> dict:
    """审定: NRB 会同 FORESTRY; validated once both have signed."""
    return _tx(service.validate(gateway, actor=actor, application_id=application_id, decision=decision))


@step_route(router, steps.OPINION, response_model=TxAnswer)
def issue_opinion(application_id: RecordPath, opinion: ValidationOpinion, gateway: GatewayDep, db: DbSession,
                  actor: ActorDep) -> dict:
    """审定意见: the centre's validation opinion (uploaded first), forwarded to the EEB."""
    return _tx(service.issue_opinion(gateway, db, actor=actor, application_id=application_id, opinion=opinion))


@step_route(router, steps.EEB_REVIEW, response_model=TxAnswer)
def eeb_review(application_id: RecordPath, review: EebReview, gateway: GatewayDep, actor: ActorDep) -> dict:
    """审核: pass, return to the centre with the reason (退回), or reject."""
    return _tx(service.eeb_review(gateway, actor=actor, application_id=application_id, review=review))


@step_route(router, steps.FILE, response_model=TxAnswer)
def file(application_id: RecordPath, filing: Filing, gateway: GatewayDep, db: DbSession, actor: ActorDep) -> dict:
    return _tx(service.file(gateway, db, actor=actor, application_id=application_id, filing=filing))


@step_route(router, steps.MINT, response_model=CouponTxAnswer)
def mint(application_id: RecordPath, gateway: GatewayDep, db: DbSession, actor: ActorDep) -> dict:
    minted = service.mint(gateway, db, actor=actor, application_id=application_id)
    return _tx(minted, coupon=coupons.number_of(gateway, minted))


@step_route(parcels, steps.CCER, response_model=TxAnswer)
def ccer(listing: CcerListing, gateway: GatewayDep, db: DbSession, actor: ActorDep) -> dict:
    """The EEB's list of parcels filed or planned for CCER (§2)."""
    return _tx(parcel_service.set_ccer_listed(gateway, db, actor=actor, listing=listing))


@step_route(parcels, steps.HARVEST_PLAN, response_model=TxAnswer)
def harvest_plan(plan: HarvestPlan, gateway: GatewayDep, db: DbSession, actor: ActorDep) -> dict:
    """A forest parcel's planned harvest (§9)."""
    return _tx(parcel_service.record_harvest_plan(gateway, db, actor=actor, plan=plan))


@parcels.post("/boundaries", response_model=list[BoundaryRead])
async def read_boundaries(file: UploadFile, user: CurrentUser, gateway: GatewayDep) -> list[dict]:
    """Reads a boundary file for a form: GeoJSON (EPSG:4490 or WGS 84), or a .zip of a shapefile with its .prj
    (a CGCS2000 Gauss–Krüger projection, as tenure and survey offices hand out). Each feature's parcel number
    (an attribute 宗地号, ZDH, ZDDM or number), its boundary as the registry keeps it, and its area on the
    ellipsoid in 亩 and hectares. Nothing is stored: the form then sends each boundary with its parcel."""
    content = await file.read(gateway.settings.max_request_bytes + 1)
    return await run_in_threadpool(boundaries.read_upload, gateway, file.filename or "", content)


@parcels.get("/ccer", dependencies=[require_reader(*steps.DEPARTMENTS)], response_model=list[CcerListingPublic])
def ccer_list(gateway: GatewayDep, db: DbSession) -> list[dict]:
    """The parcels on the CCER list now (§2)."""
    return parcel_service.ccer_list(gateway, db)


@parcels.get("/harvest-plans", dependencies=[require_reader(*steps.DEPARTMENTS)],
             response_model=list[HarvestPlanPublic])
def harvest_plans(gateway: GatewayDep, db: DbSession) -> list[dict]:
    """Every recorded harvest plan (§9)."""
    return parcel_service.harvest_plans(gateway, db)


@parcels.get("/{parcel_number}", dependencies=[require_reader(*steps.DEPARTMENTS)], response_model=ParcelPublic)
def parcel(parcel_number: str, gateway: GatewayDep) -> dict:
    """One parcel as the chain holds it: on the CCER list or not, and its harvest plans; the number is
    compared normalised (full-width characters, spaces and dashes)."""
    return parcel_service.parcel(gateway, parcel_number)


