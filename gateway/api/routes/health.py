"""Liveness and readiness, outside /api/v1 and its rate limit: probes ask often."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ...edge.deps import GatewayDep
from ...services import health as service

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def alive() -> dict:
    """The process answers."""
    return {"alive": True}


@router.get("/readyz")
def ready(gateway: GatewayDep) -> JSONResponse:
    """200 while the gateway can take reads and writes; 503 with its problems when not."""
    readiness = service.readiness(gateway)
    return JSONResponse(readiness, status_code=200 if readiness["ready"] else 503)
