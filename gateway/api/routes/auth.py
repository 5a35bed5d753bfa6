from fastapi import APIRouter, Response

from ...schemas import HolderCreate, LoginCreate, OfficialCreate, TokenPublic, UserPublic
from ...services import users
from ..deps import SESSION_COOKIE, CurrentUser, DbSession, GatewayDep, require_reader

router = APIRouter(prefix="/auth", tags=["auth 身份"])


def _public(user) -> UserPublic:
    return UserPublic(username=user.username, role=user.role, display_name=user.display_name,
                      organisation=user.organisation, address=user.address)


@router.post("/login", response_model=TokenPublic)
def login(form: LoginCreate, db: DbSession, response: Response):
    token, user = users.login(db, form.username, form.password)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax")
    return TokenPublic(token=token, user=_public(user))


@router.get("/me", response_model=UserPublic)
def me(user: CurrentUser):
    return _public(user)


@router.post("/api-keys")
def create_api_key(user: CurrentUser, db: DbSession) -> dict:
    """A long-lived key for scripts (X-API-Key header); shown once."""
    return {"api_key": users.new_api_key(db, user)}


@router.post("/holders", response_model=UserPublic, status_code=201)
def register_holder(form: HolderCreate, gateway: GatewayDep, db: DbSession):
    """Anyone may open a custodial holder account (权利人, buyer, pledgee)."""
    return _public(users.register_holder(gateway, db, form))


@router.post("/officials", response_model=UserPublic, status_code=201, dependencies=[require_reader("DRC")])
def create_official(form: OfficialCreate, db: DbSession):
    """DRC (综合协调) creates department officials; each signs with its department's key."""
    return _public(users.create_official(db, form))


