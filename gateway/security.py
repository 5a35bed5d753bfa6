"""Passwords (argon2id), opaque tokens and identity hashes."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from zxcvbn import zxcvbn

from .errors import DomainError
from .settings import get_settings

SESSION_HOURS = 12
# zxcvbn's score: 3 is "safely unguessable" (about 10^8 guesses or more) against its frequency lists
# of common passwords, words and names, keyboard walks, repeats, sequences and dates.
STRONG_ENOUGH = 3
ZXCVBN_MAX_CHARS = 72  # its cost grows with the length and it refuses more (ValueError); a longer password is long enough


def weak_password(password: str, *context: str) -> str | None:
    """Why a new password is too easy to guess (common, trivial, or made of the account's own
    names), or None when it will do."""
    verdict = zxcvbn(password[:ZXCVBN_MAX_CHARS], user_inputs=[c for c in context if c])
    if verdict["score"] >= STRONG_ENOUGH:
        return None
    hint = verdict["feedback"]["warning"] or "add more words or characters that do not follow a pattern"
    return f"the password is too easy to guess: {hint}"


@lru_cache
def _hasher() -> PasswordHasher:
    """New hashes take the settings' cost; a stored hash is verified at the cost it records."""
    settings = get_settings()
    return PasswordHasher(time_cost=settings.password_time_cost, memory_cost=settings.password_memory_kib)


HASHING_WAIT_S = 30.0  # a hash waits this long for its turn, then the caller hears the server is busy


@lru_cache
def _turns() -> threading.BoundedSemaphore:
    """Each argon2 hash holds its memory cost (64 MiB by default) while it runs: 64 bad log-ins at
    once took the server from 194 MiB to 2.2 GiB. A few at a time; the rest wait their turn."""
    return threading.BoundedSemaphore(get_settings().password_hashes_at_once)


def _in_turn(hash_step):
    if not _turns().acquire(timeout=HASHING_WAIT_S):
        raise DomainError("SERVER_BUSY", "too many log-ins at once; try again shortly", status=503)
    try:
        return hash_step()
    finally:
        _turns().release()


@lru_cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _in_turn(lambda: _hasher().hash(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; an unknown account (None) is checked against a dummy hash
    of the same cost, so it takes as long as a known one and tells nobody which names exist."""

    def verify() -> bool:
        try:
            return _hasher().verify(password_hash or _dummy_hash(), password) and password_hash is not None
        except VerificationError:
            return False

    return _in_turn(verify)


def new_token() -> tuple[str, str]:
    """A token to hand out once, and the hash that is stored."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_expiry() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=SESSION_HOURS)


def csrf_token(session_token: str) -> str:
    """What a page of this session sends back with each write (X-CSRF-Token): derived from the session
    cookie, which no script can read, so a page of another origin can neither read nor make it, even one
    on another port of this host (cookies do not keep ports apart)."""
    return hmac.new(session_token.encode(), b"tanquan csrf", hashlib.sha256).hexdigest()


def identity_hash(identity: str, salt: bytes) -> str:
    """A salted hash of an ID card number or USCC: matchable, not readable."""
    return hmac.new(salt, identity.strip().upper().encode(), hashlib.sha256).hexdigest()
