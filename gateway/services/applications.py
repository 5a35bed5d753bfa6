"""Registration applications, 附件1 一: what each review step sends and what each queue shows."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from zoneinfo import ZoneInfo

from eth_utils import keccak
from sqlalchemy import select
from sqlalchemy.orm import Session

from chain import ApplicationStatus, Receipt, Role
from chain.index import StepRow

from ..db import ApplicationRecord, Document
from ..errors import Invalid, NotFound
from ..runtime import Actor, Gateway
from ..workdays import UnknownCalendarYear
from ..schemas import ApplicationCreate, ApplicationDocuments, Attestation, Decision, Filing, FormalReview, to_kg

CST = ZoneInfo("Asia/Shanghai")

# DESIGN §5: working days each department has for the step an application waits on.
STEP_LIMITS = {
    ApplicationStatus.SUBMITTED: (Role.CENTER, "形式审查 formal review", 2),
    ApplicationStatus.FORMAL_OK: (Role.CENTER, "初审 preliminary review", 7),
    ApplicationStatus.PRELIM_OK: (Role.NRB, "审定 validation", 7),
    ApplicationStatus.VALIDATED: (Role.EEB, "备案签发 filing", 7),
    ApplicationStatus.FILED: (Role.GOV, "制发 mint", 7),
}
REQUIRED_DOCUMENTS = {
    "application_form": "登记申请表 (附件2)",
    "licence": "身份证明或营业执照、统一社会信用代码证书",
    "report": "第三方机构监测核算报告",
    "agreement": "合作开发协议",
}


def parcel_id(number: str) -> bytes:
    return keccak(text=number.strip())


def day_start(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(), CST).timestamp())


def documents_hash(documents: ApplicationDocuments) -> bytes:
    """One hash over the document manifest: what the chain records of the files."""
    manifest = "\n".join(f"{k}={v}" for k, v in sorted(documents.model_dump().items()))
    return hashlib.sha256(manifest.encode()).digest()


def _check_documents(db: Session, documents: ApplicationDocuments) -> None:
    for sha in [documents.application_form, documents.licence, documents.report, documents.agreement, *documents.others]:
        if sha is not None and db.get(Document, sha) is None:
            raise Invalid("DOCUMENT_NOT_FOUND", f"upload document {sha} first", detail={"sha256": sha})


def missing_documents(documents: ApplicationDocuments) -> list[str]:
    return [label for field, label in REQUIRED_DOCUMENTS.items() if getattr(documents, field) is None]


def submit(gw: Gateway, db: Session, *, actor: Actor, form: ApplicationCreate) -> tuple[int, Receipt]:
    if form.monitoring_period.end <= form.monitoring_period.start:
        raise Invalid("EMPTY_PERIOD", "the monitoring period must end after it starts", detail={"field": "monitoring_period"})
    if form.documents.report is None:
        raise Invalid("REPORT_REQUIRED", "the third-party monitoring report is required", detail={"field": "documents.report"})
    _check_documents(db, form.documents)
    receipt = gw.transact(
        actor, "application.submit", form.model_dump(mode="json"), "submit",
        [parcel_id(p.number) for p in form.parcels],
        day_start(form.monitoring_period.start), day_start(form.monitoring_period.end),
        to_kg(form.claimed_t), documents_hash(form.documents), bytes.fromhex(form.documents.report),
    )
    application_id = receipt.event("ApplicationSubmitted").args["application"]
    db.add(
        ApplicationRecord(
            application_id=application_id, project_name=form.project_name,
            parcels=[p.model_dump(mode="json") for p in form.parcels], methodology=form.methodology,
            documents=form.documents.model_dump(), submitted_by=actor.user.id, tx_hash=receipt.tx_hash,
        )
    )
    db.commit()
    return application_id, receipt


def resubmit(gw: Gateway, db: Session, *, actor: Actor, application_id: int, documents: ApplicationDocuments) -> Receipt:
    record = _record(db, application_id)
    if documents.report is None:
        raise Invalid("REPORT_REQUIRED", "the third-party monitoring report is required", detail={"field": "documents.report"})
    _check_documents(db, documents)
    receipt = gw.transact(
        actor, "application.resubmit", {"application": application_id, **documents.model_dump()}, "resubmit",
        application_id, documents_hash(documents), bytes.fromhex(documents.report),
    )
    record.documents = documents.model_dump()
    db.commit()
    return receipt


def formal_review(gw: Gateway, *, actor: Actor, application_id: int, review: FormalReview) -> Receipt:
    request = {"application": application_id, **review.model_dump()}
    if review.decision == "pass":
        return gw.transact(actor, "application.formal_review", request, "pass_formal_review", application_id)
    if review.decision == "supplement":
        if not review.missing_items:
            raise Invalid("NO_MISSING_ITEMS", "list every missing item at once (一次性告知)", detail={"field": "missing_items"})
        return gw.transact(actor, "application.supplement", request, "require_supplement", application_id, review.missing_items)
    return reject(gw, actor=actor, application_id=application_id, reason=review.reason)


def preliminary_review(gw: Gateway, *, actor: Actor, application_id: int, decision: Decision) -> Receipt:
    if decision.decision == "pass":
        return gw.transact(
            actor, "application.preliminary_review", {"application": application_id}, "pass_preliminary_review", application_id
        )
    return reject(gw, actor=actor, application_id=application_id, reason=decision.reason)


def field_survey(gw: Gateway, *, actor: Actor, application_id: int, pause: bool) -> Receipt:
    function = "pause_field_survey" if pause else "resume_field_survey"
    return gw.transact(actor, f"application.{function}", {"application": application_id}, function, application_id)


def attest(gw: Gateway, *, actor: Actor, application_id: int, attestation: Attestation) -> Receipt:
    return gw.transact(
        actor, "application.attest", {"application": application_id, **attestation.model_dump(mode="json")},
        "attest_report", application_id, bytes.fromhex(attestation.report), to_kg(attestation.attested_t),
    )


def validate(gw: Gateway, *, actor: Actor, application_id: int, decision: Decision) -> Receipt:
    if decision.decision == "pass":
        return gw.transact(actor, "application.validate", {"application": application_id}, "sign_validation", application_id)
    return reject(gw, actor=actor, application_id=application_id, reason=decision.reason)


def file(gw: Gateway, *, actor: Actor, application_id: int, filing: Filing) -> Receipt:
    if filing.decision == "reject":
        return reject(gw, actor=actor, application_id=application_id, reason=filing.reason)
    if not filing.filing_number:
        raise Invalid("EMPTY_FILING_NUMBER", "give the filing number (备案文号)", detail={"field": "filing_number"})
    return gw.transact(
        actor, "application.file", {"application": application_id, **filing.model_dump()}, "file",
        application_id, filing.filing_number,
    )


def reject(gw: Gateway, *, actor: Actor, application_id: int, reason: str | None) -> Receipt:
    if not reason:
        raise Invalid("EMPTY_REASON", "a rejection must give its reason", detail={"field": "reason"})
    return gw.transact(actor, "application.reject", {"application": application_id, "reason": reason}, "reject", application_id, reason)


def mint(gw: Gateway, *, actor: Actor, application_id: int) -> Receipt:
    return gw.transact(actor, "application.mint", {"application": application_id}, "mint", application_id)


def detail(gw: Gateway, db: Session, application_id: int) -> dict:
    record = _record(db, application_id)
    application = gw.registry.application(application_id)
    with Session(gw.index.engine) as index_db:
        steps = index_db.scalars(
            select(StepRow).where(StepRow.application_id == application_id).order_by(StepRow.block_number, StepRow.log_index)
        ).all()
    return {
        "id": application_id,
        "status": application.status.name,
        "project_name": record.project_name,
        "parcels": record.parcels,
        "methodology": record.methodology,
        "documents": record.documents,
        "missing_documents": missing_documents(ApplicationDocuments(**record.documents)),
        "claimed_t": str(_tonnes(application.claimed_kg)),
        "attested_t": str(_tonnes(application.attested_kg)) if application.attested_kg else None,
        "monitoring_period": [application.period_start, application.period_end],
        "validation": {"NRB": application.nrb_signed, "FORESTRY": application.forestry_signed},
        "field_survey_paused": application.survey_paused,
        "filing_number": gw.registry.call("filing_numbers", application_id) or None,
        "history": [
            {"event": s.event, "tx_hash": s.tx_hash, "block": s.block_number, "timestamp": s.timestamp,
             "department": s.signer_role, "details": s.details}
            for s in steps
        ],
    }


def queue(gw: Gateway, db: Session, *, role: str, today: dt.date | None = None) -> list[dict]:
    """What awaits a department, with due dates in working days, overdue first."""
    today = today or dt.datetime.now(CST).date()
    items = []
    for record in db.scalars(select(ApplicationRecord)).all():
        application = gw.registry.application(record.application_id)
        step = STEP_LIMITS.get(application.status)
        if step is None:
            continue
        department, title, limit = step
        waiting_on = {department.value}
        if application.status == ApplicationStatus.PRELIM_OK:
            waiting_on = {r for r, signed in (("NRB", application.nrb_signed), ("FORESTRY", application.forestry_signed)) if not signed}
        if application.status in (ApplicationStatus.FORMAL_OK, ApplicationStatus.PRELIM_OK):
            waiting_on |= {"VERIFIER"} if application.attested_kg == 0 else set()
        if role not in waiting_on and role != "DRC":
            continue
        since = dt.datetime.fromtimestamp(application.updated_at, CST).date()
        try:
            paused = _paused_workdays(gw, record.application_id, application.survey_paused, today)
            due, unknown_year = gw.calendar.add_workdays(since, limit + paused), None
        except UnknownCalendarYear as exc:  # said, not guessed (DESIGN §5)
            due, unknown_year = None, exc.year
        items.append({
            "application": record.application_id, "project_name": record.project_name, "step": title,
            "department": role if role in waiting_on else sorted(waiting_on)[0],
            "status": application.status.name, "since": since.isoformat(), "due": due.isoformat() if due else None,
            "overdue": bool(due and due < today), "calendar_year_unknown": unknown_year,
            "field_survey_paused": application.survey_paused,
        })
    return sorted(items, key=lambda item: (not item["overdue"], item["due"]))


def _paused_workdays(gw: Gateway, application_id: int, paused_now: bool, today: dt.date) -> int:
    """Working days spent in field surveys: the preliminary-review clock stops for them (附件1 一(二))."""
    with Session(gw.index.engine) as index_db:
        steps = index_db.scalars(
            select(StepRow).where(
                StepRow.application_id == application_id,
                StepRow.event.in_(["FieldSurveyPaused", "FieldSurveyResumed"]),
            ).order_by(StepRow.block_number, StepRow.log_index)
        ).all()
    total, started = 0, None
    for step in steps:
        day = dt.datetime.fromtimestamp(step.timestamp, CST).date()
        if step.event == "FieldSurveyPaused":
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


def _tonnes(kg: int) -> Decimal:
    return Decimal(kg) / 1000
