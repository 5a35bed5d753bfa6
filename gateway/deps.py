"""Request dependencies: the gateway, the database session, who is calling,
and which key signs for them. A route declares the roles it needs; it never
picks a key itself."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from .db import User
from .errors import Forbidden, Unauthorized
from .runtime import Actor, Gateway
from .services import users

SESSION_COOKIE = "tanquan_session"


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
async def get_current_user(request: Request, gateway: GatewayDep) -> User:
    header = request.headers.get("authorization", "")
    token = (
        header.removeprefix("Bearer ").strip() if header.startswith("Bearer ")
        else request.headers.get("x-api-key") or request.cookies.get(SESSION_COOKIE)
    )
    if not token:
        raise Unauthorized("NOT_AUTHENTICATED", "log in first (Bearer token, X-API-Key or session cookie)")
    return users.authenticate(gateway, token)


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
    return Actor(user=user, signer_of=gateway.signer_for)


ActorDep = Annotated[Actor, Depends(get_actor)]


def require_reader(*roles: str):
    """A dependency that admits only users of the given roles."""

    async def dependency(user: CurrentUser) -> User:
        if user.role not in roles:
            raise Forbidden("ROLE_REQUIRED", f"this needs one of: {', '.join(roles)}", detail={"roles": list(roles)})
        return user

    return Depends(dependency)

