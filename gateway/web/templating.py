"""Server-rendered pages: one Jinja2 environment, the language of the request,
and the filters every page uses (China time, tonnes, short hashes)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from ..edge.deps import SESSION_COOKIE
from ..core.security import csrf_token
from ..services import inbox
from ..catalogue.steps import BY_ID
from ..catalogue.units import CST, amount_display, china_time, money_display, tonnes_display
from .i18n import LANGUAGE_COOKIE, MESSAGES, console_words, language_of, translator

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")


def _short(value: str | None, keep: int = 10) -> str:
    return value if not value or len(value) <= 2 * keep + 1 else f"{value[:keep]}…{value[-6:]}"


templates.env.globals["console_words"] = console_words  # refusals in the page's language (console.js)
templates.env.globals["words"] = MESSAGES  # a page asks whether a key has words before saying it
def _local(iso: str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored moment (ISO 8601 with its zone) in Beijing time."""
    return dt.datetime.fromisoformat(iso).astimezone(CST).strftime(fmt) if iso else ""


# tonnes: kilograms as tonnes; amount: tonnes as the API gives them; money: yuan; all in units.py's one format.
templates.env.filters.update(cst=china_time, local=_local, date=lambda ts: china_time(ts, "%Y-%m-%d"), tonnes=tonnes_display,
                             amount=amount_display, money=money_display, short=_short)


def language(request: Request) -> str:
    return language_of(request.query_params.get("lang"), request.cookies.get(LANGUAGE_COOKIE))


def here_without_lang(request: Request) -> str:
    """This page's path and query, less `lang`: where the language switch returns to."""
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "lang"])
    return request.url.path + (f"?{query}" if query else "")


_counts: dict[int, tuple[float, int]] = {}  # user id → (when counted, how many wait on it)
COUNT_SECONDS = 10.0  # a page's header may show a count this old; an account's home counts afresh


def _waiting(request: Request, user) -> int:
    """The header's count of what waits on the account (services/inbox.py), counted at most every
    COUNT_SECONDS per account: a department's queue is the costliest read a page could make."""
    now = time.monotonic()
    counted = _counts.get(user.id)
    if counted is None or now - counted[0] > COUNT_SECONDS:
        gateway = request.app.state.gateway
        with gateway.db.sessions() as db:
            counted = _counts[user.id] = (now, len(inbox.waiting_on(gateway, db, user)))
    return counted[1]


def render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    """A page; with a session, the CSRF token its scripts and forms send back with each write, and the
    number of things waiting on the account for the header (services/inbox.py)."""
    lang = language(request)
    session = request.cookies.get(SESSION_COOKIE)
    if (user := context.get("user")) is not None:
        if "waiting" in context:  # a home counted it afresh
            _counts[user.id] = (time.monotonic(), context["waiting"])
        else:
            context["waiting"] = _waiting(request, user)
    return templates.TemplateResponse(
        request, name, {"t": translator(lang), "lang": lang, "here": here_without_lang(request),
                        "done_step": BY_ID.get(request.query_params.get("step", "")),  # the step a notice names
                        "csrf": csrf_token(session) if session else "", **context},
        status_code=status_code,
    )
