"""What workers and hosts share through the database: webhook events, the Zoho access token,
cache generations and throttle events (db/shared.py).

Self-contained: it creates new tables only, so it can follow any revision that leaves
``portal_users`` and ``revoked_sessions`` as 0001 made them.

Revision ID: 0006_shared_state
Revises: 0005_portal_memberships
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_shared_state"
down_revision = "0005_portal_memberships"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "webhook_events",
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=True),
        sa.Column("subscription_id", sa.String(64), nullable=True),
        sa.Column("event_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("invited_user_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(64), nullable=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('pending', 'processing', 'done', 'ignored', 'failed')",
                           name=op.f("ck_webhook_events_state")),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_webhook_events")),
    )
    op.create_index(op.f("ix_webhook_events_customer_id"), "webhook_events", ["customer_id"])
    op.create_index(op.f("ix_webhook_events_expires_at"), "webhook_events", ["expires_at"])
    op.create_index(op.f("ix_webhook_events_state"), "webhook_events", ["state"])

    op.create_table(
        "zoho_access_tokens",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("token", sa.Text(), nullable=True),
        sa.Column("expires_at", sa.Float(53), nullable=True),
        sa.Column("refreshing_until", sa.Float(53), nullable=True),
        sa.Column("refresher", sa.String(32), nullable=True),
        sa.Column("failed_until", sa.Float(53), nullable=True),
        sa.Column("failure", sa.String(200), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_zoho_access_tokens")),
    )

    op.create_table(
        "cache_generations",
        sa.Column("scope", sa.String(255), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_cache_generations")),
    )

    op.create_table(
        "throttle_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("occurred_at", sa.Float(53), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_throttle_events")),
    )
    op.create_index("ix_throttle_events_name_key_at", "throttle_events", ["name", "key", "occurred_at"])


def downgrade():
    op.drop_index("ix_throttle_events_name_key_at", table_name="throttle_events")
    op.drop_table("throttle_events")
    op.drop_table("cache_generations")
    op.drop_table("zoho_access_tokens")
    op.drop_index(op.f("ix_webhook_events_state"), table_name="webhook_events")
    op.drop_index(op.f("ix_webhook_events_expires_at"), table_name="webhook_events")
    op.drop_index(op.f("ix_webhook_events_customer_id"), table_name="webhook_events")
    op.drop_table("webhook_events")
