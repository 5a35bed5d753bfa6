"""Parcel boundaries and the grid cells they touch: the overlap guard's spatial index (services/parcels.py).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0020'
down_revision: Union[str, Sequence[str], None] = '0019'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'parcel_boundaries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('application_id', sa.BigInteger(), nullable=True),
        sa.Column('number', sa.String(length=64), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=True),
        sa.Column('period_end', sa.Date(), nullable=True),
        sa.Column('geometry', sa.JSON(), nullable=False),
        sa.Column('area_m2', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_parcel_boundaries_application_id'), 'parcel_boundaries', ['application_id'], unique=False)
    op.create_table(
        'parcel_cells',
        sa.Column('cell', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('boundary_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(['boundary_id'], ['parcel_boundaries.id']),
        sa.PrimaryKeyConstraint('cell', 'boundary_id'),
    )


def downgrade() -> None:
    op.drop_table('parcel_cells')
    op.drop_index(op.f('ix_parcel_boundaries_application_id'), table_name='parcel_boundaries')
    op.drop_table('parcel_boundaries')
