"""An application's public versions of its monitoring report and verification statement (the project page).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0022'
down_revision: Union[str, Sequence[str], None] = '0021'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('application_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_documents', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('application_records', schema=None) as batch_op:
        batch_op.drop_column('public_documents')
