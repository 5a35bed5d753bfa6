"""The index's steps of chosen kinds for many applications or coupons at once: what
the queues' clocks start from (one query per queue, not one per item)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from chain.index import StepRow

from ..runtime.wiring import Gateway


@dataclass(frozen=True)
class Happened:
    """One step: its event's name, the block's time, who signed and what the event said."""

    event: str
    timestamp: int
    department: str | None
    details: dict
    tx_hash: str


def of_applications(gw: Gateway, ids: Iterable[int], events: Iterable[str]) -> dict[int, list[Happened]]:
    """Application id → its steps of these kinds, in chain order."""
    return _read(gw, StepRow.application_id, ids, events)


def of_coupons(gw: Gateway, ids: Iterable[int], events: Iterable[str]) -> dict[int, list[Happened]]:
    """Coupon id → its own steps of these kinds (not its ancestors'), in chain order."""
    return _read(gw, StepRow.coupon_id, ids, events)


def _read(gw: Gateway, column, ids: Iterable[int], events: Iterable[str]) -> dict[int, list[Happened]]:
    found: dict[int, list[Happened]] = defaultdict(list)
    ids = list(ids)
    if not ids:
        return found
    with Session(gw.index.engine) as session:
        for key, event, timestamp, department, details, tx_hash in session.execute(
            select(column, StepRow.event, StepRow.timestamp, StepRow.signer_role, StepRow.details, StepRow.tx_hash)
            .where(column.in_(ids), StepRow.event.in_(list(events)))
            .order_by(StepRow.block_number, StepRow.log_index)
        ).all():
            found[key].append(Happened(event, timestamp, department, details, tx_hash))
    return found
