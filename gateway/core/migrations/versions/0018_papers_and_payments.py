"""Papers belong to their parties (附件4 八, 附件5, DESIGN §11): a listing names the holder whose coupon it is,
who reads its signed agreement and form; 附件5's public attachments are documents anyone reads. A trade
records the confirmation of the buyer's payment (附件7 二2) and of the seller's service fee (附件1 三(二)2). The
centre files its periodic management reports (管理情况报告, 附件4 三、四) for the holder.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0018'
down_revision: Union[str, Sequence[str], None] = '0017'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'management_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('coupon_id', sa.BigInteger(), nullable=False),
        sa.Column('period', sa.String(length=100), nullable=False),
        sa.Column('summary', sa.String(length=2000), nullable=False),
        sa.Column('document', sa.String(length=64), nullable=False),
        sa.Column('filed_by', sa.Integer(), nullable=False),
        sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['filed_by'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('management_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_management_reports_coupon_id'), ['coupon_id'], unique=False)
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('listing_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holder_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_listing_records_holder_id', 'users', ['holder_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_listing_records_holder_id'), ['holder_id'], unique=False)
    with op.batch_alter_table('trades', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paid_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('payment_confirmed_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('fee_paid_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('fee_confirmed_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_trades_payment_confirmed_by', 'users', ['payment_confirmed_by'], ['id'])
        batch_op.create_foreign_key('fk_trades_fee_confirmed_by', 'users', ['fee_confirmed_by'], ['id'])


def downgrade() -> None:
    op.drop_table('management_reports')
    with op.batch_alter_table('trades', schema=None) as batch_op:
        batch_op.drop_constraint('fk_trades_fee_confirmed_by', type_='foreignkey')
        batch_op.drop_constraint('fk_trades_payment_confirmed_by', type_='foreignkey')
        batch_op.drop_column('fee_confirmed_by')
        batch_op.drop_column('fee_paid_on')
        batch_op.drop_column('payment_confirmed_by')
        batch_op.drop_column('paid_on')
    with op.batch_alter_table('listing_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_records_holder_id'))
        batch_op.drop_constraint('fk_listing_records_holder_id', type_='foreignkey')
        batch_op.drop_column('holder_id')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('public')
