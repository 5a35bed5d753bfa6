"""POST /rpc: a public, read-only JSON-RPC on the registry's chain (services.rpc)."""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from ...edge.deps import GatewayDep
from ...services import rpc as service

router = APIRouter(tags=["public"])


@router.post("/rpc", summary="Read-only JSON-RPC (eth_getTransactionReceipt, eth_getLogs, eth_call, …)")
async def json_rpc(request: Request, gateway: GatewayDep) -> Response:
    """JSON-RPC 2.0, one call or a batch: the chain's blocks, transactions, receipts, logs
    (a bounded block range), code and calls, to check the registry independently
    (`tanquan verify TX --rpc URL`). Every method that writes is refused. Rate-limited per
    client address like the public API."""
    document = await anyio.to_thread.run_sync(service.answer, gateway, await request.body())
    return Response(status_code=204) if document is None else JSONResponse(document)
