"""The served chain's block producer (DESIGN §8).

Ethereum blocks need strictly increasing whole-second timestamps, so one
block per transaction at more than 1 tx/s would push chain time ahead of the
wall clock and break deadlines. Instead at most one block is mined per second,
holding every transaction that arrived since the last one; callers wait on a
future that resolves once their block is committed to disk. An idle chain
mines nothing.

A block that does not reach the disk is forgotten in memory too, so what callers
were told and what a restart reads agree. A full disk fails that block's callers
with DiskFull and nothing more: the next block tries again, and while none comes
the producer checks every DISK_CHECK_S, so it is ready again as soon as there is
room. A damaged page met by any reader of the chain file, or any other error
while producing (an I/O error), stops the producer: every waiting caller is
failed at once with ChainDamaged or ProducerFailed, and so is every later one,
until the gateway restarts.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass

from eth._utils.address import generate_contract_address
from eth.exceptions import PyEVMError
from eth_utils import ValidationError, to_checksum_address
from hexbytes import HexBytes
from web3.datastructures import AttributeDict

from .durable import DurableBackend
from .errors import ChainDamaged, ChainError, DiskFull, ProducerFailed

log = logging.getLogger(__name__)

SETTLE_STEP_S = 0.005
SETTLE_INTO_SECOND_S = 0.5  # a block is cut at most this far into its timestamp's second…
SETTLE_MIN_S = 0.2  # …or, when mining overran that, at most this long after the wait begins
RECENT_BLOCKS = 8  # kept as mined, for the index that follows right behind
DISK_CHECK_S = 1.0  # how often an idle producer whose disk was full looks for room again


@dataclass(frozen=True)
class MinedBlock:
    timestamp: int
    transactions: list  # py-evm's transactions
    receipts: list[dict]  # web3's shape (block_receipts)


class BlockProducer:
    def __init__(self, backend: DurableBackend, lock: threading.RLock, clock: Callable[[], float] = time.time):
        self._backend = backend
        self._lock = lock
        self._clock = clock
        self._queue: list[tuple[object, Future]] = []
        self._wake = threading.Condition()
        self._stopping = False
        self._refusal: ChainError | None = None  # why the producer stopped for good, if it did
        self.disk_full: DiskFull | None = None  # the last block's disk was full, until a commit succeeds
        self._thread = threading.Thread(target=self._run, name="tanquan-block-producer", daemon=True)
        self.blocks_mined = 0
        self.cpu_seconds = 0.0  # this thread's CPU time spent mining, for /metrics (the EVM's share of a write)
        self._recent: dict[int, MinedBlock] = {}
        with lock:  # the permissioned chain runs one fork from genesis: one transaction decoder
            self._decoder = backend.chain.get_vm().get_transaction_builder()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify()
        self._thread.join()

    def submit(self, raw_transaction: bytes) -> Future:
        """Queue a signed transaction; the future resolves to its receipt (web3's
        shape) once the block holding it is committed to disk."""
        future: Future = Future()
        try:
            tx = self._decoder.decode(raw_transaction)
        except Exception as exc:
            raise ChainError(f"transaction rejected: cannot decode ({exc})") from exc
        with self._wake:
            if self._refusal is not None:
                raise self._refused()
            if self._stopping:
                raise ChainError("the block producer has stopped")
            self._queue.append((tx, future))
            self._wake.notify()
        return future

    def problem(self) -> str | None:
        """Why this producer takes no transactions, or None while it runs."""
        if self._refusal is not None:
            return str(self._refusal)
        if self.disk_full is not None:
            return str(self.disk_full)
        return None if self._thread.is_alive() else "the block producer is not running"

    @property
    def failed(self) -> bool:
        """Whether the producer stopped on an error (damage met, the disk's I/O), not on stop()."""
        return self._refusal is not None

    def chain_damaged(self, error: ChainDamaged) -> None:
        """A reader met a damaged page of the chain file (SqliteKV.on_damage, any thread):
        no block is committed from now on, not even the one being mined."""
        with self._wake:
            if self._refusal is None:
                self._refusal = error
            self._wake.notify()

    def _refused(self) -> ChainError:
        return type(self._refusal)(str(self._refusal))  # one per caller: a raised exception carries its traceback

    def _run(self) -> None:
        batch: list = []
        try:
            while True:
                with self._wake:
                    if not self._queue and not self._stopping and self._refusal is None:
                        self._wake.wait(DISK_CHECK_S if self.disk_full is not None else None)
                    if self._refusal is not None:
                        raise self._refused()
                    if not self._queue and self._stopping:
                        return
                    idle = not self._queue
                if idle:
                    self._check_disk()
                    continue
                timestamp = self._next_timestamp()
                self._settle(expected=len(batch) // 2, timestamp=timestamp)
                with self._wake:
                    batch, self._queue = self._queue, []
                started = time.thread_time()
                try:
                    self._mine(batch, timestamp)
                except DiskFull as exc:
                    self._forget_block(exc, batch)
                self.cpu_seconds += time.thread_time() - started
        except Exception as exc:  # noqa: BLE001 - whatever the disk or the database raised: stop and say so
            self._fail(exc, batch)

    def _forget_block(self, exc: DiskFull, batch: list[tuple[object, Future]]) -> None:
        """The disk had no room for the block: forget it and tell its callers, and keep
        going. Nothing of it was committed, so nothing acknowledged is lost."""
        with self._lock:
            self._backend.roll_back()
        self.disk_full = exc
        log.error("%s; the block of %d transactions was not written", exc, len(batch))
        for _, future in batch:
            future.set_exception(DiskFull(str(exc)))

    def _check_disk(self) -> None:
        """While the disk was full and no block comes to try it: whether there is room now."""
        if self.disk_full is None:
            return
        try:
            with self._lock:
                self._backend.kv.check_disk()
        except DiskFull:
            return
        self.disk_full = None
        log.info("the chain file's disk has room again: writes are taken")

    def _fail(self, exc: Exception, batch: list[tuple[object, Future]]) -> None:
        """Stop for good: drop the half-written block, refuse new transactions and fail
        every caller still waiting, at once rather than after their timeouts."""
        with self._wake:
            if self._refusal is None:
                self._refusal = ProducerFailed(f"the block producer stopped on {type(exc).__name__}: {exc}")
            self._stopping = True
            waiting, self._queue = batch + self._queue, []
        log.error("%s; writes are refused until the gateway restarts", self._refusal, exc_info=exc)
        try:
            with self._lock:
                self._backend.roll_back()
        except Exception:  # noqa: BLE001 - the disk may refuse this too; nothing was committed either way
            log.exception("could not roll back the failed block")
        for _, future in waiting:
            if not future.done():
                future.set_exception(self._refused())

    def _settle(self, expected: int, timestamp: int) -> None:
        """Wait while the queue still grows: callers woken by the last block are handing
        in their next transactions, and a block cut before they arrive holds a few of
        them and makes the rest wait a whole second. Until `expected` (half the last
        block) have arrived, a pause does not end the wait: the last block's callers may
        still be hearing back. The wait ends SETTLE_INTO_SECOND_S into the block's
        second, or SETTLE_MIN_S from now when mining has overrun that."""
        deadline = max(timestamp + SETTLE_INTO_SECOND_S, self._clock() + SETTLE_MIN_S)
        with self._wake:
            size = len(self._queue)
        while self._clock() < deadline:
            time.sleep(SETTLE_STEP_S)
            with self._wake:
                if len(self._queue) == size and size >= expected:
                    return
                size = len(self._queue)

    def _next_timestamp(self) -> int:
        """The next whole second after the head, waiting for the wall clock to reach it."""
        with self._lock:
            parent = self._backend.chain.get_canonical_head().timestamp
        timestamp = max(int(self._clock()), parent + 1)
        delay = timestamp - self._clock()
        if delay > 0:
            time.sleep(delay)
        return timestamp

    def _mine(self, batch: list[tuple[object, Future]], timestamp: int) -> None:
        chain = self._backend.chain
        with self._lock:
            chain.header = chain.header.copy(timestamp=timestamp)
            try:
                _, raw_receipts, _ = chain.mine_all([tx for tx, _ in batch])
                accepted, rejected = batch, []
            except (PyEVMError, ValidationError):
                accepted, rejected = self._mine_valid_ones(batch, timestamp)
                raw_receipts = chain.get_block_by_header(chain.get_canonical_head()).get_receipts(chain.chaindb)
            head = chain.get_canonical_head()
            transactions = [tx for tx, _ in accepted]
            receipts = block_receipts(head, transactions, raw_receipts)
            if self._refusal is not None:  # a reader found the file damaged while this block was mined
                raise self._refused()
            self._backend.kv.commit()
            self.disk_full = None
            self.blocks_mined += 1
        recent = {n: b for n, b in self._recent.items() if n > head.block_number - RECENT_BLOCKS}
        self._recent = {**recent, head.block_number: MinedBlock(head.timestamp, transactions, receipts)}
        for (tx, future), receipt in zip(accepted, receipts):
            future.set_result(receipt)
        for (tx, future), reason in rejected:
            future.set_exception(ChainError(f"transaction rejected: {reason}"))

    def mined(self, number: int) -> MinedBlock | None:
        """One of the last blocks this producer mined, as it mined it."""
        return self._recent.get(number)

    def _mine_valid_ones(self, batch, timestamp):
        """Slow path: apply one by one, leave out the invalid ones (bad nonce, no gas money)."""
        chain = self._backend.chain
        chain.header = chain.header.copy(timestamp=timestamp)
        accepted, rejected = [], []
        for tx, future in batch:
            try:
                chain.apply_transaction(tx)
                accepted.append((tx, future))
            except (PyEVMError, ValidationError) as exc:
                rejected.append(((tx, future), str(exc)))
        chain.mine_block()
        return accepted, rejected


@functools.lru_cache(maxsize=4096)
def checksum(address: bytes) -> str:
    return to_checksum_address(address)  # a keccak each time: contracts' and signers' addresses, cached


def block_receipts(header, transactions, raw_receipts) -> list[dict]:
    """The block's receipts in web3's shape, made once per block rather than once per caller."""
    receipts, log_index, previous_gas = [], 0, 0
    for index, (tx, raw) in enumerate(zip(transactions, raw_receipts)):
        logs = []
        for log in raw.logs:
            logs.append(
                AttributeDict(
                    {
                        "address": checksum(log.address),
                        "topics": [HexBytes(topic.to_bytes(32, "big")) for topic in log.topics],
                        "data": HexBytes(log.data),
                        "logIndex": log_index,
                        "transactionIndex": index,
                        "transactionHash": HexBytes(tx.hash),
                        "blockHash": HexBytes(header.hash),
                        "blockNumber": header.block_number,
                        "removed": False,
                    }
                )
            )
            log_index += 1
        receipts.append(
            {
                "transactionHash": HexBytes(tx.hash),
                "blockNumber": header.block_number,
                "status": 1 if raw.state_root == b"\x01" else 0,
                "gasUsed": raw.gas_used - previous_gas,
                "logs": logs,
                "contractAddress": (
                    to_checksum_address(generate_contract_address(tx.sender, tx.nonce)) if tx.to == b"" else None
                ),
            }
        )
        previous_gas = raw.gas_used
    return receipts
