"""The audit log's writer (§6, DESIGN §9): every write is recorded before its
caller hears back. A write to the gateway's own database adds its entry to its own transaction
(AuditLog.add), so the entry is kept exactly when the write is, a full disk included. On-chain
writes are recorded through one writer thread, and the entries that arrive together are committed
together. Its readers read it through gateway/services/audit.py.

Hundreds of requests finish in the same block; one SQLite transaction each would
queue them on the database's write lock, whose busy handler sleeps in steps of up
to 100 ms. One writer thread commits whatever has arrived in one transaction and
then releases every caller of that batch."""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ..core.db import AuditEntry, Database, User


class AuditLog:
    def __init__(self, db: Database):
        self._db = db
        self._queue: queue.Queue[tuple[dict, Future] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="tanquan-audit-writer", daemon=True)
        self._thread.start()

    def record(self, user: User, action: str, request: dict, tx_hash: str | None = None, outcome: str = "ok") -> None:
        """An on-chain write (or a refusal that wrote nothing) with who, which department, what was
        asked and how it ended (§6). Returns once the entry is committed; raises what the commit raised."""
        done: Future = Future()
        self._queue.put((_entry(user, action, request, tx_hash, outcome), done))
        done.result()

    @staticmethod
    def add(db: Session, user: User, action: str, request: dict, outcome: str = "ok") -> None:
        """A write to the gateway's database: its entry joins `db`'s transaction, to be committed with it."""
        db.add(AuditEntry(**_entry(user, action, request, None, outcome)))

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while not self._queue.empty():
                batch.append(self._queue.get_nowait())
            closing = None in batch
            entries = [item for item in batch if item is not None]
            try:
                with self._db.sessions() as session, session.begin():
                    session.execute(insert(AuditEntry), [entry for entry, _ in entries])
            except Exception as exc:  # noqa: BLE001 - every caller of the batch hears of it
                for _, done in entries:
                    done.set_exception(exc)
            else:
                for _, done in entries:
                    done.set_result(None)
            if closing:
                return


def _entry(user: User, action: str, request: dict, tx_hash: str | None, outcome: str) -> dict:
    """Who: the account, and the member who acted as it (services.users), if one did."""
    member = getattr(user, "member", None)
    return dict(username=user.username, person=member and member.username, department=user.role, action=action,
                request=request, tx_hash=tx_hash, outcome=outcome)
