"""The validation opinion's number (审定意见文号, 附件1 一(三)) beside the application's registration form: the
project page shows it with the opinion's date. Empty on applications whose opinion came before it was asked.
The audit log indexed by transaction: the project page names the verifier's account by its attestation's.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-08
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0025'
down_revision: Union[str, Sequence[str], None] = '0024'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('application_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opinion_number', sa.String(length=64), nullable=True))
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_tx_hash'), ['tx_hash'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_tx_hash'))
    with op.batch_alter_table('application_records', schema=None) as batch_op:
        batch_op.drop_column('opinion_number')
