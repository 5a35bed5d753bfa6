"""What a running gateway holds, wired in one place: the node (keys, chain,
registry), the database engine its event index and its own records share, the
audit log, the one path every write takes, the index follower, the memories
that spare a read per request, and the working-day calendar with its clock."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Generic, NamedTuple, Protocol, TypeVar
from urllib.parse import urlsplit

from eth_account.signers.local import LocalAccount

from chain import ChainError, ChainRevert, Registry, Role
from chain.errors import ChainDamaged, DiskFull, ProducerFailed
from chain.index import EventIndex
from chain.node import FAUCET_KEY, Node, open_node

from ..core import migrate
from .audit import AuditLog
from ..core.db import CalendarYear, Database, User, make_engine
from .replicas import IndexLease, KeyTurns, SoleWriter
from ..core.errors import CannotStart, DomainError, from_revert
from .public_cache import PublicAnswers
from ..core.security import identity_key
from ..core.settings import Settings
from ..core.throttle import SlidingWindow
from .transparency import TransparencyLog, witnesses_of
from ..catalogue.steps import HOLDER
from ..catalogue.units import Clock
from ..core.workdays import Schedule, WorkCalendar


K = TypeVar("K")
V = TypeVar("V")


class Login(NamedTuple):
    """A token's user as remembered between requests (services.users.authenticate)."""
    user: User  # detached, fully loaded: readable from any request
    expires: dt.datetime | None
    read_at: float  # time.monotonic()


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


class Memory(Generic[K, V]):
    """What the gateway remembers instead of reading it again on every request.
    Bounded: when full it forgets everything at once and reads again."""

    def __init__(self, limit: int = 10_000):
        self._limit = limit
        self._values: dict[K, V] = {}

    def get(self, key: K) -> V | None:
        return self._values.get(key)

    def remember(self, key: K, value: V) -> V:
        if len(self._values) >= self._limit:
            self._values.clear()
        self._values[key] = value
        return value

    def forget(self, key: K) -> None:
        self._values.pop(key, None)


class IndexFollower:
    """Keeps the event index on the chain head, in a thread of its own: at once when a
    writer waits for its block, else every `poll_seconds` (a JSON-RPC network has other
    writers too). Among replicas only the holder of the lease writes the index; the others
    read how far it got, often while one of their writers waits for its block."""

    def __init__(self, index: EventIndex, node: Node, lease: IndexLease | SoleWriter | None = None,
                 poll_seconds: float = 1.0):
        self._index = index
        self._node = node
        self._lease = lease or SoleWriter()
        self._poll_seconds = poll_seconds
        self._lock = threading.Lock()
        self._indexed = threading.Condition()
        self._wanted_block = 0
        self._indexed_block = 0  # the index's cursor, kept here: waiters check it without a query
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._follow, name="tanquan-index-follower", daemon=True)
        # Called after each sync, before its cursor is published (PublicAnswers.index_moved).
        self.on_sync: list[Callable[[], None]] = []

    def start(self) -> None:
        self.sync()
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        with self._indexed:
            self._indexed.notify_all()
        self._thread.join(timeout=5)
        self._lease.release()

    def sync(self) -> None:
        with self._lock:
            if self._lease.held():
                self._index.sync(self._node.registry, from_block=self._node.deployed_block)
            cursor = self._index.cursor() or 0
            for synced in self.on_sync:
                synced()
        with self._indexed:
            self._indexed_block = cursor
            self._indexed.notify_all()

    @property
    def indexed_block(self) -> int:
        return self._indexed_block

    def wait_for(self, block_number: int, timeout: float = 30.0) -> None:
        """Read-your-writes: wait until `block_number` is indexed. One sync per block
        serves every caller whose transaction it holds."""
        with self._indexed:
            if self._indexed_block >= block_number:
                return
            if block_number > self._wanted_block:
                self._wanted_block = block_number
                self._indexed.notify_all()
            self._indexed.wait_for(lambda: self._indexed_block >= block_number, timeout=timeout)

    def _follow(self) -> None:
        while not self._stop.is_set():
            with self._indexed:
                self._indexed.wait_for(
                    lambda: self._stop.is_set() or self._wanted_block > self._indexed_block, timeout=self._poll_seconds
                )
            if self._stop.is_set():
                return
            try:
                self.sync()
            except Exception:  # noqa: BLE001 - the next round retries; a follower must not die
                time.sleep(0.2)
            else:
                if self._wanted_block > self._indexed_block:  # another replica writes the index: look again soon
                    time.sleep(0.05)


class Sent(Protocol):
    """What a registry step returns: its receipt, or a result carrying it."""

    @property
    def tx_hash(self) -> str: ...

    @property
    def block_number(self) -> int: ...


S = TypeVar("S", bound=Sent)


class WritePath:
    """The one path of every on-chain write: sign as the actor's key, send and await
    the receipt, audit it whatever the outcome, then wait until the index holds it."""

    def __init__(self, audit: AuditLog, follower: IndexFollower):
        self._audit = audit
        self._follower = follower

    def send(self, actor: Actor, action: str, request: dict, step: Callable[[LocalAccount], S]) -> S:
        """`step` is one typed registry step awaiting its signer, e.g.
        `functools.partial(registry.freeze, coupon=7, reason="…")`."""
        try:
            written = step(actor.signer)
        except ChainRevert as exc:
            self._audit.record(actor.user, action, request, exc.tx_hash, f"reverted: {exc.reason}")
            raise from_revert(exc.reason) from exc
        except ChainError as exc:
            self._audit.record(actor.user, action, request, None, f"rejected: {exc}")
            raise chain_unavailable(exc) from exc
        self._audit.record(actor.user, action, request, written.tx_hash)
        self._follower.wait_for(written.block_number)
        return written


# Why the chain took no write, for the caller and the operator: a full disk is taken again once
# there is room; a damaged chain file and a stopped block producer only after a restart.
UNAVAILABLE = {DiskFull: "DISK_FULL", ChainDamaged: "CHAIN_DAMAGED", ProducerFailed: "PRODUCER_FAILED"}


def chain_unavailable(exc: ChainError) -> DomainError:
    """A write the chain could not take: 503, with the reason's code (UNAVAILABLE), else CHAIN_UNAVAILABLE."""
    code = next((code for kind, code in UNAVAILABLE.items() if isinstance(exc, kind)), "CHAIN_UNAVAILABLE")
    return DomainError(code, str(exc), status=503)


class Gateway:
    def __init__(self, settings: Settings, node: Node, *, identity_key: bytes):
        self.settings = settings
        self.identity_key = identity_key  # of the ID numbers' hashes (security.identity_key; services.users)
        self.node = node
        engine = make_engine(settings.index_url)  # one pool for the index and the gateway's records
        migrate.upgrade(engine)  # before any table is read: a database of an older release upgrades in place
        self.index = EventIndex(engine)
        self.db = Database(engine)
        self.audit = AuditLog(self.db)
        replicated = engine.dialect.name == "postgresql" and settings.chain_url is not None
        if replicated:  # other replicas share this node, this database and these keys (gateway/runtime/replicas.py)
            node.chain.shared_nonces = KeyTurns(engine)
        self.follower = IndexFollower(self.index, node, IndexLease(engine) if replicated else SoleWriter(),
                                      poll_seconds=settings.index_poll_seconds if settings.chain_url else 1.0)
        self.writes = WritePath(self.audit, self.follower)
        self.logins: Memory[str, Login] = Memory()  # token hash → its Login (services.users)
        self.uploads = SlidingWindow(settings.uploads_per_hour, 3600)  # documents per holder account (services.documents)
        self.holder_addresses: Memory[str, str] = Memory()  # username → custodial address (services.coupons)
        self.public_answers = PublicAnswers(settings.public_cache_entries, engine)  # services.public: verdicts, records
        self.follower.on_sync.append(self.public_answers.index_moved)
        self.calendar = WorkCalendar(self._entered_schedule)  # DRC's years read from its own table
        self.clock = Clock()  # "today" for due dates: the wall clock unless a test sets it
        self.log = TransparencyLog(self.db, node, origin=settings.log_origin
                                   or urlsplit(settings.public_base_url).netloc + "/tanquan",
                                   witnesses=witnesses_of(settings.log_witnesses))
        self.follower.on_sync.append(self.log.follow)  # every block a leaf, before a writer hears of it
        self.follower.start()
        self.log.start_cosigning()

    @classmethod
    def open(cls, settings: Settings, *, served: bool = True, passphrase: str | None = None) -> Gateway:
        key = identity_key(settings)  # read before the node opens: a start without it is refused, nothing held
        return cls(settings, open_node_for(settings, served=served, passphrase=passphrase), identity_key=key)

    def _entered_schedule(self, year: int) -> Schedule | None:
        with self.db.sessions() as db:
            row = db.get(CalendarYear, year)
        return None if row is None else Schedule(
            year, row.notice, frozenset(map(dt.date.fromisoformat, row.holidays)),
            frozenset(map(dt.date.fromisoformat, row.workdays)))

    def close(self) -> None:
        self.log.close()
        self.follower.close()
        self.audit.close()
        self.node.close()

    @property
    def registry(self) -> Registry:
        return self.node.registry

    def signer_for(self, user: User) -> LocalAccount:
        if user.role in Role.__members__:
            return self.node.department(Role[user.role])
        if user.role == HOLDER:
            return self.custodial(user.username)
        raise DomainError("ROLE_REQUIRED", "this account cannot sign transactions", status=403)

    def custodial(self, username: str) -> LocalAccount:
        """A holder's key, given gas money on first use (a transaction: it can find the chain unavailable)."""
        try:
            return self.node.custodial(username)
        except ChainError as exc:
            raise chain_unavailable(exc) from exc


# -- what the `tanquan` command does without a running gateway


def open_node_for(settings: Settings, *, served: bool = False, passphrase: str | None = None) -> Node:
    """The data directory's node: its keys, its chain and the registry, deployed on first use.
    What stops a start (the passphrase, a damaged chain file, another process holding the
    data directory) raises CannotStart with the one line to tell the operator."""
    try:
        return open_node(
            settings.data_dir,
            chain_url=settings.chain_url,
            served=served,
            passphrase=passphrase,
            scrypt_n=settings.key_scrypt_n,
            loss_notice_seconds=round(settings.loss_notice_days * 86400),
        )
    except ChainError as exc:
        raise CannotStart(str(exc)) from exc


def signing_addresses(node: Node) -> dict[str, str]:
    """Each department's signing address, and the faucet's that funds them (keys are created on first use)."""
    return {**{role.value: node.department(role).address for role in Role}, "faucet": node.keys.address_of(FAUCET_KEY)}


def rebuild_index(settings: Settings, node: Node, progress: Callable[[int, int], None]) -> tuple[int, int | None]:
    """Drop the event index and project every event again; returns the events applied and the block reached."""
    engine = make_engine(settings.index_url)
    migrate.upgrade(engine)
    index = EventIndex(engine)
    applied = index.rebuild(node.registry, from_block=node.deployed_block, progress=progress)
    return applied, index.cursor()
