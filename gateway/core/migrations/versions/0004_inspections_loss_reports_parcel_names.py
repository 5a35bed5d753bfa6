"""Supervision's inspection records (§6 抽查), the owner's loss reports with 附件3's fields and
the centre's opinion on them (§12), and the parcel numbers behind the CCER list's and harvest
plans' keys (§2, §9). New tables only: existing rows are untouched.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('parcel_names',
    sa.Column('parcel_id', sa.String(length=66), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('parcel_id')
    )
    op.create_table('inspections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=16), nullable=False),
    sa.Column('inspector_id', sa.Integer(), nullable=False),
    sa.Column('inspected_on', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('findings', sa.String(length=2000), nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.Column('application_id', sa.BigInteger(), nullable=True),
    sa.Column('coupon_id', sa.BigInteger(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['inspector_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspections_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_coupon_id'), ['coupon_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_sha256'), ['sha256'], unique=False)

    op.create_table('loss_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('coupon_id', sa.BigInteger(), nullable=False),
    sa.Column('reported_by', sa.Integer(), nullable=False),
    sa.Column('request_tx', sa.String(length=66), nullable=False),
    sa.Column('cause', sa.String(length=16), nullable=False),
    sa.Column('statement', sa.String(length=1000), nullable=False),
    sa.Column('registration_type', sa.String(length=100), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('contact_person', sa.String(length=100), nullable=False),
    sa.Column('contact_phone', sa.String(length=30), nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.Column('opinion', sa.String(length=16), nullable=True),
    sa.Column('opinion_text', sa.String(length=256), nullable=True),
    sa.Column('opinion_by', sa.Integer(), nullable=True),
    sa.Column('opinion_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['opinion_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['reported_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('loss_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loss_reports_coupon_id'), ['coupon_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('loss_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loss_reports_coupon_id'))

    op.drop_table('loss_reports')
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspections_sha256'))
        batch_op.drop_index(batch_op.f('ix_inspections_coupon_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_application_id'))

    op.drop_table('inspections')
    op.drop_table('parcel_names')
