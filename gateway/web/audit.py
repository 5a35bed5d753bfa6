"""The audit log's page for the departments that read it (gateway.services.audit.READERS): every write, newest
first, with who, which department, what step, how it ended and its transaction. What was asked stays
in the API's answer and export: the page lists, it does not repeat request bodies."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ..services.audit import READERS, latest, people
from ..edge.deps import DbSession, OptionalUser
from .console import page_for
from .templating import render

router = APIRouter(prefix="/console", include_in_schema=False)
SHOWN = 200


@router.get("/audit")
def audit_log(request: Request, db: DbSession, user: OptionalUser):
    if (redirect := page_for(user, READERS, "the departments that supervise and register")) is not None:
        return redirect
    entries = latest(db, SHOWN)
    return render(request, "console/audit.html", user=user, entries=entries, shown=SHOWN, people=people(db, entries))
