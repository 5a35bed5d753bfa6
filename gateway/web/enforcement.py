"""The enforcement body's page (附件1 三(三)): offset certificates found by case reference (案号), each
eco-compensation one with the calculator's amount beside the amount retired; a certificate opens its
verification against the chain (/verify/{tx}). EEB and NRB, which receive such certificates too, read it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from ..deps import DbSession, OptionalUser
from ..errors import DomainError, NotFound
from ..services import enforcement
from .templating import render

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/offsets")
def offsets(request: Request, db: DbSession, user: OptionalUser, case_reference: str = ""):
    if user is None:
        return RedirectResponse("/console/login", status_code=303)
    if user.role not in enforcement.READERS:
        raise NotFound("PAGE_NOT_FOUND", "this page is for enforcement bodies, EEB and NRB")
    found, error = None, None
    if case_reference.strip():
        try:
            found = enforcement.search(db, case_reference)
        except DomainError as exc:
            error = exc
    return render(request, "console/offsets.html", user=user, q=case_reference, found=found, error=error)
