"""The audit log's page for the departments that read it (gateway.audit.READERS): every write, newest
first, with who, which department, what step, how it ended and its transaction. What was asked stays
in the API's answer and export: the page lists, it does not repeat request bodies."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from ..audit import READERS
from ..db import AuditEntry
from ..deps import DbSession, OptionalUser
from ..errors import NotFound
from .i18n import MESSAGES
from .templating import render

router = APIRouter(prefix="/console", include_in_schema=False)
SHOWN = 200


@router.get("/audit")
def audit_log(request: Request, db: DbSession, user: OptionalUser):
    if user is None:
        return RedirectResponse("/console/login", status_code=303)
    if user.role not in READERS:
        raise NotFound("PAGE_NOT_FOUND", "the audit log is for the departments that supervise and register")
    entries = db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(SHOWN)).all()
    return render(request, "console/audit.html", user=user, entries=entries, shown=SHOWN, words=MESSAGES)
