"""Failed log-ins (DESIGN §9): what stops a guesser without letting anyone lock an official out.

- From one client address, `login_failures_per_account` failures on one account lock that account
  *for that address* for `login_lockout_seconds`: the guesser waits, nobody else does.
- Failures on one account from anywhere, `login_failures_before_slowing` of them within
  `login_lockout_seconds`, slow the account down rather than lock it: one try from a device it has
  not seen every `login_slow_seconds`, so a guesser with many addresses gets a few thousand guesses a
  day against a password worth 10^8 (security.weak_password), and the official still gets in. DRC is
  told (an audit entry, auth.login_slowed) the moment an account is slowed.
- A device the account has logged in from (a random cookie, DEVICE_COOKIE, remembered here) is let
  through both: an attacker's failures, however many and from wherever, never keep the official's
  own browser out.
Credential stuffing across many accounts from one address is held by the log-in rate of guards.py
(login_requests_per_minute). Everything is kept in the process's memory, bounded, and forgotten on
a restart, the devices with the locks.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from ..core.errors import DomainError
from ..core.settings import Settings
from ..core.throttle import MAX_KEYS, Clock, Lockout, SlidingWindow

DEVICE_COOKIE = "tanquan_device"
DEVICE_COOKIE_DAYS = 365
DEVICES_PER_ACCOUNT = 20  # the most recent are remembered


def _digest(device: str) -> str:
    return hashlib.sha256(device.encode()).hexdigest()


class LoginGuard:
    def __init__(self, settings: Settings, clock: Clock = time.monotonic,
                 slowed: Callable[[str, int], None] = lambda username, failures: None):
        """`slowed(username, failures)` is called once each time an account starts being slowed."""
        self._pairs = Lockout(settings.login_failures_per_account, settings.login_lockout_seconds, clock)
        self._failures = SlidingWindow(math.inf, settings.login_lockout_seconds, clock)
        self._slowing_at = settings.login_failures_before_slowing
        self._slow_seconds = settings.login_slow_seconds
        self._last_try: dict[str, float] = {}  # slowed account → when an unknown device last tried
        self._devices: OrderedDict[str, dict[str, None]] = OrderedDict()  # account → its devices' digests, oldest first
        self._lock = threading.Lock()
        self._slowed = slowed
        self.clock = clock

    def check(self, username: str, client: str, device: str | None = None) -> None:
        """Refuses (429, with the seconds to wait) a try the rules above hold back; a known device is let through."""
        account = username.lower()
        if self.known(account, device):
            return
        if wait := self._pairs.locked_for(f"{account} {client}"):
            raise DomainError("LOGIN_LOCKED", "too many failed log-ins from here; try again later", status=429,
                              detail={"retry_after_s": math.ceil(wait)})
        if self._failures.count(account) >= self._slowing_at:
            now = self.clock()
            with self._lock:
                wait = self._last_try.get(account, -math.inf) + self._slow_seconds - now
                if wait <= 0:
                    self._last_try[account] = now
            if wait > 0:
                raise DomainError("LOGIN_SLOWED", "this account is being guessed at; try again in a few seconds, or "
                                  "from a device it has logged in from", status=429,
                                  detail={"retry_after_s": math.ceil(wait)})

    def failed(self, username: str, client: str) -> None:
        account = username.lower()
        self._pairs.failed(f"{account} {client}")
        self._failures.allow(account)
        if (failures := self._failures.count(account)) == self._slowing_at:
            self._slowed(username, failures)

    def succeeded(self, username: str, client: str) -> None:
        """Clears this address's failures on the account."""
        self._pairs.succeeded(f"{username.lower()} {client}")

    def remember(self, username: str, device: str | None) -> str:
        """The account has logged in from this device: it is known from now on. Returns the device's
        cookie value (a new one for a device without)."""
        account = username.lower()
        device = device or secrets.token_urlsafe(24)
        digest = _digest(device)
        with self._lock:
            devices = self._devices.pop(account, {})
            devices.pop(digest, None)
            devices[digest] = None
            while len(devices) > DEVICES_PER_ACCOUNT:
                del devices[next(iter(devices))]
            self._devices[account] = devices
            while len(self._devices) > MAX_KEYS:
                self._devices.popitem(last=False)
        return device

    def known(self, account: str, device: str | None) -> bool:
        with self._lock:
            return device is not None and _digest(device) in self._devices.get(account, ())
