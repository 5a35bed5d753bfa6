"""Public answers kept in memory so a popular read costs a lookup (DESIGN §8): the verdict of
an offset certificate whose block can no longer change, and a coupon's public record until
a newer step of it is indexed. Each answer is the JSON body as sent, with a strong ETag (a
digest of those bytes), so a client that has it gets 304 Not Modified.

A kept record is forgotten by the index follower itself, after each sync and before the new
cursor is published: a writer, who waits for that cursor, then reads its own step, and a
reader never waits for a check (a worker thread's turn on a loaded event loop can take a
second). Bounded: the least recently used answer is forgotten first. Concurrent misses of one
key compute it once; the others wait for that result."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi.encoders import jsonable_encoder
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chain.index import StepRow

# A verdict that cannot change: clients may keep it for a year without asking again.
IMMUTABLE = "public, max-age=31536000, immutable"
# An answer that may change: clients may keep it but ask each time (If-None-Match → 304).
REVALIDATE = "public, no-cache"


@dataclass
class Answer:
    """A JSON answer as bytes, its strong validator and how clients may cache it."""

    body: bytes
    etag: str
    cache_control: str
    # For an answer that may change (a coupon's record), what it was made from: the index's newest
    # step when it was made, the coupons whose steps it shows, and when (time.monotonic()).
    version: int = 0
    watched: frozenset[int] = frozenset()
    made_at: float = 0.0

    def age(self) -> float:
        return time.monotonic() - self.made_at

    @classmethod
    def of(cls, data: Any, cache_control: str, **fields: Any) -> Answer:
        # The bytes FastAPI's JSONResponse would send for the same data.
        body = json.dumps(jsonable_encoder(data), ensure_ascii=False, separators=(",", ":")).encode()
        return cls(body=body, etag=f'"{hashlib.sha256(body).hexdigest()[:32]}"', cache_control=cache_control, **fields)

    def data(self) -> Any:
        """A fresh copy of what the answer says: callers may change it without touching the cache."""
        return json.loads(self.body)

    def matches(self, if_none_match: str | None) -> bool:
        """Whether the client already holds this answer (RFC 9110 §13.1.2: weak comparison,
        so a W/ prefix a proxy added still matches; `*` matches any)."""
        if not if_none_match:
            return False
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or self.etag in tags

    @property
    def headers(self) -> dict[str, str]:
        return {"ETag": self.etag, "Cache-Control": self.cache_control}


K = TypeVar("K", bound=Hashable)


class AnswerCache(Generic[K]):
    """A bounded LRU of answers with one computation in flight per key."""

    def __init__(self, limit: int):
        self.limit = limit
        self._answers: OrderedDict[K, Answer] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[K, threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, key: K) -> Answer | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._answers.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, key: K, answer: Answer) -> None:
        if self.limit <= 0:
            return
        with self._lock:
            self._answers[key] = answer
            self._answers.move_to_end(key)
            while len(self._answers) > self.limit:
                self._answers.popitem(last=False)

    def forget(self, key: K) -> None:
        with self._lock:
            self._answers.pop(key, None)

    def forget_where(self, stale: Callable[[Answer], bool]) -> None:
        with self._lock:
            for key in [k for k, answer in self._answers.items() if stale(answer)]:
                del self._answers[key]

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()

    def once(self, key: K, compute: Callable[[], Answer], usable: Callable[[Answer], bool]) -> Answer:
        """The key's answer if it is usable, else `compute()`'s, run by one caller at a time
        per key: a caller that waited finds the answer the first one stored. What `compute`
        returns is stored by it (via `put`) only if it should be."""
        with self._lock:
            turn = self._computing.setdefault(key, threading.Lock())
        with turn:
            answer = self.get(key)
            if answer is not None and usable(answer):
                return answer
            try:
                return compute()
            finally:
                with self._lock:  # a caller still waiting on `turn` finds the stored answer, or computes
                    if self._computing.get(key) is turn:
                        del self._computing[key]


class PublicAnswers:
    """The gateway's caches of public answers (gateway/services/public.py fills them), and what the
    index follower tells them: which coupons have new steps."""

    CHANGES_KEPT = 256  # syncs whose changed coupons are remembered, to judge a record made meanwhile

    def __init__(self, entries: int, engine):
        self.verdicts: AnswerCache[str] = AnswerCache(entries)  # tx hash → settled verdict
        self.coupons: AnswerCache[str] = AnswerCache(entries)  # coupon number → public record
        self._engine = engine
        self._lock = threading.Lock()
        self._seen: int | None = None  # the newest step id a sync has been looked through up to
        # (after step id, up to step id, the coupons those steps touched), one a sync that found steps
        self._changes: deque[tuple[int, int, frozenset[int]]] = deque(maxlen=self.CHANGES_KEPT)

    def last_step(self) -> int:
        """The index's newest step id (ids grow as the one index writer adds steps)."""
        with Session(self._engine) as session:
            return session.scalar(select(func.max(StepRow.id))) or 0

    def index_moved(self) -> None:
        """After each sync of the index follower, before its cursor is published: forget the kept
        records that show a coupon with a step indexed since the last sync."""
        with self._lock:
            try:
                newest = self.last_step()
                if self._seen is None or newest < self._seen:  # first sync, or the index was rebuilt
                    self._seen = newest
                    self._changes.clear()
                    self.coupons.clear()
                    return
                with Session(self._engine) as session:
                    rows = session.execute(select(StepRow.id, StepRow.coupon_id).where(StepRow.id > self._seen)).all()
            except Exception:  # noqa: BLE001 - never hold the cursor back: forget every record instead
                self._seen = None
                self.coupons.clear()
                return
            if not rows:
                return
            touched = frozenset(coupon for _, coupon in rows if coupon is not None)
            self._changes.append((self._seen, max(step for step, _ in rows), touched))
            self._seen = self._changes[-1][1]
            if touched:
                self.coupons.forget_where(lambda answer: not touched.isdisjoint(answer.watched))

    def keep_record(self, number: str, answer: Answer) -> bool:
        """Keep a coupon's record made from the index as of `answer.version`, unless a sync since
        has found a step of the coupons it shows (or it is too old to tell)."""
        with self._lock:
            if self._seen is not None and answer.version < self._seen:
                since = [change for change in self._changes if change[1] > answer.version]
                if not since or since[0][0] > answer.version:  # the changes remembered do not reach back
                    return False
                if any(not touched.isdisjoint(answer.watched) for _, _, touched in since):
                    return False
            self.coupons.put(number, answer)
            return True
