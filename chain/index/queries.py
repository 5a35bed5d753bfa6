"""Reads of the index: provenance shaped as the public JSON, lineage, offsets, and
the lists services page through. No EVM calls: rows only."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from .schema import CouponRow, IssuanceRow, OffsetRow, StepRow


class CouponNumbers:
    """A coupon's number and id both ways. They are fixed when it is minted: a pair once found is kept."""

    def __init__(self, engine):
        self.engine = engine
        self._ids: dict[str, int] = {}
        self._numbers: dict[int, str] = {}

    def id_of(self, number: str) -> int | None:
        if number not in self._ids:
            self._remember(CouponRow.number == number)
        return self._ids.get(number)

    def number_of(self, coupon_id: int) -> str | None:
        if coupon_id not in self._numbers:
            self._remember(CouponRow.id == coupon_id)
        return self._numbers.get(coupon_id)

    def _remember(self, condition) -> None:
        with Session(self.engine) as session:
            row = session.execute(select(CouponRow.id, CouponRow.number).where(condition)).first()
        if row is not None:
            self._ids[row.number], self._numbers[row.id] = row.id, row.number


class Queries:
    def __init__(self, engine):
        self.engine = engine
        self.numbers = CouponNumbers(engine)

    def provenance(self, number: str) -> dict | None:
        """A coupon's public record: data, lineage, and the history of it and its ancestors."""
        with Session(self.engine) as session:
            coupon = session.scalar(select(CouponRow).where(CouponRow.number == number))
            if coupon is None:
                return None
            ancestors = []
            parent_id = coupon.parent or coupon.replaces
            while parent_id:
                parent = session.get(CouponRow, parent_id)
                ancestors.append(parent)
                parent_id = parent.parent or parent.replaces
            lineage_ids = [coupon.id] + [a.id for a in ancestors]
            steps = session.scalars(
                select(StepRow).where(StepRow.coupon_id.in_(lineage_ids)).order_by(StepRow.block_number, StepRow.log_index)
            ).all()
            children = session.scalars(select(CouponRow).where(CouponRow.parent == coupon.id)).all()
            numbers = {c.id: c.number for c in [coupon, *ancestors, *children]}
            if coupon.replaced_by:
                numbers[coupon.replaced_by] = session.get(CouponRow, coupon.replaced_by).number
            if coupon.replaces:
                numbers.setdefault(coupon.replaces, session.get(CouponRow, coupon.replaces).number)
            issuance = session.get(IssuanceRow, coupon.issuance)
            return {
                "coupon": _coupon_public(coupon),
                "issuance": {"id": issuance.id, "application": issuance.application, "year": issuance.year,
                             "amount_kg": issuance.amount_kg, "tx_hash": issuance.tx_hash},
                "lineage": {
                    "ancestors": [_coupon_public(a) for a in ancestors],
                    "children": [_coupon_public(c) for c in children],
                    "replaces": numbers.get(coupon.replaces),
                    "replaced_by": numbers.get(coupon.replaced_by),
                },
                "history": [_step_public(s, numbers) for s in steps],
            }

    def family(self, issuance: int) -> list[dict]:
        """Every coupon of one issuance (splits and reissues keep it), each naming
        the coupon it came from: the lineage tree's nodes and edges."""
        with Session(self.engine) as session:
            coupons = session.scalars(select(CouponRow).where(CouponRow.issuance == issuance).order_by(CouponRow.id)).all()
            numbers = {c.id: c.number for c in coupons}
            return [
                {**_coupon_public(c), "from": numbers.get(c.parent or c.replaces), "reissue": bool(c.replaces)}
                for c in coupons
            ]

    def coupon_of_tx(self, tx_hash: str) -> str | None:
        """The coupon a transaction touched, if any (search by tx hash)."""
        with Session(self.engine) as session:
            step = session.scalar(select(StepRow).where(StepRow.tx_hash == tx_hash.lower(), StepRow.coupon_id.is_not(None)))
            return session.get(CouponRow, step.coupon_id).number if step else None

    def offset(self, tx_hash: str) -> dict | None:
        with Session(self.engine) as session:
            row = session.get(OffsetRow, tx_hash.lower())
            return None if row is None else {c.name: getattr(row, c.name) for c in OffsetRow.__table__.columns}

    def coupons(self) -> Iterable[CouponRow]:
        with Session(self.engine) as session:
            return session.scalars(select(CouponRow).order_by(CouponRow.id)).all()


def _coupon_public(c: CouponRow) -> dict:
    return {
        "number": c.number, "state": c.state, "amount_kg": c.amount_kg, "serials": [c.first_serial, c.last_serial],
        "owner": c.owner, "issuance": c.issuance, "created_at": c.created_at, "updated_at": c.updated_at,
    }


def _step_public(s: StepRow, numbers: dict[int, str]) -> dict:
    return {
        "event": s.event, "coupon": numbers.get(s.coupon_id), "tx_hash": s.tx_hash, "block": s.block_number,
        "timestamp": s.timestamp, "signer": s.signer, "department": s.signer_role, "details": s.details,
    }
