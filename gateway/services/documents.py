"""The documents a form cites: a file is uploaded first (POST /documents) and cited by its sha256. A party
cites only what its own account uploaded, so no one cites another's files; a department cites any
document it can read. A party reads what it uploaded and what an application it is party to cites (§8:
the right-holder reads what its agent filed for it); departments read every document."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import ApplicationRecord, Document, DocumentUpload, User
from ..errors import Forbidden, Invalid, NotFound
from ..steps import DEPARTMENTS


def readable(db: Session, sha256: str, user: User) -> Document:
    """The document, if `user` may read it: DOCUMENT_NOT_FOUND, or ROLE_REQUIRED for a party's stranger."""
    document = db.get(Document, sha256)
    if document is None:
        raise NotFound("DOCUMENT_NOT_FOUND", f"no document {sha256}")
    if user.role in DEPARTMENTS or db.get(DocumentUpload, (sha256, user.id)) is not None:
        return document
    if any(sha256 in _cited(record) for record in _applications_of(db, user)):
        return document
    raise Forbidden("ROLE_REQUIRED", "documents are visible to departments, their uploader and the parties "
                                     "of the application that cites them")


def _applications_of(db: Session, user: User):
    party = ApplicationRecord
    return db.scalars(select(party).where((party.holder_id == user.id) | (party.agent_id == user.id)
                                          | (party.co_applicant_id == user.id) | (party.submitted_by == user.id)))


def _cited(record: ApplicationRecord) -> set[str]:
    cited = {record.entrustment_document} if record.entrustment_document else set()
    for value in (record.documents or {}).values():
        cited.update(value if isinstance(value, list) else [value])
    return cited


def require_uploaded(db: Session, sha256: str | None, /, *, by: User | None = None, **detail) -> None:
    """Nothing to check when `sha256` is None; DOCUMENT_NOT_FOUND (with `detail`) unless it was uploaded,
    by `by` when given."""
    if sha256 is None:
        return
    found = db.get(DocumentUpload, (sha256, by.id)) if by is not None else db.get(Document, sha256)
    if found is None:
        raise Invalid("DOCUMENT_NOT_FOUND", f"upload document {sha256} first", detail=detail)
