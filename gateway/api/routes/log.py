"""The transparency log (c2sp.org/tlog-checkpoint; gateway/runtime/transparency.py): public, rate-limited with the
public reads, outside /api/v1 as logs serve theirs. A proof between fixed sizes never changes: cached for good."""

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse, PlainTextResponse

from ...edge.deps import GatewayDep
from ...services import transparency as service

router = APIRouter(prefix="/log", tags=["transparency log 透明日志"])

Size = Annotated[int, Query(ge=0, le=2**62)]
FOR_GOOD = {"Cache-Control": "public, max-age=31536000, immutable"}


@router.get("/checkpoint", response_class=PlainTextResponse)
def checkpoint(gateway: GatewayDep) -> PlainTextResponse:
    """The latest checkpoint: origin, tree size (blocks logged) and RFC 6962 root, signed by the log's key."""
    return PlainTextResponse(service.checkpoint(gateway), headers={"Cache-Control": "no-cache"})


@router.get("/key", response_class=PlainTextResponse)
def key(gateway: GatewayDep) -> PlainTextResponse:
    """The log's verifier key (c2sp.org/signed-note): what a witness or an auditor pins."""
    return PlainTextResponse(service.verifier_key(gateway), headers=FOR_GOOD)


@router.get("/proof/inclusion")
def inclusion(gateway: GatewayDep, block: Size, size: Size | None = None) -> JSONResponse:
    """RFC 9162 inclusion proof: block `block` is leaf `block` of the tree of `size` (default: the latest)."""
    return _cached(service.inclusion(gateway, block=block, size=size), fixed=size is not None)


@router.get("/proof/consistency")
def consistency(gateway: GatewayDep, old: Size, new: Size | None = None) -> JSONResponse:
    """RFC 9162 consistency proof: the tree of `new` leaves (default: the latest) extends the tree of `old`."""
    return _cached(service.consistency(gateway, old=old, new=new), fixed=new is not None)


@router.get("/bundles/{tx_hash}.json")
def bundle(gateway: GatewayDep, tx_hash: Annotated[str, Path(pattern=r"^0x[0-9a-fA-F]{64}$")]) -> JSONResponse:
    """An offset certificate's or a trade voucher's offline proof: its receipt against its block header, the block
    in the latest checkpoint, the checkpoint, and the EEB's or the centre's signed statement of the facts;
    `tanquan verify --offline FILE --policy POLICY --ledger ADDRESS` checks it."""
    proof = service.bundle(gateway, tx_hash)
    return JSONResponse(proof, headers={
        "Content-Disposition": f'attachment; filename="{proof["kind"]}-{tx_hash[2:14].lower()}.json"'})


def _cached(proof: dict, *, fixed: bool) -> JSONResponse:
    return JSONResponse(proof, headers=FOR_GOOD if fixed else {"Cache-Control": "no-cache"})
