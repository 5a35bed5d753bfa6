"""Reads of the index: provenance shaped as the public JSON, lineage, offsets, and
the lists services page through. No EVM calls: rows only."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .schema import ApplicationRow, CouponRow, IssuanceRow, OffsetRow, StepRow


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


@dataclass(frozen=True)
class ListedCoupon:
    """A listed coupon and what the disclosure board shows of where it came from."""

    coupon: CouponRow
    origins: list[int]  # its id, then its parent's and so on: a remainder's listing form is its origin's
    issuance: IssuanceRow
    issued_at: int  # the issuance's first coupon's creation
    application: ApplicationRow | None


class Queries:
    """Rows come back detached: readable after their session has closed."""

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
            children = session.scalars(select(CouponRow).where(CouponRow.parent == coupon.id).order_by(CouponRow.id)).all()
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

    def offsets_of(self, numbers: Iterable[str]) -> dict[str, str]:
        """Coupon number → the transaction that retired it, for those of `numbers` retired."""
        with Session(self.engine) as session:
            return dict(session.execute(select(OffsetRow.number, OffsetRow.tx_hash)
                                        .where(OffsetRow.number.in_(list(numbers)))).all())

    def offset(self, tx_hash: str) -> dict | None:
        with Session(self.engine) as session:
            row = session.get(OffsetRow, tx_hash.lower())
            return None if row is None else {c.name: getattr(row, c.name) for c in OffsetRow.__table__.columns}

    # -- coupons

    def coupons(
        self, *, owner: str | None = None, states: Iterable[str] | None = None, pending: bool = False
    ) -> list[CouponRow]:
        """Coupons by id; only the owner's, only in these states, only those with an owner's open consent."""
        query = select(CouponRow).order_by(CouponRow.id)
        if owner is not None:
            query = query.where(CouponRow.owner == owner)
        if states is not None:
            query = query.where(CouponRow.state.in_(list(states)))
        if pending:
            query = query.where(CouponRow.pending_action.is_not(None))
        with Session(self.engine) as session:
            return list(session.scalars(query).all())

    def coupon(self, number: str) -> CouponRow | None:
        with Session(self.engine) as session:
            return session.scalar(select(CouponRow).where(CouponRow.number == number))

    def reissues_filed(self, coupon_ids: Iterable[int]) -> dict[int, int]:
        """Coupon id → when the EEB last filed its reissue (附件1 二(四)), for those filed."""
        with Session(self.engine) as session:
            return dict(session.execute(
                select(StepRow.coupon_id, func.max(StepRow.timestamp))
                .where(StepRow.coupon_id.in_(list(coupon_ids)), StepRow.event == "ReissueFiled")
                .group_by(StepRow.coupon_id)
            ).all())

    def listed(self) -> list[ListedCoupon]:
        with Session(self.engine) as session:
            coupons = session.scalars(select(CouponRow).where(CouponRow.state == "LISTED").order_by(CouponRow.id)).all()
            issuance_ids = {c.issuance for c in coupons}
            issuances = {i.id: i for i in session.scalars(select(IssuanceRow).where(IssuanceRow.id.in_(issuance_ids)))}
            issued_at = dict(session.execute(
                select(CouponRow.issuance, func.min(CouponRow.created_at))
                .where(CouponRow.issuance.in_(issuance_ids)).group_by(CouponRow.issuance)
            ).all())
            parents = dict(session.execute(
                select(CouponRow.id, CouponRow.parent).where(CouponRow.issuance.in_(issuance_ids))
            ).all())
            applications = {a.id: a for a in session.scalars(
                select(ApplicationRow).where(ApplicationRow.id.in_({i.application for i in issuances.values()}))
            )}
        board = []
        for c in coupons:
            origins = [c.id]
            while parents.get(origins[-1]):
                origins.append(parents[origins[-1]])
            issuance = issuances[c.issuance]
            application = applications.get(issuance.application)
            board.append(ListedCoupon(c, origins, issuance, issued_at[c.issuance], application))
        return board

    def amounts(self) -> dict:
        """Kilograms by state, issued in all, and retired by offset purpose; the number of offsets."""
        with Session(self.engine) as session:
            by_state: Counter = Counter()
            for state, amount in session.execute(select(CouponRow.state, CouponRow.amount_kg)).all():
                by_state[state] += amount
            issued = session.scalar(  # a coupon with neither parent nor predecessor was newly issued
                select(func.coalesce(func.sum(CouponRow.amount_kg), 0))
                .where(CouponRow.parent.is_(None), CouponRow.replaces.is_(None))
            )
            by_purpose: dict[str, int] = defaultdict(int)
            offsets = 0
            for purpose, amount in session.execute(select(OffsetRow.purpose, OffsetRow.amount_kg)).all():
                by_purpose[purpose] += amount
                offsets += 1
        return {"issued_kg": issued, "by_state_kg": dict(by_state), "offsets": offsets,
                "retired_by_purpose_kg": dict(by_purpose)}

    def last_step(self, coupon_id: int, events: Iterable[str]) -> str | None:
        """The latest of these kinds of event in one coupon's history, by its name."""
        with Session(self.engine) as session:
            return session.scalar(select(StepRow.event).where(StepRow.coupon_id == coupon_id,
                                                              StepRow.event.in_(list(events)))
                                  .order_by(StepRow.id.desc()).limit(1))

    def steps(self, events: Iterable[str]) -> list[StepRow]:
        """Every step of these kinds, in the order they were indexed."""
        with Session(self.engine) as session:
            query = select(StepRow).where(StepRow.event.in_(list(events))).order_by(StepRow.id)
            return list(session.scalars(query).all())

    def issuance_applications(self) -> dict[int, int]:
        """Issuance id → the application it issued."""
        with Session(self.engine) as session:
            return dict(session.execute(select(IssuanceRow.id, IssuanceRow.application)).all())

    # -- applications

    def issued_under(self, coupon: CouponRow) -> ApplicationRow:
        """The application a coupon's issuance issued (a split part's and a reissue's keep their issuance)."""
        with Session(self.engine) as session:
            return session.scalar(select(ApplicationRow).join(IssuanceRow, IssuanceRow.application == ApplicationRow.id)
                                  .where(IssuanceRow.id == coupon.issuance))

    def application(self, application_id: int) -> ApplicationRow | None:
        with Session(self.engine) as session:
            return session.get(ApplicationRow, application_id)

    def applications(self, *, statuses: Iterable[str]) -> list[ApplicationRow]:
        with Session(self.engine) as session:
            return list(session.scalars(
                select(ApplicationRow).where(ApplicationRow.status.in_(list(statuses))).order_by(ApplicationRow.id)
            ).all())

    def application_history(self, application_id: int) -> list[dict]:
        """An application's steps, each with its tx hash, block, time and signing department."""
        with Session(self.engine) as session:
            steps = session.scalars(
                select(StepRow).where(StepRow.application_id == application_id)
                .order_by(StepRow.block_number, StepRow.log_index)
            ).all()
        return [
            {"event": s.event, "tx_hash": s.tx_hash, "block": s.block_number, "timestamp": s.timestamp,
             "department": s.signer_role, "details": s.details}
            for s in steps
        ]

    def survey_pauses(self, application_ids: Iterable[int]) -> dict[int, list[tuple[str, int]]]:
        """Application id → its field-survey steps in order: (FieldSurveyPaused or FieldSurveyResumed, timestamp)."""
        found: dict[int, list[tuple[str, int]]] = defaultdict(list)
        with Session(self.engine) as session:
            for application, event, timestamp in session.execute(
                select(StepRow.application_id, StepRow.event, StepRow.timestamp).where(
                    StepRow.application_id.in_(list(application_ids)),
                    StepRow.event.in_(["FieldSurveyPaused", "FieldSurveyResumed"]),
                ).order_by(StepRow.block_number, StepRow.log_index)
            ).all():
                found[application].append((event, timestamp))
        return found


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
