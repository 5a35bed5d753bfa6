"""Loss and reissue (§12, 附件1 二, 附件3): the owner's loss report with 附件3's fields,
the centre's stages (formal review with 一次性告知, review with its field survey,
registration or refusal with the centre's opinion), the EEB's filing and GOV's
reissue; each stage's clock (DESIGN §5) and the public board of loss notices.

The chain holds the owner's consent, the notice and each stage; 附件3's personal
fields (contacts, address, the written report) stay in the gateway's records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from chain import Action, Receipt

from ..catalogue import lifecycles, steps
from ..core.db import LossReport, User, utcnow
from ..core.errors import Invalid
from ..runtime.wiring import Actor, Gateway
from ..core.schemas import (LossDocuments, LossReportCreate, LossSupplements, ReissueFormalReview, ReissueOpinion,
                            ReissueReview)
from ..catalogue.units import ZERO_ADDRESS, china_date, epoch
from . import coupons, time_limits, timeline, users
from .applications import supplemented
from .documents import require_uploaded

# Steps on a coupon take the one path that sends them, and explains a refusal on a frozen coupon.
_on_coupon = coupons._on_coupon

# The events of one loss report's procedure, in the order they can happen.
PROCEDURE_EVENTS = (
    "RequestMade", "LossReported", "ReissueSupplementRequired", "ReissueResubmitted", "ReissueFormalReviewPassed",
    "ReissueSurveyPaused", "ReissueSurveyResumed", "ReissueReviewPassed", "ReissueRegistered", "ReissueFiled",
    "ReissueRefused", "LossWithdrawn", "CouponVoided", "CouponInvalidated",
)
STAGE_AFTER = {"LossReported": "REPORTED", "ReissueFormalReviewPassed": "FORMAL_OK",
               "ReissueReviewPassed": "REVIEWED", "ReissueRegistered": "REGISTERED", "ReissueFiled": "FILED"}
# How a loss report ends other than by a department's next step.
ENDINGS = {"LossWithdrawn": "WITHDRAWN", "ReissueRefused": "REFUSED", "CouponVoided": "REISSUED",
           "CouponInvalidated": "VOIDED"}
# The reissue steps each stage admits, and the stage's step with its limit (DESIGN §5), for the queue.
AT_STAGE = lifecycles.REISSUE_PROCEDURE.admits
PROCEDURE_STEPS = frozenset(set().union(*AT_STAGE.values()) | {steps.REISSUE_RESUBMIT, steps.REISSUE_SURVEY_RESUME})
WAITING = lifecycles.REISSUE_PROCEDURE.timed()


@dataclass
class Procedure:
    """Where one loss report stands, from its events since the owner reported the loss."""

    stage: str | None = None  # None before the centre recorded the loss; then REPORTED … FILED
    reported_at: int | None = None  # the owner's loss report (its consent on-chain)
    recorded_at: int | None = None  # the centre recorded it: the public notice started
    notice_end: int | None = None
    formal_review_since: int | None = None  # the owner's report, or the resubmission after a supplement
    stage_since: int | None = None  # when the current stage began
    filed_at: int | None = None
    filing_number: str | None = None
    missing_items: list[str] = field(default_factory=list)  # outstanding: the owner has not resubmitted
    supplement_since: int | None = None  # when the centre asked for them (一次性告知)
    surveys: list[time_limits.Survey] = field(default_factory=list)  # the review's field surveys
    ended: str | None = None  # how it ended (ENDINGS), if it has
    refusal: str | None = None

    @property
    def supplement_required(self) -> bool:
        return bool(self.missing_items)

    @property
    def survey_paused(self) -> bool:
        return bool(self.surveys) and self.surveys[-1].ended is None

    def admitted(self) -> set[steps.Step]:
        """The procedure's steps this stage admits (a survey under way, or a supplement owed, holds it)."""
        if self.stage == "REPORTED" and self.supplement_required:
            return {lifecycles.REISSUE_SUPPLEMENT.step, steps.WITHDRAW_LOSS}
        if self.stage == "FORMAL_OK" and self.survey_paused:
            return {steps.REISSUE_SURVEY_RESUME, steps.WITHDRAW_LOSS}
        return AT_STAGE.get(self.stage, set())


def procedure_of(events: list[timeline.Happened]) -> Procedure:
    """The latest loss report's procedure: events before its consent belong to earlier ones."""
    start = max((i for i, e in enumerate(events) if _is_loss_request(e)), default=None)
    if start is None:
        recorded = [i for i, e in enumerate(events) if e.event == "LossReported"]
        start = recorded[-1] if recorded else len(events)
    p = Procedure()
    began = None
    for e in events[start:]:
        if _is_loss_request(e):
            p.reported_at = p.formal_review_since = e.timestamp
        elif e.event == "LossReported":
            p.recorded_at, p.notice_end = e.timestamp, e.details.get("notice_end")
            p.formal_review_since = p.formal_review_since or e.timestamp
        elif e.event == "ReissueSupplementRequired":
            p.missing_items, p.supplement_since = list(e.details.get("missing_items", [])), e.timestamp
        elif e.event == "ReissueResubmitted":
            p.missing_items, p.formal_review_since = [], e.timestamp
        elif e.event == "ReissueSurveyPaused":
            began = e.timestamp
            p.surveys.append(time_limits.Survey(began, None))
        elif e.event == "ReissueSurveyResumed" and began is not None:
            p.surveys[-1] = time_limits.Survey(began, e.timestamp)
            began = None
        elif e.event == "ReissueFiled":
            p.filed_at, p.filing_number = e.timestamp, e.details.get("filing_number")
        elif e.event in ENDINGS:
            p.ended, p.refusal = ENDINGS[e.event], e.details.get("reason")
        if e.event in STAGE_AFTER:
            p.stage, p.stage_since = STAGE_AFTER[e.event], e.timestamp
    if p.ended:
        p.stage = None
    return p


def _is_loss_request(e: timeline.Happened) -> bool:
    return e.event == "RequestMade" and e.details.get("action") == int(Action.LOSS)


def procedure(gw: Gateway, number: str) -> Procedure:
    coupon = coupons.coupon_id(gw, number)
    return procedure_of(timeline.of_coupons(gw, [coupon], PROCEDURE_EVENTS).get(coupon, []))


# ---------------------------------------------------------------- writes


def _check_documents(db: Session, documents: LossDocuments | LossSupplements, owner: User) -> None:
    """Every document cited is one the owner uploaded."""
    cited = [(f"documents.{name}", getattr(documents, name)) for name in ("written_report", "reissue_form", "licence")]
    for field_name, sha in cited + [("documents.others", sha) for sha in documents.others]:
        require_uploaded(db, sha, by=owner, field=field_name)


def report_lost(gw: Gateway, db: Session, *, actor: Actor, number: str, report: LossReportCreate) -> Receipt:
    """挂失申请 (附件1 二(一), 附件3): the owner's written report and form; on-chain, its consent to the loss
    report the centre then records (which starts the public notice)."""
    _check_documents(db, report.documents, actor.user)
    row = coupons.coupon_row(gw, number)
    receipt = _on_coupon(
        gw, actor, "coupon.loss_report", number, gw.registry.request,
        {"coupon": number, "cause": report.cause.value, "documents": report.documents.model_dump()},
        action=Action.LOSS, counterparty=ZERO_ADDRESS, amount_kg=row.amount_kg,
    )
    db.add(LossReport(coupon_id=row.id, reported_by=actor.user.id, request_tx=receipt.tx_hash,
                      **report.model_dump(mode="json")))
    db.commit()
    return receipt


def resubmit(gw: Gateway, db: Session, *, actor: Actor, number: str, documents: LossSupplements) -> Receipt:
    """The owner's supplement after 一次性告知: what the centre listed, each document sent replacing its earlier
    version and further ones added to the others (applications.supplemented); the formal review's clock restarts."""
    _check_documents(db, documents, actor.user)
    report = current_report(db, coupons.coupon_id(gw, number))
    kept = supplemented(LossDocuments(**report.documents), documents) if report is not None else None
    receipt = _on_coupon(gw, actor, "coupon.reissue_resubmit", number, gw.registry.resubmit_reissue,
                         {"coupon": number, "documents": documents.model_dump(exclude_none=True)})
    if kept is not None:
        report.documents = kept.model_dump()
        db.commit()
    return receipt


def formal_review(gw: Gateway, *, actor: Actor, number: str, review: ReissueFormalReview) -> Receipt:
    """形式审查 (附件1 二(二)): pass, or name every missing item at once (一次性告知); it cannot refuse."""
    if review.decision == "pass":
        return _on_coupon(gw, actor, "coupon.reissue_formal_review", number, gw.registry.pass_reissue_formal_review)
    if not review.missing_items:
        raise Invalid("NO_MISSING_ITEMS", "list every missing item at once (一次性告知)",
                      detail={"field": "missing_items"})
    return _on_coupon(gw, actor, "coupon.reissue_supplement", number, gw.registry.require_reissue_supplement,
                      missing_items=review.missing_items)


def field_survey(gw: Gateway, *, actor: Actor, number: str, pause: bool) -> Receipt:
    if pause:
        return _on_coupon(gw, actor, "coupon.reissue_survey_pause", number, gw.registry.pause_reissue_survey)
    return _on_coupon(gw, actor, "coupon.reissue_survey_resume", number, gw.registry.resume_reissue_survey)


def review(gw: Gateway, db: Session, *, actor: Actor, number: str, decision: ReissueReview) -> Receipt:
    """审查 (附件1 二(二)): the application's truth, consistency and lawfulness; pass or refuse."""
    if decision.decision == "pass":
        return _on_coupon(gw, actor, "coupon.reissue_review", number, gw.registry.pass_reissue_review)
    return refuse(gw, db, actor=actor, number=number, reason=decision.reason)


def register(gw: Gateway, db: Session, *, actor: Actor, number: str, opinion: ReissueOpinion) -> Receipt:
    """补发登记 (附件1 二(三)) with 附件3's 中心意见: agreed, the reissue is registered and forwarded to
    the EEB; not agreed, it is refused with the opinion as the reason."""
    if opinion.decision == "disagree":
        return refuse(gw, db, actor=actor, number=number, reason=opinion.opinion)
    receipt = _on_coupon(gw, actor, "coupon.reissue_registration", number, gw.registry.register_reissue,
                         {"coupon": number, **opinion.model_dump()})
    _record_opinion(gw, db, actor=actor, number=number, agree=True, text=opinion.opinion)
    return receipt


def refuse(gw: Gateway, db: Session, *, actor: Actor, number: str, reason: str | None) -> Receipt:
    """不符合规定的，及时告知申请人原因: the loss report ends and the coupon is active again."""
    if not reason:
        raise Invalid("EMPTY_REASON", "a refusal must give its reason", detail={"field": "reason"})
    receipt = _on_coupon(gw, actor, "coupon.reissue_refuse", number, gw.registry.refuse_reissue, reason=reason)
    _record_opinion(gw, db, actor=actor, number=number, agree=False, text=reason)
    return receipt


def _record_opinion(gw: Gateway, db: Session, *, actor: Actor, number: str, agree: bool, text: str) -> None:
    """附件3's 碳汇交易综合服务中心意见: who gave it, when, and whether the centre agrees to the reissue."""
    report = current_report(db, coupons.coupon_id(gw, number))
    if report is None:  # reported to the contract directly, not through the gateway: nothing to annotate
        return
    report.opinion = "AGREE" if agree else "DISAGREE"
    report.opinion_text, report.opinion_by, report.opinion_at = text, actor.user.id, utcnow()
    db.commit()


# ---------------------------------------------------------------- reads


def current_report(db: Session, coupon_id: int) -> LossReport | None:
    """The coupon's latest 附件3 form."""
    return db.scalar(select(LossReport).where(LossReport.coupon_id == coupon_id).order_by(LossReport.id.desc()))


def loss_report(gw: Gateway, db: Session, number: str) -> dict | None:
    """附件3 as the departments and its owner read it, with the procedure's stage; None if never reported."""
    coupon_id = coupons.coupon_id(gw, number)
    report = current_report(db, coupon_id)
    p = procedure(gw, number)
    if report is None and p.reported_at is None and p.recorded_at is None:
        return None
    form = None
    if report is not None:
        owner = db.get(User, report.reported_by)
        opinion_by = db.get(User, report.opinion_by) if report.opinion_by else None
        form = {
            "applicant": users.shown_name(owner), "cause": report.cause,
            "statement": report.statement, "registration_type": report.registration_type,
            "location": report.location, "address": report.address, "contact_person": report.contact_person,
            "contact_phone": report.contact_phone, "documents": report.documents, "reported_tx": report.request_tx,
            "opinion": report.opinion, "opinion_text": report.opinion_text,
            "opinion_by": opinion_by.display_name if opinion_by else None,
            "opinion_on": china_date(epoch(report.opinion_at)).isoformat() if report.opinion_at else None,
        }
    return {"coupon": number, "form": form, **_procedure_public(p)}


def _procedure_public(p: Procedure) -> dict:
    return {
        "stage": p.stage, "reported_at": p.reported_at, "notice_start": p.recorded_at, "notice_end": p.notice_end,
        "missing_items": p.missing_items, "field_survey_paused": p.survey_paused, "filing_number": p.filing_number,
        "ended": p.ended, "refusal": p.refusal,
    }


def queue(gw: Gateway, *, today: dt.date) -> list[lifecycles.QueueItem]:
    """The loss reports awaiting a department: the centre's recording and stages, the EEB's filing,
    GOV's reissue, each with its clock (附件1 二, DESIGN §5)."""
    requested = [c for c in gw.index.coupons(pending=True) if c.pending_action == "LOSS"]
    lost = gw.index.coupons(states=["LOST_REPORTED"])
    events = timeline.of_coupons(gw, [c.id for c in requested + lost], PROCEDURE_EVENTS)
    items = []
    for coupon in requested:
        # The centre received the report: the formal review's two days run from here, recording included.
        items.append(lifecycles.COUPON_CONSENT.item("LOSS", keys={"coupon": coupon.number}, status=coupon.state,
                                                    href=f"/console/coupons/{coupon.number}", clock=time_limits.clock(
            gw.calendar, lifecycles.REISSUE_FORMAL_REVIEW, started=coupon.pending_since, today=today)))
    for coupon in lost:
        p = procedure_of(events.get(coupon.id, []))
        if p.stage is None or p.supplement_required:  # awaiting the owner, not a department
            continue
        started = {"REPORTED": p.formal_review_since, "FILED": max(p.filed_at or 0, p.notice_end or 0)}.get(
            p.stage, p.stage_since)
        shown = time_limits.clock(gw.calendar, WAITING[p.stage], started=started, today=today, surveys=p.surveys)
        items.append(lifecycles.REISSUE_PROCEDURE.item(
            p.stage, keys={"coupon": coupon.number}, status=coupon.state,
            href=f"/console/coupons/{coupon.number}", clock=shown, field_survey_paused=p.survey_paused,
            notes={"notice_end": p.notice_end}, step=steps.REISSUE_SURVEY_RESUME if p.survey_paused else None))
    return items


def supplements_owed(gw: Gateway, owner: str, *, today: dt.date) -> list[lifecycles.QueueItem]:
    """The owner's loss reports the centre returned for 补正 (一次性告知, 附件1 二(二)): each waits on its
    resubmission, with what the centre listed; the Measures set the owner no limit."""
    lost = [c for c in gw.index.coupons(states=["LOST_REPORTED"]) if c.owner.lower() == owner.lower()]
    events = timeline.of_coupons(gw, [c.id for c in lost], PROCEDURE_EVENTS)
    items = []
    for coupon in lost:
        p = procedure_of(events.get(coupon.id, []))
        if p.stage != "REPORTED" or not p.supplement_required:
            continue
        items.append(lifecycles.REISSUE_PROCEDURE.item(
            p.stage, wait=lifecycles.REISSUE_SUPPLEMENT, keys={"coupon": coupon.number}, status=coupon.state,
            href=f"/console/coupons/{coupon.number}",
            clock=time_limits.clock(gw.calendar, None, started=p.supplement_since, today=today),
            notes={"notice_end": p.notice_end, "missing_items": p.missing_items}))
    return items


def notices(gw: Gateway) -> list[dict]:
    """The public board of loss notices (§12 挂失并公告): each notice with its start and end, newest first,
    and how it ended: still running, over, withdrawn, refused, or reissued as a new number."""
    now = gw.clock.now()
    board = []
    lost = {step.coupon_id: step for step in gw.index.steps(["LossReported"])}  # a coupon's latest notice
    ends = timeline.of_coupons(gw, lost, ENDINGS)
    for coupon_id, step in lost.items():
        ended = [e for e in ends.get(coupon_id, []) if e.timestamp >= step.timestamp]
        notice_end = step.details["notice_end"]
        outcome = ENDINGS[ended[0].event] if ended else ("RUNNING" if notice_end > now else "OVER")
        row = gw.index.coupon(gw.index.numbers.number_of(coupon_id))
        board.append({
            "coupon": row.number, "notice_start": step.timestamp, "notice_end": notice_end,
            "start_date": china_date(step.timestamp).isoformat(), "end_date": china_date(notice_end).isoformat(),
            "outcome": outcome, "replaced_by": gw.index.numbers.number_of(row.replaced_by) if row.replaced_by else None,
            "tx_hash": step.tx_hash,
        })
    return sorted(board, key=lambda notice: -notice["notice_start"])
