"""The market's records: the purchase application's 附件6 fields and the centre's acceptance
(交易受理通知书), the listing's 附件4 entrustment agreement and 附件5 notice dates and attachments,
and each settled trade with 附件7's payment method, term and status.

Existing rows keep their values: a purchase of the previous release (status OPEN) was
settle-able without an acceptance and stays so (services.market reads OPEN as accepted).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("purchases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purpose", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("commitment", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("signed_form", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("decided_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("decision_note", sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column("matched_coupon", sa.String(length=32), nullable=True))
        batch_op.create_foreign_key("fk_purchases_decided_by_users", "users", ["decided_by"], ["id"])
    with op.batch_alter_table("listing_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notice_start", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("notice_last_day", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("entrustment", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("attachments", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("listed_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_listing_records_listed_by_users", "users", ["listed_by"], ["id"])
    op.create_table(
        "trades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("block", sa.BigInteger(), nullable=False),
        sa.Column("purchase_id", sa.Integer(), nullable=False),
        sa.Column("listing_coupon", sa.String(length=32), nullable=False),
        sa.Column("coupon", sa.String(length=32), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("seller_id", sa.Integer(), nullable=True),
        sa.Column("seller_address", sa.String(length=42), nullable=False),
        sa.Column("amount_kg", sa.BigInteger(), nullable=False),
        sa.Column("price_fen_per_tonne", sa.BigInteger(), nullable=False),
        sa.Column("service_fee_fen", sa.BigInteger(), nullable=False),
        sa.Column("agreement", sa.String(length=64), nullable=False),
        sa.Column("payment_method", sa.String(length=16), nullable=False),
        sa.Column("payment_term", sa.Date(), nullable=False),
        sa.Column("payment_status", sa.String(length=16), nullable=False),
        sa.Column("settled_by", sa.Integer(), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["buyer_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["purchase_id"], ["purchases.id"]),
        sa.ForeignKeyConstraint(["seller_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["settled_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tx_hash"),
    )
    with op.batch_alter_table("trades", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trades_buyer_id"), ["buyer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_trades_purchase_id"), ["purchase_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_trades_seller_id"), ["seller_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("trades", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trades_seller_id"))
        batch_op.drop_index(batch_op.f("ix_trades_purchase_id"))
        batch_op.drop_index(batch_op.f("ix_trades_buyer_id"))
    op.drop_table("trades")
    with op.batch_alter_table("listing_records", schema=None) as batch_op:
        batch_op.drop_constraint("fk_listing_records_listed_by_users", type_="foreignkey")
        for column in ("listed_by", "attachments", "entrustment", "notice_last_day", "notice_start"):
            batch_op.drop_column(column)
    with op.batch_alter_table("purchases", schema=None) as batch_op:
        batch_op.drop_constraint("fk_purchases_decided_by_users", type_="foreignkey")
        for column in ("matched_coupon", "decision_note", "decided_at", "decided_by", "signed_form", "commitment",
                       "purpose"):
            batch_op.drop_column(column)
