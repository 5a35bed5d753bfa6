"""Accounts: officials of each department, custodial holders, log-in tokens."""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import NamedTuple

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..db import Token, User
from ..errors import Conflict, Unauthorized
from ..runtime import Gateway
from ..steps import HOLDER
from ..schemas import HolderCreate, OfficialCreate
from ..security import hash_password, identity_hash, new_token, session_expiry, token_hash, verify_password


def _identity_salt(gw: Gateway) -> bytes:
    path = gw.settings.data_dir / "identity.salt"
    if not path.exists():
        path.write_bytes(os.urandom(32))
        path.chmod(0o600)
    return path.read_bytes()


def _unique(db: Session, username: str) -> None:
    if db.scalar(select(User).where(User.username == username)) is not None:
        raise Conflict("USERNAME_TAKEN", f"the username {username!r} is taken", detail={"field": "username"})


def create_official(db: Session, form: OfficialCreate) -> User:
    _unique(db, form.username)
    user = User(username=form.username, password_hash=hash_password(form.password), role=form.role,
                display_name=form.display_name)
    db.add(user)
    db.commit()
    return user


def register_holder(gw: Gateway, db: Session, form: HolderCreate) -> User:
    """A custodial account: its key lives in the gateway's key store; only a salted hash of the ID is kept."""
    _unique(db, form.username)
    address = gw.node.custodial(form.username).address
    user = User(username=form.username, password_hash=hash_password(form.password), role=HOLDER,
                display_name=form.display_name, organisation=form.organisation, address=address,
                identity_hash=identity_hash(form.identity, _identity_salt(gw)))
    db.add(user)
    db.commit()
    return user


def login(db: Session, username: str, password: str) -> tuple[str, User]:
    user = db.scalar(select(User).where(User.username == username))
    if user is None or not verify_password(user.password_hash, password):
        raise Unauthorized("LOGIN_FAILED", "wrong username or password")
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
    memory (users are never edited; a log-out forgets its token at once); its expiry is
    checked every time."""
    digest = token_hash(token)
    login = gw.logins.get(digest)
    if login is None or time.monotonic() - login.read_at > LOGIN_REREAD_S:
        login = _read_login(gw, digest)
    if login is None or (login.expires is not None and login.expires < dt.datetime.now(dt.timezone.utc)):
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
    """The session token stops working at once, here and for any copy of the cookie."""
    digest = token_hash(token)
    with gw.db.sessions() as db, db.begin():
        db.execute(delete(Token).where(Token.token_hash == digest, Token.kind == "session"))
    gw.logins.forget(digest)


def new_api_key(db: Session, user: User) -> str:
    token, digest = new_token()
    db.add(Token(token_hash=digest, user_id=user.id, kind="api", expires_at=None))
    db.commit()
    return token
