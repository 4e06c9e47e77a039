"""Fixtures for the handoff tests: real Redis and PostgreSQL when the test command provides them."""
from __future__ import annotations

import os

import pytest


def _service_url(name: str) -> str:
    url = os.environ.get(name)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not set: the test command starts that server for these tests")
        pytest.skip(f"{name} is not set (run through scripts/test.sh)")
    return url


@pytest.fixture
def redis_url():
    url = _service_url("TEST_REDIS_URL")
    import redis

    redis.Redis.from_url(url, socket_timeout=2).ping()
    return url


@pytest.fixture
def postgres_url():
    return _service_url("TEST_POSTGRES_URL")


@pytest.fixture
def dead_redis_url():
    """A Redis URL on a loopback port where nothing listens."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


# -- the app, pointed at the sandbox, with a migrated database -------------------------------------

import itertools
import logging
import re
import secrets

from tests.handoff import tokens

PRODUCT = "Acme Cloud"
_ips = itertools.count(1)


def handoff_overrides(**extra):
    values = dict(
        HANDOFF_ISSUER=tokens.ISSUER,
        HANDOFF_AUDIENCE=tokens.AUDIENCE,
        HANDOFF_SECRET=tokens.SECRET,
        HANDOFF_RETURN_URLS=tokens.RETURN_URL,
        HANDOFF_PRODUCT_NAME=PRODUCT,
    )
    values.update(extra)
    return values


@pytest.fixture
def make_app(sandbox, tmp_path):
    """Build an app on the sandbox; each gets a migrated SQLite database unless DATABASE_URL is given."""
    import flask_migrate

    from app import create_app
    from tests.conftest import portal_settings

    def build(**overrides):
        values = handoff_overrides(DATABASE_URL=f"sqlite:///{tmp_path / secrets.token_hex(4)}.db")
        values.update(overrides)
        app = create_app(portal_settings(sandbox, **values))
        with app.app_context():
            flask_migrate.upgrade()
        return app

    return build


@pytest.fixture
def app(make_app):
    return make_app()


def client_for(app):
    """A test client with its own client IP, so that per-IP rate limits never couple tests."""
    n = next(_ips)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
    return client


@pytest.fixture
def client(app):
    return client_for(app)


@pytest.fixture(scope="session")
def demo_customers(sandbox):
    """Demo seed customers by display name (ids are the sandbox's, looked up rather than hard-coded)."""
    from tests.conftest import portal_settings
    from services.zoho import build_zoho_client

    zoho = build_zoho_client(portal_settings(sandbox))
    return {c.display_name: c for c in zoho.customers.iter_all()}


@pytest.fixture
def all_logs(caplog, capsys):
    """Every log line of the test: caplog's records (all loggers, DEBUG) plus what went to stderr."""
    caplog.set_level(logging.DEBUG)

    def text() -> str:
        captured = capsys.readouterr()
        records = "\n".join(f"{r.name} {r.getMessage()} {vars(r)}" for r in caplog.records)
        return records + captured.err + captured.out

    return text


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))
