"""Events → rows: applies each registry event to the index tables, in block order.

It follows the chain incrementally from a cursor kept in the database, so it
survives restarts, and reads blocks' logs in chunks; a chunk is one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..client import Event
from ..registry import Registry, coupon_number
from ..states import Action, ApplicationStatus, CouponState, OffsetPurpose, ReissueStage, Role
from .schema import (
    ApplicationRow, CouponRow, Cursor, IssuanceRow, OffsetRow, RoleHolder, StepRow, create_tables, drop_tables,
)

LOG_CHUNK_BLOCKS = 2_000
ROLE_NAMES = {role.id: role.value for role in Role}


# A coupon's owner and state change only with CouponMoved (and start with CouponCreated):
# the projector reads them there and keeps no copy of the contract's transition table.
MOVED = "CouponMoved"
# An application's status, likewise, only with ApplicationMoved (and starts with ApplicationSubmitted);
# each move restarts its review clock (updated_at).
APPLICATION_MOVED = "ApplicationMoved"
# A lost coupon's reissue stage and loss notice, likewise, only with ReissueMoved.
REISSUE_MOVED = "ReissueMoved"


def _coupon_of(e: Event) -> int | None:
    """The coupon an event is about (a split names its parent), if any."""
    return e.args.get("parent") if e.name == "CouponSplit" else e.args.get("coupon")


def _consent(coupon: CouponRow, action: str | None, since: int | None = None, counterparty: str | None = None,
             amount_kg: int | None = None) -> None:
    """The owner's open consent as the ledger holds it (CouponLedger.request_of), or none."""
    coupon.pending_action, coupon.pending_since = action, since
    coupon.pending_counterparty, coupon.pending_amount_kg = counterparty, amount_kg


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
    applications: dict[int, ApplicationRow]

    @classmethod
    def load(cls, session: Session, events: list[Event]) -> _Rows:
        coupons = {coupon for e in events if (coupon := _coupon_of(e)) is not None}
        issuances = {e.args["issuance"] for e in events if e.name == "CouponCreated"}
        applications = {e.args["application"] for e in events if "application" in e.args}
        return cls(
            session,
            roles={row.address: row for row in session.scalars(select(RoleHolder))},
            issuances=_by_id(session, IssuanceRow, issuances),
            coupons=_by_id(session, CouponRow, coupons),
            applications=_by_id(session, ApplicationRow, applications),
        )

    def add(self, row: IssuanceRow | CouponRow | ApplicationRow) -> None:
        self.session.add(row)
        table = {IssuanceRow: self.issuances, CouponRow: self.coupons, ApplicationRow: self.applications}[type(row)]
        table[row.id] = row
        if isinstance(row, IssuanceRow):
            # Its coupons follow in this chunk, and PostgreSQL checks their foreign key on insert:
            # the unit of work, knowing no relationship between the two, might insert them first.
            self.session.flush()


def _by_id(session: Session, table, ids: set[int]) -> dict:
    found, ids = {}, sorted(ids)
    for start in range(0, len(ids), 500):
        found.update((row.id, row) for row in session.scalars(select(table).where(table.id.in_(ids[start:start + 500]))))
    return found


class Projector:
    """Follows the registry from a cursor, one chunk of blocks per transaction."""

    def __init__(self, engine):
        self.engine = engine

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
        drop_tables(self.engine)
        create_tables(self.engine)
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
            self._move_application(rows, e, timestamp)
            if e.name == APPLICATION_MOVED:  # bookkeeping: the step's own event follows in the same transaction
                return
            step.application_id = args["application"]
            session.add(step)
            return
        if e.name == "IssuanceCreated":
            rows.add(IssuanceRow(id=args["issuance"], application=args["application"], year=args["year"],
                                 amount_kg=args["amount_kg"], tx_hash=e.tx_hash))
            return
        if e.name == "CouponCreated":
            self._create_coupon(rows, args, timestamp)
        elif (coupon_id := _coupon_of(e)) is not None:
            self._move_coupon(rows, e, rows.coupons[coupon_id], timestamp, signer)
            if e.name in (MOVED, REISSUE_MOVED):  # bookkeeping: the step's own event follows in the same transaction
                return
        step.coupon_id = _coupon_of(e)
        session.add(step)

    @staticmethod
    def _move_coupon(rows: _Rows, e: Event, coupon: CouponRow, timestamp: int, signer: str) -> None:
        args = e.args
        if e.name == MOVED:
            coupon.owner, coupon.state, coupon.updated_at = args["owner"], CouponState(args["state"]).name, timestamp
            # Every department step consumes the owner's consent; a freeze voids it.
            _consent(coupon, None)
        elif e.name == "RequestMade":
            _consent(coupon, Action(args["action"]).name, timestamp, args["counterparty"], args["amount_kg"])
        elif e.name == "RequestCancelled":
            _consent(coupon, None)
        elif e.name == "CouponPledged":
            coupon.pledgee = args["pledgee"]
        elif e.name in ("PledgeReleased", "PledgeEnforced"):
            coupon.pledgee = None
        elif e.name == "CouponFrozen":
            coupon.frozen_from = CouponState(args["previous_state"]).name
        elif e.name == "CouponUnfrozen":
            coupon.frozen_from = None
        elif e.name == REISSUE_MOVED:  # a reissued coupon keeps its notice end: the new one shows it
            coupon.reissue_stage = ReissueStage(args["stage"]).name if args["stage"] else None
            coupon.notice_end = args["notice_end"] or None
        elif e.name == "CouponInvalidated":  # nothing acts on it again
            coupon.invalid_reason, coupon.frozen_from, coupon.pledgee = args["reason"], None, None
        elif e.name == "CouponVoided":
            coupon.replaced_by = args["replaced_by"]
        elif e.name == "CouponRetired":
            rows.session.add(
                OffsetRow(
                    tx_hash=e.tx_hash, coupon_id=coupon.id, number=coupon.number, block_number=e.block_number,
                    timestamp=timestamp, amount_kg=args["amount_kg"], first_serial=args["first_serial"],
                    last_serial=args["last_serial"], purpose=OffsetPurpose(args["purpose"]).name,
                    beneficiary=args["beneficiary"], case_reference=args["case_reference"],
                    owner=args["owner"], signer=signer,
                )
            )

    @staticmethod
    def _move_application(rows: _Rows, e: Event, timestamp: int) -> None:
        args = e.args
        if e.name == "ApplicationSubmitted":
            rows.add(
                ApplicationRow(
                    id=args["application"], applicant=args["applicant"], status=ApplicationStatus.SUBMITTED.name,
                    period_start=args["period_start"], period_end=args["period_end"], claimed_kg=args["claimed_kg"],
                    attested_kg=0, nrb_signed=False, forestry_signed=False, survey_paused=False, updated_at=timestamp,
                )
            )
            return
        application = rows.applications[args["application"]]
        if e.name == APPLICATION_MOVED:
            application.status, application.updated_at = ApplicationStatus(args["status"]).name, timestamp
        elif e.name in ("FieldSurveyPaused", "FieldSurveyResumed"):
            application.survey_paused = e.name == "FieldSurveyPaused"
        elif e.name == "ReportAttested":
            application.attested_kg = args["attested_kg"]
        elif e.name == "ValidationSigned":
            if args["department"] == Role.NRB.id:
                application.nrb_signed = True
            else:
                application.forestry_signed = True
        elif e.name == "ApplicationFiled":
            application.filing_number = args["filing_number"]

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
