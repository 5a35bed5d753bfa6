"""Web pages: the public explorer, the department consoles, PDF certificates (DESIGN §7)."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.staticfiles import StaticFiles

from . import accounts, audit, calendar, console, enforcement, market, pages, transfers
from .templating import HERE, render

router = APIRouter(include_in_schema=False)
router.include_router(pages.router)
router.include_router(console.router)
router.include_router(accounts.router)
router.include_router(market.router)
router.include_router(transfers.router)
router.include_router(audit.router)
router.include_router(calendar.router)
router.include_router(enforcement.router)
static = StaticFiles(directory=HERE / "static")
# Leaflet's own files, from the package that carries them alone (django-js-lib-leaflet; no Django is imported).
leaflet = StaticFiles(directory=Path(find_spec("js_lib_leaflet").submodule_search_locations[0]) / "static" / "js_lib_leaflet")


def error_page(request: Request, status: int, code: str, message: str, headers: dict | None = None):
    response = render(request, "error.html", status_code=status, user=None, code=code, message=message)
    response.headers.update(headers or {})
    return response
