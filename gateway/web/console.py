"""Department consoles (login): each department's queue with due dates in working
days, overdue first; an item's documents and history; and the forms to act.

A form posts JSON to the same `/api/v1` route a script would call (static/console.js),
with the session cookie: the API alone checks roles, signs and audit-logs, so a
page can offer a step but never perform it differently. Which steps a page offers
follows the item's state; the contracts decide in the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from chain.index import CouponRow

from ..api.deps import SESSION_COOKIE, DbSession, GatewayDep, OptionalUser
from ..db import User
from ..errors import DomainError, NotFound
from ..runtime import HOLDER
from ..services import applications, coupons, public, queues, users
from .templating import render

router = APIRouter(prefix="/console", include_in_schema=False)
SUPERVISORS = ("NRB", "FORESTRY", "EEB")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"  # text | decimal | integer | date | lines | choice | textarea | item (the page's own coupon)
    choices: tuple[str, ...] = ()
    required: bool = True
    labels: str = "choice."  # the catalogue prefix naming each choice


@dataclass(frozen=True)
class Step:
    """One form: who may use it, the API route it posts to, and its fields."""

    key: str
    roles: tuple[str, ...]
    method: str
    path: str  # formatted with the item's id or number
    fields: tuple[Field, ...] = field(default_factory=tuple)


DECISION = Field("decision", "choice", ("pass", "reject"))
REASON = Field("reason", "textarea", required=False)

APPLICATION_STEPS = {
    "SUBMITTED": [Step("formal_review", ("CENTER",), "POST", "/applications/{}/formal-review", (
        Field("decision", "choice", ("pass", "supplement", "reject")), Field("missing_items", "lines", required=False), REASON))],
    "FORMAL_OK": [
        Step("preliminary_review", ("CENTER",), "POST", "/applications/{}/preliminary-review", (DECISION, REASON)),
        Step("pause_survey", ("CENTER",), "POST", "/applications/{}/field-survey/pause"),
        Step("resume_survey", ("CENTER",), "POST", "/applications/{}/field-survey/resume"),
        Step("attest", ("VERIFIER",), "POST", "/applications/{}/attestation", (Field("report"), Field("attested_t", "decimal"))),
    ],
    "PRELIM_OK": [
        Step("validate", ("NRB", "FORESTRY"), "POST", "/applications/{}/validation", (DECISION, REASON)),
        Step("attest", ("VERIFIER",), "POST", "/applications/{}/attestation", (Field("report"), Field("attested_t", "decimal"))),
    ],
    "VALIDATED": [Step("file", ("EEB",), "POST", "/applications/{}/filing", (
        Field("decision", "choice", ("file", "reject")), Field("filing_number", required=False), REASON))],
    "FILED": [Step("mint", ("GOV",), "POST", "/applications/{}/mint")],
}

FREEZE = Step("freeze", SUPERVISORS, "POST", "/coupons/{}/freeze", (Field("reason", "textarea"),))
# The department's step after an owner's consent (附件5, 附件8, §12, §14).
CONSENT_STEPS = {
    "LIST": Step("list", ("CENTER",), "POST", "/coupons/{}/listing", (
        Field("price_yuan_per_t", "decimal"), Field("notice_days", "integer"), Field("project_area_mu", "decimal"),
        Field("location"), Field("remarks", "textarea", required=False))),
    "TRANSFER": Step("transfer", ("CENTER",), "POST", "/coupons/{}/transfer"),
    "PLEDGE": Step("pledge", ("FINANCE",), "POST", "/coupons/{}/pledge", (Field("secured_yuan", "decimal"), Field("term_end", "date"))),
    "OFFSET": Step("offset", ("EEB",), "POST", "/coupons/{}/offset", (
        Field("purpose", "choice", ("ECO_COMPENSATION", "EVENT_NEUTRALITY", "GREEN_POINTS"), labels="purpose."), Field("beneficiary"), Field("case_reference"))),
    "LOSS": Step("loss", ("CENTER",), "POST", "/coupons/{}/loss"),
}
STATE_STEPS = {
    "ACTIVE": [FREEZE, Step("request", (HOLDER,), "POST", "/coupons/{}/requests", (
        Field("action", "choice", ("LIST", "TRANSFER", "PLEDGE", "OFFSET", "LOSS"), labels="request."), Field("amount_t", "decimal", required=False),
        Field("counterparty", required=False)))],
    "LISTED": [
        Step("settle", ("CENTER",), "POST", "/trades", (  # 附件7: the trade agreement, settled with its service fee
            Field("coupon", "item"), Field("purchase_id", "integer"), Field("amount_t", "decimal"),
            Field("price_yuan_per_t", "decimal"), Field("service_fee_yuan", "decimal"), Field("agreement"))),
        Step("withdraw_listing", ("CENTER",), "DELETE", "/coupons/{}/listing"),
        FREEZE,
    ],
    "PLEDGED": [FREEZE, Step("release", ("FINANCE", HOLDER), "POST", "/coupons/{}/pledge/release"),
                Step("enforce", ("FINANCE",), "POST", "/coupons/{}/pledge/enforce")],
    "FROZEN": [Step("unfreeze", SUPERVISORS, "POST", "/coupons/{}/unfreeze")],
    "LOST_REPORTED": [Step("reissue_filing", ("EEB",), "POST", "/coupons/{}/reissue-filing", (Field("filing_number"),)),
                      Step("reissue", ("GOV",), "POST", "/coupons/{}/reissue")],
}
CANCEL_REQUEST = Step("cancel_request", (HOLDER,), "DELETE", "/coupons/{}/requests")


def _for(role: str, steps: list[Step], key) -> list[dict]:
    return [{"step": s, "path": "/api/v1" + s.path.format(key), "key": key} for s in steps if role in s.roles]


def application_steps(role: str, detail: dict) -> list[dict]:
    steps = list(APPLICATION_STEPS.get(detail["status"], []))
    paused = detail["field_survey_paused"]
    steps = [s for s in steps if not (s.key == "pause_survey" and paused) and not (s.key == "resume_survey" and not paused)]
    if detail["attested_t"] is not None:
        steps = [s for s in steps if s.key != "attest"]
    if detail["status"] == "PRELIM_OK" and detail["validation"].get(role):
        steps = [s for s in steps if s.key != "validate"]
    return _for(role, steps, detail["id"])


def coupon_steps(user: User, row: CouponRow) -> list[dict]:
    if user.role == HOLDER and row.owner != user.address and row.pledgee != user.address:
        return []
    steps = list(STATE_STEPS.get(row.state, []))
    if row.pending_action:
        steps = [s for s in steps if s.key != "request"] + [CONSENT_STEPS[row.pending_action], CANCEL_REQUEST]
    if user.role == HOLDER and row.owner != user.address:  # the pledgee may only release
        steps = [s for s in steps if s.key == "release"]
    return _for(user.role, steps, row.number)


def _login_redirect() -> RedirectResponse:
    return RedirectResponse("/console/login", status_code=303)


@router.get("/login")
def login_form(request: Request, user: OptionalUser):
    return render(request, "console/login.html", user=user, failed=False)


@router.post("/login")
def login(request: Request, db: DbSession, username: Annotated[str, Form()], password: Annotated[str, Form()]):
    try:
        token, _user = users.login(db, username, password)
    except DomainError:
        return render(request, "console/login.html", status_code=401, user=None, failed=True, username=username)
    response = RedirectResponse("/console", status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax")
    return response


@router.get("/logout")
def logout(request: Request, gateway: GatewayDep):
    if token := request.cookies.get(SESSION_COOKIE):
        users.log_out(gateway, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("")
def home(request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser):
    if user is None:
        return _login_redirect()
    if user.role == HOLDER:
        return render(request, "console/holder.html", user=user,
                      coupons=_rows(gateway, coupons.holdings(gateway, owner=user.address)))
    if user.role == "ENFORCEMENT":
        return render(request, "console/queue.html", user=user, items=[])
    return render(request, "console/queue.html", user=user, items=queues.department_queue(gateway, db, role=user.role))


def _rows(gateway, holdings: list[dict]) -> list[dict]:
    with Session(gateway.index.engine) as index_db:
        pending = dict(index_db.execute(
            select(CouponRow.number, CouponRow.pending_action).where(CouponRow.pending_action.is_not(None))
        ).all())
    return [{**c, "pending": pending.get(c["number"])} for c in holdings]


@router.get("/applications/{application_id}")
def application(application_id: int, request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser,
                done: str | None = None):
    if user is None:
        return _login_redirect()
    detail = applications.detail(gateway, db, application_id)
    if user.role == HOLDER and gateway.registry.application(application_id).applicant != user.address:
        raise NotFound("APPLICATION_NOT_FOUND", f"no application {application_id} of yours")
    return render(request, "console/application.html", user=user, app=detail, done=done,
                  steps=application_steps(user.role, detail))


@router.get("/coupons/{number}")
def coupon(number: str, request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser, done: str | None = None):
    if user is None:
        return _login_redirect()
    record = public.provenance(gateway, db, number)
    with Session(gateway.index.engine) as index_db:
        row = index_db.scalar(select(CouponRow).where(CouponRow.number == number))
        index_db.expunge(row)
    return render(request, "console/coupon.html", user=user, record=record, row=row, done=done,
                  steps=coupon_steps(user, row))
