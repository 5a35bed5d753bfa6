from fastapi import APIRouter

from ... import steps
from ...schemas import HolderCreate, LoginCreate, OfficialCreate, TokenPublic, UserPublic
from ...services import users
from . import step_route
from ...deps import CurrentUser, DbSession, GatewayDep

router = APIRouter(prefix="/auth", tags=["auth 身份"])


def _public(user) -> UserPublic:
    return UserPublic(username=user.username, role=user.role, display_name=user.display_name,
                      organisation=user.organisation, address=user.address)


@router.post("/login", response_model=TokenPublic)
def login(form: LoginCreate, db: DbSession):
    """A bearer token for the API; pages keep their own cookie session (/console/login)."""
    token, user = users.login(db, form.username, form.password)
    return TokenPublic(token=token, user=_public(user))


@router.get("/me", response_model=UserPublic)
def me(user: CurrentUser):
    return _public(user)


@router.post("/api-keys")
def create_api_key(user: CurrentUser, gateway: GatewayDep, db: DbSession) -> dict:
    """A long-lived key for scripts (X-API-Key header); shown once."""
    key = users.new_api_key(db, user)
    gateway.audit.record(user, "auth.api_key", {})
    return {"api_key": key}


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


