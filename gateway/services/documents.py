"""The documents a form cites: a file is uploaded first (POST /documents) and cited by its sha256. A party
cites only what its own account uploaded, so no one cites another's files; a department cites any
document it can read."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..db import Document, DocumentUpload, User
from ..errors import Invalid


def require_uploaded(db: Session, sha256: str | None, /, *, by: User | None = None, **detail) -> None:
    """Nothing to check when `sha256` is None; DOCUMENT_NOT_FOUND (with `detail`) unless it was uploaded,
    by `by` when given."""
    if sha256 is None:
        return
    found = db.get(DocumentUpload, (sha256, by.id)) if by is not None else db.get(Document, sha256)
    if found is None:
        raise Invalid("DOCUMENT_NOT_FOUND", f"upload document {sha256} first", detail=detail)
