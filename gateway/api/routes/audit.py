from fastapi import APIRouter

from ...services.audit import READERS, latest
from ...web.exports import CsvResponse, csv_response, table
from ...edge.deps import DbSession, require_reader
from ...catalogue.units import stored_utc
from ..answers import AuditEntry

router = APIRouter(prefix="/audit", tags=["audit 审计"], dependencies=[require_reader(*READERS)])


@router.get("", response_model=list[AuditEntry])
def audit_log(db: DbSession, limit: int = 200) -> list[dict]:
    """Every write: who (the account, and the member who acted as it), which department, what was asked, the tx
    hash and the outcome (§6 supervision)."""
    return [
        {"at": stored_utc(e.at).isoformat(), "username": e.username, "person": e.person, "department": e.department,
         "action": e.action, "request": e.request, "tx_hash": e.tx_hash, "outcome": e.outcome}
        for e in latest(db, min(max(limit, 1), 10_000))
    ]


AUDIT_COLUMNS = (("at", "时间"), ("username", "用户名"), ("person", "经办人"), ("department", "部门"),
                 ("action", "操作"), ("tx_hash", "交易哈希"), ("outcome", "结果"))


@router.get("/export.csv", response_class=CsvResponse)
def export(db: DbSession) -> CsvResponse:
    """The audit log for Excel: UTF-8 with BOM, headers 中文 and key, Beijing time (gateway/web/exports.py)."""
    rows = ([e.at, e.username, e.person or "", e.department, e.action, e.tx_hash or "", e.outcome]
            for e in latest(db, 1_000_000))
    return csv_response(table(AUDIT_COLUMNS, rows), "audit.csv", "审计日志")
