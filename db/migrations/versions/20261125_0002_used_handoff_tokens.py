"""Used handoff token ids: the single-use store for handoff tokens.

Revision ID: 0002_used_handoff_tokens
Revises: 0001_accounts_and_audit
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_used_handoff_tokens"
down_revision = "0001_accounts_and_audit"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "used_handoff_tokens",
        sa.Column("jti", sa.String(128), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("jti", name=op.f("pk_used_handoff_tokens")),
    )
    op.create_index(op.f("ix_used_handoff_tokens_expires_at"), "used_handoff_tokens", ["expires_at"])


def downgrade():
    op.drop_index(op.f("ix_used_handoff_tokens_expires_at"), table_name="used_handoff_tokens")
    op.drop_table("used_handoff_tokens")
