"""The FastAPI application: /api/v1, OpenAPI at /docs, one error shape."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ..errors import DomainError
from ..runtime import Gateway
from ..settings import Settings, get_settings
from .routes import applications, audit, auth, coupons, documents, market, public

api = APIRouter(prefix="/api/v1")
for module in (auth, documents, applications, coupons, market, public, audit):
    api.include_router(module.router)
api.include_router(applications.parcels)


def create_app(settings: Settings | None = None, *, gateway: Gateway | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.gateway = gateway or Gateway.open(settings)
        try:
            yield
        finally:
            if gateway is None:
                app.state.gateway.close()

    app = FastAPI(title="Tanquan 碳券", version="0.1.0", lifespan=lifespan)
    app.include_router(api)

    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, exc: DomainError):
        return JSONResponse({"code": exc.code, "message": exc.message, "detail": exc.detail}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError):
        fields = [{"field": ".".join(str(p) for p in e["loc"][1:]), "message": e["msg"]} for e in exc.errors()]
        return JSONResponse({"code": "INVALID_INPUT", "message": "check the fields", "detail": fields}, status_code=422)

    return app
