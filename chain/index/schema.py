"""The index's tables: every registry event projected into SQL (DESIGN §8).

A rebuildable read model: the chain is the source of truth, and `projector`
fills these tables from its events alone.
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


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


class ApplicationRow(Base):
    """A registration application's on-chain record, as its events left it."""

    __tablename__ = "applications"
    id: Mapped[int] = mapped_column(primary_key=True)
    applicant: Mapped[str] = mapped_column(String(42), index=True)
    status: Mapped[str] = mapped_column(String(24), index=True)
    period_start: Mapped[int] = mapped_column(BigInteger)
    period_end: Mapped[int] = mapped_column(BigInteger)
    claimed_kg: Mapped[int] = mapped_column(BigInteger)
    attested_kg: Mapped[int] = mapped_column(BigInteger, default=0)
    nrb_signed: Mapped[bool] = mapped_column(Boolean, default=False)
    forestry_signed: Mapped[bool] = mapped_column(Boolean, default=False)
    survey_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    filing_number: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[int] = mapped_column(BigInteger)  # when its status last changed (the review clock)


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
    frozen_from: Mapped[str | None] = mapped_column(String(16))  # the state an unfreeze restores, while FROZEN
    notice_end: Mapped[int | None] = mapped_column(BigInteger)  # the loss notice's end (§12), from the report on
    reissue_stage: Mapped[str | None] = mapped_column(String(16), index=True)  # ReissueStage, while lost
    invalid_reason: Mapped[str | None] = mapped_column(String(256))  # why NRB and FORESTRY voided it (注销)
    pending_action: Mapped[str | None] = mapped_column(String(16), index=True)  # the owner's open consent
    pending_since: Mapped[int | None] = mapped_column(BigInteger)
    pending_counterparty: Mapped[str | None] = mapped_column(String(42))  # whom the open consent names, if anyone
    pending_amount_kg: Mapped[int | None] = mapped_column(BigInteger)  # and how much of the coupon
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


def create_tables(engine) -> None:
    Base.metadata.create_all(engine)


def drop_tables(engine) -> None:
    Base.metadata.drop_all(engine)
