"""The FastAPI application: /api/v1, OpenAPI at /docs, one error shape.

/docs works without the internet: Swagger UI's script, style sheet and icon are served from
the gateway itself (FastAPI's "self-hosting JavaScript and CSS for docs"), out of the
swagger-ui-bundle-v2 package (a dependency, not a committed copy). ReDoc is not offered."""

from __future__ import annotations

from contextlib import asynccontextmanager
from http import HTTPStatus

import anyio
import swagger_ui_bundle
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException
from starlette.types import Scope

from ..edge import guards
from ..core.db import busy, disk_full
from ..core.errors import DomainError
from ..runtime.wiring import Gateway
from ..services import notices, recovery, users
from ..services.logins import LoginGuard
from ..core.settings import Settings, get_settings
from .. import web
from ..web import mail
from ..edge.metrics import Metrics
from .routes import enforcement, log, metrics, rpc
from .routes import (
    applications, audit, auth, calendar, coupons, documents, health, market, public, queue, redemptions, reissues,
    supervision, transfers,
)

api = APIRouter(prefix="/api/v1")
for module in (auth, documents, applications, coupons, reissues, supervision, market, public, audit, queue,
               transfers, calendar, redemptions):
    api.include_router(module.router)
api.include_router(documents.public)
api.include_router(applications.parcels)
api.include_router(enforcement.router)

DOCS_ASSETS = "/docs/assets"  # Swagger UI's files, same origin as the page


def _docs(app: FastAPI) -> None:
    """/docs from the gateway's own copy of Swagger UI: no request leaves for a CDN."""
    app.mount(DOCS_ASSETS, StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui():
        return get_swagger_ui_html(
            openapi_url=app.openapi_url, title=f"{app.title} API", oauth2_redirect_url="/docs/oauth2-redirect",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js", swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
        )

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    def swagger_ui_redirect():
        return get_swagger_ui_oauth2_redirect_html()


def create_app(settings: Settings | None = None, *, gateway: Gateway | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Each write holds a worker thread until its block is mined (≤ 1 s): allow
        # hundreds in flight, not AnyIO's default 40 (DESIGN §8).
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.max_requests_in_flight
        app.state.gateway = gateway or Gateway.open(settings)
        recovering = recovery.watch(app.state.gateway)  # what a crash left half-written
        couriering = notices.watch(app.state.gateway, mail.compose(settings.public_base_url), settings)
        try:
            yield
        finally:
            couriering.set()
            recovering.set()
            if gateway is None:
                app.state.gateway.close()

    app = FastAPI(title="Tanquan 碳券", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings  # what this app serves with (its pages' map tiles, say), whatever gateway it wraps
    _docs(app)
    # Failed log-ins per account and client address; an account slowed down is told to DRC.
    app.state.logins = LoginGuard(settings, slowed=lambda username, failures: users.tell_drc_login_slowed(
        app.state.gateway, username, failures))
    app.include_router(api)
    app.include_router(rpc.router)
    app.include_router(log.router)
    app.include_router(metrics.router)
    app.include_router(health.router)
    app.include_router(web.router)
    app.mount("/static/leaflet", web.leaflet, name="leaflet")
    app.mount("/static", web.static, name="static")

    def error(request: Request, status: int, code: str, message: str, detail=None, headers=None):
        """The one error shape: JSON for the API, a page for a person."""
        if request.url.path.startswith(("/api/", "/docs", "/openapi", "/rpc", "/log/")):
            return JSONResponse({"code": code, "message": message, "detail": detail}, status_code=status, headers=headers)
        return web.error_page(request, status, code, message, headers=headers)

    def refuse(scope: Scope, status: int, code: str, message: str, headers: dict | None = None):
        return error(Request(scope), status, code, message, headers=headers)

    app.state.metrics = Metrics()
    app.add_middleware(app.state.metrics.middleware)  # innermost: it sees the route the router matched
    for middleware in reversed(guards.middleware(settings, refuse)):  # the last added runs first
        app.add_middleware(middleware)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError):
        return error(request, exc.status, exc.code, exc.message, exc.detail)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        # Routing's own errors (unknown path, wrong method) keep the one error shape too.
        return error(request, exc.status_code, HTTPStatus(exc.status_code).name, str(exc.detail), headers=exc.headers)

    @app.exception_handler(OperationalError)
    async def database_error(request: Request, exc: OperationalError):
        # A full disk under the gateway's own records (accounts, the audit log) is said as the chain's is
        # (runtime.UNAVAILABLE): the operator's to mend, not a crash. Writers queued past the database's
        # busy timeout (hundreds at once on SQLite's one write lock) are told to ask again, as a client is
        # at the log-in limit.
        if disk_full(exc):
            return error(request, 503, "DISK_FULL", "the registry's disk is full; try again later")
        if busy(exc):
            return error(request, 503, "SERVER_BUSY", "the registry's database is busy; try again shortly",
                         headers={"Retry-After": "1"})
        raise exc

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        fields = [{"field": ".".join(str(p) for p in e["loc"][1:]), "message": e["msg"]} for e in exc.errors()]
        message = "check the fields: " + "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        return error(request, 422, "INVALID_INPUT", message, detail=fields)

    return app
