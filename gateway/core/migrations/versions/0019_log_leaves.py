"""The transparency log's leaves: each block's hash as the log first read it (gateway/runtime/transparency.py).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0019'
down_revision: Union[str, Sequence[str], None] = '0018'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'log_leaves',
        sa.Column('block_number', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('block_hash', sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint('block_number'),
    )


def downgrade() -> None:
    op.drop_table('log_leaves')
