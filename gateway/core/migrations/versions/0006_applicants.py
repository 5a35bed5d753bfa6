"""Applicants (§8, 附件1 一): an application's right-holder (权利人), whose key signs and who owns the coupon;
the qualified third party that applied on its behalf with the entrustment document (委托书); and the
collective economic organisation named as co-applicant (共同申请人). Applications of earlier releases were
each submitted by their right-holder: holder_id is filled from submitted_by.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

PARTIES = ('holder_id', 'agent_id', 'co_applicant_id')


def upgrade() -> None:
    with op.batch_alter_table('application_records', schema=None) as batch_op:
        for column in PARTIES:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('entrustment_document', sa.String(length=64), nullable=True))
        for column in PARTIES:
            batch_op.create_index(batch_op.f(f'ix_application_records_{column}'), [column], unique=False)
            batch_op.create_foreign_key(f'fk_application_records_{column}_users', 'users', [column], ['id'])
    op.execute('UPDATE application_records SET holder_id = submitted_by WHERE holder_id IS NULL')


def downgrade() -> None:
    with op.batch_alter_table('application_records', schema=None) as batch_op:
        for column in PARTIES:
            batch_op.drop_constraint(f'fk_application_records_{column}_users', type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_application_records_{column}'))
            batch_op.drop_column(column)
        batch_op.drop_column('entrustment_document')
