"""Account pages (附件1 三(一)): a party opens its account (public, no log-in); "my account" with
the masked ID, the centre's verification, the password change and an organisation's members; the centre's queue of accounts
awaiting its in-person check; DRC's list of accounts, to disable and enable. Every form posts to the
API (static/console.js), which alone checks roles and audit-logs."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from ..core import identity
from ..catalogue import lifecycles, steps
from ..edge.deps import DbSession, GatewayDep, OptionalUser
from ..core.errors import DomainError
from ..services import notices, users
from .console import forms_of, page_for
from .templating import render

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/register")
def register(request: Request, user: OptionalUser, done: str | None = None):
    """The registration form: the party's type, name, ID number or USCC, legal representative,
    address, contact person and phone (附件1 三(一))."""
    return render(request, "console/register.html", user=user, done=done, account_types=identity.ACCOUNT_TYPES)


@router.get("/account")
def my_account(request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser, done: str | None = None,
               saved: str | None = None):
    if user is None:
        return RedirectResponse("/console/login", status_code=303)
    try:  # only a verified organisation's own login manages its members (users.add_member)
        members = [users.member_view(member) for member in users.members(gateway, db, user)]
    except DomainError:
        members = None
    return render(request, "console/account.html", user=user, done=done, saved=saved,
                  account=users.my_account(db, user), notice_settings=notices.settings_of(db, user), members=members)


@router.get("/notices")
def outbox(request: Request, db: DbSession, user: OptionalUser):
    """DRC: the notices sent, waiting or given up (services/notices.py)."""
    if (redirect := page_for(user, ("DRC",), "the DRC")) is not None:
        return redirect
    return render(request, "console/notices.html", user=user, notices=notices.outbox(db))


@router.get("/accounts")
def account_list(request: Request, db: DbSession, user: OptionalUser, done: str | None = None, state: str | None = None):
    """The centre: accounts awaiting its in-person check (every account with ?state=ALL). DRC: every
    account, each with its disable or enable form."""
    if (redirect := page_for(user, users.ACCOUNT_READERS, "the centre and the DRC")) is not None:
        return redirect
    states = (users.UNVERIFIED, users.VERIFIED, users.DISABLED)
    shown = state if state in states else (users.UNVERIFIED if user.role == "CENTER" and state != "ALL" else None)
    rows = [
        {**row, "forms": forms_of([step for step in lifecycles.offered(user.role, "account", row["state"])
                                   if row["role"] == steps.HOLDER or step is not steps.REVOKE_VERIFICATION],
                                  row["username"])}  # an official was never verified in person
        for row in users.accounts(db, state=shown)
    ]
    return render(request, "console/accounts.html", user=user, done=done, accounts=rows, state=shown,
                  states=states)
