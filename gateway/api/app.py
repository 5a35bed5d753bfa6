"""The FastAPI application: /api/v1, OpenAPI at /docs, one error shape."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from contextlib import asynccontextmanager
from http import HTTPStatus

import anyio
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import DomainError
from ..runtime import Gateway
from ..settings import Settings, get_settings
from .. import web
from .routes import applications, audit, auth, coupons, documents, market, public, queue

api = APIRouter(prefix="/api/v1")
for module in (auth, documents, applications, coupons, market, public, audit, queue):
    api.include_router(module.router)
api.include_router(applications.parcels)


# What anyone may ask without logging in: rate-limited per client address (DESIGN §9).
PUBLIC_PATHS = ("/api/v1/public/", "/search", "/coupons/", "/verify", "/listings", "/stats", "/certificates/")


class RateLimiter:
    """A sliding one-minute window per client address."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._hits: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            hits = self._hits[client]
            while hits and hits[0] <= now - 60:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return False
            hits.append(now)
            return True


def create_app(settings: Settings | None = None, *, gateway: Gateway | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Each write holds a worker thread until its block is mined (≤ 1 s): allow
        # hundreds in flight, not AnyIO's default 40 (DESIGN §8).
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.max_requests_in_flight
        app.state.gateway = gateway or Gateway.open(settings)
        try:
            yield
        finally:
            if gateway is None:
                app.state.gateway.close()

    app = FastAPI(title="Tanquan 碳券", version="0.1.0", lifespan=lifespan)
    app.include_router(api)
    app.include_router(web.router)
    app.mount("/static", web.static, name="static")

    def error(request: Request, status: int, code: str, message: str, detail=None, headers=None):
        """The one error shape: JSON for the API, a page for a person."""
        if request.url.path.startswith(("/api/", "/docs", "/openapi")):
            return JSONResponse({"code": code, "message": message, "detail": detail}, status_code=status, headers=headers)
        return web.error_page(request, status, code, message, headers=headers)

    limiter = RateLimiter(settings.public_requests_per_minute)

    def rate_limit_public(app: ASGIApp) -> ASGIApp:
        """Plain ASGI, not @app.middleware: that wraps every request, writes included, in a task and streams."""

        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http" and scope["path"].startswith(PUBLIC_PATHS):
                client = scope["client"][0] if scope.get("client") else "unknown"
                if not limiter.allow(client):
                    response = error(Request(scope), 429, "RATE_LIMITED", "too many requests; try again in a minute",
                                     headers={"Retry-After": "60"})
                    return await response(scope, receive, send)
            await app(scope, receive, send)

        return middleware

    app.add_middleware(rate_limit_public)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError):
        return error(request, exc.status, exc.code, exc.message, exc.detail)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        # Routing's own errors (unknown path, wrong method) keep the one error shape too.
        return error(request, exc.status_code, HTTPStatus(exc.status_code).name, str(exc.detail), headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        fields = [{"field": ".".join(str(p) for p in e["loc"][1:]), "message": e["msg"]} for e in exc.errors()]
        message = "check the fields: " + "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        return error(request, 422, "INVALID_INPUT", message, detail=fields)

    return app
