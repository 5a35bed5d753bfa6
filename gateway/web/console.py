"""Department consoles (login): each department's queue with due dates in working
days, overdue first; an item's documents and history; and the forms to act.

A form posts JSON to the same `/api/v1` route a script would call (static/console.js),
with the session cookie: the API alone checks roles, signs and audit-logs, so a
page can offer a step but never perform it differently. Which steps a page offers
follows the item's state; the contracts decide in the end."""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from ..edge.deps import (
    SESSION_COOKIE,
    ClientAddress,
    DbSession,
    Device,
    GatewayDep,
    LoginGuardDep,
    OptionalUser,
    RecordPath,
    check_csrf,
    check_same_origin,
    remember_device,
)
from ..core.db import User
from ..core.errors import DomainError, NotFound
from ..core import identity
from ..catalogue import lifecycles, steps
from ..services import (
    applications, audit, coupons, documents, enforcement, inbox, pledges, parcels, prepared_applications, projects,
    public, reissues, supervision, transfers, transparency, users,
)
from ..services import prefill
from ..services import search as finder
from ..catalogue.steps import ENFORCEMENT, HOLDER
from .templating import render

router = APIRouter(prefix="/console", include_in_schema=False)


def forms_of(offered, key) -> list[dict]:
    """The console forms of `offered` steps on one item (`key`: its id, number or username; None at home)."""
    return [{"step": s, "path": s.url(key), "key": key} for s in offered]


def choosing(db: Session, user: User, forms: list[dict]) -> list[dict]:
    """Each form's fields of kind `party` offer the accounts `user` may name there, by name and masked ID number
    (services.users.counterparties): a counterparty is never typed as a login name."""
    for form in forms:
        for field in form["step"].fields:
            if field.kind == "party":
                form.setdefault("choices", {})[field.name] = users.counterparties(db, user, field.choices)
    return forms


def home_steps(role: str) -> list[dict]:
    """Steps that act on no existing object: an application, a purchase, a parcel list entry, an official."""
    return forms_of(lifecycles.offered(role, "home"), None)


def application_steps(role: str, detail: dict) -> list[dict]:
    offered = lifecycles.offered(role, "application", detail["status"], held=detail["field_survey_paused"])
    hidden = set()
    if detail["attested_t"] is not None:
        hidden.add(steps.ATTEST)
    if detail["status"] == "PRELIM_OK" and detail["validation"].get(role):
        hidden.add(steps.VALIDATE)
    return forms_of([s for s in offered if s not in hidden], detail["id"])


def coupon_steps(user: User, row) -> list[dict]:
    """The steps the coupon's state admits for the caller: a department's step after an owner's
    consent only while that consent stands, the owner's request only while none does."""
    is_owner, is_pledgee = user.address is not None and row.owner == user.address, user.address is not None and row.pledgee == user.address
    if user.role == HOLDER and not (is_owner or is_pledgee):
        return []
    offered = [
        s for s in lifecycles.offered(user.role, "coupon", row.state)
        if s.consent in (None, row.pending_action)
        and (s not in (steps.REQUEST, steps.TRANSFER_FORM) or not row.pending_action)  # one consent at a time
        and (s is not steps.CANCEL_REQUEST or row.pending_action)
    ]
    if user.role == HOLDER:  # the pledgee may only release, and only the pledgee may
        offered = [s for s in offered if (s is steps.RELEASE_PLEDGE) == is_pledgee]
    return forms_of(offered, row.number)


def procedure_steps(forms: list[dict], row, procedure, supervision: dict, role: str) -> list[dict]:
    """Of the steps the coupon's state admits, those its reissue stage and voiding signatures call for:
    a loss report only while no other request stands, each reissue step at its stage only, and no
    second voiding signature from a department that signed."""
    admitted = procedure.admitted() if procedure is not None else set()
    signed = {s["department"] for s in supervision["voiding_signatures"]}
    return [
        form for form in forms
        if (form["step"] is not steps.REPORT_LOST or not row.pending_action)
        and (form["step"] not in reissues.PROCEDURE_STEPS or form["step"] in admitted)
        and (form["step"] is not steps.VOID or role not in signed)
    ]


def _login_redirect() -> RedirectResponse:
    return RedirectResponse("/console/login", status_code=303)


def page_for(user: User | None, roles: Collection[str], readers: str) -> RedirectResponse | None:
    """The one gate of a console page for `roles`: None to show it; the log-in page to nobody logged in;
    PAGE_NOT_FOUND to another role (`readers` says whom the page is for)."""
    if user is None:
        return _login_redirect()
    if user.role not in roles:
        raise NotFound("PAGE_NOT_FOUND", f"this page is for {readers}")
    return None


@router.get("/login")
def login_form(request: Request, user: OptionalUser):
    return render(request, "console/login.html", user=user, failed=False)


@router.post("/login")
def login(request: Request, db: DbSession, guard: LoginGuardDep, client: ClientAddress,
          username: Annotated[str, Form()], password: Annotated[str, Form()], device: Device = None):
    check_same_origin(request)
    try:
        token, _user, device = users.login(db, username, password, guard=guard, client=client, device=device)
    except DomainError as exc:
        return render(request, "console/login.html", status_code=exc.status, user=None, failed=True,
                      held_back=exc.code if exc.status == 429 else None,
                      retry_after_s=(exc.detail or {}).get("retry_after_s"), disabled=exc.code == "ACCOUNT_DISABLED", username=username)
    response = RedirectResponse("/console", status_code=303)
    remember_device(response, device)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax")  # Secure over HTTPS (guards.py)
    return response


@router.post("/logout")
def logout(request: Request, gateway: GatewayDep, csrf_token: Annotated[str, Form()] = ""):
    """A form of the page's header posts here with the session's CSRF token: another site cannot log one out,
    nor clear the cookie of a session already gone."""
    check_same_origin(request)
    if token := request.cookies.get(SESSION_COOKIE):
        check_csrf(request, token, csrf_token)
        users.log_out(gateway, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("")
def home(request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser, done: str | None = None):
    if user is None:
        return _login_redirect()
    forms = home_steps(user.role)
    if user.role == HOLDER:
        return holder_home(request, gateway, db, user, forms, done)
    if user.role == ENFORCEMENT:  # its one task: certificates by case reference (附件1 三(三))
        return RedirectResponse("/console/offsets", status_code=303)
    forms = choosing(db, user, forms)
    items = inbox.waiting_on(gateway, db, user)
    return render(request, "console/queue.html", user=user, items=items, steps=forms, done=done, waiting=len(items),
                  links=linked_pages(user.role), log_alarms=transparency.alarms(gateway))


def holder_home(request: Request, gateway, db, user: User, forms: list[dict], done: str | None):
    """A holder's own work first: a qualified third party (§8) the applications it prepares for right-holders,
    a bank its pledges, a right-holder applying, a buyer the 附件6 form (an agent buys from its purchases page);
    the links to its applications and 附件8 forms only once it has any or can start one."""
    agent = user.account_type in identity.QUALIFIABLE and users.qualification_of(db, user) is not None
    applies = user.account_type in identity.APPLIES or agent
    buys = user.account_type in identity.BUYS and not agent
    forms = choosing(db, user, [form for form in forms if form["step"] is not steps.SUBMIT  # its own page: /console/apply
                                and (form["step"] is not steps.PURCHASE or buys)])
    waiting = inbox.waiting_on(gateway, db, user)
    held = _rows(gateway, coupons.holdings_of(gateway, user))
    pledged = pledges.pledges_for(gateway, db, user)  # a pledgee bank's coupons under pledge
    filed = applications.mine(gateway, db, user=user)
    prepared = prepared_applications.of(db, user)
    return render(request, "console/holder.html", user=user, steps=forms, done=done, items=waiting,
                  waiting=len(waiting), applies=applies, bank=user.account_type == identity.FINANCIAL,
                  coupons=held, to_confirm=sum(1 for item in waiting if item["kind"] == "prepared"), pledged=pledged,
                  agent=agent, agent_work=agent_work(prepared, filed) if agent else None,
                  has_applications=applies or bool(filed or prepared),
                  has_transfers=bool(held or pledged or transfers.forms_for(gateway, db, user)))


def agent_work(prepared: list[dict], filed: list[dict]) -> list[dict]:
    """An agent's applications for right-holders, newest first: those prepared and not yet sent (waiting for the
    parties, or declined), then those on chain with their status."""
    return ([{**p, "sent": False} for p in prepared if p["party"] == "agent" and not p["application"]]
            + [{**a, "sent": True} for a in filed if a["party"] == "agent"])


def linked_pages(role: str) -> set[str]:
    """The pages a department's queue links to, beside its parcels and inspections: those whose gate admits
    its role (accounts; purchases, 附件8 forms and pledges; the audit log; offsets by case reference)."""
    admits = {"accounts": users.ACCOUNT_READERS, "records": steps.PARTIES_AND_DEPARTMENTS, "audit": audit.READERS,
              "offsets": enforcement.READERS, "notices": ("DRC",)}
    return {page for page, roles in admits.items() if role in roles}


def _rows(gateway, holdings: list[dict]) -> list[dict]:
    """A holder's coupons with the owner's open consent, and a retired one's offset certificate (its transaction)."""
    pending = coupons.pending_actions(gateway)
    offsets = public.offsets_of(gateway, [c["number"] for c in holdings if c["state"] == "RETIRED"])
    return [{**c, "pending": pending.get(c["number"]), "offset": offsets.get(c["number"])} for c in holdings]


@router.get("/search")
def search(request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser, q: str = ""):
    """办理: a department finds a coupon, an application, a holder, a certificate by case or a parcel."""
    if (redirect := page_for(user, steps.DEPARTMENTS, "the departments")) is not None:
        return redirect
    if (target := finder.direct(gateway, q)) is not None:
        return RedirectResponse(target, status_code=303)
    return render(request, "console/search.html", user=user, q=q, found=finder.find(gateway, db, q))


@router.get("/applications/{application_id}")
def application(application_id: RecordPath, request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser,
                done: str | None = None):
    if user is None:
        return _login_redirect()
    party = applications.check_party(db, application_id, user)
    detail = applications.detail(gateway, db, application_id)
    department = user.role not in (HOLDER, ENFORCEMENT)
    shown = [form for form in application_steps(user.role, detail)
             if party != "co_applicant" or form["step"] is not steps.RESUBMIT]  # §8: the right-holder or its agent
    cited = [detail.get("entrustment_document"), detail.get("opinion_document"),
             *documents.listed(detail["documents"]), *((p.get("tenure") or {}).get("document") for p in detail["parcels"])]
    names = documents.names(db, cited)
    for form in shown:
        if form["step"] is steps.ATTEST:  # the verifier picks the report it attests among the application's documents
            report = detail["documents"].get("report")
            form["choices"] = {"report": [(sha, names.get(sha, sha)) for sha in dict.fromkeys(
                [report, *documents.listed(detail["documents"])]) if sha]}
    return render(request, "console/application.html", user=user, app=detail, done=done, party=party, steps=shown,
                  document_names=names,
                  parcels=projects.measured(detail["parcels"]), parcel_map=projects.parcel_map(detail["parcels"]),
                  area_tolerance=gateway.settings.parcel_area_tolerance, inspections=supervision.inspections(gateway, db, application=application_id) if department else [])


@router.get("/apply")
def apply(request: Request, db: DbSession, user: OptionalUser):
    """登记申请 (附件1 一(一), 附件2, §8): parcels and materials, each file previewed once chosen."""
    if (redirect := page_for(user, (HOLDER,), "holders")) is not None:
        return redirect
    form = {"step": steps.SUBMIT, "path": steps.SUBMIT.url(None), "key": None, "next": "/console/applications"}
    return render(request, "console/apply.html", user=user, steps=choosing(db, user, [form]))


@router.get("/applications")
def my_applications(request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser,
                    done: str | None = None):
    """My applications: status, the centre's missing items, the rejection reason, and the resubmit form."""
    if (redirect := page_for(user, (HOLDER,), "holders")) is not None:
        return redirect
    found = applications.mine(gateway, db, user=user)
    resubmit = {a["id"]: forms_of([steps.RESUBMIT], a["id"])[0]
                for a in found if a["status"] == "SUPPLEMENT_REQUIRED" and a["party"] != "co_applicant"}
    prepared = [{**p, "steps": prepared_steps(p)} for p in prepared_applications.of(db, user)]
    return render(request, "console/my_applications.html", user=user, applications=found, resubmit=resubmit,
                  prepared=prepared, done=done)


def prepared_steps(prepared: dict) -> list[dict]:
    """§8: a prepared application's confirmation for the party it waits for; declining for every party."""
    offered = lifecycles.offered(HOLDER, "prepared", prepared["status"])
    if not prepared["yours_to_confirm"]:
        offered = [s for s in offered if s is not steps.CONFIRM_APPLICATION]
    return forms_of(offered, prepared["id"])


@router.get("/parcels")
def parcel_lists(request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser, done: str | None = None,
                 q: str = ""):
    """The CCER list (§2) and the harvest plans (§9), read back; one parcel looked up on the chain."""
    if (redirect := page_for(user, steps.DEPARTMENTS, "the departments")) is not None:
        return redirect
    forms = [form for form in home_steps(user.role) if form["step"] in (steps.CCER, steps.HARVEST_PLAN)]
    return render(request, "console/parcels.html", user=user, done=done, steps=forms, q=q,
                  ccer=parcels.ccer_list(gateway, db), plans=parcels.harvest_plans(gateway, db),
                  found=parcels.parcel(gateway, q) if q.strip() else None)


@router.get("/inspections")
def inspection_list(request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser, done: str | None = None):
    """Every inspection record (§6 抽查), newest first, and the form to add one."""
    if (redirect := page_for(user, steps.DEPARTMENTS, "the departments")) is not None:
        return redirect
    forms = [form for form in home_steps(user.role) if form["step"] is steps.INSPECT]
    return render(request, "console/inspections.html", user=user, done=done, steps=forms,
                  inspections=supervision.inspections(gateway, db))


@router.get("/coupons/{number}")
def coupon(number: str, request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser, done: str | None = None):
    if user is None:
        return _login_redirect()
    record = public.provenance(gateway, db, number)
    row = coupons.coupon_row(gateway, number)
    procedure = reissues.procedure(gateway, number) if row.state == "LOST_REPORTED" else None
    watched = supervision.supervision_of(gateway, db, number)
    shown = procedure_steps(coupon_steps(user, row), row, procedure, watched, user.role)
    listing = public.listing_entry(gateway, db, number) if row.state == "LISTED" else None
    if listing and listing["expired"]:  # 附件5 二: past its notice end a listing is withdrawn, not settled
        shown = [form for form in shown if form["step"] is not steps.SETTLE]
    # A transfer or pledge is registered once the centre accepted its form (the form gave the consent).
    unaccepted = {s for kind, s in transfers.REGISTERED_BY.items()
                  if s.consent == row.pending_action and transfers.accepted(gateway, db, number, kind) is None}
    shown = [form for form in shown if form["step"] not in unaccepted]
    department = user.role not in (HOLDER, ENFORCEMENT)
    owner = user.role == HOLDER and row.owner == users.holder_address(gateway, user)
    choosing(db, user, shown)
    if department or owner:
        values = prefill.coupon_forms(gateway, db, number, user)
        for form in shown:
            form["prefill"] = values.get(form["step"].id, {})
    # 权利人 by name: a holder reads its own name on its coupon, else only an organisation's (as the public
    # page shows it); an official reads a person's too, and the owner's chain address, labelled as such.
    holder_name = (users.shown_name(user) if owner else public.holder_names(db, persons=True).get(row.owner)
                   if department else record["coupon"]["holder"])
    return render(request, "console/coupon.html", user=user, record=record, row=row, done=done, steps=shown,
                  holder_name=holder_name, department=department,
                  supervision=watched, loss=reissues.loss_report(gateway, db, number) if department or owner else None,
                  inspections=supervision.inspections(gateway, db, coupon=number) if department else [],
                  transfer_forms=transfers.coupon_forms(gateway, db, user, number),  # 附件8, read on this coupon
                  listing=listing)
