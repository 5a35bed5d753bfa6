"""Enforcement bodies (附件1 三(三)): offset certificates by case reference (案号)."""

from typing import Annotated

from fastapi import APIRouter, Query

from ...edge.deps import DbSession, require_reader
from ...services import enforcement as service
from ..answers import OffsetPublic

router = APIRouter(prefix="/enforcement", tags=["enforcement 执法"], dependencies=[require_reader(*service.READERS)])


@router.get("/offsets", response_model=list[OffsetPublic])
def offsets_by_case(db: DbSession, case_reference: Annotated[str, Query(max_length=200)]) -> list[dict]:
    """Offset certificates whose case reference contains `case_reference`, newest first. An eco-compensation
    offset (§15(1)) carries `compensation`: the calculator's amount (needed_t) beside the amount retired."""
    return service.search(db, case_reference)
