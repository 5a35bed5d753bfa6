"""兑现 (§2): DRC's designation of the district's acquirer and its published price, with the notice's number
(services/redemptions.py).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0017'
down_revision: Union[str, Sequence[str], None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'redemption_terms',
        sa.Column('tx_hash', sa.String(length=66), nullable=False),
        sa.Column('acquirer_id', sa.Integer(), nullable=False),
        sa.Column('price_fen_per_tonne', sa.BigInteger(), nullable=False),
        sa.Column('notice', sa.String(length=100), nullable=False),
        sa.Column('set_by', sa.Integer(), nullable=False),
        sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['acquirer_id'], ['users.id']),
        sa.ForeignKeyConstraint(['set_by'], ['users.id']),
        sa.PrimaryKeyConstraint('tx_hash'),
    )


def downgrade() -> None:
    op.drop_table('redemption_terms')
