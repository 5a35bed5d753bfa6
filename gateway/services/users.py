"""Accounts: officials of each department, custodial holders, log-in tokens."""

from __future__ import annotations

import datetime as dt
import math
import os
import time
from typing import NamedTuple

from eth_account.signers.local import LocalAccount
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db import Token, User
from ..errors import Conflict, DomainError, Invalid, NotFound, Unauthorized
from ..runtime import Gateway
from ..settings import Settings
from ..steps import HOLDER
from ..schemas import ApiKeyCreate, HolderCreate, OfficialCreate
from ..security import (
    hash_password, identity_hash, new_token, session_expiry, token_hash, verify_password, weak_password,
)
from ..throttle import Clock, Lockout


def _identity_salt(gw: Gateway) -> bytes:
    path = gw.settings.data_dir / "identity.salt"
    if not path.exists():
        path.write_bytes(os.urandom(32))
        path.chmod(0o600)
    return path.read_bytes()


def _unique(db: Session, username: str) -> None:
    if db.scalar(select(User).where(User.username == username)) is not None:
        raise Conflict("USERNAME_TAKEN", f"the username {username!r} is taken", detail={"field": "username"})


def _add(db: Session, user: User) -> User:
    """Two registrations of one name at once both pass _unique: the database's unique key decides."""
    db.add(user)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise Conflict("USERNAME_TAKEN", f"the username {user.username!r} is taken", detail={"field": "username"}) from None
    return user


def _strong(password: str, *names: str | None) -> None:
    if problem := weak_password(password, *names):
        raise Invalid("WEAK_PASSWORD", problem, detail={"field": "password"})


def create_official(db: Session, form: OfficialCreate) -> User:
    _strong(form.password, form.username, form.display_name)
    _unique(db, form.username)
    return _add(db, User(username=form.username, password_hash=hash_password(form.password), role=form.role,
                         display_name=form.display_name))


def register_holder(gw: Gateway, db: Session, form: HolderCreate) -> User:
    """A custodial account; only a salted hash of the ID is kept. Its key is made, and given gas,
    when the account first acts or receives on chain (custodial_address), not here: opening an
    account costs no key file and no transaction."""
    _strong(form.password, form.username, form.display_name, form.organisation)
    _unique(db, form.username)
    return _add(db, User(username=form.username, password_hash=hash_password(form.password), role=HOLDER,
                         display_name=form.display_name, organisation=form.organisation,
                         identity_hash=identity_hash(form.identity, _identity_salt(gw))))


def signer(gw: Gateway, user: User) -> LocalAccount:
    """The key that signs for `user`; a holder's first signature makes its key and records its address."""
    account = gw.signer_for(user)
    if user.role == HOLDER and user.address is None:
        _record_address(gw, user, account.address)
    return account


def custodial_address(gw: Gateway, user: User) -> str:
    """A holder's address on chain, its key made (and given gas) the first time one is needed:
    to receive a coupon, or to sign."""
    if user.address is None:
        _record_address(gw, user, gw.signer_for(user).address)
    return user.address


def holder_address(gw: Gateway, user: User) -> str | None:
    """The address of a holder's account, once it has one; a login remembered from before it had one reads it again."""
    if user.address is None:
        with gw.db.sessions() as db:
            user.address = db.scalar(select(User.address).where(User.id == user.id))
    return user.address


def _record_address(gw: Gateway, user: User, address: str) -> None:
    with gw.db.sessions() as db, db.begin():
        db.execute(update(User).where(User.id == user.id, User.address.is_(None)).values(address=address))
    user.address = address


class LoginGuard:
    """Failed log-ins lock the account, and the client address, for a while (settings); a locked
    one is refused before any password is hashed, and the lock ends by itself."""

    def __init__(self, settings: Settings, clock: Clock = time.monotonic):
        self.accounts = Lockout(settings.login_failures_per_account, settings.login_lockout_seconds, clock)
        self.addresses = Lockout(settings.login_failures_per_address, settings.login_lockout_seconds, clock)

    def check(self, username: str, client: str) -> None:
        wait = max(self.accounts.locked_for(username.lower()), self.addresses.locked_for(client))
        if wait:
            raise DomainError("LOGIN_LOCKED", "too many failed log-ins; try again later", status=429,
                              detail={"retry_after_s": math.ceil(wait)})

    def failed(self, username: str, client: str) -> None:
        self.accounts.failed(username.lower())
        self.addresses.failed(client)

    def succeeded(self, username: str) -> None:
        self.accounts.succeeded(username.lower())


def _check_password(db: Session, username: str, password: str, *, guard: LoginGuard, client: str) -> User:
    guard.check(username, client)
    user = db.scalar(select(User).where(User.username == username))
    if not verify_password(user.password_hash if user else None, password):
        guard.failed(username, client)
        raise Unauthorized("LOGIN_FAILED", "wrong username or password")
    guard.succeeded(username)
    return user


def login(db: Session, username: str, password: str, *, guard: LoginGuard, client: str) -> tuple[str, User]:
    user = _check_password(db, username, password, guard=guard, client=client)
    token, digest = new_token()
    db.add(Token(token_hash=digest, user_id=user.id, kind="session", expires_at=session_expiry()))
    db.commit()
    return token, user


LOGIN_REREAD_S = 60.0  # a token's row is read again after this long


class Login(NamedTuple):
    user: User  # detached, fully loaded: readable from any request
    expires: dt.datetime | None
    read_at: float  # time.monotonic()


def authenticate(gw: Gateway, token: str) -> User:
    """The user a token belongs to. A token used in the last minute is answered from
    memory (users are never edited, but for a holder's address, set once: see holder_address;
    a log-out forgets its token at once); its expiry is
    checked every time."""
    digest = token_hash(token)
    login = gw.logins.get(digest)
    if login is None or time.monotonic() - login.read_at > LOGIN_REREAD_S:
        login = _read_login(gw, digest)
    # A token without an expiry is an API key of before keys expired: no longer accepted.
    if login is None or login.expires is None or login.expires < dt.datetime.now(dt.timezone.utc):
        raise Unauthorized("TOKEN_INVALID", "the token is unknown or expired; log in again")
    return login.user


def _read_login(gw: Gateway, digest: str) -> Login | None:
    with gw.db.sessions() as db:
        row = db.get(Token, digest)
        if row is None:
            return None
        user = db.get(User, row.user_id)
        db.expunge(user)
    expires = row.expires_at
    if expires is not None and expires.tzinfo is None:  # SQLite gives back UTC without its zone
        expires = expires.replace(tzinfo=dt.timezone.utc)
    return gw.logins.remember(digest, Login(user, expires, time.monotonic()))


def log_out(gw: Gateway, token: str) -> None:
    """The session token stops working at once, here and for any copy of it."""
    digest = token_hash(token)
    with gw.db.sessions() as db, db.begin():
        db.execute(delete(Token).where(Token.token_hash == digest, Token.kind == "session"))
    gw.logins.forget(digest)


API_KEY_ID_CHARS = 12  # an API key is named by the start of its hash: the key itself is never kept


def new_api_key(gw: Gateway, db: Session, user: User, form: ApiKeyCreate, *, guard: LoginGuard,
                client: str) -> dict:
    """A key for scripts, shown once: the account's password is asked again (a session alone
    cannot make one), and it expires."""
    _check_password(db, user.username, form.password, guard=guard, client=client)
    days = form.days or gw.settings.api_key_days
    if days > gw.settings.api_key_days:
        raise Invalid("API_KEY_TOO_LONG", f"an API key lives at most {gw.settings.api_key_days} days",
                      detail={"field": "days"})
    token, digest = new_token()
    expires = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days)
    db.add(Token(token_hash=digest, user_id=user.id, kind="api", expires_at=expires))
    db.commit()
    return {"api_key": token, "id": digest[:API_KEY_ID_CHARS], "expires_at": expires.isoformat()}


def api_keys(db: Session, user: User) -> list[dict]:
    now = dt.datetime.now(dt.timezone.utc)
    rows = db.scalars(select(Token).where(Token.user_id == user.id, Token.kind == "api")).all()
    return [
        {"id": row.token_hash[:API_KEY_ID_CHARS], "expires_at": _utc(row.expires_at).isoformat() if row.expires_at else None,
         "expired": row.expires_at is None or _utc(row.expires_at) < now}
        for row in sorted(rows, key=lambda r: _utc(r.expires_at) if r.expires_at else now)
    ]


def revoke_api_key(gw: Gateway, db: Session, user: User, key_id: str) -> None:
    rows = db.scalars(select(Token).where(Token.user_id == user.id, Token.kind == "api")).all()
    matching = [row for row in rows if row.token_hash[:API_KEY_ID_CHARS] == key_id]
    if not matching:
        raise NotFound("API_KEY_NOT_FOUND", f"no API key {key_id} of yours")
    for row in matching:
        db.delete(row)
        gw.logins.forget(row.token_hash)
    db.commit()


def revoke(gw: Gateway, token: str) -> None:
    """The API's log-out: the token the call was made with, session or API key, stops working at once."""
    digest = token_hash(token)
    with gw.db.sessions() as db, db.begin():
        db.execute(delete(Token).where(Token.token_hash == digest))
    gw.logins.forget(digest)


def _utc(stamp: dt.datetime) -> dt.datetime:
    return stamp.replace(tzinfo=dt.timezone.utc) if stamp.tzinfo is None else stamp
