"""The audit log as its readers read it (§6 supervision; DESIGN §9): the API, its export and the
console page. The writer is the runtime's (gateway/runtime/audit.py); this module only reads."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.db import AuditEntry, User

# The departments that read the audit log: supervision (§6), coordination (DRC), and FINANCE, which
# registers pledges (§4).
READERS = ("DRC", "NRB", "FORESTRY", "EEB", "FINANCE")


def latest(db: Session, limit: int) -> list[AuditEntry]:
    """Newest first."""
    return db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).all()


def people(db: Session, entries: list[AuditEntry]) -> dict[str, str]:
    """The names of the members who acted in `entries` (their usernames are what an entry keeps)."""
    usernames = {e.person for e in entries if e.person}
    return dict(db.execute(select(User.username, User.display_name).where(User.username.in_(usernames))).all())
