"""Server-rendered pages: one Jinja2 environment, the language of the request,
and the filters every page uses (China time, tonnes, short hashes)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from ..deps import SESSION_COOKIE
from ..security import csrf_token
from ..services import inbox
from ..units import china_time, tonnes_display
from .i18n import LANGUAGE_COOKIE, console_words, language_of, translator

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")


def _short(value: str | None, keep: int = 10) -> str:
    return value if not value or len(value) <= 2 * keep + 1 else f"{value[:keep]}…{value[-6:]}"


templates.env.globals["console_words"] = console_words  # refusals in the page's language (console.js)
templates.env.filters.update(cst=china_time, date=lambda ts: china_time(ts, "%Y-%m-%d"), tonnes=tonnes_display,
                             short=_short)


def language(request: Request) -> str:
    return language_of(request.query_params.get("lang"), request.cookies.get(LANGUAGE_COOKIE))


def here_without_lang(request: Request) -> str:
    """This page's path and query, less `lang`: where the language switch returns to."""
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "lang"])
    return request.url.path + (f"?{query}" if query else "")


def render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    """A page; with a session, the CSRF token its scripts and forms send back with each write, and the
    number of things waiting on the account for the header (services/inbox.py)."""
    lang = language(request)
    session = request.cookies.get(SESSION_COOKIE)
    if context.get("user") is not None and "waiting" not in context:
        gateway = request.app.state.gateway
        with gateway.db.sessions() as db:
            context["waiting"] = len(inbox.waiting_on(gateway, db, context["user"]))
    return templates.TemplateResponse(
        request, name, {"t": translator(lang), "lang": lang, "here": here_without_lang(request),
                        "csrf": csrf_token(session) if session else "", **context},
        status_code=status_code,
    )
