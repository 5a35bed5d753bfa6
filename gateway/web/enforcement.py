"""The enforcement body's page (附件1 三(三)): offset certificates found by case reference (案号), each
eco-compensation one with the calculator's amount beside the amount retired; a certificate opens its
verification against the chain (/verify/{tx}). EEB and NRB, which receive such certificates too, read it."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ..edge.deps import DbSession, OptionalUser
from ..core.errors import DomainError
from ..services import enforcement
from .console import page_for
from .templating import render

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/offsets")
def offsets(request: Request, db: DbSession, user: OptionalUser, case_reference: str = ""):
    if (redirect := page_for(user, enforcement.READERS, "enforcement bodies, EEB and NRB")) is not None:
        return redirect
    found, error = None, None
    if case_reference.strip():
        try:
            found = enforcement.search(db, case_reference)
        except DomainError as exc:
            error = exc
    return render(request, "console/offsets.html", user=user, q=case_reference, found=found, error=error)
