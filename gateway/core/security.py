"""Passwords (argon2id), opaque tokens and the key of the identity hashes."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
import threading
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from zxcvbn import zxcvbn

from . import identity
from .errors import CannotStart, DomainError
from .settings import Settings, get_settings

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


IDENTITY_KEY_ENV = "TANQUAN_IDENTITY_KEY"
_HEX = re.compile(r"(?:[0-9A-Fa-f]{2})+")


def identity_key(settings: Settings) -> bytes:
    """The key of the ID numbers' hashes (identity.keyed_hash), from the environment or a file the
    operator places: never from the data directory, so that a backup holds no key to test a guessed
    number with. Hex, or a passphrase of 16 characters or more. Raises CannotStart with the line to
    tell the operator."""
    left_behind = settings.data_dir / "identity.salt"  # where releases up to 0.1 made and kept the key
    if left_behind.exists():
        raise CannotStart(f"{left_behind} holds the key of the ID numbers' hashes, so every backup holds it: "
                          f"set {IDENTITY_KEY_ENV} to its hex (xxd -p -c 64 {left_behind}) and move the file out "
                          "of the data directory; accounts registered before are matched with that same key")
    text, path = os.environ.get(IDENTITY_KEY_ENV, ""), settings.identity_key_file
    if text and path:
        raise CannotStart(f"set {IDENTITY_KEY_ENV} or TANQUAN_IDENTITY_KEY_FILE, not both")
    if path:
        if path.resolve().is_relative_to(settings.data_dir.resolve()):
            raise CannotStart(f"the identity key file {path} is in the data directory, so in every backup: "
                              "place it elsewhere")
        try:
            text = path.read_text().strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise CannotStart(f"cannot read the identity key file {path} (hex or a passphrase): {exc}") from exc
    key = bytes.fromhex(text) if _HEX.fullmatch(text) else text.encode()
    if len(key) < identity.KEY_MIN_BYTES:
        raise CannotStart(f"set {IDENTITY_KEY_ENV} (hex of 16 bytes or more, or a passphrase of 16 characters or "
                          "more) or TANQUAN_IDENTITY_KEY_FILE: the key of the ID numbers' hashes, kept out of the "
                          "data directory and its backups")
    return key


def identity_hash(number: str, key: bytes) -> str:
    """identity.keyed_hash, in turn with the password hashes: each holds memory while it runs."""
    return _in_turn(lambda: identity.keyed_hash(number, key))
