"""The event index: every registry event projected into SQL (DESIGN §8).

The chain is the source of truth; this is a rebuildable read model that gives
provenance (a coupon's state, lineage and every step with its tx hash, block,
time and signing department) and offset certificates by tx hash, fast at any
size. It follows the chain incrementally from a cursor and survives restarts.
SQLite by default, PostgreSQL by URL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, create_engine, event, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from .client import Event
from .registry import Registry, coupon_number
from .states import Action, CouponState, OffsetPurpose, Role

LOG_CHUNK_BLOCKS = 2_000
ROLE_NAMES = {role.id: role.value for role in Role}


class Base(DeclarativeBase):
    pass


class Cursor(Base):
    __tablename__ = "index_cursor"
    id: Mapped[int] = mapped_column(primary_key=True)
    block_number: Mapped[int] = mapped_column(BigInteger)


class RoleHolder(Base):
    __tablename__ = "role_holders"
    address: Mapped[str] = mapped_column(String(42), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))


class IssuanceRow(Base):
    __tablename__ = "issuances"
    id: Mapped[int] = mapped_column(primary_key=True)
    application: Mapped[int] = mapped_column(BigInteger)
    year: Mapped[int] = mapped_column(Integer)
    amount_kg: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(String(66))


class CouponRow(Base):
    __tablename__ = "coupons"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    issuance: Mapped[int] = mapped_column(ForeignKey("issuances.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    first_serial: Mapped[int] = mapped_column(BigInteger)
    last_serial: Mapped[int] = mapped_column(BigInteger)
    amount_kg: Mapped[int] = mapped_column(BigInteger)
    owner: Mapped[str] = mapped_column(String(42), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    parent: Mapped[int | None] = mapped_column(Integer, index=True)
    replaces: Mapped[int | None] = mapped_column(Integer)
    replaced_by: Mapped[int | None] = mapped_column(Integer)
    pledgee: Mapped[str | None] = mapped_column(String(42))
    pending_action: Mapped[str | None] = mapped_column(String(16), index=True)  # the owner's open consent
    pending_since: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[int] = mapped_column(BigInteger)


class StepRow(Base):
    """One event in a coupon's or an application's history."""

    __tablename__ = "steps"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    coupon_id: Mapped[int | None] = mapped_column(Integer, index=True)
    application_id: Mapped[int | None] = mapped_column(Integer, index=True)
    event: Mapped[str] = mapped_column(String(32))
    tx_hash: Mapped[str] = mapped_column(String(66), index=True)
    block_number: Mapped[int] = mapped_column(BigInteger)
    log_index: Mapped[int] = mapped_column(Integer)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    signer: Mapped[str] = mapped_column(String(42))
    signer_role: Mapped[str | None] = mapped_column(String(16))
    details: Mapped[dict] = mapped_column(JSON)


class OffsetRow(Base):
    """An offset certificate (抵销凭证); its id is the retiring transaction's hash."""

    __tablename__ = "offsets"
    tx_hash: Mapped[str] = mapped_column(String(66), primary_key=True)
    coupon_id: Mapped[int] = mapped_column(Integer, index=True)
    number: Mapped[str] = mapped_column(String(32))
    block_number: Mapped[int] = mapped_column(BigInteger)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    amount_kg: Mapped[int] = mapped_column(BigInteger)
    first_serial: Mapped[int] = mapped_column(BigInteger)
    last_serial: Mapped[int] = mapped_column(BigInteger)
    purpose: Mapped[str] = mapped_column(String(24))
    beneficiary: Mapped[str] = mapped_column(String(200))
    case_reference: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(42))
    signer: Mapped[str] = mapped_column(String(42))


# Event name → (coupon argument, state afterwards, owner argument) for the simple moves.
MOVES: dict[str, tuple[str, CouponState | None, str | None]] = {
    "CouponListed": ("coupon", CouponState.LISTED, None),
    "ListingWithdrawn": ("coupon", CouponState.ACTIVE, None),
    "TradeSettled": ("coupon", CouponState.ACTIVE, "buyer"),
    "CouponTransferred": ("coupon", CouponState.ACTIVE, "receiver"),
    "CouponPledged": ("coupon", CouponState.PLEDGED, None),
    "PledgeReleased": ("coupon", CouponState.ACTIVE, None),
    "PledgeEnforced": ("coupon", CouponState.ACTIVE, "pledgee"),
    "CouponFrozen": ("coupon", CouponState.FROZEN, None),
    "CouponUnfrozen": ("coupon", CouponState.ACTIVE, None),
    "LossReported": ("coupon", CouponState.LOST_REPORTED, None),
    "LossWithdrawn": ("coupon", CouponState.ACTIVE, None),
    "CouponVoided": ("coupon", CouponState.VOIDED, None),
    "CouponRetired": ("coupon", CouponState.RETIRED, None),
    "CouponSplit": ("parent", CouponState.SPLIT, None),
    "RequestMade": ("coupon", None, None),
    "RequestCancelled": ("coupon", None, None),
    "ReissueFiled": ("coupon", None, None),
}


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


@dataclass
class _Rows:
    """The rows a chunk of events reads, fetched in one query per table, and the
    rows it adds, found again before they are flushed (the chunk runs unflushed)."""

    session: Session
    roles: dict[str, RoleHolder]
    issuances: dict[int, IssuanceRow]
    coupons: dict[int, CouponRow]

    @classmethod
    def load(cls, session: Session, events: list[Event]) -> _Rows:
        coupons = {e.args[MOVES[e.name][0]] for e in events if e.name in MOVES}
        issuances = {e.args["issuance"] for e in events if e.name == "CouponCreated"}
        return cls(
            session,
            roles={row.address: row for row in session.scalars(select(RoleHolder))},
            issuances=_by_id(session, IssuanceRow, issuances),
            coupons=_by_id(session, CouponRow, coupons),
        )

    def add(self, row: IssuanceRow | CouponRow) -> None:
        self.session.add(row)
        (self.issuances if isinstance(row, IssuanceRow) else self.coupons)[row.id] = row


def _by_id(session: Session, table, ids: set[int]) -> dict:
    found, ids = {}, sorted(ids)
    for start in range(0, len(ids), 500):
        found.update((row.id, row) for row in session.scalars(select(table).where(table.id.in_(ids[start:start + 500]))))
    return found


class EventIndex:
    def __init__(self, url: str):
        self.engine = make_engine(url)
        Base.metadata.create_all(self.engine)
        # A coupon's number and id are fixed when it is minted: a pair once found is kept.
        self._ids: dict[str, int] = {}
        self._numbers: dict[int, str] = {}

    def coupon_id(self, number: str) -> int | None:
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

    # -- following the chain

    def cursor(self) -> int | None:
        with Session(self.engine) as session:
            row = session.get(Cursor, 1)
            return None if row is None else row.block_number

    def sync(self, registry: Registry, *, from_block: int = 0, progress: Callable[[int, int], None] | None = None) -> int:
        """Apply every event up to the chain head; returns how many were applied."""
        head, indexed = registry.chain.head(), self.cursor()
        start = indexed + 1 if indexed is not None else from_block
        applied = 0
        addresses = [registry.applications.address, registry.ledger.address]
        for chunk_start in range(start, head + 1, LOG_CHUNK_BLOCKS):
            chunk_end = min(chunk_start + LOG_CHUNK_BLOCKS - 1, head)
            read = registry.chain.block_logs(chunk_start, chunk_end, addresses)
            events = registry.chain.decode_logs(read.logs)
            with Session(self.engine) as session, session.begin(), session.no_autoflush:
                rows = _Rows.load(session, events)
                for e in events:
                    self._apply(rows, e, read.timestamps[e.block_number], read.senders[e.tx_hash])
                cursor = session.get(Cursor, 1) or Cursor(id=1, block_number=chunk_end)
                cursor.block_number = chunk_end
                session.add(cursor)
            applied += len(events)
            if progress:
                progress(chunk_end - start + 1, head - start + 1)
        return applied

    def rebuild(self, registry: Registry, *, from_block: int = 0, progress=None) -> int:
        Base.metadata.drop_all(self.engine)
        Base.metadata.create_all(self.engine)
        return self.sync(registry, from_block=from_block, progress=progress)

    def _apply(self, rows: _Rows, e: Event, timestamp: int, signer: str) -> None:
        args, session = e.args, rows.session
        role_row = rows.roles.get(signer)
        step = StepRow(
            event=e.name,
            tx_hash=e.tx_hash,
            block_number=e.block_number,
            log_index=e.log_index,
            timestamp=timestamp,
            signer=signer,
            signer_role=role_row.role if role_row else None,
            details={k: _jsonable(v) for k, v in args.items()},
        )
        if e.name == "RoleGranted":
            role = ROLE_NAMES.get(args["role"], "ADMIN")
            if (row := rows.roles.get(args["account"])) is not None:
                row.role = role
            else:
                rows.roles[args["account"]] = RoleHolder(address=args["account"], role=role)
                session.add(rows.roles[args["account"]])
            return
        if e.name == "RoleRevoked":
            row = rows.roles.pop(args["account"], None)
            if row in session.new:  # granted in this chunk
                session.expunge(row)
            elif row is not None:
                session.delete(row)
            return
        if "application" in args and e.name != "IssuanceCreated":
            step.application_id = args["application"]
            session.add(step)
            return
        if e.name == "IssuanceCreated":
            rows.add(IssuanceRow(id=args["issuance"], application=args["application"], year=args["year"],
                                 amount_kg=args["amount_kg"], tx_hash=e.tx_hash))
            return
        if e.name == "CouponCreated":
            self._create_coupon(rows, args, timestamp)
            step.coupon_id = args["coupon"]
        elif e.name not in MOVES:  # registry-wide: CCER list, harvest plans, wiring
            pass
        else:
            coupon_arg, state, owner_arg = MOVES[e.name]
            coupon = rows.coupons[args[coupon_arg]]
            step.coupon_id = coupon.id
            if state is not None:
                coupon.state = state.name
                coupon.updated_at = timestamp
            if owner_arg is not None:
                coupon.owner = args[owner_arg]
            if e.name == "RequestMade":
                coupon.pending_action, coupon.pending_since = Action(args["action"]).name, timestamp
            elif state is not None or e.name == "RequestCancelled":
                # Every department step consumes the consent; a freeze voids it.
                coupon.pending_action = coupon.pending_since = None
            if e.name == "CouponPledged":
                coupon.pledgee = args["pledgee"]
            elif e.name in ("PledgeReleased", "PledgeEnforced"):
                coupon.pledgee = None
            elif e.name == "CouponVoided":
                coupon.replaced_by = args["replaced_by"]
            elif e.name == "CouponRetired":
                session.add(
                    OffsetRow(
                        tx_hash=e.tx_hash, coupon_id=coupon.id, number=coupon.number, block_number=e.block_number,
                        timestamp=timestamp, amount_kg=args["amount_kg"], first_serial=args["first_serial"],
                        last_serial=args["last_serial"], purpose=OffsetPurpose(args["purpose"]).name,
                        beneficiary=args["beneficiary"], case_reference=args["case_reference"],
                        owner=args["owner"], signer=signer,
                    )
                )
        session.add(step)

    @staticmethod
    def _create_coupon(rows: _Rows, args: dict, timestamp: int) -> None:
        issuance = rows.issuances[args["issuance"]]
        rows.add(
            CouponRow(
                id=args["coupon"],
                number=coupon_number(issuance.year, args["issuance"], args["seq"]),
                issuance=args["issuance"],
                seq=args["seq"],
                first_serial=args["first_serial"],
                last_serial=args["last_serial"],
                amount_kg=args["last_serial"] - args["first_serial"] + 1,
                owner=args["owner"],
                state=CouponState(args["state"]).name,
                parent=args["parent"] or None,
                replaces=args["replaces"] or None,
                created_at=timestamp,
                updated_at=timestamp,
            )
        )

    # -- reads

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


def make_engine(url: str):
    """An engine for the index and the gateway's records: SQLite in WAL mode, or PostgreSQL.
    Hundreds of requests run at once, and a write may hold two connections (its
    request's and the audit entry's): keep connections open, never block on the pool."""
    engine = create_engine(url, pool_size=64, max_overflow=-1)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
