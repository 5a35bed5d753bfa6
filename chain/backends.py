"""Where the chain runs.

- `ephemeral()`: in-memory eth-tester, instant mining, snapshots, time travel (tests).
- `open_embedded(path)`: the durable default, py-evm on SQLite; `served=True`
  puts the one-block-per-second producer in front of it (the gateway), else
  each transaction is mined at once (demo, tests, scripts). Its `reader` reads
  committed blocks without the producer's lock (public verification).
- `open_committed(path)`: the same file read-only, beside a running gateway or
  none (`tanquan verify`).
- `connect(url)`: an external EVM node over JSON-RPC (Besu, hardhat).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from eth_tester import EthereumTester, PyEVMBackend
from eth_tester.backends.pyevm.serializers import serialize_transaction_receipt
from eth_tester.utils.filters import check_if_log_matches
from eth_utils import to_canonical_address, to_tuple
from web3 import EthereumTesterProvider, HTTPProvider, Web3

from . import proofs
from .client import BlockLogs, Chain
from .durable import CALLER_ADDRESS, CommittedBackend, DurableBackend, SqliteKV, check_chain
from .rpc import LIMIT_EXCEEDED
from .producer import BlockProducer, MinedBlock, block_receipts, checksum
from .seal import is_sealed


@dataclass
class EphemeralChain:
    """An in-memory eth-tester chain: instant mining, snapshots and time travel."""

    chain: Chain
    tester: EthereumTester
    faucet: LocalAccount

    def snapshot(self) -> int:
        return self.tester.take_snapshot()

    def revert(self, snapshot_id: int) -> None:
        self.tester.revert_to_snapshot(snapshot_id)
        self.chain.forget_nonces()

    def time_travel(self, timestamp: int) -> None:
        self.tester.time_travel(timestamp)

    def fund(self, address: str, wei: int = 10**20) -> None:
        self.chain.transfer_value(self.faucet, address, wei)


def ephemeral() -> EphemeralChain:
    backend = PyEVMBackend()
    tester = EthereumTester(backend)
    w3 = Web3(EthereumTesterProvider(tester))
    faucet = Account.from_key(backend.account_keys[0].to_bytes())
    w3.eth.default_account = faucet.address  # calls then skip web3's eth_accounts lookup
    return EphemeralChain(chain=Chain(w3), tester=tester, faucet=faucet)


class _BlockwiseTester(EthereumTester):
    """eth-tester whose get_logs reads each block's receipts once.

    eth-tester's own get_logs looks every transaction's receipt up by hash,
    scanning back from the head and decoding the whole block's receipts each
    time: quadratic in block size and chain length, hours for an index rebuild
    at 10k transactions. Log indices here also count across the block, as on a
    node (eth-tester restarts them per transaction, which misorders history).
    """

    @to_tuple
    def get_logs(self, from_block=None, to_block=None, address=None, topics=None):
        self.validator.validate_inbound_filter_params(from_block=from_block, to_block=to_block, address=address, topics=topics)
        raw_from, raw_to, raw_address, raw_topics = self.normalizer.normalize_inbound_filter_params(
            from_block=from_block, to_block=to_block, address=address, topics=topics
        )
        chain = self.backend.chain
        head = chain.get_canonical_head().block_number
        raw_from = 0 if raw_from in (None, "earliest") else (head if isinstance(raw_from, str) else raw_from)
        raw_to = head if raw_to is None or isinstance(raw_to, str) else min(raw_to, head)
        matches = partial(check_if_log_matches, from_block=raw_from, to_block=raw_to, addresses=raw_address, topics=raw_topics)
        vm = chain.get_vm()
        for number in range(raw_from, raw_to + 1):
            block = chain.get_canonical_block_by_number(number)
            receipts = block.get_receipts(chain.chaindb)
            position = 0
            for index, transaction in enumerate(block.transactions):
                receipt = serialize_transaction_receipt(block, receipts, transaction, index, False, vm)
                for entry in receipt["logs"]:
                    entry = {**entry, "log_index": position}
                    position += 1
                    if matches(entry):
                        yield self.normalizer.normalize_outbound_log_entry(entry)


class _LockedProvider(EthereumTesterProvider):
    """py-evm is not thread-safe: every request and every mined block share one lock."""

    def __init__(self, tester: EthereumTester, lock: threading.RLock):
        super().__init__(tester)
        self._lock = lock

    def make_request(self, method, params):
        with self._lock:
            return super().make_request(method, params)


@dataclass
class EmbeddedChain:
    """The durable embedded chain, open on one SQLite file. `chain` writes (and reads
    under the producer's lock); `reader` reads only what is committed, on a read-only
    connection of its own, and never waits for the producer."""

    chain: Chain
    backend: DurableBackend
    tester: EthereumTester
    producer: BlockProducer | None
    lock: threading.RLock  # the producer's: every write and every read through `chain`
    reader: Chain
    committed: CommittedBackend

    def time_travel(self, timestamp: int) -> None:
        if self.producer is not None:
            raise RuntimeError("the served chain follows the wall clock; time travel is for instant mode")
        self.tester.time_travel(timestamp)
        self.backend.kv.commit()

    def close(self) -> None:
        if self.producer is not None:
            self.producer.stop()
        self.committed.close()
        # A file a reader found damaged, or whose producer stopped on an error, is left
        # unsealed: the next start checks every page of it.
        failed = self.producer is not None and self.producer.failed
        self.backend.close(seal_file=not (failed or self.committed.kv.met_damage))


def open_embedded(path: Path, *, faucet_address: str | None = None, served: bool = False) -> EmbeddedChain:
    """Open the chain in `path` to write it (the caller holds the data directory's lock);
    a new chain's genesis funds `faucet_address`. A damaged file raises ChainDamaged."""
    path.parent.mkdir(parents=True, exist_ok=True)
    backend = DurableBackend(path, faucet_address)
    tester = _BlockwiseTester(backend)
    lock = threading.RLock()
    w3 = Web3(_LockedProvider(tester, lock))
    w3.eth.default_account = Web3.to_checksum_address(CALLER_ADDRESS)
    producer = BlockProducer(backend, lock) if served else None
    chain = Chain(w3, submit_raw=producer and producer.submit, local=_LocalReads(backend, lock, producer))
    try:
        committed = CommittedBackend(path)
    except Exception:
        backend.close(seal_file=False)
        raise
    if producer is not None:
        # Whoever reads a damaged page first, a public read or the producer itself, stops the writes.
        backend.kv.on_damage = committed.kv.on_damage = producer.chain_damaged
        producer.start()
    return EmbeddedChain(chain=chain, backend=backend, tester=tester, producer=producer, lock=lock,
                         reader=_reading_chain(committed), committed=committed)


@dataclass
class EmbeddedReader:
    """The embedded chain file opened read-only."""

    chain: Chain
    backend: CommittedBackend

    def close(self) -> None:
        self.backend.close()


def open_committed(path: Path) -> EmbeddedReader:
    """Read the chain in `path` without writing it: beside a running gateway (SQLite's WAL
    lets a reader see committed blocks while the one writer writes) or with none. The
    start-up check runs here too: a damaged file raises ChainDamaged."""
    sealed = SqliteKV.alone(path) and is_sealed(path)  # beside a running writer there is no seal
    backend = CommittedBackend(path)
    try:
        check_chain(backend.kv, backend.chain, path, sealed=sealed)
    except Exception:
        backend.close()
        raise
    return EmbeddedReader(chain=_reading_chain(backend), backend=backend)


def _reading_chain(backend: CommittedBackend) -> Chain:
    """No lock: py-evm's reads of committed blocks and state share nothing mutable, and
    the read-only connection serialises its own queries."""
    w3 = Web3(EthereumTesterProvider(_BlockwiseTester(backend)))
    w3.eth.default_account = Web3.to_checksum_address(CALLER_ADDRESS)
    return Chain(w3)


@dataclass
class _LocalReads:
    """The embedded chain's frequent reads straight from py-evm's database (or the
    blocks as the producer just mined them), without eth-tester's and web3's
    per-field formatting of whole blocks and receipts."""

    backend: DurableBackend
    lock: threading.RLock
    producer: BlockProducer | None

    def head(self) -> int:
        with self.lock:
            return self.backend.chain.get_canonical_head().block_number

    def balance(self, address: str) -> int:
        with self.lock:
            return self.backend.chain.get_vm().state.get_balance(to_canonical_address(address))

    def receipt_proof(self, block_number: int, tx_hash: bytes) -> dict:
        with self.lock:
            return proofs.receipt_proof(self.backend.chain, block_number, tx_hash)

    def block_hashes(self, first: int, last: int) -> list[bytes]:
        with self.lock:
            return [self.backend.chain.chaindb.get_canonical_block_hash(number) for number in range(first, last + 1)]

    def block_logs(self, first: int, last: int, addresses: list[str]) -> BlockLogs:
        read = BlockLogs(logs=[], timestamps={}, senders={})
        wanted = set(addresses)
        chain = self.backend.chain
        for number in range(first, last + 1):
            block = self.producer.mined(number) if self.producer is not None else None
            if block is None:
                with self.lock:
                    stored = chain.get_canonical_block_by_number(number)
                    raw_receipts = stored.get_receipts(chain.chaindb)
                block = MinedBlock(stored.header.timestamp, stored.transactions,
                                   block_receipts(stored.header, stored.transactions, raw_receipts))
            read.timestamps[number] = block.timestamp
            for tx, receipt in zip(block.transactions, block.receipts):
                logs = [log for log in receipt["logs"] if log["address"] in wanted]
                if logs:
                    read.logs += logs
                    read.senders["0x" + tx.hash.hex()] = checksum(tx.sender)
        return read


class _PatientProvider(HTTPProvider):
    """Asks again, after a growing pause, when the node answers "busy" (limit exceeded): the
    gateway's /rpc evaluates a few eth_calls at a time and tells the rest to try again."""

    PAUSES_S = (0.2, 0.5, 1, 2, 4)

    def make_request(self, method, params):
        for pause in self.PAUSES_S:
            response = super().make_request(method, params)
            if not isinstance(response.get("error"), dict) or response["error"].get("code") != LIMIT_EXCEEDED:
                return response
            time.sleep(pause)
        return super().make_request(method, params)


def connect(url: str) -> Chain:
    w3 = Web3(_PatientProvider(url, request_kwargs={"timeout": 60}))
    return Chain(w3)
