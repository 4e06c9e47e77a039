"""The language a portal user chose for their pages and emails (views/language.py).

Nullable, no default: a person who never chose gets the customer's language in Zoho, else their
browser's (pages) or English (emails).

Revision ID: 0007_preferred_language
Revises: 0006_shared_state
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_preferred_language"
down_revision = "0006_shared_state"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("portal_users") as batch:
        batch.add_column(sa.Column("preferred_language", sa.String(16), nullable=True))


def downgrade():
    with op.batch_alter_table("portal_users") as batch:
        batch.drop_column("preferred_language")
