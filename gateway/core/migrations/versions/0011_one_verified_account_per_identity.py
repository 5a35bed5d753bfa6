"""One verified account per ID number or USCC, held by a partial unique index (DESIGN §11):
registration reserves nothing, but two verifications of one number at the same moment can no
longer both be kept. The centre's check before it (services.users.verify) names the other account;
the index answers the race the check cannot see. Earlier releases refused the second verification
the same way, so a registry has no two verified accounts of one hash to upgrade.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

VERIFIED = sa.text("verified_at IS NOT NULL")


def upgrade() -> None:
    op.create_index('uq_users_verified_identity', 'users', ['identity_hash'], unique=True,
                    sqlite_where=VERIFIED, postgresql_where=VERIFIED)


def downgrade() -> None:
    op.drop_index('uq_users_verified_identity', table_name='users')
