"""Accounts (附件1 三(一)): log-in, registration with the party fields, the centre's in-person
verification, DRC's disabling, password change, API keys, an organisation's members."""

from fastapi import APIRouter, Request, Response

from ...catalogue import steps
from ...core.schemas import (
    AccountDisable,
    AccountVerificationCreate,
    ApiKeyCreate,
    HolderCreate,
    LoginCreate,
    MemberCreate,
    MemberPublic,
    NoticeSettings,
    OfficialCreate,
    PasswordChange,
    TokenPublic,
    UserPublic,
    VerificationRevocation,
)
from ...services import notices, users
from . import step_route
from ...edge.deps import (
    ClientAddress,
    CurrentUser,
    DbSession,
    Device,
    GatewayDep,
    LoginGuardDep,
    credential,
    remember_device,
    require_reader,
)
from ..answers import (
    AccountPublic, AccountState, AccountVerified, ApiKeyCreated, ApiKeyPublic, PasswordChanged, VerificationRevoked,
)

router = APIRouter(prefix="/auth", tags=["auth 身份"])


def _public(user, address: str | None = None) -> UserPublic:
    return UserPublic(username=user.username, role=user.role, display_name=user.display_name,
                      organisation=user.organisation, address=address or user.address,
                      account_type=user.account_type, identity_masked=user.identity_masked,
                      state=users.account_state(user), member=user.member and _member(user.member))


def _member(member) -> MemberPublic:
    return MemberPublic(**users.member_view(member))


@router.post("/login", response_model=TokenPublic)
def login(form: LoginCreate, response: Response, db: DbSession, guard: LoginGuardDep, client: ClientAddress,
          device: Device = None):
    """A bearer token for the API; pages keep their own cookie session (/console/login).
    Failed log-ins hold back the client address, or slow the account, for a while; a client that keeps
    the device cookie this answer sets is let through (services/logins.py)."""
    token, user, device = users.login(db, form.username, form.password, guard=guard, client=client, device=device)
    remember_device(response, device)
    return TokenPublic(token=token, user=_public(user))


@router.post("/logout", status_code=204)
def logout(request: Request, user: CurrentUser, gateway: GatewayDep) -> Response:
    """The token this call is made with (a session or an API key) stops working at once."""
    token, _ = credential(request)
    users.revoke(gateway, user, token)
    return Response(status_code=204)


@router.get("/me", response_model=UserPublic)
def me(user: CurrentUser, gateway: GatewayDep):
    """The account; a holder's address once its key exists (from its first transaction)."""
    return _public(user, users.holder_address(gateway, user) if user.role == steps.HOLDER else None)


@router.post("/api-keys", status_code=201, response_model=ApiKeyCreated)
def create_api_key(form: ApiKeyCreate, user: CurrentUser, gateway: GatewayDep, db: DbSession, guard: LoginGuardDep,
                   client: ClientAddress) -> dict:
    """A key for scripts (X-API-Key header), shown once. The password is asked again, and the key
    expires (at most the operator's api_key_days)."""
    return users.new_api_key(gateway, db, user, form, guard=guard, client=client)


@router.get("/api-keys", response_model=list[ApiKeyPublic])
def api_keys(user: CurrentUser, db: DbSession) -> list[dict]:
    """The caller's API keys: id and expiry (the keys themselves are never kept)."""
    return users.api_keys(db, user)


@router.delete("/api-keys/{key_id}", status_code=204)
def revoke_api_key(key_id: str, user: CurrentUser, gateway: GatewayDep, db: DbSession) -> Response:
    users.revoke_api_key(gateway, db, user, key_id)
    return Response(status_code=204)


@router.post("/holders", response_model=UserPublic, status_code=201)
def register_holder(form: HolderCreate, gateway: GatewayDep, db: DbSession):
    """Anyone may open a custodial account (权利人, buyer, pledgee) with 附件1 三(一)'s party fields:
    the ID number (GB 11643) or USCC (GB 32100) is checked, kept only hashed and masked, and matched at the centre's verification.
    The account may apply, list or buy once the centre has verified it in person."""
    return _public(users.register_holder(gateway, db, form))


@router.post("/members", response_model=MemberPublic, status_code=201,
             dependencies=[require_reader(steps.HOLDER)])
def add_member(form: MemberCreate, user: CurrentUser, gateway: GatewayDep, db: DbSession):
    """A verified organisation's own login adds a person with its own login, who acts as the account; the audit
    log names the person. Not a member's, nor a person's account."""
    return _member(users.add_member(gateway, db, user, form))


@router.get("/members", response_model=list[MemberPublic], dependencies=[require_reader(steps.HOLDER)])
def members(user: CurrentUser, gateway: GatewayDep, db: DbSession):
    """The organisation's members, removed ones with when."""
    return [_member(member) for member in users.members(gateway, db, user)]


@router.delete("/members/{username}", response_model=MemberPublic, dependencies=[require_reader(steps.HOLDER)])
def remove_member(username: str, user: CurrentUser, gateway: GatewayDep, db: DbSession):
    """The member's password no longer logs in, and its sessions and API keys end at once; the member as removed."""
    return _member(users.remove_member(gateway, db, user, username))


@router.get("/me/account", response_model=AccountPublic)
def my_account(user: CurrentUser, db: DbSession) -> dict:
    """The caller's account as registered: party fields, masked ID, the centre's verification."""
    return users.my_account(db, user)


@router.post("/password", response_model=PasswordChanged)
def change_password(form: PasswordChange, request: Request, user: CurrentUser, gateway: GatewayDep, db: DbSession,
                    guard: LoginGuardDep, client: ClientAddress) -> dict:
    """The old password is asked again; every other session and API key of the account ends."""
    token, _ = credential(request)
    users.change_password(gateway, db, user, form, token, guard=guard, client=client)
    return {"username": user.username, "password_changed": True}


@router.get("/notices", response_model=NoticeSettings)
def notice_settings(user: CurrentUser, db: DbSession) -> dict:
    """Where the caller's notices go and which it receives (services/notices.py)."""
    return notices.settings_of(db, user)


@router.post("/notices", response_model=NoticeSettings)
def choose_notices(choice: NoticeSettings, user: CurrentUser, db: DbSession) -> dict:
    """The caller's e-mail address, and whether it is told of new items and (a department) sent the digest."""
    return notices.choose(db, user, choice)


@router.get("/accounts", dependencies=[require_reader(*users.ACCOUNT_READERS)], response_model=list[AccountPublic])
def accounts(db: DbSession, state: str | None = None) -> list[dict]:
    """Accounts with masked IDs and their verification: the centre's queue (state=UNVERIFIED), DRC's list."""
    return users.accounts(db, state=state)


@step_route(router, steps.VERIFY_ACCOUNT, response_model=AccountVerified)
def verify_account(username: str, form: AccountVerificationCreate, centre: CurrentUser, gateway: GatewayDep,
                   db: DbSession) -> dict:
    """附件1 三(一): the centre checked the party's identity in person, against this document."""
    record = users.verify(gateway, db, centre, username, form)
    return {"username": username, "state": users.VERIFIED, "verified_at": record.verified_at.isoformat()}


@step_route(router, steps.REVOKE_VERIFICATION, response_model=VerificationRevoked)
def revoke_verification(username: str, form: VerificationRevocation, centre: CurrentUser, gateway: GatewayDep,
                        db: DbSession) -> dict:
    """The centre revokes its in-person check, with the reason: the account is unverified again."""
    check = users.revoke_verification(gateway, db, centre, username, form)
    return {"username": username, "state": users.UNVERIFIED, "revoked_at": check.revoked_at.isoformat()}


@step_route(router, steps.DISABLE_ACCOUNT, response_model=AccountState)
def disable_account(username: str, form: AccountDisable, drc: CurrentUser, gateway: GatewayDep, db: DbSession) -> dict:
    """DRC disables an account: no log-in, and its tokens end at once."""
    users.set_disabled(gateway, db, drc, username, form)
    return {"username": username, "state": users.DISABLED}


@step_route(router, steps.ENABLE_ACCOUNT, response_model=AccountState)
def enable_account(username: str, drc: CurrentUser, gateway: GatewayDep, db: DbSession) -> dict:
    user = users.set_disabled(gateway, db, drc, username, None)
    return {"username": username, "state": users.account_state(user)}


@step_route(router, steps.CREATE_OFFICIAL, response_model=UserPublic)
def create_official(form: OfficialCreate, drc: CurrentUser, gateway: GatewayDep, db: DbSession):
    """DRC (综合协调) creates department officials; each signs with its department's key."""
    return _public(users.create_official(gateway, db, drc, form))


