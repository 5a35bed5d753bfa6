"""Gateway replicas: several gateway processes against one JSON-RPC node and one PostgreSQL
(DESIGN §8), sharing the data directory's key stores and deployment record.

Two things must happen once, whichever replica does them, and PostgreSQL's advisory locks
decide:

- A department's key signs in every replica. The next nonce is the node's own count of the
  key's transactions (it includes those still waiting in its pool), read, signed and handed
  to the node under an advisory lock for that key, taken for one database transaction
  (`KeyTurns`). A lock rather than a nonce row: the node already knows the next nonce, so
  there is no second counter to fall out of step with it when a replica dies between
  sending and recording, or the node drops a transaction; the lock dies with a dead
  replica's connection, and costs one eth_getTransactionCount per transaction.
- One replica at a time writes the event index (`IndexLease`): a session advisory lock on a
  connection kept for the purpose. Every replica reads the index; when the writer dies, its
  connection and lock go with it, and another replica takes the lease at its next look.

SQLite has no such locks and serves one process: there the gateway is always the one writer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

LOCK_SPACE = 0x7A9C  # the first key of every Tanquan advisory lock (two-key form: space, item)
INDEX_WRITER = 1


def _signed32(value: int) -> int:
    return value - 2**32 if value >= 2**31 else value


class KeyTurns:
    """Each signing key takes its turn across replicas: nonce, signature and hand-over to the node
    under one advisory lock per key (chain.client.SharedNonces)."""

    def __init__(self, engine: Engine):
        self._engine = engine

    @contextmanager
    def reserve(self, address: str, on_chain: Callable[[], int]) -> Iterator[int]:
        item = _signed32(int(address[-8:], 16))  # two keys that share it only take turns together
        with self._engine.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:space, :item)"), {"space": LOCK_SPACE, "item": item})
            yield on_chain()


class IndexLease:
    """Whether this replica writes the event index now: it holds a session advisory lock on a
    connection of its own, or takes it if no live replica does."""

    def __init__(self, engine: Engine):
        self._engine = engine
        self._connection: Connection | None = None

    def held(self) -> bool:
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT 1")).scalar()  # alive, so its lock is too
                self._connection.commit()
                return True
            except Exception:  # noqa: BLE001 - a lost connection lost its lock: look again below
                self._drop()
        connection = self._engine.connect()
        try:
            got = connection.execute(text("SELECT pg_try_advisory_lock(:space, :item)"),
                                     {"space": LOCK_SPACE, "item": INDEX_WRITER}).scalar()
            connection.commit()
        except Exception:
            connection.close()
            raise
        if got:
            self._connection = connection
            return True
        connection.close()
        return False

    def release(self) -> None:
        self._drop()

    def _drop(self) -> None:
        if self._connection is not None:
            try:
                self._connection.invalidate()  # closed, not pooled: its session lock must not live on
            except Exception:  # noqa: BLE001 - closing a dead connection
                pass
            self._connection = None


class SoleWriter:
    """SQLite: one gateway process, always the index's writer."""

    def held(self) -> bool:
        return True

    def release(self) -> None:
        pass
