"""Registration applications, 附件1 一: what each review step sends and what each queue shows."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from chain import CouponWritten, Receipt, Submitted
from chain.index import ApplicationRow

from ..core.db import ApplicationRecord, User
from ..core.errors import Conflict, Forbidden, Invalid, NotFound
from ..core.identity import COLLECTIVE
from ..runtime.wiring import Actor, Gateway
from ..core.schemas import (
    ApplicationCreate,
    ApplicationDocuments,
    Attestation,
    Decision,
    EebReview,
    Filing,
    FormalReview,
    PublicVersions,
    ValidationOpinion,
)
from ..catalogue import lifecycles, steps
from ..catalogue.units import day_start, period_end_on_chain, period_last_day, to_kg, tonnes_text
from . import boundaries, geometry, time_limits, timeline, users
from .boundaries import parcel_id
from .documents import make_public, require_uploaded

# The step an application waits on in each status, with its time limit (DESIGN §5).
WAITING = lifecycles.APPLICATION.timed()
# What a clock needs beside the status change that started it: the attestation and the field surveys.
CLOCK_EVENTS = ("ReportAttested", "FieldSurveyPaused", "FieldSurveyResumed")
OTHERS_LIMIT = 10  # other documents an application cites, as schemas.ApplicationDocuments.others allows
REQUIRED_DOCUMENTS = {
    "application_form": "登记申请表 (附件2)",
    "licence": "身份证明或营业执照、统一社会信用代码证书",
    "report": "第三方机构监测核算报告",
    "agreement": "合作开发协议",
}


def documents_hash(documents: ApplicationDocuments, entrustment: str | None = None) -> bytes:
    """One hash over the document manifest: what the chain records of the files. An agent's application
    adds its entrustment (委托书, §8), so the chain holds that too."""
    manifest = "\n".join(f"{k}={v}" for k, v in sorted(documents.model_dump().items()))
    if entrustment is not None:
        manifest += f"\nentrustment={entrustment}"
    return hashlib.sha256(manifest.encode()).digest()


def _check_documents(db: Session, documents: ApplicationDocuments, applicant: User) -> None:
    """Every document cited is one the applicant uploaded: no one cites another's files."""
    for sha in [documents.application_form, documents.licence, documents.report, documents.agreement, *documents.others]:
        require_uploaded(db, sha, by=applicant, sha256=sha)


def missing_documents(documents: ApplicationDocuments) -> list[str]:
    return [label for field, label in REQUIRED_DOCUMENTS.items() if getattr(documents, field) is None]


def _on_application(gw: Gateway, actor: Actor, audited_as: str, application_id: int, step,
                    request: dict | None = None, **arguments):
    """Send one registry step on an application; audited as `audited_as` with its id and the arguments
    (or `request`, what the caller asked in full)."""
    return gw.writes.send(actor, audited_as, request or {"application": application_id, **arguments},
                          partial(step, application=application_id, **arguments))


@dataclass(frozen=True)
class Parties:
    """Who applies (§8): the right-holder (权利人), applicant on chain and the coupon's first owner; the
    qualified third party applying on its behalf, if any; the collective named as co-applicant, if any."""

    holder: User
    agent: User | None = None
    co_applicant: User | None = None

    @property
    def to_confirm(self) -> bool:
        """An agent's application, or one naming a co-applicant, waits for their confirmations (DESIGN §11)."""
        return self.agent is not None or self.co_applicant is not None


def _account(db: Session, username: str, field: str, code: str) -> User:
    account = users.holder_named(db, username)
    if account is None or account.disabled_at is not None:
        raise Invalid(code, f"no account {username!r} to name here", detail={"field": field})
    return account


def _verified(account: User, field: str) -> None:
    """Only an account the centre verified in person applies (附件1 三(一)), alone or jointly."""
    if account.verified_at is None:
        raise Forbidden("ACCOUNT_UNVERIFIED", f"the centre has not verified {account.username!r} in person "
                        "(附件1 三(一))", detail={"field": field})


def parties_of(db: Session, *, actor: User, form: ApplicationCreate) -> Parties:
    """The parties an application names, checked (§8) before anything is sent."""
    holder, agent = actor, None
    if form.right_holder is not None and form.right_holder != actor.username:
        holder, agent = _account(db, form.right_holder, "right_holder", "RIGHT_HOLDER_NOT_FOUND"), actor
        _verified(holder, "right_holder")
        if users.qualification_of(db, actor) is None:
            raise Invalid("AGENT_NOT_QUALIFIED", "a third party applies for a right-holder once the centre has "
                          "verified it and recorded its qualification (有资质的第三方, §8)",
                          detail={"field": "right_holder"})
        if form.entrustment_document is None:
            raise Invalid("AGENT_ENTRUSTMENT_REQUIRED", "upload the right-holder's entrustment (委托书) first",
                          detail={"field": "entrustment_document"})
    elif form.entrustment_document is not None:
        raise Invalid("NO_RIGHT_HOLDER", "an entrustment is given only when applying for a right-holder",
                      detail={"field": "right_holder"})
    co_applicant = None
    if form.co_applicant is not None:
        co_applicant = _account(db, form.co_applicant, "co_applicant", "CO_APPLICANT_NOT_FOUND")
        if co_applicant.account_type != COLLECTIVE:
            raise Invalid("CO_APPLICANT_NOT_COLLECTIVE", "a co-applicant is a collective economic organisation "
                          "(集体经济组织, §8)", detail={"field": "co_applicant"})
        if co_applicant.id in (holder.id, actor.id):
            raise Invalid("CO_APPLICANT_IS_APPLICANT", "the co-applicant is another party than the applicant",
                          detail={"field": "co_applicant"})
        _verified(co_applicant, "co_applicant")
    return Parties(holder, agent, co_applicant)


def _as_right_holder(gw: Gateway, actor: Actor, holder: User) -> Actor:
    """The agent acts, and is audited as itself, but signs with the right-holder's custodial key: on chain
    the right-holder is the applicant, so the coupon is minted to it and only it acts as owner (§8)."""
    if holder.id == actor.user.id:
        return actor
    return Actor(user=actor.user, signer_of=lambda _agent: users.signer(gw, holder))


def admissible(gw: Gateway, db: Session, *, preparer: User, form: ApplicationCreate) -> Parties:
    """Everything an application must be before it is sent or waits for its parties: an ended period, the
    report, the parties named (§8) and the documents, each one the preparer's upload."""
    if form.monitoring_period.end <= form.monitoring_period.start:
        raise Invalid("EMPTY_PERIOD", "the monitoring period must end after it starts", detail={"field": "monitoring_period"})
    if form.monitoring_period.end >= gw.clock.today():  # its last day is part of it
        raise Invalid("PERIOD_NOT_ENDED", "a monitoring period can be claimed only once it has ended",
                      detail={"field": "monitoring_period.end"})
    if form.documents.report is None:
        raise Invalid("REPORT_REQUIRED", "the third-party monitoring report is required", detail={"field": "documents.report"})
    parties = parties_of(db, actor=preparer, form=form)
    _check_documents(db, form.documents, preparer)
    entrustment = form.entrustment_document
    require_uploaded(db, entrustment, by=preparer, sha256=entrustment, field="entrustment_document")
    for position, parcel in enumerate(form.parcels):  # 权属清晰 (§2): each parcel's certificate, with its scan
        for field, given in (("tenure", parcel.tenure), ("tenure.document", parcel.tenure and parcel.tenure.document)):
            if given is None:
                raise Invalid("TENURE_REQUIRED", f"parcel {parcel.number}: give its tenure certificate (林权证, "
                              "不动产权证 or 土地承包经营权证) and its scan (权属清晰, §2)",
                              detail={"field": f"parcels.{position}.{field}", "parcel": parcel.number})
        require_uploaded(db, parcel.tenure.document, by=preparer, sha256=parcel.tenure.document,
                         field=f"parcels.{position}.tenure.document")
    _check_boundaries(gw, db, form)
    return parties


def _check_boundaries(gw: Gateway, db: Session, form: ApplicationCreate) -> None:
    """Every parcel's boundary read, checked and normalised in place (services/geometry.py), then none may
    overlap land already registered for an overlapping period or on the CCER list, nor be shown with a tenure
    certificate that backs another live application's land for such a period (§7, §2)."""
    settings = gw.settings
    for position, parcel in enumerate(form.parcels):
        field = f"parcels.{position}.boundary"
        if parcel.boundary is None:
            raise Invalid("BOUNDARY_REQUIRED", f"parcel {parcel.number}: give its boundary (GeoJSON, or upload a "
                          "zipped shapefile)", detail={"field": field, "parcel": parcel.number})
        parcel.boundary = geometry.check(
            parcel.number, parcel.boundary, extent=settings.district_extent, declared_mu=parcel.area_mu,
            tolerance=settings.parcel_area_tolerance, field=field).as_geojson()
    period = (form.monitoring_period.start, form.monitoring_period.end)
    boundaries.refuse_overlaps(gw, db, [p.model_dump(mode="json") for p in form.parcels], period=period)


def recheck_boundaries(gw: Gateway, db: Session, application_id: int) -> None:
    """At filing and minting: the application's parcels still overlap no earlier application's nor the CCER
    list's (which may have grown since it was submitted), nor share an earlier one's tenure certificate."""
    for row in boundaries.of_application(db, application_id):
        boundaries.refuse_overlaps(gw, db, [boundaries.as_parcel(row)], period=(row.period_start, row.period_end),
                                   before=application_id)


def send(gw: Gateway, db: Session, *, actor: Actor, form: ApplicationCreate, parties: Parties,
         preparer: User) -> Submitted:
    """登记申请 on chain, signed with the right-holder's key, and its 附件2 record; the caller commits."""
    signing = _as_right_holder(gw, actor, parties.holder)
    parcels = [p.model_dump(mode="json") for p in form.parcels]
    submitted = gw.writes.send(signing, "application.submit", form.model_dump(mode="json"), partial(
        gw.registry.submit, parcels=[parcel_id(p.number) for p in form.parcels],
        period_start=day_start(form.monitoring_period.start),
        period_end=period_end_on_chain(form.monitoring_period.end),
        claimed_kg=to_kg(form.claimed_t), documents_hash=documents_hash(form.documents, form.entrustment_document),
        report_hash=bytes.fromhex(form.documents.report), boundaries_hash=geometry.boundaries_hash(parcels),
    ))
    period = (form.monitoring_period.start, form.monitoring_period.end)
    for parcel in parcels:
        boundaries.keep(db, source=boundaries.APPLICATION, number=parcel["number"], boundary=parcel["boundary"],
                        application_id=submitted.application, period=period, tenure=parcel.get("tenure"))
    db.add(
        ApplicationRecord(
            application_id=submitted.application, project_name=form.project_name,
            parcels=parcels, methodology=form.methodology,
            documents=form.documents.model_dump(), submitted_by=preparer.id, tx_hash=submitted.tx_hash,
            holder_id=parties.holder.id, agent_id=parties.agent.id if parties.agent else None,
            entrustment_document=form.entrustment_document,
            co_applicant_id=parties.co_applicant.id if parties.co_applicant else None,
        )
    )
    return submitted


def resubmit(gw: Gateway, db: Session, *, actor: Actor, application_id: int, documents: ApplicationDocuments) -> Receipt:
    """补正 (附件1 一(二)): the right-holder, or the agent that applied for it, sends the supplemented documents;
    either way the right-holder's key signs, as the contract admits only the applicant."""
    record = _record(db, application_id)
    if not documents.model_dump(exclude_none=True, exclude_defaults=True):
        raise Invalid("NOTHING_SUPPLEMENTED", "upload what the centre asked for", detail={"field": "documents"})
    _check_documents(db, documents, actor.user)
    documents = supplemented(ApplicationDocuments(**record.documents), documents)
    signing = actor
    if record.agent_id is not None and actor.user.id == record.agent_id:
        signing = _as_right_holder(gw, actor, db.get(User, record.holder_id))
    receipt = _on_application(
        gw, signing, "application.resubmit", application_id, gw.registry.resubmit,
        {"application": application_id, **documents.model_dump()},
        documents_hash=documents_hash(documents, record.entrustment_document),
        report_hash=bytes.fromhex(documents.report),
    )
    record.documents = documents.model_dump()
    db.commit()
    return receipt


def publish(gw: Gateway, db: Session, *, actor: Actor, application_id: int, versions: PublicVersions) -> dict:
    """The public versions of the monitoring report and the verifier's statement, for the project page (§7):
    the right-holder or its agent gives them once the application is filed, confirming they hold no personal
    data; they become public documents."""
    record = _record(db, application_id)
    if actor.user.id not in (record.holder_id, record.agent_id):
        raise NotFound("APPLICATION_NOT_FOUND", f"no application {application_id}")
    status = _indexed(gw, application_id).status
    if not lifecycles.APPLICATION.admitted(status, steps.PUBLISH):
        raise Conflict("APPLICATION_WRONG_STATUS", f"the public versions are given once filed, not when {status}",
                       detail={"status": status})
    if not versions.personal_data_removed:
        raise Invalid("PERSONAL_DATA_NOT_REMOVED", "confirm that the public versions hold no personal data",
                      detail={"field": "personal_data_removed"})
    given = {"monitoring_report": versions.monitoring_report, "verification_statement": versions.verification_statement}
    for field, sha in given.items():
        require_uploaded(db, sha, by=actor.user, sha256=sha, field=field)
    record.public_documents = {k: v for k, v in given.items() if v}
    make_public(db, list(record.public_documents.values()))
    gw.audit.add(db, actor.user, "application.publish", {"application": application_id, **record.public_documents})
    db.commit()
    return {"application": application_id, **record.public_documents}


def supplemented(submitted: ApplicationDocuments, supplements: ApplicationDocuments) -> ApplicationDocuments:
    """The documents after a 补正 (an application's, or a loss report's LossDocuments): each one sent again replaces
    its earlier version, the others stay; further materials are added to the earlier ones."""
    given = supplements.model_dump(exclude_none=True, exclude={"others"})
    others = list(dict.fromkeys([*submitted.others, *supplements.others]))
    if len(others) > OTHERS_LIMIT:
        raise Invalid("TOO_MANY_DOCUMENTS", f"at most {OTHERS_LIMIT} other documents",
                      detail={"field": "documents.others"})
    return type(submitted)(**{**submitted.model_dump(), **given, "others": others})


def formal_review(gw: Gateway, *, actor: Actor, application_id: int, review: FormalReview) -> Receipt:
    """形式审查 (附件1 一(二)): pass, or name every missing item at once (一次性告知); refusal is 初审's."""
    request = {"application": application_id, **review.model_dump()}
    if review.decision == "pass":
        return _on_application(gw, actor, "application.formal_review", application_id, gw.registry.pass_formal_review,
                               request)
    if not review.missing_items:
        raise Invalid("NO_MISSING_ITEMS", "list every missing item at once (一次性告知)", detail={"field": "missing_items"})
    return _on_application(gw, actor, "application.supplement", application_id, gw.registry.require_supplement,
                           request, missing_items=review.missing_items)


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


def issue_opinion(
    gw: Gateway, db: Session, *, actor: Actor, application_id: int, opinion: ValidationOpinion
) -> Receipt:
    """审定意见 (附件1 一(三)): the centre issues its validation opinion, a document uploaded first,
    and forwards it to the EEB; the chain records the document's sha256, the gateway its number (文号)."""
    record = _record(db, application_id)
    require_uploaded(db, opinion.opinion_document, field="opinion_document")  # a department cites any document
    receipt = _on_application(gw, actor, "application.opinion", application_id, gw.registry.issue_validation_opinion,
                              {"application": application_id, **opinion.model_dump()},
                              opinion_hash=bytes.fromhex(opinion.opinion_document))
    record.opinion_number = opinion.opinion_number
    db.commit()
    return receipt


def eeb_review(gw: Gateway, *, actor: Actor, application_id: int, review: EebReview) -> Receipt:
    """审核 (附件1 一(四)): the EEB passes the file, or returns it to the centre with the reason (退回)."""
    if review.decision == "pass":
        return _on_application(gw, actor, "application.eeb_review", application_id, gw.registry.pass_eeb_review)
    return return_to_center(gw, actor=actor, application_id=application_id, reason=review.reason)


def return_to_center(gw: Gateway, *, actor: Actor, application_id: int, reason: str | None) -> Receipt:
    """退回 (附件1 一(四)): the file goes back to the centre, which issues a new opinion."""
    if not reason:
        raise Invalid("EMPTY_REASON", "a return must give its reason", detail={"field": "reason"})
    return _on_application(gw, actor, "application.return", application_id, gw.registry.return_to_center,
                           reason=reason)


def file(gw: Gateway, db: Session, *, actor: Actor, application_id: int, filing: Filing) -> Receipt:
    if filing.decision == "return":
        return return_to_center(gw, actor=actor, application_id=application_id, reason=filing.reason)
    if not filing.filing_number:
        raise Invalid("EMPTY_FILING_NUMBER", "give the filing number (备案文号)", detail={"field": "filing_number"})
    recheck_boundaries(gw, db, application_id)
    return _on_application(gw, actor, "application.file", application_id, gw.registry.file,
                           {"application": application_id, **filing.model_dump()}, filing_number=filing.filing_number)


def reject(gw: Gateway, *, actor: Actor, application_id: int, reason: str | None) -> Receipt:
    if not reason:
        raise Invalid("EMPTY_REASON", "a rejection must give its reason", detail={"field": "reason"})
    return _on_application(gw, actor, "application.reject", application_id, gw.registry.reject, reason=reason)


def mint(gw: Gateway, db: Session, *, actor: Actor, application_id: int) -> CouponWritten:
    recheck_boundaries(gw, db, application_id)
    return _on_application(gw, actor, "application.mint", application_id, gw.registry.mint)


def detail(gw: Gateway, db: Session, application_id: int) -> dict:
    record = _record(db, application_id)
    application = _indexed(gw, application_id)
    history = gw.index.application_history(application_id)
    happened = [timeline.Happened(h["event"], h["timestamp"], h["department"], h["details"], h["tx_hash"])
                for h in history]
    return {
        "id": application_id,
        "status": application.status,
        "project_name": record.project_name,
        "parcels": record.parcels,
        "methodology": record.methodology,
        **applicants(db, record),
        **outcome(gw, application.status, happened),
        "documents": record.documents,
        "missing_documents": missing_documents(ApplicationDocuments(**record.documents)),
        "claimed_t": tonnes_text(application.claimed_kg),
        "attested_t": tonnes_text(application.attested_kg) if application.attested_kg else None,
        "monitoring_period": [application.period_start, period_last_day(application.period_end)],
        "monitoring_period_end_included": True,
        "validation": {"NRB": application.nrb_signed, "FORESTRY": application.forestry_signed},
        "field_survey_paused": application.survey_paused,
        "filing_number": application.filing_number,
        **_opinion(history, record.opinion_number),
        "history": history,
    }


def applicants(db: Session, record: ApplicationRecord) -> dict:
    """Who applied (§8): the right-holder, the agent with its entrustment, the co-applicant collective."""
    return {
        "applicant": users.party(db.get(User, record.holder_id or record.submitted_by)),
        "agent": users.party(db.get(User, record.agent_id) if record.agent_id else None),
        "entrustment_document": record.entrustment_document,
        "co_applicant": users.party(db.get(User, record.co_applicant_id) if record.co_applicant_id else None),
    }


OUTCOME_EVENTS = ("SupplementRequired", "ApplicationRejected", "ApplicationIssued")


def outcome(gw: Gateway, status: str, happened: list[timeline.Happened]) -> dict:
    """What the applicant is told: the centre's whole list of missing items while it stands (一次性告知,
    附件1 一(二)), the reason of a rejection, and the coupon once issued."""
    missing, rejection, coupon = [], None, None
    for step in happened:
        if step.event == "SupplementRequired":
            missing = {"items": list(step.details["missing_items"]), "at": step.timestamp}
        elif step.event == "ApplicationRejected":
            rejection = {"reason": step.details["reason"], "department": step.department, "at": step.timestamp}
        elif step.event == "ApplicationIssued":
            coupon = gw.index.coupon_of_tx(step.tx_hash)
    supplement = missing if status == "SUPPLEMENT_REQUIRED" and missing else None
    return {"missing_items": supplement["items"] if supplement else [],
            "supplement_requested_at": supplement["at"] if supplement else None,
            "rejection": rejection if status == "REJECTED" else None, "coupon": coupon}


def party_of(db: Session, application_id: int, user: User) -> str | None:
    """How a holder account stands to an application: its right-holder, the agent that applied for it,
    its co-applicant, or none of them (None)."""
    record = _record(db, application_id)
    if user.id == (record.holder_id or record.submitted_by):
        return "applicant"
    if user.id == record.agent_id:
        return "agent"
    if user.id == record.co_applicant_id:
        return "co_applicant"
    return None


def check_party(db: Session, application_id: int, user: User) -> str | None:
    """A holder sees only the applications it is a party to; departments see every one. Another's is
    answered as a missing one is, word for word: a stranger learns nothing of which ids exist."""
    if user.role != steps.HOLDER:
        return None
    party = party_of(db, application_id, user)
    if party is None:
        raise NotFound("APPLICATION_NOT_FOUND", f"no application {application_id}")
    return party


def mine(gw: Gateway, db: Session, *, user: User) -> list[dict]:
    """"My applications": every application the account is a party to, newest first, each with its status
    as the chain has it, what the centre asks for, why it was rejected, and its coupon."""
    records = db.scalars(select(ApplicationRecord).where(
        (ApplicationRecord.holder_id == user.id) | (ApplicationRecord.agent_id == user.id)
        | (ApplicationRecord.co_applicant_id == user.id)
        | ((ApplicationRecord.holder_id.is_(None)) & (ApplicationRecord.submitted_by == user.id))
    ).order_by(ApplicationRecord.application_id.desc())).all()
    events = timeline.of_applications(gw, [r.application_id for r in records], OUTCOME_EVENTS)
    found = []
    for record in records:
        application = gw.index.application(record.application_id)
        if application is None:
            continue
        party = ("agent" if user.id == record.agent_id else "co_applicant" if user.id == record.co_applicant_id
                 else "applicant")
        found.append({
            "id": record.application_id, "status": application.status, "project_name": record.project_name,
            "methodology": record.methodology, "claimed_t": tonnes_text(application.claimed_kg),
            "monitoring_period": [application.period_start, period_last_day(application.period_end)],
            "parcels": record.parcels, "party": party, "documents": record.documents,
            "updated_at": application.updated_at, **applicants(db, record),
            **outcome(gw, application.status, events.get(record.application_id, [])),
        })
    return found


def _opinion(history: list[dict], number: str | None) -> dict:
    """The centre's validation opinion in force (its document's sha256 and its 文号, `number`), and the EEB's
    last return (退回) with its reason while the centre has not issued a new opinion since."""
    opinion, returned = None, None
    for step in history:
        if step["event"] == "ValidationOpinionIssued":
            opinion, returned = step["details"]["opinion_hash"].removeprefix("0x"), None
        elif step["event"] == "ApplicationReturned":
            opinion, returned = None, {"reason": step["details"]["reason"], "at": step["timestamp"]}
    return {"opinion_document": opinion, "opinion_number": number if opinion else None, "returned": returned}


def applicant_of(gw: Gateway, application_id: int) -> str:
    """The applicant's address: holders see their own applications only."""
    return _indexed(gw, application_id).applicant


def queue(gw: Gateway, db: Session, *, today: dt.date) -> list[lifecycles.QueueItem]:
    """What awaits the departments in applications made through the gateway, each step with its own clock in
    working days (DESIGN §5)."""
    waiting = gw.index.applications(statuses=list(WAITING))
    records = {r.application_id: r for r in db.scalars(
        select(ApplicationRecord).where(ApplicationRecord.application_id.in_([a.id for a in waiting]))
    )}
    events = timeline.of_applications(gw, [a.id for a in waiting if a.id in records], CLOCK_EVENTS)
    items = []
    for application in waiting:
        record = records.get(application.id)
        if record is None:  # submitted to the contract directly, not through the gateway
            continue
        items += _waits(gw, application, record, events.get(application.id, []), today)
    return items


def _waits(gw: Gateway, application: ApplicationRow, record: ApplicationRecord, events: list[timeline.Happened],
           today: dt.date) -> list[lifecycles.QueueItem]:
    """The steps an application waits on, each with its clock. The verifier's attestation, waited on beside
    the state's own step until given, has no limit: NRB and FORESTRY watch it at PRELIM_OK, and validation's
    clock starts once it is given."""
    state = application.status
    item = partial(lifecycles.APPLICATION.item, state, keys={"application": application.id,
                                                               "project_name": record.project_name},
                   href=f"/console/applications/{application.id}", field_survey_paused=application.survey_paused)
    started = application.updated_at  # the status change that started this step
    waits = []
    attested = [e.timestamp for e in events if e.event == "ReportAttested"]
    beside = lifecycles.APPLICATION.beside.get(state)
    if beside is not None and not application.attested_kg:
        waits.append(item(wait=beside, shown_to=("NRB", "FORESTRY") if state == "PRELIM_OK" else (),
                          notes={"waiting_on_verifier": True},
                          clock=time_limits.clock(gw.calendar, None, started=started, today=today)))
        if state == "PRELIM_OK":
            return waits
    limit, departments = WAITING[state], ()
    if state == "PRELIM_OK":
        started = max([started, *attested])
        departments = tuple(role for role, signed in (("NRB", application.nrb_signed),
                                                      ("FORESTRY", application.forestry_signed)) if not signed)
    surveys = time_limits.surveys_of([(e.event, e.timestamp) for e in events], paused="FieldSurveyPaused",
                                     resumed="FieldSurveyResumed", since=started)
    waits.append(item(departments=departments, notes={"waiting_on_verifier": False},
                      clock=time_limits.clock(gw.calendar, limit, started=started, today=today, surveys=surveys)))
    return waits


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
