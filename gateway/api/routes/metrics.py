"""GET /metrics: Prometheus's text format (gateway/edge/metrics.py), outside /api/v1 and its rate limits;
`?name[]=…` asks for some series only, as prometheus_client's own exporter takes it."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from ...edge.deps import GatewayDep
from ...edge.metrics import CONTENT_TYPE

router = APIRouter(tags=["operations"])


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request, gateway: GatewayDep) -> Response:
    names = request.query_params.getlist("name[]") or None
    return Response(await run_in_threadpool(request.app.state.metrics.exposition, gateway, names),
                    media_type=CONTENT_TYPE)
