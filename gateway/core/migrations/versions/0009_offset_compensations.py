"""The eco-compensation calculation behind an offset (§15(1), 附件1 三(三)): the calculator's answer
kept with the offset certificate, for the enforcement body's search by case reference. A new table
only: existing rows are untouched.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('offset_compensations',
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('needed_kg', sa.BigInteger(), nullable=False),
    sa.Column('calculation', sa.JSON(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('tx_hash')
    )


def downgrade() -> None:
    op.drop_table('offset_compensations')
