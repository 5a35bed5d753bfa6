"""The first release's schema: the event index and the gateway's records as release
0.1.0 made them itself (create_all, before migrations). Each table is created only
where it is missing, so a database of that release upgrades in place and keeps its rows.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _tables() -> sa.MetaData:
    """A frozen copy of the release's models (chain/index/schema.py and gateway/core/db.py at 0.1.0)."""
    m = sa.MetaData()
    Column, Integer, BigInteger, Boolean, String, JSON = sa.Column, sa.Integer, sa.BigInteger, sa.Boolean, sa.String, sa.JSON
    stamp = sa.DateTime(timezone=True)
    # The event index (chain/index/schema.py).
    sa.Table("index_cursor", m, Column("id", Integer, primary_key=True), Column("block_number", BigInteger, nullable=False))
    sa.Table("role_holders", m, Column("address", String(42), primary_key=True), Column("role", String(16), nullable=False))
    sa.Table(
        "applications", m,
        Column("id", Integer, primary_key=True),
        Column("applicant", String(42), nullable=False, index=True),
        Column("status", String(24), nullable=False, index=True),
        Column("period_start", BigInteger, nullable=False),
        Column("period_end", BigInteger, nullable=False),
        Column("claimed_kg", BigInteger, nullable=False),
        Column("attested_kg", BigInteger, nullable=False),
        Column("nrb_signed", Boolean, nullable=False),
        Column("forestry_signed", Boolean, nullable=False),
        Column("survey_paused", Boolean, nullable=False),
        Column("filing_number", String(64)),
        Column("updated_at", BigInteger, nullable=False),
    )
    sa.Table(
        "issuances", m,
        Column("id", Integer, primary_key=True),
        Column("application", BigInteger, nullable=False),
        Column("year", Integer, nullable=False),
        Column("amount_kg", BigInteger, nullable=False),
        Column("tx_hash", String(66), nullable=False),
    )
    sa.Table(
        "coupons", m,
        Column("id", Integer, primary_key=True),
        Column("number", String(32), nullable=False, unique=True, index=True),
        Column("issuance", Integer, sa.ForeignKey("issuances.id"), nullable=False, index=True),
        Column("seq", Integer, nullable=False),
        Column("first_serial", BigInteger, nullable=False),
        Column("last_serial", BigInteger, nullable=False),
        Column("amount_kg", BigInteger, nullable=False),
        Column("owner", String(42), nullable=False, index=True),
        Column("state", String(16), nullable=False, index=True),
        Column("parent", Integer, index=True),
        Column("replaces", Integer),
        Column("replaced_by", Integer),
        Column("pledgee", String(42)),
        Column("pending_action", String(16), index=True),
        Column("pending_since", BigInteger),
        Column("created_at", BigInteger, nullable=False),
        Column("updated_at", BigInteger, nullable=False),
    )
    sa.Table(
        "steps", m,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("coupon_id", Integer, index=True),
        Column("application_id", Integer, index=True),
        Column("event", String(32), nullable=False),
        Column("tx_hash", String(66), nullable=False, index=True),
        Column("block_number", BigInteger, nullable=False),
        Column("log_index", Integer, nullable=False),
        Column("timestamp", BigInteger, nullable=False),
        Column("signer", String(42), nullable=False),
        Column("signer_role", String(16)),
        Column("details", JSON, nullable=False),
    )
    sa.Table(
        "offsets", m,
        Column("tx_hash", String(66), primary_key=True),
        Column("coupon_id", Integer, nullable=False, index=True),
        Column("number", String(32), nullable=False),
        Column("block_number", BigInteger, nullable=False),
        Column("timestamp", BigInteger, nullable=False),
        Column("amount_kg", BigInteger, nullable=False),
        Column("first_serial", BigInteger, nullable=False),
        Column("last_serial", BigInteger, nullable=False),
        Column("purpose", String(24), nullable=False),
        Column("beneficiary", String(200), nullable=False),
        Column("case_reference", String(200), nullable=False),
        Column("owner", String(42), nullable=False),
        Column("signer", String(42), nullable=False),
    )
    # The gateway's own records (gateway/core/db.py).
    sa.Table(
        "users", m,
        Column("id", Integer, primary_key=True),
        Column("username", String(64), nullable=False, unique=True, index=True),
        Column("password_hash", String(200), nullable=False),
        Column("role", String(16), nullable=False),
        Column("display_name", String(200), nullable=False),
        Column("organisation", String(200)),
        Column("address", String(42), index=True),
        Column("identity_hash", String(64)),
        Column("created_at", stamp, nullable=False),
    )
    sa.Table(
        "tokens", m,
        Column("token_hash", String(64), primary_key=True),
        Column("user_id", Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
        Column("kind", String(8), nullable=False),
        Column("expires_at", stamp),
    )
    sa.Table(
        "audit_log", m,
        Column("id", Integer, primary_key=True),
        Column("at", stamp, nullable=False, index=True),
        Column("username", String(64), nullable=False),
        Column("department", String(16), nullable=False),
        Column("action", String(64), nullable=False),
        Column("request", JSON, nullable=False),
        Column("tx_hash", String(66)),
        Column("outcome", String(64), nullable=False),
    )
    sa.Table(
        "documents", m,
        Column("sha256", String(64), primary_key=True),
        Column("filename", String(255), nullable=False),
        Column("content_type", String(100), nullable=False),
        Column("size", BigInteger, nullable=False),
        Column("uploaded_by", Integer, sa.ForeignKey("users.id"), nullable=False),
    )
    sa.Table(
        "application_records", m,
        Column("application_id", Integer, primary_key=True),
        Column("project_name", String(200), nullable=False),
        Column("parcels", JSON, nullable=False),
        Column("methodology", String(200), nullable=False),
        Column("documents", JSON, nullable=False),
        Column("submitted_by", Integer, sa.ForeignKey("users.id"), nullable=False),
        Column("tx_hash", String(66), nullable=False),
    )
    sa.Table(
        "listing_records", m,
        Column("coupon_id", Integer, primary_key=True),
        Column("price_fen_per_tonne", BigInteger, nullable=False),
        Column("notice_end", BigInteger, nullable=False),
        Column("disclosure", JSON, nullable=False),
        Column("tx_hash", String(66), nullable=False),
    )
    sa.Table(
        "purchases", m,
        Column("id", Integer, primary_key=True),
        Column("buyer_id", Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
        Column("amount_kg", BigInteger, nullable=False),
        Column("reason", String(400), nullable=False),
        Column("liable_for_damage", Boolean, nullable=False),
        Column("authority_document", String(64)),
        Column("status", String(16), nullable=False),
        Column("settlement_tx", String(66)),
        Column("created_at", stamp, nullable=False),
    )
    return m


def upgrade() -> None:
    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    for table in _tables().sorted_tables:
        if table.name not in existing:
            table.create(bind)


def downgrade() -> None:
    _tables().drop_all(op.get_bind())
