"""What a crash cuts in two: a write the gateway journals in its database before it asks the chain, and
finishes after, is finished by what the chain holds if the process died between. A settlement's
reservation (services/settlements.py) and an eco-compensation's calculation (services/enforcement.py)."""

from __future__ import annotations

import datetime as dt
import logging
import threading

from ..runtime.wiring import Gateway
from . import enforcement, settlements

log = logging.getLogger(__name__)

# A journal entry older than this has no write behind it any more: web3 waits 120 s for a receipt at most.
ABANDONED_AFTER = dt.timedelta(minutes=10)


def recover(gw: Gateway, *, older_than: dt.timedelta = ABANDONED_AFTER) -> None:
    settlements.recover(gw, older_than=older_than)
    enforcement.recover(gw, older_than=older_than)


def watch(gw: Gateway, *, every: float = 60.0) -> threading.Event:
    """Recover now, then every `every` seconds until the returned event is set. A gateway on its own embedded
    chain is that chain's only writer: what it finds at its start a crash left, whatever its age. Replicas
    sharing a node wait ABANDONED_AFTER, as another may be writing still."""
    stop = threading.Event()
    older_than = dt.timedelta(0) if gw.settings.chain_url is None else ABANDONED_AFTER

    def run() -> None:
        nonlocal older_than
        while True:
            try:
                recover(gw, older_than=older_than)
            except Exception:  # noqa: BLE001 - the next round tries again; the gateway serves on
                log.exception("recovering what a crash left failed")
            older_than = ABANDONED_AFTER
            if stop.wait(every):
                return

    threading.Thread(target=run, name="tanquan-recovery", daemon=True).start()
    return stop
