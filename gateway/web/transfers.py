"""The pages of transfers and pledges (附件1 三(四), 附件8, §2, §4): every party's 流转申请表 with the
step its status calls for (the transferee's confirmation, the centre's 受理意见), and the pledgee's
coupons under pledge with the secured amount, term end and days left, released after a confirmation.
Forms post to the API as every console form does (static/console.js)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ..catalogue import lifecycles, steps
from ..core.db import User
from ..core.schemas import TransferKind
from ..edge.deps import DbSession, GatewayDep, OptionalUser
from ..services import pledges, transfers
from ..catalogue.steps import HOLDER
from .console import forms_of, page_for
from .templating import render

router = APIRouter(prefix="/console", include_in_schema=False)


def form_steps(user: User, form: dict) -> list[dict]:
    """The steps a form's status admits for the caller: a transfer's confirmation for its transferee only."""
    offered = lifecycles.offered(user.role, "transfer", form["status"], transfers.LIFECYCLE[TransferKind(form["kind"])])
    if user.role == HOLDER:
        mine = {steps.TRANSFER_CONFIRM: form["transferee_username"], steps.TRANSFER_WITHDRAW: form["applicant_username"]}
        offered = [s for s in offered if mine.get(s, user.username) == user.username]
    return forms_of(offered, form["id"])


@router.get("/transfers")
def transfer_forms(request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser, done: str | None = None):
    """附件8 forms: a holder's own (filed or naming it), every form for the departments, each with its step."""
    if (redirect := page_for(user, steps.PARTIES_AND_DEPARTMENTS, "holders and the departments")) is not None:
        return redirect
    forms = [{**form, "steps": form_steps(user, form)} for form in transfers.forms_for(gateway, db, user)]
    return render(request, "console/transfers.html", user=user, forms=forms, done=done)


@router.get("/pledges")
def pledged(request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser, done: str | None = None):
    """The pledgee's coupons under pledge (every pledge for the departments), each released after a confirmation."""
    if (redirect := page_for(user, steps.PARTIES_AND_DEPARTMENTS, "holders and the departments")) is not None:
        return redirect
    under = pledges.pledges_for(gateway, db, user)
    can_release = user.role in steps.RELEASE_PLEDGE.roles
    return render(request, "console/pledges.html", user=user, pledges=under, done=done, can_release=can_release,
                  release=steps.RELEASE_PLEDGE, ended=pledges.history(gateway, db, user))
