import hashlib

from fastapi import APIRouter, UploadFile
from fastapi.responses import FileResponse

from ...db import Document
from ...errors import Forbidden, Invalid, NotFound
from ...deps import CurrentUser, DbSession, GatewayDep

router = APIRouter(prefix="/documents", tags=["documents 材料"])
MAX_BYTES = 20 * 1024 * 1024


@router.post("", status_code=201)
async def upload(file: UploadFile, user: CurrentUser, gateway: GatewayDep, db: DbSession) -> dict:
    """Content-addressed: the sha256 goes on-chain, the file stays here."""
    content = await file.read(MAX_BYTES + 1)
    if not content:
        raise Invalid("EMPTY_DOCUMENT", "the file is empty", detail={"field": "file"})
    if len(content) > MAX_BYTES:
        raise Invalid("DOCUMENT_TOO_LARGE", "documents are limited to 20 MiB", detail={"field": "file"})
    digest = hashlib.sha256(content).hexdigest()
    folder = gateway.settings.data_dir / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / digest
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(content)
        tmp.replace(path)
    if db.get(Document, digest) is None:
        db.add(Document(sha256=digest, filename=file.filename or digest, content_type=file.content_type or "application/octet-stream",
                        size=len(content), uploaded_by=user.id))
        db.commit()
    gateway.audit.record(user, "document.upload", {"sha256": digest, "filename": file.filename, "size": len(content)})
    return {"sha256": digest, "size": len(content)}


@router.get("/{sha256}")
def download(sha256: str, user: CurrentUser, gateway: GatewayDep, db: DbSession):
    document = db.get(Document, sha256)
    if document is None:
        raise NotFound("DOCUMENT_NOT_FOUND", f"no document {sha256}")
    if user.role in ("HOLDER", "ENFORCEMENT") and document.uploaded_by != user.id:
        raise Forbidden("ROLE_REQUIRED", "documents are visible to departments and to their uploader")
    return FileResponse(gateway.settings.data_dir / "documents" / sha256, media_type=document.content_type,
                        filename=document.filename)
