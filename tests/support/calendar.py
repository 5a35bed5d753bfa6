"""Moving the calendar: a gateway of its own whose chain time and "today" the test sets,
so a file can be walked through a holiday and every due date checked exactly.

Instant mining stamps a new block with the later of the wall clock and its parent's
time + 1 s, so chain time could only ever be today or later. Here the chain's idea of
"now" is held at a fixed moment before the story starts; from then on blocks are one
second apart and time moves only by the chain's own time travel (DESIGN §8: tests use
an instant mode with time decoupled from the wall clock). The gateway's clock, which a
queue reads for today, is moved with it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from eth._utils import headers
from fastapi.testclient import TestClient

from gateway.api.app import create_app
from gateway.demo import OFFICIALS, seed_officials
from gateway.runtime.wiring import Gateway
from gateway.core.settings import Settings
from gateway.catalogue.units import china_date, day_start

from .http import login

D = dt.date
STORY_STARTS = D(2026, 6, 1)  # after the pinned genesis (2026-01-01), before every date a test walks through


@contextmanager
def chain_time_held(at: int) -> Iterator[None]:
    """While open, instant-mode blocks no longer follow the wall clock: py-evm's "now" is `at`."""
    wall_clock = headers.eth_now
    headers.eth_now = lambda: at
    try:
        yield
    finally:
        headers.eth_now = wall_clock


@dataclass
class Calendar:
    """A gateway, its test client and officials, on a chain whose time the test moves."""

    gateway: Gateway
    client: TestClient
    officials: dict[str, dict]

    def at(self, day: D, hour: int = 10) -> None:
        """Move the chain (time travel) and the gateway's today to `day`, `hour` o'clock China time;
        the next steps happen then, one second apart. Already there (steps taken that day): stay."""
        moment = day_start(day) + hour * 3600
        latest = self.gateway.registry.chain.timestamp()
        if moment > latest + 1:
            self.gateway.node.embedded.time_travel(moment)
        else:
            assert china_date(latest) == day, f"the chain is at {china_date(latest)}: it cannot go back to {day}"
        self.gateway.clock.set(max(moment, latest))

    def today(self, day: D, hour: int = 10) -> None:
        """Only the gateway's today moves (the queue is read on `day`); the chain waits for the next step."""
        self.gateway.clock.set(day_start(day) + hour * 3600)


@contextmanager
def calendar_gateway(data_dir: Path, *, loss_notice_days: float = 10) -> Iterator[Calendar]:
    """A fresh gateway whose chain starts on STORY_STARTS and moves only when the test says."""
    settings = Settings(data_dir=data_dir, loss_notice_days=loss_notice_days, public_base_url="http://testserver")
    with chain_time_held(day_start(STORY_STARTS)):
        gateway = Gateway.open(settings, served=False, passphrase="calendar-tests")
        try:
            seed_officials(gateway)
            with TestClient(create_app(settings, gateway=gateway)) as client:
                officials = {role: login(client, username) for role, username in OFFICIALS.items()}
                yield Calendar(gateway, client, officials)
        finally:
            gateway.close()
