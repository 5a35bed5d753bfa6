import io

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse
from sqlalchemy import select

from ...db import AuditEntry
from ...exports import safe_writer
from ...deps import DbSession, require_reader

router = APIRouter(prefix="/audit", tags=["audit 审计"], dependencies=[require_reader("DRC", "NRB", "FORESTRY", "EEB")])


def _entries(db, limit: int):
    return db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).all()


@router.get("")
def audit_log(db: DbSession, limit: int = 200) -> list[dict]:
    """Every write: who, which department, what was asked, the tx hash and the outcome (§6 supervision)."""
    return [
        {"at": e.at.isoformat(), "username": e.username, "department": e.department, "action": e.action,
         "request": e.request, "tx_hash": e.tx_hash, "outcome": e.outcome}
        for e in _entries(db, min(max(limit, 1), 10_000))
    ]


@router.get("/export.csv", response_class=PlainTextResponse)
def export(db: DbSession) -> str:
    out = io.StringIO()
    writer = safe_writer(out)
    writer.writerow(["at", "username", "department", "action", "tx_hash", "outcome"])
    for e in _entries(db, 1_000_000):
        writer.writerow([e.at.isoformat(), e.username, e.department, e.action, e.tx_hash or "", e.outcome])
    return out.getvalue()
