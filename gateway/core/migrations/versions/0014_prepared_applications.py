"""§8's consent of the parties named (DESIGN §11): an application an agent prepares, or one naming a
co-applicant collective, waits in `prepared_applications` until the right-holder and the co-applicant
confirm it; the centre's check of an account records the qualification (资质) it saw, with its scan.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('account_verifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('qualification', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('qualification_sha256', sa.String(length=64), nullable=True))
    op.create_table(
        'prepared_applications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('form', sa.JSON(), nullable=False),
        sa.Column('prepared_by', sa.Integer(), nullable=False),
        sa.Column('holder_id', sa.Integer(), nullable=False),
        sa.Column('agent_id', sa.Integer(), nullable=True),
        sa.Column('co_applicant_id', sa.Integer(), nullable=True),
        sa.Column('holder_confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('co_applicant_confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('declined_by', sa.Integer(), nullable=True),
        sa.Column('declined_reason', sa.String(length=256), nullable=True),
        sa.Column('application_id', sa.BigInteger(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['prepared_by'], ['users.id']),
        sa.ForeignKeyConstraint(['holder_id'], ['users.id']),
        sa.ForeignKeyConstraint(['agent_id'], ['users.id']),
        sa.ForeignKeyConstraint(['co_applicant_id'], ['users.id']),
        sa.ForeignKeyConstraint(['declined_by'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('prepared_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prepared_applications_holder_id'), ['holder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_prepared_applications_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_prepared_applications_co_applicant_id'), ['co_applicant_id'],
                              unique=False)


def downgrade() -> None:
    op.drop_table('prepared_applications')
    with op.batch_alter_table('account_verifications', schema=None) as batch_op:
        batch_op.drop_column('qualification_sha256')
        batch_op.drop_column('qualification')
