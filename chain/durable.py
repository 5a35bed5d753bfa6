"""The embedded chain's storage: py-evm on a SQLite key-value store that survives restarts.

Reopening reads the canonical head straight from disk: head, state, receipts
and logs come back without replaying a single transaction. Writes collect in
one SQLite transaction until `commit()`, which the block producer calls after
each block and before any caller hears of it (DESIGN §8). A start checks what
the last writer could have left damaged (check_chain: the file's whole pages,
the last blocks' headers, transactions, receipts and state root, and every page
unless the file is as its writer sealed it at a clean close) and refuses a
damaged file. Readers open the file read-only on a connection of their own and
see committed blocks only, without waiting for the block producer.

The store names the two failures its callers act on: a full disk (DiskFull: the
block is forgotten and later blocks are tried again) and a damaged page met by
any reader (`on_damage`: the block producer stops taking writes).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from eth.chains.base import Chain as EVMChain
from eth.chains.base import MiningChain
from eth.constants import BLANK_ROOT_HASH
from eth.db.atomic import AtomicDB
from eth.db.backends.base import BaseDB
from eth.db.chain import ChainDB
from eth.exceptions import CanonicalHeadNotFound
from eth.exceptions import TransactionNotFound as EVMTransactionNotFound
from eth.vm.forks import PragueVM
from eth_tester import PyEVMBackend
from eth_tester.backends.pyevm.serializers import serialize_transaction, serialize_transaction_receipt
from eth_tester.constants import POST_MERGE_DIFFICULTY, POST_MERGE_MIX_HASH, POST_MERGE_NONCE
from eth_tester.exceptions import TransactionNotFound
from eth_utils import keccak, to_canonical_address
from rlp import decode as rlp_decode

from .errors import ChainDamaged, ChainError, DiskFull
from .seal import is_sealed, seal, unseal

TANQUAN_CHAIN_ID = 0x7A9C  # private: the embedded chain is reached only through the gateway
GENESIS_TIMESTAMP = 1_767_196_800  # 2026-01-01 00:00 UTC+8, pinned so every genesis is identical
BLOCK_GAS_LIMIT = 1_000_000_000  # room for a second's worth of transactions in one block
FAUCET_BALANCE = 10**30
# eth-tester charges even read-only calls against the sender's balance, so
# genesis funds one keyless address that calls are made from.
CALLER_ADDRESS = "0x7a9c0000000000000000000000000000000ca11e"
RECENT_CHECKED = 16  # blocks below the head a start checks, at most…
# …and once this many transactions are checked, no further block: a start's cost follows
# transactions, not blocks (a served block holds a second's worth; the benchmark's, 256)
RECENT_TRANSACTIONS = 256
DISK_CHECK_KEY = b"tanquan:disk-check"  # beside py-evm's keys, never one of them: hashes and "v1:"-style names


class SqliteKV(BaseDB):
    """A bytes → bytes table in one SQLite file, committed explicitly; or, `read_only`,
    a connection that sees committed data only (WAL lets it read while the writer writes)."""

    on_damage: Callable[[ChainDamaged], None] | None = None  # told when a statement meets a damaged page
    # Files this process has open through SQLite. Closing any other descriptor of such a file
    # drops every POSIX lock the process holds on it, SQLite's included, so its bytes are read
    # directly (for its seal) only while none is open here.
    _open_here: Counter[tuple[int, int]] = Counter()

    def __init__(self, path: Path, *, read_only: bool = False):
        self.path = path
        self.met_damage = False  # a statement met a damaged page: this file is not to be sealed
        if read_only:
            self._conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        else:
            self._conn = sqlite3.connect(str(path), check_same_thread=False)
        self._file = _file_id(path)
        SqliteKV._open_here[self._file] += 1
        try:
            if not read_only:
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=FULL")
                self._conn.execute("CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID")
                self._conn.commit()
        except BaseException:
            self._conn.close()
            self._forget()
            raise
        self._lock = threading.RLock()

    @staticmethod
    def alone(path: Path) -> bool:
        """No connection of this process has the file open: it may be read directly."""
        return not path.exists() or SqliteKV._open_here[_file_id(path)] == 0

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
                if (_is(exc, sqlite3.SQLITE_CORRUPT, "database disk image is malformed")
                        or _is(exc, sqlite3.SQLITE_NOTADB, "file is not a database")):
                    self.met_damage = True
                    if self.on_damage is not None:
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

    def whole_pages(self) -> str | None:
        """Whether the file is a whole number of pages, or the problem. SQLite reads only the
        pages its header counts, so bytes appended to the file pass its checks unseen; every
        write it makes is whole pages."""
        with self._lock:
            (page_size,) = self._conn.execute("PRAGMA page_size").fetchone()
        size = os.path.getsize(self.path)
        if size % page_size:
            return f"{size} bytes is not a whole number of {page_size}-byte pages: bytes were added or cut off"
        return None

    def quick_check(self) -> str | None:
        """SQLite's own check of every page's structure, linear in the file's size (most of
        the 1.4 s a reopen at 100,000 transactions takes without a seal: scripts/bench_chain.py
        --full); the first problem, or None."""
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
                self._forget()

    def _forget(self) -> None:
        SqliteKV._open_here[self._file] -= 1
        if not SqliteKV._open_here[self._file]:
            del SqliteKV._open_here[self._file]


def _file_id(path: Path) -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_dev, stat.st_ino


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
        self.path = path
        sealed = SqliteKV.alone(path) and is_sealed(path)
        try:
            self.kv = SqliteKV(path)
        except sqlite3.OperationalError as exc:
            raise ChainError(f"cannot open the chain file {path}: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            raise damaged(path, str(exc)) from exc
        unseal(path)  # before the first write: a file this writer leaves without closing is checked whole
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
            check_chain(self.kv, self.chain, path, sealed=sealed)
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

    def close(self, *, seal_file: bool = True) -> None:
        """Close the file; seal it (chain.seal) unless told not to, or unless damage was met
        or another connection of this process still has it open."""
        self.kv.close()
        if seal_file and not self.kv.met_damage and SqliteKV.alone(self.path):
            seal(self.path)


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


def check_chain(kv: SqliteKV, chain, path: Path, *, sealed: bool) -> None:
    """What the last writer could have left damaged, at a cost that does not grow with the
    chain when it closed cleanly.

    Always: the file is whole pages (bytes appended or cut off); SQLite reads its header;
    and the blocks the last writer wrote last, from the head down (the head whole, then
    its parents up to RECENT_CHECKED blocks or RECENT_TRANSACTIONS transactions): each
    header is the one its hash names and is canonical, every node of its transactions'
    and its receipts' tries is stored under its own hash (so every byte of them is what
    the header commits to), one receipt a transaction, and its state root's node is stored
    under its own hash. SQLite checks the structure of each page these reads pass through.

    `sealed` (chain.seal: its writer closed it cleanly, no writer opened it since, and its
    size, first page and last pages are as it left them): nothing more. A clean close
    leaves no write of the last writer half done (SQLite finished and fsynced its last
    checkpoint and removed the WAL), so what could differ is what befalls a file on a disk
    or in a copy, at its end or its header, which the seal compares.
    Not sealed (a crash or kill, an older release, a restored or edited file, a writer still
    running beside this reader): SQLite's quick check of every page's structure as well,
    linear in the file's size, since the last writer may have left a write anywhere half done.

    Left to the first read when sealed: a page elsewhere damaged since the clean close (a
    disk's decay, a stray write). The statement that meets it fails on SQLITE_CORRUPT and
    the file's on_damage stops the block producer, as for damage met while it runs."""
    try:
        problem = kv.whole_pages() or (None if sealed else kv.quick_check())
        if problem is not None:
            raise damaged(path, problem)
        chaindb = chain.chaindb
        header = chaindb.get_canonical_head()
        transactions = 0
        for _ in range(RECENT_CHECKED):
            number = header.block_number
            if chaindb.get_canonical_block_hash(number) != header.hash:
                raise damaged(path, f"block {number} is not the canonical block at its height")
            in_block = _trie_entries(kv, header.transaction_root)
            if in_block is None:
                raise damaged(path, f"block {number}'s transactions do not match its header")
            if _trie_entries(kv, header.receipt_root) != in_block:
                raise damaged(path, f"block {number}'s receipts do not match its header")
            if header.state_root != BLANK_ROOT_HASH and keccak(kv[header.state_root]) != header.state_root:
                raise damaged(path, f"block {number}'s state root is damaged")
            if number == 0:
                return
            parent = chaindb.get_block_header_by_hash(header.parent_hash)
            if parent.hash != header.parent_hash:
                raise damaged(path, f"block {number - 1}'s header is damaged")
            transactions += in_block
            if transactions >= RECENT_TRANSACTIONS:
                return
            header = parent
    except ChainDamaged:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever a damaged file makes py-evm or SQLite raise
        raise damaged(path, f"{type(exc).__name__}: {exc}") from exc


def _trie_entries(kv: SqliteKV, root: bytes) -> int | None:
    """How many entries the trie under `root` holds, if each of its stored nodes hashes to
    the key it is stored under; else None. It vouches for the same bytes as building the
    trie again from the decoded transactions or receipts, at a fraction of the cost (0.7 s
    of CPU against 2 to 6 s for sixteen blocks of 256 transactions, measured on busy cores)."""
    if root == BLANK_ROOT_HASH:
        return 0
    entries, stored = 0, [root]
    while stored:
        node_hash = stored.pop()
        encoded = kv[node_hash]
        if keccak(encoded) != node_hash:
            return None
        nodes = [rlp_decode(encoded)]
        while nodes:
            node = nodes.pop()
            if len(node) == 17:  # a branch: sixteen children and a value
                entries += node[16] != b""
                children = node[:16]
            elif node[0][0] >> 4 >= 2:  # a leaf (its path's hex-prefix flag is 2 or 3)
                entries += 1
                children = []
            else:  # an extension: a shared path and one child
                children = [node[1]]
            for child in children:
                if isinstance(child, list):  # a node under 32 bytes lies inside its parent
                    nodes.append(child)
                elif len(child) == 32:
                    stored.append(child)
    return entries


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
