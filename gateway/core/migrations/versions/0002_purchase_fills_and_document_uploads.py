"""Purchases filled in several trades (the amount filled so far), and who uploaded each
document (an application or purchase cites only its applicant's own uploads). Existing
rows: a settled purchase is filled, and a document's first uploader uploaded it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "document_uploads",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["sha256"], ["documents.sha256"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("sha256", "user_id"),
    )
    with op.batch_alter_table("purchases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("filled_kg", sa.BigInteger(), server_default="0", nullable=False))
    op.execute("INSERT INTO document_uploads (sha256, user_id) SELECT sha256, uploaded_by FROM documents")
    op.execute("UPDATE purchases SET filled_kg = amount_kg WHERE status = 'SETTLED'")


def downgrade() -> None:
    with op.batch_alter_table("purchases", schema=None) as batch_op:
        batch_op.drop_column("filled_kg")
    op.drop_table("document_uploads")
