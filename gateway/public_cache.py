"""Public answers kept in memory so a popular read costs a lookup (DESIGN §8): the verdict of
an offset certificate whose block can no longer change, and a coupon's public record until
the index has a newer step of it. Each answer is the JSON body as sent, with a strong ETag
(a digest of those bytes), so a client that has it gets 304 Not Modified.

Bounded: the least recently used answer is forgotten first. Concurrent misses of one key
compute it once; the others wait for that result (256 readers of a new certificate do not
run 256 verifications)."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

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
    # For an answer that may change (a coupon's record), what it was made from: the index's last
    # step when it was made, the coupons whose steps it shows, the index cursor at which no newer
    # step of theirs was last found, and when it was made (time.monotonic()).
    version: int = 0
    watched: tuple[int, ...] = ()
    checked_at: int = -1
    made_at: float = 0.0

    @classmethod
    def of(cls, data: Any, cache_control: str, **fields: Any) -> Answer:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str).encode()
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
    """The gateway's caches of public answers (gateway/services/public.py fills them)."""

    def __init__(self, entries: int):
        self.verdicts: AnswerCache[str] = AnswerCache(entries)  # tx hash → settled verdict
        self.coupons: AnswerCache[str] = AnswerCache(entries)  # coupon number → public record
