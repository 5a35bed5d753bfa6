"""The event index's coupon rows hold the whole of the owner's open consent, as the ledger's RequestMade tells
it: whom it names and how much (a registration's check reads them here, not by a call to the chain). New columns,
empty on existing rows: `tanquan index rebuild` fills them from the events.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0024'
down_revision: Union[str, Sequence[str], None] = '0023'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('coupons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_counterparty', sa.String(length=42), nullable=True))
        batch_op.add_column(sa.Column('pending_amount_kg', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('coupons', schema=None) as batch_op:
        batch_op.drop_column('pending_amount_kg')
        batch_op.drop_column('pending_counterparty')
