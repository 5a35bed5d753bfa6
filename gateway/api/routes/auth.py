from fastapi import APIRouter, Request, Response

from ... import steps
from ...schemas import ApiKeyCreate, HolderCreate, LoginCreate, OfficialCreate, TokenPublic, UserPublic
from ...services import users
from . import step_route
from ...deps import ClientAddress, CurrentUser, DbSession, GatewayDep, LoginGuardDep, credential

router = APIRouter(prefix="/auth", tags=["auth 身份"])


def _public(user, address: str | None = None) -> UserPublic:
    return UserPublic(username=user.username, role=user.role, display_name=user.display_name,
                      organisation=user.organisation, address=address or user.address)


@router.post("/login", response_model=TokenPublic)
def login(form: LoginCreate, db: DbSession, guard: LoginGuardDep, client: ClientAddress):
    """A bearer token for the API; pages keep their own cookie session (/console/login).
    Failed log-ins lock the account, and the client address, for a while."""
    token, user = users.login(db, form.username, form.password, guard=guard, client=client)
    return TokenPublic(token=token, user=_public(user))


@router.post("/logout", status_code=204)
def logout(request: Request, user: CurrentUser, gateway: GatewayDep) -> Response:
    """The token this call is made with (a session or an API key) stops working at once."""
    token, _ = credential(request)
    users.revoke(gateway, token)
    gateway.audit.record(user, "auth.logout", {})
    return Response(status_code=204)


@router.get("/me", response_model=UserPublic)
def me(user: CurrentUser, gateway: GatewayDep):
    """The account; a holder's address once its key exists (from its first transaction)."""
    return _public(user, users.holder_address(gateway, user) if user.role == steps.HOLDER else None)


@router.post("/api-keys", status_code=201)
def create_api_key(form: ApiKeyCreate, user: CurrentUser, gateway: GatewayDep, db: DbSession, guard: LoginGuardDep,
                   client: ClientAddress) -> dict:
    """A key for scripts (X-API-Key header), shown once. The password is asked again, and the key
    expires (at most the operator's api_key_days)."""
    key = users.new_api_key(gateway, db, user, form, guard=guard, client=client)
    gateway.audit.record(user, "auth.api_key", {"id": key["id"], "expires_at": key["expires_at"]})
    return key


@router.get("/api-keys")
def api_keys(user: CurrentUser, db: DbSession) -> list[dict]:
    """The caller's API keys: id and expiry (the keys themselves are never kept)."""
    return users.api_keys(db, user)


@router.delete("/api-keys/{key_id}", status_code=204)
def revoke_api_key(key_id: str, user: CurrentUser, gateway: GatewayDep, db: DbSession) -> Response:
    users.revoke_api_key(gateway, db, user, key_id)
    gateway.audit.record(user, "auth.revoke_api_key", {"id": key_id})
    return Response(status_code=204)


@router.post("/holders", response_model=UserPublic, status_code=201)
def register_holder(form: HolderCreate, gateway: GatewayDep, db: DbSession):
    """Anyone may open a custodial holder account (权利人, buyer, pledgee)."""
    user = users.register_holder(gateway, db, form)
    gateway.audit.record(user, "auth.register_holder", {"username": user.username, "organisation": user.organisation})
    return _public(user)


@step_route(router, steps.CREATE_OFFICIAL, response_model=UserPublic)
def create_official(form: OfficialCreate, drc: CurrentUser, gateway: GatewayDep, db: DbSession):
    """DRC (综合协调) creates department officials; each signs with its department's key."""
    user = users.create_official(db, form)
    gateway.audit.record(drc, "auth.create_official", {"username": user.username, "role": user.role})
    return _public(user)


