"""Passwords (argon2id), opaque tokens and identity hashes."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from .settings import get_settings

SESSION_HOURS = 12


@lru_cache
def _hasher() -> PasswordHasher:
    """New hashes take the settings' cost; a stored hash is verified at the cost it records."""
    settings = get_settings()
    return PasswordHasher(time_cost=settings.password_time_cost, memory_cost=settings.password_memory_kib)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except VerificationError:
        return False


def new_token() -> tuple[str, str]:
    """A token to hand out once, and the hash that is stored."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_expiry() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=SESSION_HOURS)


def identity_hash(identity: str, salt: bytes) -> str:
    """A salted hash of an ID card number or USCC: matchable, not readable."""
    return hmac.new(salt, identity.strip().upper().encode(), hashlib.sha256).hexdigest()
