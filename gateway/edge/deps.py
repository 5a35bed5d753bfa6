"""Request dependencies: the gateway, the database session, who is calling,
and which key signs for them. A route declares the roles it needs; it never
picks a key itself."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Cookie, Depends, Path, Request, Response
from sqlalchemy.orm import Session

from ..core.db import User
from ..core.errors import Forbidden, Unauthorized
from ..runtime.wiring import Actor, Gateway
from ..core.security import csrf_token
from ..services import users
from ..services.logins import DEVICE_COOKIE, DEVICE_COOKIE_DAYS, LoginGuard

SESSION_COOKIE = "tanquan_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# A record's id in a path: at most the largest id column holds (PostgreSQL's INTEGER, 32-bit signed). A
# larger one is a 422, never an OverflowError or "integer out of range" from the driver.
RecordPath = Annotated[int, Path(ge=1, le=2**31 - 1)]


# The two cheapest dependencies are coroutines: FastAPI runs every plain function
# dependency on a worker thread, one hand-off each, and these do no I/O.
async def get_gateway(request: Request) -> Gateway:
    return request.app.state.gateway


GatewayDep = Annotated[Gateway, Depends(get_gateway)]


async def get_db(gateway: GatewayDep) -> AsyncIterator[Session]:
    with gateway.db.sessions() as session:
        yield session


DbSession = Annotated[Session, Depends(get_db)]


# A coroutine too, with no session of its own: a token used in the last minute is
# answered from memory (users.authenticate), so most requests open no session here.
def credential(request: Request) -> tuple[str | None, bool]:
    """The caller's token, and whether it came from the session cookie (a browser sends that by itself)."""
    header = request.headers.get("authorization", "")
    if header.startswith("Bearer "):
        return header.removeprefix("Bearer ").strip(), False
    if api_key := request.headers.get("x-api-key"):
        return api_key, False
    return request.cookies.get(SESSION_COOKIE), True


def check_same_origin(request: Request) -> None:
    """A browser names the page a write comes from (Origin): it must be one of ours."""
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.headers.get('host', '')}":
        raise Forbidden("CSRF_FAILED", "this write came from another site's page", detail={"origin": origin})


def check_csrf(request: Request, session_token: str, submitted: str | None = None) -> None:
    """A write made with the session cookie must come from our own page: same origin, and the
    session's CSRF token in X-CSRF-Token (or a form's csrf_token). Bearer and API-key calls need neither."""
    check_same_origin(request)
    sent = submitted if submitted is not None else request.headers.get(CSRF_HEADER, "")
    if not hmac.compare_digest(sent.encode(), csrf_token(session_token).encode()):
        raise Forbidden("CSRF_FAILED", "this write needs the page's CSRF token (X-CSRF-Token); reload the page")


async def get_current_user(request: Request, gateway: GatewayDep) -> User:
    token, from_cookie = credential(request)
    if not token:
        raise Unauthorized("NOT_AUTHENTICATED", "log in first (Bearer token, X-API-Key or session cookie)")
    user = users.authenticate(gateway, token)
    if from_cookie and request.method not in SAFE_METHODS:
        check_csrf(request, token)
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_optional_user(request: Request, gateway: GatewayDep) -> User | None:
    """Pages show more to a logged-in official but never demand it."""
    try:
        return await get_current_user(request, gateway)
    except Unauthorized:
        return None


OptionalUser = Annotated[User | None, Depends(get_optional_user)]


async def get_actor(user: CurrentUser, gateway: GatewayDep) -> Actor:
    """The caller as a signer; its key is unlocked when the route first signs, on the route's own thread.
    A step's route admits only the step's roles (routes.step_route); the key follows the caller's role."""
    return Actor(user=user, signer_of=lambda signing: users.signer(gateway, signing))


ActorDep = Annotated[Actor, Depends(get_actor)]


async def get_login_guard(request: Request) -> LoginGuard:
    return request.app.state.logins


LoginGuardDep = Annotated[LoginGuard, Depends(get_login_guard)]
Device = Annotated[str | None, Cookie(alias=DEVICE_COOKIE, include_in_schema=False)]


def remember_device(response: Response, device: str) -> None:
    """The cookie that lets this browser or client through the account's log-in defences (services/logins.py)."""
    response.set_cookie(DEVICE_COOKIE, device, max_age=DEVICE_COOKIE_DAYS * 86400, httponly=True, samesite="lax")


async def get_client_address(request: Request) -> str:
    """The client's address as the guards resolved it (forwarded headers from trusted proxies only)."""
    return request.client.host if request.client else "unknown"


ClientAddress = Annotated[str, Depends(get_client_address)]


async def verified_account(request: Request, user: CurrentUser, gateway: GatewayDep) -> None:
    """附件1 三(一): a holder the centre has not verified in person may not apply, list or buy; a
    department's step on a coupon (listing it) needs the coupon's owner verified. Refused before
    anything is written."""
    users.require_verified(gateway, user)
    if user.role != users.HOLDER and (number := request.path_params.get("number")):
        users.require_verified_owner(gateway, number)


def require_reader(*roles: str):
    """A dependency that admits only users of the given roles."""

    async def dependency(user: CurrentUser) -> User:
        if user.role not in roles:
            raise Forbidden("ROLE_REQUIRED", f"this needs one of: {', '.join(roles)}", detail={"roles": list(roles)})
        return user

    return Depends(dependency)

