"""An eco-compensation offset's calculation is written before the offset is sent, its certificate (tx hash)
added once the offset is on chain (services/enforcement.py): the table gets a key of its own, the coupon
asked to be offset and the case reference, and `offset_compensations` becomes `eco_compensations`.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0016'
down_revision: Union[str, Sequence[str], None] = '0015'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'eco_compensations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tx_hash', sa.String(length=66), nullable=True),
        sa.Column('coupon', sa.String(length=32), nullable=True),
        sa.Column('case_reference', sa.String(length=200), nullable=True),
        sa.Column('needed_kg', sa.BigInteger(), nullable=False),
        sa.Column('calculation', sa.JSON(), nullable=False),
        sa.Column('recorded_by', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['recorded_by'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('tx_hash'),
    )
    op.execute("INSERT INTO eco_compensations (tx_hash, needed_kg, calculation, recorded_by, created_at) "
               "SELECT tx_hash, needed_kg, calculation, recorded_by, created_at FROM offset_compensations "
               "ORDER BY created_at")
    op.drop_table('offset_compensations')


def downgrade() -> None:
    op.create_table(
        'offset_compensations',
        sa.Column('tx_hash', sa.String(length=66), nullable=False),
        sa.Column('needed_kg', sa.BigInteger(), nullable=False),
        sa.Column('calculation', sa.JSON(), nullable=False),
        sa.Column('recorded_by', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['recorded_by'], ['users.id']),
        sa.PrimaryKeyConstraint('tx_hash'),
    )
    op.execute("INSERT INTO offset_compensations (tx_hash, needed_kg, calculation, recorded_by, created_at) "
               "SELECT tx_hash, needed_kg, calculation, recorded_by, created_at FROM eco_compensations "
               "WHERE tx_hash IS NOT NULL")
    op.drop_table('eco_compensations')
