"""Accounts (附件1 三(一), the party fields of 附件3/4/8): an account's type, the kind and masked
form of its ID number or USCC, legal representative, address, contact person and phone; the
centre's in-person verification (account_verifications: who, when, which document); DRC's
disabling. An ID number or USCC is registered once: identity_hash becomes a unique index.

Existing rows keep their values. Their new columns are empty: existing holders are unverified
until the centre checks them in person (the centre's queue lists them). Should an older database
hold one identity hash on several accounts, the later accounts lose it (and must be verified
again), so that the unique index can be made.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.execute(
        "UPDATE users SET identity_hash = NULL WHERE identity_hash IS NOT NULL AND id > "
        "(SELECT MIN(first.id) FROM users AS first WHERE first.identity_hash = users.identity_hash)"
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_type', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('identity_kind', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('identity_masked', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('legal_representative', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('postal_address', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('contact_person', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('disabled_reason', sa.String(length=256), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_identity_hash'), ['identity_hash'], unique=True)

    op.create_table('account_verifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('verified_by', sa.Integer(), nullable=False),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('document_type', sa.String(length=32), nullable=False),
    sa.Column('document_number_masked', sa.String(length=32), nullable=True),
    sa.Column('document_sha256', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['verified_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('account_verifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_verifications_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('account_verifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_verifications_user_id'))
    op.drop_table('account_verifications')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_identity_hash'))
        for column in ('disabled_reason', 'disabled_at', 'verified_at', 'contact_phone', 'contact_person',
                       'postal_address', 'legal_representative', 'identity_masked', 'identity_kind', 'account_type'):
            batch_op.drop_column(column)
