"""The portal's own data (design.md §2: never Zoho's): portal users, one-time tokens, revoked
sessions and the append-only audit log. SQLAlchemy 2 models on the shared ``extensions.db``;
Alembic migrations (through Flask-Migrate) live in ``db/migrations``.
"""
