"""The event index's coupon rows follow 附件1 二 and supervision (§5, §6): the state a frozen
coupon returns to, its loss notice's end, its stage in the reissue procedure, and why it was
voided as invalid. New columns, empty on existing rows: `tanquan index rebuild` fills them
from the events.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("coupons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("frozen_from", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("notice_end", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("reissue_stage", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("invalid_reason", sa.String(length=256), nullable=True))
        batch_op.create_index(batch_op.f("ix_coupons_reissue_stage"), ["reissue_stage"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("coupons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coupons_reissue_stage"))
        batch_op.drop_column("invalid_reason")
        batch_op.drop_column("reissue_stage")
        batch_op.drop_column("notice_end")
        batch_op.drop_column("frozen_from")
