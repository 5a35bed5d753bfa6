"""ID numbers are matched at the centre's verification, not reserved at registration (DESIGN §11):
identity_hash is no longer a unique index, only an index, and is widened for scrypt hashes
("scrypt$" and 64 hex digits; gateway.identity.keyed_hash). Masked numbers show one character at
each end, not four: the forms already stored are masked again the same way.

Existing hashes keep their values (HMAC-SHA256, matched with the same key, now kept outside the
data directory: security.identity_key); each is replaced by a scrypt hash when the centre verifies
its account against the document shown.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _remask(masked: str) -> str:
    """gateway.core.identity.mask of the number a stored masked form was made of: its own first and last
    characters are the number's (a form of 8 characters or fewer is all stars already)."""
    return masked[0] + "*" * (len(masked) - 2) + masked[-1] if len(masked) > 8 else masked


def _remask_column(table: str, column: str) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text(f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL")).all()
    for row_id, masked in rows:
        if _remask(masked) != masked:
            connection.execute(sa.text(f"UPDATE {table} SET {column} = :masked WHERE id = :id"),
                               {"masked": _remask(masked), "id": row_id})


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_identity_hash'))
        batch_op.alter_column('identity_hash', existing_type=sa.String(length=64), type_=sa.String(length=80),
                              existing_nullable=True)
        batch_op.create_index(batch_op.f('ix_users_identity_hash'), ['identity_hash'], unique=False)
    _remask_column('users', 'identity_masked')
    _remask_column('account_verifications', 'document_number_masked')


def downgrade() -> None:
    # Masked forms stay as they are (what they hid is gone). A scrypt hash does not fit the older column
    # and the older release cannot read it; two accounts of one number cannot both keep it under a unique
    # index: both lose their hashes, the later ones as in 0005.
    op.execute("UPDATE users SET identity_hash = NULL WHERE identity_hash LIKE 'scrypt$%'")
    op.execute(
        "UPDATE users SET identity_hash = NULL WHERE identity_hash IS NOT NULL AND id > "
        "(SELECT MIN(first.id) FROM users AS first WHERE first.identity_hash = users.identity_hash)"
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_identity_hash'))
        batch_op.alter_column('identity_hash', existing_type=sa.String(length=80), type_=sa.String(length=64),
                              existing_nullable=True)
        batch_op.create_index(batch_op.f('ix_users_identity_hash'), ['identity_hash'], unique=True)
