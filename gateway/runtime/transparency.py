"""The registry's transparency log (c2sp.org/tlog-checkpoint over RFC 6962): every block's hash is a leaf,
appended as the index follows the chain, and the tree's latest size is signed as a checkpoint with the
log's Ed25519 key when asked. Leaves are kept in the gateway's database, so the log remembers the history it
signed: a chain whose block differs from its leaf (an old backup restored, a history written anew) stops
the log, which then signs nothing more and says so (`rewritten`), instead of signing a second history.

Witnesses (gateway/witness.py, `tanquan witness`; the `log_witnesses` setting) are offered each new
checkpoint with a consistency proof from the last one each cosigned, by a thread of their own, never on
a writer's path; the checkpoint all of them cosigned in one round is published with their cosignatures.

The Merkle tree and the notes are chain/tlog.py and chain/note.py; readers go through
gateway/services/transparency.py."""

from __future__ import annotations

import base64
import logging
import threading
from dataclasses import dataclass

import httpx
from sqlalchemy import select

from chain.node import Node
from chain.note import Checkpoint, NoteError, Signer, Verifier, verify
from chain.tlog import MerkleLog

from ..core.db import Database, LogLeaf
from ..core.errors import CannotStart

log = logging.getLogger(__name__)

KEY_NAME = "transparency-log"
FOLLOW_CHUNK = 2_000  # blocks read and stored per transaction while catching up


@dataclass
class WitnessOf:
    """A witness the log submits to: where, its key, the size it last cosigned (with its cosignature line, once
    this log has it) and how the last offer ended."""

    url: str
    verifier: Verifier
    size: int = 0  # learnt from its 409 on the first offer
    line: str | None = None  # its cosignature of the checkpoint of `size`
    refused: str | None = None  # its last refusal, as it said it


def witnesses_of(settings_lines: list[str]) -> list[WitnessOf]:
    """`log_witnesses` entries: "<add-checkpoint URL prefix> <witness verifier key>"."""
    witnesses = []
    for line in settings_lines:
        url, _, vkey = line.strip().partition(" ")
        try:
            witnesses.append(WitnessOf(url.rstrip("/"), Verifier.parse(vkey)))
        except NoteError as exc:
            raise CannotStart(f"TANQUAN_LOG_WITNESSES: {line!r}: {exc}") from exc
    return witnesses


@dataclass(frozen=True)
class Rewritten:
    """The first block whose hash is not the leaf the log holds for it."""

    block: int
    logged: bytes
    on_chain: bytes


class TransparencyLog:
    def __init__(self, db: Database, node: Node, *, origin: str, witnesses: list[WitnessOf] = (),
                 cosign_seconds: float = 1.0):
        self._db, self._node = db, node
        self.signer = Signer(origin, node.keys.note_key(KEY_NAME))
        self.rewritten: Rewritten | None = None
        self._lock = threading.Lock()
        self._signed: tuple[int, str] | None = None  # the latest checkpoint: its size and note
        self.witnesses = list(witnesses)
        self.witnessed: tuple[int, str] | None = None  # the latest checkpoint every witness cosigned, with them
        self._stop_cosigning = threading.Event()
        self._cosign_seconds = cosign_seconds
        with db.sessions() as session:
            hashes = list(session.scalars(select(LogLeaf.block_hash).order_by(LogLeaf.block_number)))
        self.tree = MerkleLog(hashes)
        if hashes:
            self._check_tail(hashes[-1])

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
        """The latest checkpoint every witness cosigned, with their cosignatures; until one is, or with no
        witness configured, the log's own at its current size (signed once per size)."""
        witnessed = self.witnessed
        return witnessed[1] if self.witnesses and witnessed else self._sign(self.tree.size)

    def _sign(self, size: int) -> str:
        signed = self._signed
        if signed is None or signed[0] != size:
            signed = (size, self.signer.sign(Checkpoint(self.origin, size, self.tree.root(size)).text))
            self._signed = signed
        return signed[1]

    def start_cosigning(self) -> None:
        if self.witnesses:
            threading.Thread(target=self._cosigning, name="tanquan-log-witnesses", daemon=True).start()

    def close(self) -> None:
        self._stop_cosigning.set()

    def _cosigning(self) -> None:
        with httpx.Client(timeout=10) as http:
            while not self._stop_cosigning.wait(self._cosign_seconds):
                size = self.tree.size
                if self.rewritten is None and (self.witnessed is None or self.witnessed[0] < size):
                    self.cosign(http, size)

    def cosign(self, http: httpx.Client, size: int) -> None:
        """One round: the checkpoint of `size` offered to every witness; published if all of them cosign it."""
        note = self._sign(size)
        for witness in self.witnesses:
            self._offer(http, witness, size, note)
        lines = [witness.line if witness.size == size and not witness.refused else None for witness in self.witnesses]
        if all(lines):
            self.witnessed = (size, note + "".join(lines))

    def _offer(self, http: httpx.Client, witness: WitnessOf, size: int, note: str) -> None:
        for _ in range(2):  # a 409 says the size it cosigned last: offer again from there
            if witness.size > size:
                witness.refused = f"it cosigned a tree of {witness.size} blocks, larger than this log's {size}"
                return
            proof = self.tree.consistency_proof(witness.size, size) if witness.size else []
            body = f"old {witness.size}\n" + "".join(base64.b64encode(p).decode() + "\n" for p in proof) + "\n" + note
            try:
                answer = http.post(f"{witness.url}/add-checkpoint", content=body.encode())
            except httpx.HTTPError as exc:
                witness.refused = f"unreachable: {exc}"
                return
            if answer.status_code == 409 and answer.headers.get("content-type", "").startswith("text/x.tlog.size"):
                witness.size = int(answer.text.strip())
                continue
            break
        if answer.status_code != 200:
            witness.refused = f"{answer.status_code} {answer.text.strip()}"
            log.error("witness %s refused the checkpoint of %d: %s", witness.verifier.name, size, witness.refused)
            return
        try:
            verify(note + answer.text, [witness.verifier])
        except NoteError as exc:
            witness.refused = f"its answer does not verify: {exc}"
            return
        line = next(line + "\n" for line in answer.text.splitlines() if line.startswith(f"\u2014 {witness.verifier.name} "))
        witness.size, witness.line, witness.refused = size, line, None

    def _check_tail(self, logged: bytes) -> None:
        """At start: the last leaf the log holds must still be the chain's block at that height."""
        last = self.tree.size - 1
        on_chain = self._node.chain.block_hashes(last, last)[0] if self._node.chain.head() >= last else b""
        if on_chain != logged:
            self._stop(Rewritten(last, logged, on_chain))

    def _stop(self, rewritten: Rewritten) -> None:
        self.rewritten = rewritten
        log.critical("the chain's block %d is not the block the transparency log signed (%s, now %s): the "
                     "history was rewritten; the log signs nothing more", rewritten.block, rewritten.logged.hex(),
                     rewritten.on_chain.hex() or "missing")
