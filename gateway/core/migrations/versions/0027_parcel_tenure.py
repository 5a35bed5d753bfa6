"""A parcel boundary's tenure certificate (权属清晰, §2), which the guard against crediting land twice reads.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-08
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0027'
down_revision: Union[str, Sequence[str], None] = '0026'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('parcel_boundaries') as batch:
        batch.add_column(sa.Column('tenure', sa.String(length=96), nullable=True))
        batch.create_index(batch.f('ix_parcel_boundaries_tenure'), ['tenure'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('parcel_boundaries') as batch:
        batch.drop_index(batch.f('ix_parcel_boundaries_tenure'))
        batch.drop_column('tenure')
