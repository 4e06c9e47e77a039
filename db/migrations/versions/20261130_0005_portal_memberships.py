"""Portal memberships: one login may open several Zoho customers; invitations name the customer.

Every existing user gets the membership it had (its customer, contact person and name, its status);
its outstanding invitation links are for that membership.

Revision ID: 0005_portal_memberships
Revises: 0004_staff_and_impersonation
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_portal_memberships"
down_revision = "0004_staff_and_impersonation"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "portal_memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("contact_person_id", sa.String(64), nullable=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("customer_name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("activated_at", UTC_DATETIME, nullable=True),
        sa.Column("disabled_at", UTC_DATETIME, nullable=True),
        sa.CheckConstraint("status IN ('pending', 'active', 'disabled')", name=op.f("ck_portal_memberships_status")),
        sa.ForeignKeyConstraint(["user_id"], ["portal_users.id"],
                                name=op.f("fk_portal_memberships_user_id_portal_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_memberships")),
        sa.UniqueConstraint("user_id", "customer_id", name=op.f("uq_portal_memberships_user_customer")),
    )
    op.create_index(op.f("ix_portal_memberships_user_id"), "portal_memberships", ["user_id"])
    op.create_index(op.f("ix_portal_memberships_customer_id"), "portal_memberships", ["customer_id"])
    with op.batch_alter_table("one_time_tokens") as batch:
        batch.add_column(sa.Column("membership_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_one_time_tokens_membership_id_portal_memberships"), "portal_memberships",
                                 ["membership_id"], ["id"], ondelete="CASCADE")

    op.execute("""
        INSERT INTO portal_memberships (user_id, customer_id, contact_person_id, display_name, customer_name, status,
                                        created_at, activated_at, disabled_at)
        SELECT id, customer_id, contact_person_id, display_name, '', status, created_at, activated_at, disabled_at
        FROM portal_users
    """)
    op.execute("""
        UPDATE one_time_tokens SET membership_id = (
            SELECT m.id FROM portal_memberships m WHERE m.user_id = one_time_tokens.user_id)
        WHERE purpose = 'invitation'
    """)


def downgrade():
    with op.batch_alter_table("one_time_tokens") as batch:
        batch.drop_constraint(op.f("fk_one_time_tokens_membership_id_portal_memberships"), type_="foreignkey")
        batch.drop_column("membership_id")
    op.drop_index(op.f("ix_portal_memberships_customer_id"), table_name="portal_memberships")
    op.drop_index(op.f("ix_portal_memberships_user_id"), table_name="portal_memberships")
    op.drop_table("portal_memberships")
