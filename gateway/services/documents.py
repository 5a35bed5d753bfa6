"""The documents a form cites: a file is uploaded first (POST /documents) and cited by its sha256. A party
cites only what its own account uploaded, so no one cites another's files; a department cites any
document it can read. A party reads what it uploaded and what a record it is party to cites: an
application (§8: the right-holder reads what its agent filed for it) or a 附件8 form (the transferee reads
the owner's signed form); departments read every document."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import ApplicationRecord, Document, DocumentUpload, TransferForm, User
from ..errors import Forbidden, Invalid, NotFound
from ..steps import DEPARTMENTS


def readable(db: Session, sha256: str, user: User) -> Document:
    """The document, if `user` may read it: DOCUMENT_NOT_FOUND, or ROLE_REQUIRED for a party's stranger."""
    document = db.get(Document, sha256)
    if document is None:
        raise NotFound("DOCUMENT_NOT_FOUND", f"no document {sha256}")
    if user.role in DEPARTMENTS or db.get(DocumentUpload, (sha256, user.id)) is not None:
        return document
    if sha256 in _cited_to(db, user):
        return document
    raise Forbidden("ROLE_REQUIRED", "documents are visible to departments, their uploader and the parties "
                                     "of the application or 附件8 form that cites them")


def _cited_to(db: Session, user: User) -> set[str]:
    """Every document cited by an application or a 附件8 form `user` is a party to."""
    cited: set[str] = set()
    app = ApplicationRecord
    for record in db.scalars(select(app).where((app.holder_id == user.id) | (app.agent_id == user.id)
                                               | (app.co_applicant_id == user.id) | (app.submitted_by == user.id))):
        cited.add(record.entrustment_document)
        for value in (record.documents or {}).values():
            cited.update(value if isinstance(value, list) else [value])
    form = TransferForm
    for record in db.scalars(select(form).where((form.applicant_id == user.id) | (form.transferee_id == user.id))):
        cited.update([record.signed_form, *(record.documents or [])])
    return cited


def require_uploaded(db: Session, sha256: str | None, /, *, by: User | None = None, **detail) -> None:
    """Nothing to check when `sha256` is None; DOCUMENT_NOT_FOUND (with `detail`) unless it was uploaded,
    by `by` when given."""
    if sha256 is None:
        return
    found = db.get(DocumentUpload, (sha256, by.id)) if by is not None else db.get(Document, sha256)
    if found is None:
        raise Invalid("DOCUMENT_NOT_FOUND", f"upload document {sha256} first", detail=detail)
