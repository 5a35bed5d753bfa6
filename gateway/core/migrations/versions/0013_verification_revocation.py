"""The centre may revoke an account's verification with a reason (附件1 三(一), DESIGN §11): the check
keeps its record, with who revoked it, when and why; the account is unverified again.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('account_verifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('revoked_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('revoked_reason', sa.String(length=256), nullable=True))
        batch_op.create_foreign_key('fk_account_verifications_revoked_by', 'users', ['revoked_by'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('account_verifications', schema=None) as batch_op:
        batch_op.drop_constraint('fk_account_verifications_revoked_by', type_='foreignkey')
        batch_op.drop_column('revoked_reason')
        batch_op.drop_column('revoked_by')
        batch_op.drop_column('revoked_at')
