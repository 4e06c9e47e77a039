"""Support staff accounts, their enrolment links and ended sessions, and support views.

The audit log's append-only triggers (0001) stay as they are: this revision adds no path that
updates or deletes an audit row.

Revision ID: 0004_staff_and_impersonation
Revises: 0003_payment_intents
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_staff_and_impersonation"
down_revision = "0003_payment_intents"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("totp_secret", sa.String(64), nullable=True),
        sa.Column("totp_pending_secret", sa.String(64), nullable=True),
        sa.Column("totp_last_step", sa.BigInteger(), nullable=True),
        sa.Column("recovery_code_hashes", sa.JSON(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("activated_at", UTC_DATETIME, nullable=True),
        sa.Column("last_login_at", UTC_DATETIME, nullable=True),
        sa.Column("disabled_at", UTC_DATETIME, nullable=True),
        sa.CheckConstraint("role IN ('support', 'admin')", name=op.f("ck_staff_users_role")),
        sa.CheckConstraint("status IN ('pending', 'active', 'disabled')", name=op.f("ck_staff_users_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("email", name=op.f("uq_staff_users_email")),
    )

    op.create_table(
        "staff_enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("issued_for_version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.Column("used_at", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_users.id"],
                                name=op.f("fk_staff_enrolments_staff_id_staff_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_enrolments")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_enrolments_token_hash")),
    )
    op.create_index(op.f("ix_staff_enrolments_staff_id"), "staff_enrolments", ["staff_id"])

    op.create_table(
        "staff_revoked_sessions",
        sa.Column("session_hash", sa.String(64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("session_hash", name=op.f("pk_staff_revoked_sessions")),
    )
    op.create_index(op.f("ix_staff_revoked_sessions_expires_at"), "staff_revoked_sessions", ["expires_at"])

    op.create_table(
        "impersonations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("customer_name", sa.String(200), nullable=False),
        sa.Column("customer_email", sa.String(254), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("ticket", sa.String(64), nullable=True),
        sa.Column("started_at", UTC_DATETIME, nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.Column("ended_at", UTC_DATETIME, nullable=True),
        sa.Column("end_reason", sa.String(16), nullable=True),
        sa.Column("ip", sa.String(45), nullable=True),
        sa.Column("user_agent", sa.String(300), nullable=True),
        sa.Column("staff_session_hash", sa.String(64), nullable=False),
        sa.CheckConstraint("end_reason IN ('manual', 'expiry', 'logout', 'session_expired', 'revoked')",
                           name=op.f("ck_impersonations_end_reason")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_users.id"], name=op.f("fk_impersonations_staff_id_staff_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_impersonations")),
    )
    op.create_index(op.f("ix_impersonations_staff_id"), "impersonations", ["staff_id"])
    op.create_index(op.f("ix_impersonations_customer_id"), "impersonations", ["customer_id"])


def downgrade():
    op.drop_index(op.f("ix_impersonations_customer_id"), table_name="impersonations")
    op.drop_index(op.f("ix_impersonations_staff_id"), table_name="impersonations")
    op.drop_table("impersonations")
    op.drop_index(op.f("ix_staff_revoked_sessions_expires_at"), table_name="staff_revoked_sessions")
    op.drop_table("staff_revoked_sessions")
    op.drop_index(op.f("ix_staff_enrolments_staff_id"), table_name="staff_enrolments")
    op.drop_table("staff_enrolments")
    op.drop_table("staff_users")
