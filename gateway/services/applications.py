"""Registration applications, 附件1 一: what each review step sends and what each queue shows."""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import partial

from eth_utils import keccak
from sqlalchemy import select
from sqlalchemy.orm import Session

from chain import ApplicationStatus, CouponWritten, Receipt, Submitted
from chain.index import ApplicationRow

from ..db import ApplicationRecord, Document, DocumentUpload, User
from ..errors import Invalid, NotFound
from ..runtime import Actor, Gateway
from ..schemas import (
    ApplicationCreate, ApplicationDocuments, Attestation, CcerListing, Decision, Filing, FormalReview, HarvestPlan,
)
from .. import steps, units
from ..units import china_date, day_start, to_kg, tonnes_text
from ..workdays import UnknownCalendarYear

# DESIGN §5: working days each department has for the step an application waits on.
STEP_LIMITS = {
    ApplicationStatus.SUBMITTED: (steps.FORMAL_REVIEW, 2),
    ApplicationStatus.FORMAL_OK: (steps.PRELIMINARY_REVIEW, 7),
    ApplicationStatus.PRELIM_OK: (steps.VALIDATE, 7),
    ApplicationStatus.VALIDATED: (steps.FILE, 7),
    ApplicationStatus.FILED: (steps.MINT, 7),
}
REQUIRED_DOCUMENTS = {
    "application_form": "登记申请表 (附件2)",
    "licence": "身份证明或营业执照、统一社会信用代码证书",
    "report": "第三方机构监测核算报告",
    "agreement": "合作开发协议",
}


def parcel_id(number: str) -> bytes:
    return keccak(text=number.strip())


def documents_hash(documents: ApplicationDocuments) -> bytes:
    """One hash over the document manifest: what the chain records of the files."""
    manifest = "\n".join(f"{k}={v}" for k, v in sorted(documents.model_dump().items()))
    return hashlib.sha256(manifest.encode()).digest()


def _check_documents(db: Session, documents: ApplicationDocuments, applicant: User) -> None:
    """Every document cited is one the applicant uploaded: no one cites another's files."""
    for sha in [documents.application_form, documents.licence, documents.report, documents.agreement, *documents.others]:
        if sha is not None and db.get(DocumentUpload, (sha, applicant.id)) is None:
            raise Invalid("DOCUMENT_NOT_FOUND", f"upload document {sha} first", detail={"sha256": sha})


def missing_documents(documents: ApplicationDocuments) -> list[str]:
    return [label for field, label in REQUIRED_DOCUMENTS.items() if getattr(documents, field) is None]


def _on_application(gw: Gateway, actor: Actor, audited_as: str, application_id: int, step,
                    request: dict | None = None, **arguments):
    """Send one registry step on an application; audited as `audited_as` with its id and the arguments
    (or `request`, what the caller asked in full)."""
    return gw.writes.send(actor, audited_as, request or {"application": application_id, **arguments},
                          partial(step, application=application_id, **arguments))


def submit(gw: Gateway, db: Session, *, actor: Actor, form: ApplicationCreate) -> Submitted:
    if form.monitoring_period.end <= form.monitoring_period.start:
        raise Invalid("EMPTY_PERIOD", "the monitoring period must end after it starts", detail={"field": "monitoring_period"})
    if form.monitoring_period.end >= units.today():  # its last day is part of it
        raise Invalid("PERIOD_NOT_ENDED", "a monitoring period can be claimed only once it has ended",
                      detail={"field": "monitoring_period.end"})
    if form.documents.report is None:
        raise Invalid("REPORT_REQUIRED", "the third-party monitoring report is required", detail={"field": "documents.report"})
    _check_documents(db, form.documents, actor.user)
    submitted = gw.writes.send(actor, "application.submit", form.model_dump(mode="json"), partial(
        gw.registry.submit, parcels=[parcel_id(p.number) for p in form.parcels],
        period_start=day_start(form.monitoring_period.start), period_end=day_start(form.monitoring_period.end),
        claimed_kg=to_kg(form.claimed_t), documents_hash=documents_hash(form.documents),
        report_hash=bytes.fromhex(form.documents.report),
    ))
    db.add(
        ApplicationRecord(
            application_id=submitted.application, project_name=form.project_name,
            parcels=[p.model_dump(mode="json") for p in form.parcels], methodology=form.methodology,
            documents=form.documents.model_dump(), submitted_by=actor.user.id, tx_hash=submitted.tx_hash,
        )
    )
    db.commit()
    return submitted


def resubmit(gw: Gateway, db: Session, *, actor: Actor, application_id: int, documents: ApplicationDocuments) -> Receipt:
    record = _record(db, application_id)
    if documents.report is None:
        raise Invalid("REPORT_REQUIRED", "the third-party monitoring report is required", detail={"field": "documents.report"})
    _check_documents(db, documents, actor.user)
    receipt = _on_application(
        gw, actor, "application.resubmit", application_id, gw.registry.resubmit,
        {"application": application_id, **documents.model_dump()},
        documents_hash=documents_hash(documents), report_hash=bytes.fromhex(documents.report),
    )
    record.documents = documents.model_dump()
    db.commit()
    return receipt


def formal_review(gw: Gateway, *, actor: Actor, application_id: int, review: FormalReview) -> Receipt:
    request = {"application": application_id, **review.model_dump()}
    if review.decision == "pass":
        return _on_application(gw, actor, "application.formal_review", application_id, gw.registry.pass_formal_review,
                               request)
    if review.decision == "supplement":
        if not review.missing_items:
            raise Invalid("NO_MISSING_ITEMS", "list every missing item at once (一次性告知)", detail={"field": "missing_items"})
        return _on_application(gw, actor, "application.supplement", application_id, gw.registry.require_supplement,
                               request, missing_items=review.missing_items)
    return reject(gw, actor=actor, application_id=application_id, reason=review.reason)


def preliminary_review(gw: Gateway, *, actor: Actor, application_id: int, decision: Decision) -> Receipt:
    if decision.decision == "pass":
        return _on_application(gw, actor, "application.preliminary_review", application_id,
                               gw.registry.pass_preliminary_review)
    return reject(gw, actor=actor, application_id=application_id, reason=decision.reason)


def field_survey(gw: Gateway, *, actor: Actor, application_id: int, pause: bool) -> Receipt:
    if pause:
        return _on_application(gw, actor, "application.pause_field_survey", application_id, gw.registry.pause_field_survey)
    return _on_application(gw, actor, "application.resume_field_survey", application_id, gw.registry.resume_field_survey)


def attest(gw: Gateway, *, actor: Actor, application_id: int, attestation: Attestation) -> Receipt:
    return _on_application(
        gw, actor, "application.attest", application_id, gw.registry.attest_report,
        {"application": application_id, **attestation.model_dump(mode="json")},
        report_hash=bytes.fromhex(attestation.report), attested_kg=to_kg(attestation.attested_t),
    )


def validate(gw: Gateway, *, actor: Actor, application_id: int, decision: Decision) -> Receipt:
    if decision.decision == "pass":
        return _on_application(gw, actor, "application.validate", application_id, gw.registry.sign_validation)
    return reject(gw, actor=actor, application_id=application_id, reason=decision.reason)


def file(gw: Gateway, *, actor: Actor, application_id: int, filing: Filing) -> Receipt:
    if filing.decision == "reject":
        return reject(gw, actor=actor, application_id=application_id, reason=filing.reason)
    if not filing.filing_number:
        raise Invalid("EMPTY_FILING_NUMBER", "give the filing number (备案文号)", detail={"field": "filing_number"})
    return _on_application(gw, actor, "application.file", application_id, gw.registry.file,
                           {"application": application_id, **filing.model_dump()}, filing_number=filing.filing_number)


def reject(gw: Gateway, *, actor: Actor, application_id: int, reason: str | None) -> Receipt:
    if not reason:
        raise Invalid("EMPTY_REASON", "a rejection must give its reason", detail={"field": "reason"})
    return _on_application(gw, actor, "application.reject", application_id, gw.registry.reject, reason=reason)


def mint(gw: Gateway, *, actor: Actor, application_id: int) -> CouponWritten:
    return _on_application(gw, actor, "application.mint", application_id, gw.registry.mint)


def detail(gw: Gateway, db: Session, application_id: int) -> dict:
    record = _record(db, application_id)
    application = _indexed(gw, application_id)
    return {
        "id": application_id,
        "status": application.status,
        "project_name": record.project_name,
        "parcels": record.parcels,
        "methodology": record.methodology,
        "documents": record.documents,
        "missing_documents": missing_documents(ApplicationDocuments(**record.documents)),
        "claimed_t": tonnes_text(application.claimed_kg),
        "attested_t": tonnes_text(application.attested_kg) if application.attested_kg else None,
        "monitoring_period": [application.period_start, application.period_end],
        "validation": {"NRB": application.nrb_signed, "FORESTRY": application.forestry_signed},
        "field_survey_paused": application.survey_paused,
        "filing_number": application.filing_number,
        "history": gw.index.application_history(application_id),
    }


def applicant_of(gw: Gateway, application_id: int) -> str:
    """The applicant's address: holders see their own applications only."""
    return _indexed(gw, application_id).applicant


def queue(gw: Gateway, db: Session, *, role: str, today: dt.date | None = None) -> list[dict]:
    """What awaits a department, with due dates in working days, overdue first."""
    today = today or units.today()
    waiting = gw.index.applications(statuses=[status.name for status in STEP_LIMITS])
    records = {r.application_id: r for r in db.scalars(
        select(ApplicationRecord).where(ApplicationRecord.application_id.in_([a.id for a in waiting]))
    )}
    surveys = gw.index.survey_pauses([a.id for a in waiting if a.id in records])
    items = []
    for application in waiting:
        record = records.get(application.id)
        if record is None:  # submitted to the contract directly, not through the gateway
            continue
        status = ApplicationStatus[application.status]
        step, limit = STEP_LIMITS[status]
        waiting_on = {step.roles[0]}
        if status == ApplicationStatus.PRELIM_OK:
            waiting_on = {r for r, signed in (("NRB", application.nrb_signed), ("FORESTRY", application.forestry_signed)) if not signed}
        if status in (ApplicationStatus.FORMAL_OK, ApplicationStatus.PRELIM_OK):
            waiting_on |= {"VERIFIER"} if application.attested_kg == 0 else set()
        if role not in waiting_on and role != "DRC":
            continue
        since = china_date(application.updated_at)
        try:
            paused = _paused_workdays(gw, surveys.get(application.id, []), application.survey_paused, today)
            due, unknown_year = gw.calendar.add_workdays(since, limit + paused), None
        except UnknownCalendarYear as exc:  # said, not guessed (DESIGN §5)
            due, unknown_year = None, exc.year
        items.append({
            "application": application.id, "project_name": record.project_name, "step": step.id,
            "department": role if role in waiting_on else sorted(waiting_on)[0],
            "status": application.status, "since": since.isoformat(), "due": due.isoformat() if due else None,
            "overdue": bool(due and due < today), "calendar_year_unknown": unknown_year,
            "field_survey_paused": application.survey_paused,
        })
    return sorted(items, key=lambda item: (not item["overdue"], item["due"]))


def _paused_workdays(gw: Gateway, surveys: list[tuple[str, int]], paused_now: bool, today: dt.date) -> int:
    """Working days spent in field surveys: the preliminary-review clock stops for them (附件1 一(二))."""
    total, started = 0, None
    for event, timestamp in surveys:
        day = china_date(timestamp)
        if event == "FieldSurveyPaused":
            started = day
        elif started is not None:
            total += gw.calendar.workdays_between(started, day)
            started = None
    if started is not None and paused_now:
        total += gw.calendar.workdays_between(started, today)
    return total


def _record(db: Session, application_id: int) -> ApplicationRecord:
    record = db.get(ApplicationRecord, application_id)
    if record is None:
        raise NotFound("APPLICATION_NOT_FOUND", f"no application {application_id}")
    return record


def _indexed(gw: Gateway, application_id: int) -> ApplicationRow:
    application = gw.index.application(application_id)
    if application is None:
        raise NotFound("APPLICATION_NOT_FOUND", f"no application {application_id}")
    return application


def set_ccer_listed(gw: Gateway, *, actor: Actor, listing: CcerListing) -> Receipt:
    """The EEB's list of parcels filed or planned for CCER (§2): a listed parcel cannot be issued."""
    return gw.writes.send(actor, "parcel.ccer", listing.model_dump(), partial(
        gw.registry.set_ccer_listed, parcel=parcel_id(listing.parcel_number), listed=listing.listed))


def record_harvest_plan(gw: Gateway, *, actor: Actor, plan: HarvestPlan) -> Receipt:
    """A forest parcel's planned harvest (§9): only tending thinning keeps it eligible in that period."""
    if plan.end <= plan.start:
        raise Invalid("EMPTY_PERIOD", "the harvest must end after it starts", detail={"field": "end"})
    return gw.writes.send(actor, "parcel.harvest_plan", plan.model_dump(mode="json"), partial(
        gw.registry.record_harvest_plan, parcel=parcel_id(plan.parcel_number), start=day_start(plan.start),
        end=day_start(plan.end), tending=plan.tending))
