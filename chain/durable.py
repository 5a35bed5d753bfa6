"""The embedded chain's storage: py-evm on a SQLite key-value store that survives restarts.

Reopening reads the canonical head straight from disk: head, state, receipts
and logs come back without replaying a single transaction. Writes collect in
one SQLite transaction until `commit()`, which the block producer calls after
each block and before any caller hears of it (DESIGN §8).
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from eth.chains.base import MiningChain
from eth.constants import BLANK_ROOT_HASH
from eth.db.atomic import AtomicDB
from eth.db.backends.base import BaseDB
from eth.db.chain import ChainDB
from eth.exceptions import CanonicalHeadNotFound
from eth.vm.forks import PragueVM
from eth_tester import PyEVMBackend
from eth_tester.constants import POST_MERGE_DIFFICULTY, POST_MERGE_MIX_HASH, POST_MERGE_NONCE
from eth_utils import to_canonical_address

from .errors import ChainError

TANQUAN_CHAIN_ID = 0x7A9C  # private: the embedded chain is reached only through the gateway
GENESIS_TIMESTAMP = 1_767_196_800  # 2026-01-01 00:00 UTC+8, pinned so every genesis is identical
BLOCK_GAS_LIMIT = 1_000_000_000  # room for a second's worth of transactions in one block
FAUCET_BALANCE = 10**30
# eth-tester charges even read-only calls against the sender's balance, so
# genesis funds one keyless address that calls are made from.
CALLER_ADDRESS = "0x7a9c0000000000000000000000000000000ca11e"


class SqliteKV(BaseDB):
    """A bytes → bytes table in one SQLite file, committed explicitly."""

    def __init__(self, path: Path):
        self._conn = sqlite3.connect(str(path), check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID")
        self._conn.commit()
        self._lock = threading.RLock()

    def __getitem__(self, key: bytes) -> bytes:
        with self._lock:
            row = self._conn.execute("SELECT v FROM kv WHERE k = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return row[0]

    def __setitem__(self, key: bytes, value: bytes) -> None:
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)", (key, value))

    def __delitem__(self, key: bytes) -> None:
        with self._lock:
            if self._conn.execute("DELETE FROM kv WHERE k = ?", (key,)).rowcount == 0:
                raise KeyError(key)

    def _exists(self, key: bytes) -> bool:
        with self._lock:
            return self._conn.execute("SELECT 1 FROM kv WHERE k = ?", (key,)).fetchone() is not None

    def commit(self) -> None:
        with self._lock:
            self._conn.commit()

    def close(self) -> None:
        with self._lock:
            self._conn.commit()
            self._conn.close()


class TanquanChain(MiningChain):
    chain_id = TANQUAN_CHAIN_ID
    vm_configuration = ((0, PragueVM),)

    def create_header_from_parent(self, parent_header, **header_params):
        # A permissioned chain keeps its gas limit.
        return super().create_header_from_parent(parent_header, **{**header_params, "gas_limit": parent_header.gas_limit})

    def get_transaction_builder(self):
        return self.get_vm().get_transaction_builder()


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


class DurableBackend(PyEVMBackend):
    """eth-tester's py-evm backend, on SQLite instead of memory."""

    def __init__(self, path: Path, faucet_address: str | None):
        self.kv = SqliteKV(path)
        base_db = AtomicDB(self.kv)
        self.account_keys = ()
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

    def mine_blocks(self, num_blocks=1, coinbase=None):
        hashes = super().mine_blocks(num_blocks) if coinbase is None else super().mine_blocks(num_blocks, coinbase)
        self.kv.commit()
        return hashes

    def close(self) -> None:
        self.kv.close()
