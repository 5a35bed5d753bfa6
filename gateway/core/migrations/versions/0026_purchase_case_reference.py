"""The purchase application's case reference (附件6 生态赔偿: the enforcement case the authority's consent of
附件1 三(一)2(3) answers; an event's number for a carbon-neutral event): the EEB's offset of the coupon bought
under it starts with it (附件1 三(三)). Empty on purchases applied for before it was asked.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-08
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0026'
down_revision: Union[str, Sequence[str], None] = '0025'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('purchases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('case_reference', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('purchases', schema=None) as batch_op:
        batch_op.drop_column('case_reference')
