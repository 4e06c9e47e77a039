"""Fixtures for the accounts tests: every database test runs on SQLite and on PostgreSQL.

SQLite: the migrations run once into a template file, copied for each test. PostgreSQL (the
server in ``TEST_POSTGRES_URL``, started by scripts/test.sh): a fresh database for the session,
migrated once, its tables truncated before each test. Without ``TEST_POSTGRES_URL`` the
PostgreSQL variants are skipped locally and fail on CI.
"""
from __future__ import annotations

import os
import shutil
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.accounts.helpers import TestUser
from tests.conftest import portal_settings

DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _migrate(sandbox, url: str) -> None:
    from flask_migrate import upgrade

    from app import create_app
    from extensions import db

    app = create_app(portal_settings(sandbox, DATABASE_URL=url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory, sandbox):
    path = tmp_path_factory.mktemp("accounts-db") / "template.db"
    _migrate(sandbox, f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_database(sandbox):
    server_url = os.environ.get("TEST_POSTGRES_URL")
    if not server_url:
        if os.environ.get("CI"):
            pytest.fail("TEST_POSTGRES_URL is not set: the test command starts PostgreSQL for these tests")
        pytest.skip("TEST_POSTGRES_URL is not set (run through scripts/test.sh)")
    name = f"portal_accounts_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    _migrate(sandbox, url)
    engine = create_engine(url)
    yield url, engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_all(engine) -> None:
    with engine.begin() as connection:
        tables = connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        )).scalars().all()
        if tables:
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        target = tmp_path / "portal.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    url, engine = request.getfixturevalue("postgres_database")
    _truncate_all(engine)
    return url


@pytest.fixture
def make_app(sandbox, mailbox, database_url):
    """Build an app on this test's database (more than one = several workers sharing it)."""
    from app import create_app
    from extensions import db

    apps = []

    def make(**overrides):
        app = create_app(portal_settings(sandbox, mailbox, DATABASE_URL=database_url, **overrides))
        apps.append(app)
        return app

    yield make
    for app in apps:
        # Mail is sent in the background: let it land now, not in the next test's mailbox.
        app.extensions["mailer"].close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def redis_url():
    """A Redis database of our own on the test command's server, emptied for each test.

    User ids restart at 1 in every test database, so session keys left by one test would
    otherwise describe another test's users.
    """
    base = os.environ.get("TEST_REDIS_URL")
    if not base:
        if os.environ.get("CI"):
            pytest.fail("TEST_REDIS_URL is not set: the test command starts Redis for these tests")
        pytest.skip("TEST_REDIS_URL is not set (run through scripts/test.sh)")
    import redis

    url = urlunsplit(urlsplit(base)._replace(path="/13"))
    client = redis.Redis.from_url(url, socket_timeout=2)
    client.flushdb()
    client.close()
    return url


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    """Create an active portal user for a demo Zoho person: ``make_user(email, password)``."""
    from extensions import db
    from services import accounts
    from services.audit import AuditContext
    from services.directory import find_invitee

    def make(email: str = "billing@acme.example", password: str = "correct horse battery staple", **kw) -> TestUser:
        with app.app_context():
            invitee = find_invitee(email)
            assert invitee is not None, f"{email} is not a demo Zoho person"
            user = accounts.ensure_active_user(invitee, password, AuditContext.cli(), actor="test")
            db.session.commit()
            return TestUser(id=user.id, email=user.email, password=password, customer_id=user.customer_id,
                            display_name=user.display_name)

    return make


@pytest.fixture
def user(make_user) -> TestUser:
    return make_user()
