"""The event index (DESIGN §8): the registry's events projected into SQL, so that
provenance (a coupon's state, lineage and every step with its tx hash, block,
time and signing department) and offset certificates by tx hash are fast at any
size. Three rooms: `schema` (tables), `projector` (events → rows), `queries`
(reads). SQLite or PostgreSQL: the caller gives the engine.
"""

from __future__ import annotations

from .projector import Projector
from .queries import ListedCoupon, Queries
from .schema import ApplicationRow, CouponRow, IssuanceRow, OffsetRow, StepRow, create_tables

__all__ = ["ApplicationRow", "CouponRow", "EventIndex", "IssuanceRow", "ListedCoupon", "OffsetRow", "StepRow"]


class EventIndex(Projector, Queries):
    """The index on one engine: the projector keeps it, the queries read it."""

    def __init__(self, engine):
        create_tables(engine)
        Projector.__init__(self, engine)
        Queries.__init__(self, engine)
