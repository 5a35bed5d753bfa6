"""The registry's transparency log (c2sp.org/tlog-checkpoint over RFC 6962): every block's hash is a leaf,
appended as the index follows the chain, and every tree size the log reaches is signed as a checkpoint with
the log's Ed25519 key. Leaves are kept in the gateway's database, so the log remembers the history it
signed: a chain whose block differs from its leaf (an old backup restored, a history written anew) stops
the log, which then signs nothing more and says so (`rewritten`), instead of signing a second history.

The Merkle tree and the notes are chain/tlog.py and chain/note.py; readers go through
gateway/services/transparency.py."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from sqlalchemy import select

from chain.node import Node
from chain.note import Checkpoint, Signer
from chain.tlog import MerkleLog

from .db import Database, LogLeaf

log = logging.getLogger(__name__)

KEY_NAME = "transparency-log"
FOLLOW_CHUNK = 2_000  # blocks read and stored per transaction while catching up


@dataclass(frozen=True)
class Rewritten:
    """The first block whose hash is not the leaf the log holds for it."""

    block: int
    logged: bytes
    on_chain: bytes


class TransparencyLog:
    def __init__(self, db: Database, node: Node, *, origin: str):
        self._db, self._node = db, node
        self.signer = Signer(origin, node.keys.note_key(KEY_NAME))
        self.rewritten: Rewritten | None = None
        self._lock = threading.Lock()
        self._signed: tuple[int, str] | None = None  # the latest checkpoint: its size and note
        with db.sessions() as session:
            self.tree = MerkleLog(session.scalars(select(LogLeaf.block_hash).order_by(LogLeaf.block_number)))
        self._check_tail()

    @property
    def origin(self) -> str:
        return self.signer.name

    def follow(self) -> None:
        """Append the blocks mined since; stop at the first that differs from what the log holds."""
        if self.rewritten is not None:
            return
        with self._lock:
            head = self._node.chain.head()
            while self.tree.size <= head and self.rewritten is None:
                first = self.tree.size
                last = min(head, first + FOLLOW_CHUNK - 1)
                hashes = self._node.chain.block_hashes(first, last)
                with self._db.sessions() as session, session.begin():
                    stored = dict(session.execute(select(LogLeaf.block_number, LogLeaf.block_hash)
                                                  .where(LogLeaf.block_number.between(first, last))).all())
                    session.add_all(LogLeaf(block_number=number, block_hash=block_hash)
                                    for number, block_hash in enumerate(hashes, first) if number not in stored)
                for number, block_hash in enumerate(hashes, first):
                    if stored.get(number, block_hash) != block_hash:  # another replica logged another history
                        self._stop(Rewritten(number, stored[number], block_hash))
                        break
                    self.tree.append(block_hash)

    def block_hash(self, block: int) -> bytes:
        with self._db.sessions() as session:
            return session.get(LogLeaf, block).block_hash

    def checkpoint(self) -> str:
        """The signed note of the log at its current size (signed once per size)."""
        size = self.tree.size
        signed = self._signed
        if signed is None or signed[0] != size:
            signed = (size, self.signer.sign(Checkpoint(self.origin, size, self.tree.root(size)).text))
            self._signed = signed
        return signed[1]

    def _check_tail(self) -> None:
        """At start: the last leaf the log holds must still be the chain's block at that height."""
        if self.tree.size == 0:
            return
        last = self.tree.size - 1
        with self._db.sessions() as session:
            logged = session.get(LogLeaf, last).block_hash
        on_chain = self._node.chain.block_hashes(last, last)[0] if self._node.chain.head() >= last else b""
        if on_chain != logged:
            self._stop(Rewritten(last, logged, on_chain))

    def _stop(self, rewritten: Rewritten) -> None:
        self.rewritten = rewritten
        log.critical("the chain's block %d is not the block the transparency log signed (%s, now %s): the "
                     "history was rewritten; the log signs nothing more", rewritten.block, rewritten.logged.hex(),
                     rewritten.on_chain.hex() or "missing")
