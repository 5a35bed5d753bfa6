"""A settlement's reservation is a row of its own (附件7, services/settlements.py): held before the chain is
asked, settled or released after; one a crash left held is settled or released by what the chain holds.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0015'
down_revision: Union[str, Sequence[str], None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'trade_reservations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('purchase_id', sa.Integer(), nullable=False),
        sa.Column('amount_kg', sa.BigInteger(), nullable=False),
        sa.Column('buyer_address', sa.String(length=42), nullable=False),
        sa.Column('trade', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('tx_hash', sa.String(length=66), nullable=True),
        sa.Column('reserved_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['purchase_id'], ['purchases.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('trade_reservations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trade_reservations_purchase_id'), ['purchase_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trade_reservations_status'), ['status'], unique=False)


def downgrade() -> None:
    op.drop_table('trade_reservations')
