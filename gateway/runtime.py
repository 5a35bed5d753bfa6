"""What a running gateway holds: the node (keys, chain, registry), the event
index, its own database and the working-day calendar, and the one path every
write takes: sign as the caller's department, audit, follow the index."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from eth_account.signers.local import LocalAccount

from chain import ChainError, ChainRevert, Receipt, Role
from chain.index import EventIndex
from chain.node import Node, open_node

from .audit import AuditLog
from .db import Database, User, make_engine
from .errors import DomainError, from_revert
from .settings import Settings
from .workdays import WorkCalendar

HOLDER = "HOLDER"  # a custodial account: applicant, holder, buyer or pledgee
ENFORCEMENT = "ENFORCEMENT"  # 执法机关: reads offset certificates


@dataclass
class Actor:
    """The logged-in user and the key the gateway signs with on their behalf."""

    user: User
    signer_of: Callable[[User], LocalAccount]

    @cached_property
    def signer(self) -> LocalAccount:
        return self.signer_of(self.user)  # may read a key file and top up gas: not on the event loop

    @property
    def department(self) -> str:
        return self.user.role


class Gateway:
    def __init__(self, settings: Settings, node: Node):
        self.settings = settings
        self.node = node
        engine = make_engine(settings.index_url)  # one pool for the index and the gateway's records
        self.index = EventIndex(engine)
        self.db = Database(engine)
        self.audit_log = AuditLog(self.db)
        self.logins: dict = {}  # token hash → users.Login: services.users.authenticate
        self.holder_addresses: dict[str, str] = {}  # username → custodial address: services.coupons
        self.calendar = WorkCalendar(settings.data_dir)
        self._index_lock = threading.Lock()
        self._indexed = threading.Condition()
        self._wanted_block = 0
        self._indexed_block = 0  # the index's cursor, kept here: waiters check it without a query
        self._stop = threading.Event()
        self._follower = threading.Thread(target=self._follow, name="tanquan-index-follower", daemon=True)
        self.sync_index()
        self._follower.start()

    @classmethod
    def open(cls, settings: Settings, *, served: bool = True, passphrase: str | None = None) -> Gateway:
        node = open_node(
            settings.data_dir,
            chain_url=settings.chain_url,
            served=served,
            passphrase=passphrase,
            loss_notice_seconds=round(settings.loss_notice_days * 86400),
        )
        return cls(settings, node)

    def close(self) -> None:
        self._stop.set()
        with self._indexed:
            self._indexed.notify_all()
        self._follower.join(timeout=5)
        self.audit_log.close()
        self.node.close()

    @property
    def registry(self):
        return self.node.registry

    def number_of(self, coupon_id: int) -> str:
        """A coupon's number from the index (no EVM calls); the caller's block is indexed already."""
        return self.index.numbers.number_of(coupon_id)

    # -- keys

    def signer_for(self, user: User) -> LocalAccount:
        if user.role in Role.__members__:
            return self.node.department(Role[user.role])
        if user.role == HOLDER:
            return self.node.custodial(user.username)
        raise DomainError("ROLE_REQUIRED", "this account cannot sign transactions", status=403)

    # -- the write path

    def transact(self, actor: Actor, action: str, request: dict, function: str, *args: Any) -> Receipt:
        """Send one step as the actor's key; audit it whatever the outcome; follow the index."""
        try:
            receipt = self.registry.send(actor.signer, function, *args)
        except ChainRevert as exc:
            self.audit(actor.user, action, request, exc.tx_hash, f"reverted: {exc.reason}")
            raise from_revert(exc.reason) from exc
        except ChainError as exc:
            self.audit(actor.user, action, request, None, f"rejected: {exc}")
            raise DomainError("CHAIN_UNAVAILABLE", str(exc), status=503) from exc
        self.audit(actor.user, action, request, receipt.tx_hash, "ok")
        self.wait_indexed(receipt.block_number)
        return receipt

    def audit(self, user: User, action: str, request: dict, tx_hash: str | None, outcome: str) -> None:
        """Every write, on-chain or not, with who, which department, what was asked and how it ended (§6)."""
        self.audit_log.record(dict(username=user.username, department=user.role, action=action,
                                   request=request, tx_hash=tx_hash, outcome=outcome))

    # -- the index

    def sync_index(self) -> None:
        with self._index_lock:
            self.index.sync(self.registry, from_block=self.node.deployed_block)
            cursor = self.index.cursor() or 0
        with self._indexed:
            self._indexed_block = cursor
            self._indexed.notify_all()

    def wait_indexed(self, block_number: int, timeout: float = 30.0) -> None:
        """Read-your-writes: wait until the follower has indexed `block_number`.
        One sync per block serves every caller whose transaction it holds."""
        with self._indexed:
            if self._indexed_block >= block_number:
                return
            if block_number > self._wanted_block:
                self._wanted_block = block_number
                self._indexed.notify_all()
            self._indexed.wait_for(lambda: self._indexed_block >= block_number, timeout=timeout)

    def _follow(self) -> None:
        """Keep the index on the chain head: at once when a writer waits, else every
        second (a JSON-RPC network has other writers too)."""
        while not self._stop.is_set():
            with self._indexed:
                self._indexed.wait_for(
                    lambda: self._stop.is_set() or self._wanted_block > self._indexed_block, timeout=1.0
                )
            if self._stop.is_set():
                return
            try:
                self.sync_index()
            except Exception:  # noqa: BLE001 - the next round retries; a follower must not die
                time.sleep(0.2)
