from fastapi import APIRouter, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse

from ...services import documents
from ...edge.deps import CurrentUser, DbSession, GatewayDep
from ...edge.guards import CSP
from . import file_answer
from ..answers import DocumentStored

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


@router.post("", status_code=201, response_model=DocumentStored)
async def upload(file: UploadFile, user: CurrentUser, gateway: GatewayDep, db: DbSession) -> dict:
    """Content-addressed: the sha256 goes on-chain, the file stays here, readable by this process only.
    A holder's uploads have a quota (a small one before the centre verifies it) and a rate."""
    content = await file.read(gateway.settings.max_document_bytes + 1)
    digest = await run_in_threadpool(documents.store, gateway, db, user, content, file.filename, file.content_type)
    return {"sha256": digest, "size": len(content)}


@router.get("/{sha256}", **file_answer("application/octet-stream", "the document, as uploaded"))
def download(sha256: str, user: CurrentUser, gateway: GatewayDep, db: DbSession):
    return _served(gateway, documents.readable(db, sha256, user))


def _served(gateway, document) -> FileResponse:
    sha256 = document.sha256
    media_type = document.content_type.split(";")[0].strip().lower()
    safe = media_type in SAFE_TYPES
    return FileResponse(gateway.settings.data_dir / "documents" / sha256,
                        media_type=media_type if safe else "application/octet-stream",
                        filename=document.filename, content_disposition_type="inline" if safe else "attachment",
                        headers={"X-Content-Type-Options": "nosniff", **FRAMED_BY_THIS_SITE})


public = APIRouter(prefix="/public/documents", tags=["public 公示"])


@public.get("/{sha256}", **file_answer("application/octet-stream", "the document, as uploaded"))
def public_download(sha256: str, gateway: GatewayDep, db: DbSession):
    """附件5's public attachments (the coupon original's scan, 其他附件), as the disclosure board links them."""
    return _served(gateway, documents.public(db, sha256))
