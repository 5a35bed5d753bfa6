"""流转申请表 (附件8): the forms of transfers of ownership and of pledges, with the receiving party's
confirmation, the centre's 受理意见 and the registration that followed. A new table only: existing
rows are untouched.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('transfer_forms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('coupon_id', sa.BigInteger(), nullable=False),
    sa.Column('coupon_number', sa.String(length=32), nullable=False),
    sa.Column('amount_kg', sa.BigInteger(), nullable=False),
    sa.Column('filing_number', sa.String(length=64), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('legal_representative', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('place_name', sa.String(length=100), nullable=False),
    sa.Column('parcel_number', sa.String(length=64), nullable=False),
    sa.Column('area_mu', sa.String(length=20), nullable=True),
    sa.Column('method', sa.String(length=100), nullable=False),
    sa.Column('term', sa.String(length=100), nullable=False),
    sa.Column('term_end', sa.Date(), nullable=True),
    sa.Column('secured_fen', sa.BigInteger(), nullable=True),
    sa.Column('transferee_id', sa.Integer(), nullable=False),
    sa.Column('transferee_address', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('owner_opinion', sa.String(length=256), nullable=False),
    sa.Column('signed_form', sa.String(length=64), nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.Column('remarks', sa.String(length=400), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('opinion', sa.String(length=256), nullable=True),
    sa.Column('opinion_by', sa.Integer(), nullable=True),
    sa.Column('opinion_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('registered_tx', sa.String(length=66), nullable=True),
    sa.Column('registered_coupon', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['opinion_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['transferee_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('transfer_forms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_forms_applicant_id'), ['applicant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_forms_coupon_id'), ['coupon_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_forms_transferee_id'), ['transferee_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('transfer_forms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_forms_transferee_id'))
        batch_op.drop_index(batch_op.f('ix_transfer_forms_coupon_id'))
        batch_op.drop_index(batch_op.f('ix_transfer_forms_applicant_id'))
    op.drop_table('transfer_forms')
