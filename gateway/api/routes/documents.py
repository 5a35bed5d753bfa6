import hashlib
import os

from fastapi import APIRouter, UploadFile
from fastapi.responses import FileResponse

from ...db import Document, DocumentUpload
from ...errors import Invalid
from ...services import documents
from ...deps import CurrentUser, DbSession, GatewayDep
from ...guards import CSP

router = APIRouter(prefix="/documents", tags=["documents 材料"])
# Served as what they say they are only when a browser shows that type inertly; anything else
# (HTML, SVG, scripts…) is a download of bytes.
SAFE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain", "text/csv",
              "application/zip", "application/msword", "application/vnd.ms-excel",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
# The consoles preview an uploaded PDF in a frame of their own pages before a form is sent (附件1 一(一)):
# a document may be framed by this site, never by another.
FRAMED_BY_THIS_SITE = {"X-Frame-Options": "SAMEORIGIN",
                       "Content-Security-Policy": CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'")}


@router.post("", status_code=201)
async def upload(file: UploadFile, user: CurrentUser, gateway: GatewayDep, db: DbSession) -> dict:
    """Content-addressed: the sha256 goes on-chain, the file stays here, readable by this process only."""
    limit = gateway.settings.max_document_bytes
    content = await file.read(limit + 1)
    if not content:
        raise Invalid("EMPTY_DOCUMENT", "the file is empty", detail={"field": "file"})
    if len(content) > limit:
        raise Invalid("DOCUMENT_TOO_LARGE", f"documents are limited to {limit // (1024 * 1024)} MiB",
                      detail={"field": "file"})
    digest = hashlib.sha256(content).hexdigest()
    folder = gateway.settings.data_dir / "documents"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / digest
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        tmp.replace(path)
    if db.get(Document, digest) is None:
        db.add(Document(sha256=digest, filename=file.filename or digest, content_type=file.content_type or "application/octet-stream",
                        size=len(content), uploaded_by=user.id))
        db.flush()
    if db.get(DocumentUpload, (digest, user.id)) is None:
        db.add(DocumentUpload(sha256=digest, user_id=user.id))
    db.commit()
    gateway.audit.record(user, "document.upload", {"sha256": digest, "filename": file.filename, "size": len(content)})
    return {"sha256": digest, "size": len(content)}


@router.get("/{sha256}")
def download(sha256: str, user: CurrentUser, gateway: GatewayDep, db: DbSession):
    document = documents.readable(db, sha256, user)
    media_type = document.content_type.split(";")[0].strip().lower()
    safe = media_type in SAFE_TYPES
    return FileResponse(gateway.settings.data_dir / "documents" / sha256,
                        media_type=media_type if safe else "application/octet-stream",
                        filename=document.filename, content_disposition_type="inline" if safe else "attachment",
                        headers={"X-Content-Type-Options": "nosniff", **FRAMED_BY_THIS_SITE})
