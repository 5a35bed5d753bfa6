"""Organisation members: a member's login names its organisation (users.member_of), a member's token names the
member (tokens.member_id), and an audit entry names the person who acted for the account (audit_log.person).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-08
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0023'
down_revision: Union[str, Sequence[str], None] = '0022'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member_of', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_users_member_of', 'users', ['member_of'], ['id'])
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_tokens_member_id', 'users', ['member_id'], ['id'])
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('person')
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.drop_constraint('fk_tokens_member_id', type_='foreignkey')
        batch_op.drop_column('member_id')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('fk_users_member_of', type_='foreignkey')
        batch_op.drop_column('member_of')
