"""The documents a form cites: a file is uploaded first (POST /documents) and cited by its sha256. A party
cites only what its own account uploaded, so no one cites another's files; a department cites any
document it can read. A party reads what it uploaded and what a record it is party to cites: an
application (§8: the right-holder reads what its agent filed for it) or a 附件8 form (the transferee reads
the owner's signed form); departments read every document."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import threading

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.db import (
    ApplicationRecord,
    Document,
    DocumentUpload,
    ListingRecord,
    ManagementReport,
    PreparedApplication,
    TransferForm,
    User,
)
from ..core.errors import DomainError, Forbidden, Invalid, NotFound
from ..runtime.wiring import Gateway
from ..catalogue.steps import DEPARTMENTS, HOLDER

log = logging.getLogger(__name__)
MIB = 1024 * 1024
_quota_turns = threading.Lock()  # a holder's quota is checked and its file written in one turn: no race past it


def store(gw: Gateway, db: Session, user: User, content: bytes, filename: str | None, content_type: str | None) -> str:
    """Keeps an uploaded file under its sha256, readable by this process only; returns the sha256. A holder
    uploads within its quota (a small one until the centre verifies it) and rate; nobody uploads onto a disk
    about to fill. A file uploaded before costs no quota and no disk."""
    settings = gw.settings
    if not content:
        raise Invalid("EMPTY_DOCUMENT", "the file is empty", detail={"field": "file"})
    if len(content) > settings.max_document_bytes:
        raise Invalid("DOCUMENT_TOO_LARGE", f"documents are limited to {settings.max_document_bytes // MIB} MiB",
                      detail={"field": "file"})
    digest = hashlib.sha256(content).hexdigest()
    folder = settings.data_dir / "documents"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _quota_turns:
        try:
            _keep(gw, db, user, content, digest, filename, content_type, folder)
        except IntegrityError:  # another gateway process kept the same file a moment ago: it is there now
            db.rollback()
            _keep(gw, db, user, content, digest, filename, content_type, folder)
    return digest


def _keep(gw: Gateway, db: Session, user: User, content: bytes, digest: str, filename: str | None,
          content_type: str | None, folder) -> None:
    if db.get(Document, digest) is None:
        _room_for(gw, db, user, len(content), folder)
        _write(folder / digest, content)
        db.add(Document(sha256=digest, filename=filename or digest, size=len(content), uploaded_by=user.id,
                        content_type=content_type or "application/octet-stream"))
        db.flush()
    if db.get(DocumentUpload, (digest, user.id)) is None:
        db.add(DocumentUpload(sha256=digest, user_id=user.id))
    gw.audit.add(db, user, "document.upload", {"sha256": digest, "filename": filename, "size": len(content)})
    db.commit()


def _room_for(gw: Gateway, db: Session, user: User, size: int, folder) -> None:
    settings = gw.settings
    free = shutil.disk_usage(folder).free
    if free - size < settings.min_free_bytes:
        log.error("uploads refused: %d MiB free on the data directory's disk, below min_free_bytes", free // MIB)
        raise DomainError("DISK_FULL", "the registry's disk is full; uploads resume when the operator frees room",
                          status=503)
    if user.role != HOLDER:
        return
    quota = settings.upload_quota_bytes if user.verified_at is not None else settings.upload_quota_unverified_bytes
    # int(): PostgreSQL sums a bigint column as numeric (a Decimal, which JSON does not take)
    used = int(db.scalar(select(func.coalesce(func.sum(Document.size), 0)).where(Document.uploaded_by == user.id)))
    if used + size > quota:
        hint = "" if user.verified_at is not None else "; the centre's in-person check raises it"
        raise DomainError("UPLOAD_QUOTA", f"this account's documents are limited to {quota // MIB} MiB{hint}",
                          status=413, detail={"used_bytes": used, "quota_bytes": quota})
    if not gw.uploads.allow(user.username):
        raise DomainError("UPLOADS_TOO_FAST", f"at most {settings.uploads_per_hour} documents an hour; try again "
                          "later", status=429)


def _write(path, content: bytes) -> None:
    """Whole or not at all: written beside, then renamed; a disk that fills midway leaves nothing behind."""
    tmp = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")  # two processes may keep one file
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DomainError("DISK_FULL", "the registry could not store the file; try again later", status=503) from exc


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


def public(db: Session, sha256: str) -> Document:
    """A document anyone reads: 附件5's public attachments (the coupon original's scan, 其他附件) of a listing."""
    document = db.get(Document, sha256)
    if document is None or not document.public:
        raise NotFound("DOCUMENT_NOT_FOUND", f"no public document {sha256}")
    return document


def _cited_to(db: Session, user: User) -> set[str]:
    """Every document cited by an application, a listing or a 附件8 form `user` is a party to."""
    cited: set[str] = set()
    app = ApplicationRecord
    for record in db.scalars(select(app).where((app.holder_id == user.id) | (app.agent_id == user.id)
                                               | (app.co_applicant_id == user.id) | (app.submitted_by == user.id))):
        cited.update([record.entrustment_document, *listed(record.documents or {}),
                      *((p.get("tenure") or {}).get("document") for p in record.parcels)])
    prepared = PreparedApplication  # §8: the parties read what they are asked to confirm
    for record in db.scalars(select(prepared).where(
            (prepared.holder_id == user.id) | (prepared.agent_id == user.id) | (prepared.co_applicant_id == user.id))):
        cited.update([record.form.get("entrustment_document"), *listed(record.form["documents"])])
    listings = db.scalars(select(ListingRecord).where(ListingRecord.holder_id == user.id)).all()  # 附件4 八, 附件5
    for listing in listings:
        disclosure = listing.disclosure or {}
        cited.update([disclosure.get("disclosure_form"), disclosure.get("coupon_original"),
                      (listing.entrustment or {}).get("agreement"), *(listing.attachments or [])])
    cited.update(db.scalars(select(ManagementReport.document).where(  # 附件4 三、四
        ManagementReport.coupon_id.in_([listing.coupon_id for listing in listings]))))
    form = TransferForm
    for record in db.scalars(select(form).where((form.applicant_id == user.id) | (form.transferee_id == user.id))):
        cited.update([record.signed_form, *(record.documents or [])])
    return cited


def make_public(db: Session, hashes: list[str]) -> None:
    """Documents anyone may read from now on (GET /api/v1/public/documents/<sha256>); the caller commits."""
    db.execute(update(Document).where(Document.sha256.in_(hashes)).values(public=True))


def names(db: Session, hashes: list[str | None]) -> dict[str, str]:
    """Each document's file name as uploaded, for pages that show documents by name."""
    wanted = [h for h in hashes if h]
    return {d.sha256: d.filename for d in db.scalars(select(Document).where(Document.sha256.in_(wanted)))} if wanted else {}


def listed(documents: dict) -> list[str | None]:
    """The documents of an application's manifest: each field's one, and the others' list."""
    return [sha for value in documents.values() for sha in (value if isinstance(value, list) else [value])]


def require_uploaded(db: Session, sha256: str | None, /, *, by: User | None = None, **detail) -> None:
    """Nothing to check when `sha256` is None; DOCUMENT_NOT_FOUND (with `detail`) unless it was uploaded,
    by `by` when given."""
    if sha256 is None:
        return
    found = db.get(DocumentUpload, (sha256, by.id)) if by is not None else db.get(Document, sha256)
    if found is None:
        raise Invalid("DOCUMENT_NOT_FOUND", f"upload document {sha256} first", detail=detail)
