"""Payment intents: one row per confirmed charge, claimed atomically.

Revision ID: 0003_payment_intents
Revises: 0002_used_handoff_tokens
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_payment_intents"
down_revision = "0002_used_handoff_tokens"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "payment_intents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intent_key", sa.String(96), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("invoice_id", sa.String(64), nullable=False),
        sa.Column("batch_key", sa.String(64), nullable=True),
        sa.Column("amount", sa.Numeric(18, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("card_id", sa.String(64), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("zoho_payment_id", sa.String(64), nullable=True),
        sa.Column("error", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('pending', 'processing', 'succeeded', 'failed', 'unknown')",
                           name=op.f("ck_payment_intents_state")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_intents")),
        sa.UniqueConstraint("intent_key", name=op.f("uq_payment_intents_intent_key")),
    )
    op.create_index(op.f("ix_payment_intents_customer_id"), "payment_intents", ["customer_id"])
    op.create_index(op.f("ix_payment_intents_invoice_id"), "payment_intents", ["invoice_id"])
    op.create_index(op.f("ix_payment_intents_batch_key"), "payment_intents", ["batch_key"])


def downgrade():
    op.drop_index(op.f("ix_payment_intents_batch_key"), table_name="payment_intents")
    op.drop_index(op.f("ix_payment_intents_invoice_id"), table_name="payment_intents")
    op.drop_index(op.f("ix_payment_intents_customer_id"), table_name="payment_intents")
    op.drop_table("payment_intents")
