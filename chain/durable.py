"""The embedded chain's storage: py-evm on a SQLite key-value store that survives restarts.

Reopening reads the canonical head straight from disk: head, state, receipts
and logs come back without replaying a single transaction. Writes collect in
one SQLite transaction until `commit()`, which the block producer calls after
each block and before any caller hears of it (DESIGN §8). A writer's start
checks what a restart can afford to (SQLite's quick check, the last blocks'
headers, transactions, receipts and state root) and refuses a damaged file.
Readers open the file read-only on a connection of their own and see committed
blocks only, without waiting for the block producer.

The store names the two failures its callers act on: a full disk (DiskFull: the
block is forgotten and later blocks are tried again) and a damaged page met by
any reader (`on_damage`: the block producer stops taking writes).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from eth.chains.base import Chain as EVMChain
from eth.chains.base import MiningChain
from eth.constants import BLANK_ROOT_HASH
from eth.db.atomic import AtomicDB
from eth.db.backends.base import BaseDB
from eth.db.chain import ChainDB
from eth.db.trie import make_trie_root_and_nodes
from eth.exceptions import CanonicalHeadNotFound
from eth.exceptions import TransactionNotFound as EVMTransactionNotFound
from eth.vm.forks import PragueVM
from eth_tester import PyEVMBackend
from eth_tester.backends.pyevm.serializers import serialize_transaction, serialize_transaction_receipt
from eth_tester.constants import POST_MERGE_DIFFICULTY, POST_MERGE_MIX_HASH, POST_MERGE_NONCE
from eth_tester.exceptions import TransactionNotFound
from eth_utils import keccak, to_canonical_address

from .errors import ChainDamaged, ChainError, DiskFull

TANQUAN_CHAIN_ID = 0x7A9C  # private: the embedded chain is reached only through the gateway
GENESIS_TIMESTAMP = 1_767_196_800  # 2026-01-01 00:00 UTC+8, pinned so every genesis is identical
BLOCK_GAS_LIMIT = 1_000_000_000  # room for a second's worth of transactions in one block
FAUCET_BALANCE = 10**30
# eth-tester charges even read-only calls against the sender's balance, so
# genesis funds one keyless address that calls are made from.
CALLER_ADDRESS = "0x7a9c0000000000000000000000000000000ca11e"
RECENT_CHECKED = 16  # blocks below the head a start re-derives: what a restart can afford at any length
DISK_CHECK_KEY = b"tanquan:disk-check"  # beside py-evm's keys, never one of them: hashes and "v1:"-style names


class SqliteKV(BaseDB):
    """A bytes → bytes table in one SQLite file, committed explicitly; or, `read_only`,
    a connection that sees committed data only (WAL lets it read while the writer writes)."""

    on_damage: Callable[[ChainDamaged], None] | None = None  # told when a statement meets a damaged page

    def __init__(self, path: Path, *, read_only: bool = False):
        self.path = path
        if read_only:
            self._conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        else:
            self._conn = sqlite3.connect(str(path), check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID")
            self._conn.commit()
        self._lock = threading.RLock()

    @contextmanager
    def _store(self) -> Iterator[sqlite3.Connection]:
        """The connection, to one caller at a time; SQLite's errors that callers act on, named."""
        with self._lock:
            try:
                yield self._conn
            except sqlite3.DatabaseError as exc:
                if _is(exc, sqlite3.SQLITE_FULL, "database or disk is full"):
                    raise DiskFull(f"the disk of the chain file {self.path} is full ({exc}): "
                                   "writes are refused until space is freed") from exc
                if self.on_damage is not None and (_is(exc, sqlite3.SQLITE_CORRUPT, "database disk image is malformed")
                                                   or _is(exc, sqlite3.SQLITE_NOTADB, "file is not a database")):
                    self.on_damage(damaged(self.path, str(exc)))
                raise

    def __getitem__(self, key: bytes) -> bytes:
        with self._store() as conn:
            row = conn.execute("SELECT v FROM kv WHERE k = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return row[0]

    def __setitem__(self, key: bytes, value: bytes) -> None:
        with self._store() as conn:
            conn.execute("INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)", (key, value))

    def __delitem__(self, key: bytes) -> None:
        with self._store() as conn:
            if conn.execute("DELETE FROM kv WHERE k = ?", (key,)).rowcount == 0:
                raise KeyError(key)

    def _exists(self, key: bytes) -> bool:
        with self._store() as conn:
            return conn.execute("SELECT 1 FROM kv WHERE k = ?", (key,)).fetchone() is not None

    def commit(self) -> None:
        with self._store() as conn:
            conn.commit()

    def check_disk(self) -> None:
        """Commit one small record outside the chain's own: raises DiskFull while the
        disk still has no room for a block (free space as reported may not be ours to use)."""
        with self._store() as conn:
            try:
                conn.execute("INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)", (DISK_CHECK_KEY, str(time.time()).encode()))
                conn.commit()
            except BaseException:
                conn.rollback()
                raise

    def rollback(self) -> None:
        """Drop what was written since the last commit (a block that failed half way)."""
        with self._lock:
            self._conn.rollback()

    def quick_check(self) -> str | None:
        """SQLite's own check of every page's structure, and that the file is whole pages;
        the first problem, or None. SQLite reads only the pages its header counts, so bytes
        appended to the file pass its check unseen; every write it makes is whole pages."""
        with self._lock:
            (page_size,) = self._conn.execute("PRAGMA page_size").fetchone()
        size = os.path.getsize(self.path)
        if size % page_size:
            return f"{size} bytes is not a whole number of {page_size}-byte pages: bytes were added or cut off"
        lines = []
        with self._lock:
            try:
                for (row,) in self._conn.execute("PRAGMA quick_check(4)"):
                    lines += row.splitlines()
            except sqlite3.DatabaseError as exc:  # a page so damaged the check itself stops
                lines.append(str(exc))
        problems = [line for line in lines if line != "ok" and not line.startswith("*** in database")]
        return problems[0] if problems else None

    def close(self) -> None:
        with self._lock:
            try:
                self._conn.commit()
            finally:
                self._conn.close()


class TanquanRules:
    """The Tanquan chain's rules, for the mining chain and for readers alike."""

    chain_id = TANQUAN_CHAIN_ID
    vm_configuration = ((0, PragueVM),)

    def create_header_from_parent(self, parent_header, **header_params):
        # A permissioned chain keeps its gas limit.
        return super().create_header_from_parent(parent_header, **{**header_params, "gas_limit": parent_header.gas_limit})

    def get_transaction_builder(self):
        return self.get_vm().get_transaction_builder()


class TanquanChain(TanquanRules, MiningChain):
    pass


class CommittedChain(TanquanRules, EVMChain):
    """The chain for readers: no pending header of its own, so every read starts from
    the head last committed to disk."""


def genesis_params() -> dict:
    return {
        "coinbase": b"\x00" * 20,
        "difficulty": POST_MERGE_DIFFICULTY,
        "extra_data": b"tanquan",
        "gas_limit": BLOCK_GAS_LIMIT,
        "mix_hash": POST_MERGE_MIX_HASH,
        "nonce": POST_MERGE_NONCE,
        "receipt_root": BLANK_ROOT_HASH,
        "timestamp": GENESIS_TIMESTAMP,
        "transaction_root": BLANK_ROOT_HASH,
    }


class _LookupByHash(PyEVMBackend):
    """A transaction found by hash through py-evm's own table of hash → (block, position),
    kept as blocks are mined: one lookup at any chain length, where eth-tester scans back
    from the head block by block."""

    def _located(self, transaction_hash):
        try:
            number, index = self.chain.chaindb.get_transaction_index(transaction_hash)
        except EVMTransactionNotFound as exc:
            raise TransactionNotFound(f"no transaction {transaction_hash.hex()}") from exc
        block = self.chain.get_canonical_block_by_number(number)
        return block, block.transactions[index], index

    def get_transaction_by_hash(self, transaction_hash):
        block, transaction, index = self._located(transaction_hash)
        return serialize_transaction(block, transaction, index, False)

    def get_transaction_receipt(self, transaction_hash):
        block, transaction, index = self._located(transaction_hash)
        receipts = block.get_receipts(self.chain.chaindb)
        return serialize_transaction_receipt(block, receipts, transaction, index, False, self.chain.get_vm())


class DurableBackend(_LookupByHash):
    """eth-tester's py-evm backend, on SQLite instead of memory; the one writer of its file."""

    def __init__(self, path: Path, faucet_address: str | None):
        self.account_keys = ()
        try:
            self.kv = SqliteKV(path)
        except sqlite3.OperationalError as exc:
            raise ChainError(f"cannot open the chain file {path}: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            raise damaged(path, str(exc)) from exc
        base_db = AtomicDB(self.kv)
        try:
            ChainDB(base_db).get_canonical_head()
            self.chain = TanquanChain(base_db)
        except CanonicalHeadNotFound:
            if faucet_address is None:
                self.kv.close()
                raise ChainError(f"no chain in {path}")
            alloc = {
                to_canonical_address(address): {"balance": FAUCET_BALANCE, "nonce": 0, "code": b"", "storage": {}}
                for address in (faucet_address, CALLER_ADDRESS)
            }
            self.chain = TanquanChain.from_genesis(base_db, genesis_params(), alloc)
            self.kv.commit()
        except Exception as exc:
            self.kv.close()
            raise damaged(path, f"{type(exc).__name__}: {exc}") from exc
        try:
            check_chain(self.kv, self.chain, path)
        except ChainDamaged:
            self.kv.close()
            raise

    def mine_blocks(self, num_blocks=1, coinbase=None):
        try:
            hashes = super().mine_blocks(num_blocks) if coinbase is None else super().mine_blocks(num_blocks, coinbase)
            self.kv.commit()
        except BaseException:
            self.roll_back()
            raise
        return hashes

    def roll_back(self) -> None:
        """Forget a block that did not reach the disk: SQLite drops its writes and the
        mining chain starts again from the committed head, so memory says what disk says."""
        self.kv.rollback()
        self.chain.header = self.chain.ensure_header()

    def close(self) -> None:
        self.kv.close()


class CommittedBackend(_LookupByHash):
    """The chain file as last committed, read through a read-only connection of its own:
    public reads and `tanquan verify` never take the block producer's lock and can
    change nothing (DESIGN §8)."""

    def __init__(self, path: Path):
        self.account_keys = ()
        try:
            self.kv = SqliteKV(path, read_only=True)
        except sqlite3.OperationalError as exc:
            raise ChainError(f"no chain in {path}") from exc
        self.chain = CommittedChain(AtomicDB(self.kv))
        try:
            self.chain.get_canonical_head()
        except (sqlite3.OperationalError, CanonicalHeadNotFound) as exc:
            self.kv.close()
            raise ChainError(f"no chain in {path}") from exc
        except sqlite3.DatabaseError as exc:
            self.kv.close()
            raise damaged(path, str(exc)) from exc

    def close(self) -> None:
        self.kv.close()


def check_chain(kv: SqliteKV, chain, path: Path) -> None:
    """What a restart can afford to check: every page's structure (SQLite's quick check,
    linear in the file's size: measured by scripts/bench_public.py), then the last
    RECENT_CHECKED blocks from the head down: each header is the one its hash names and
    is canonical, its transactions and receipts hash to its roots, and its state root's
    node is stored under its own hash."""
    try:
        problem = kv.quick_check()
        if problem is not None:
            raise damaged(path, problem)
        chaindb = chain.chaindb
        header = chaindb.get_canonical_head()
        for _ in range(RECENT_CHECKED):
            number = header.block_number
            if chaindb.get_canonical_block_hash(number) != header.hash:
                raise damaged(path, f"block {number} is not the canonical block at its height")
            block = chain.get_block_by_header(header)
            if make_trie_root_and_nodes(block.transactions)[0] != header.transaction_root:
                raise damaged(path, f"block {number}'s transactions do not match its header")
            if make_trie_root_and_nodes(block.get_receipts(chaindb))[0] != header.receipt_root:
                raise damaged(path, f"block {number}'s receipts do not match its header")
            if header.state_root != BLANK_ROOT_HASH and keccak(kv[header.state_root]) != header.state_root:
                raise damaged(path, f"block {number}'s state root is damaged")
            if number == 0:
                return
            parent = chaindb.get_block_header_by_hash(header.parent_hash)
            if parent.hash != header.parent_hash:
                raise damaged(path, f"block {number - 1}'s header is damaged")
            header = parent
    except ChainDamaged:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever a damaged file makes py-evm or SQLite raise
        raise damaged(path, f"{type(exc).__name__}: {exc}") from exc


def _is(exc: sqlite3.DatabaseError, code: int, message: str) -> bool:
    """SQLite's primary result code, or its message where the error carries no code."""
    primary = getattr(exc, "sqlite_errorcode", None)
    return primary & 0xFF == code if primary is not None else str(exc) == message


def damaged(path: Path, problem: str) -> ChainDamaged:
    first_line = problem.strip().splitlines()[0] if problem.strip() else "unreadable"
    return ChainDamaged(
        f"the chain file {path} is damaged ({first_line}): restore it from a backup, "
        "then rebuild the index (tanquan index rebuild)"
    )
