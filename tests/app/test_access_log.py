"""One access line per request, in both log formats, with the test client and under gunicorn:
method, path (never the query string), status, duration in ms and the request id."""
from __future__ import annotations

import json
import re
import uuid

import pytest
import requests

from app import create_app
from tests.app.gunicorn_support import flask_db_upgrade, portal_env, start_gunicorn, wait_until_ready
from tests.support.servers import free_port
from tests.support.settings import portal_settings

SECRET = "secret-token-value-0123456789"
TEXT_LINE = re.compile(r"INFO \[(?P<id>[^\]]+)\] portal\.access: (?P<method>\S+) (?P<path>\S+) (?P<status>\d{3}) "
                       r"(?P<ms>\d+(\.\d+)?) ms$")


def probe(get, post) -> list[tuple[str, str, str, int]]:
    """Three requests, each with its own request id: (id, method, path, expected status)."""
    ids = [f"probe-{uuid.uuid4().hex[:12]}" for _ in range(3)]
    missing = f"/no/such/page-{uuid.uuid4().hex[:8]}"
    assert get(f"/login?next=%2F&token={SECRET}", ids[0]) == 200
    assert get(f"{missing}?token={SECRET}", ids[1]) == 404
    assert post("/login", ids[2]) == 400  # no CSRF token
    return [(ids[0], "GET", "/login", 200), (ids[1], "GET", missing, 404), (ids[2], "POST", "/login", 400)]


def assert_one_line_each(output: str, fmt: str, expected) -> None:
    assert SECRET not in output
    lines = output.splitlines()
    for request_id, method, path, status in expected:
        # Exactly one line names the request, whoever wrote it (gunicorn's own would say "GET /path?…").
        about = [line for line in lines if f"{method} {path}" in line]
        assert len(about) == 1, f"{method} {path}: {about}"
        assert request_id in about[0]
        if fmt == "json":
            entry = json.loads(about[0])
            assert entry["logger"] == "portal.access" and entry["request_id"] == request_id
            assert (entry["method"], entry["path"], entry["status"]) == (method, path, status)
            assert isinstance(entry["duration_ms"], float) and entry["message"].startswith(f"{method} {path} {status} ")
        else:
            match = TEXT_LINE.search(about[0])
            assert match, about[0]
            assert (match["id"], match["method"], match["path"], int(match["status"])) == (request_id, method, path, status)


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_the_test_client_writes_one_access_line_per_request(sandbox, tmp_path, capsys, fmt):
    app = create_app(portal_settings(sandbox, LOG_FORMAT=fmt, DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}"))
    client = app.test_client()
    expected = probe(lambda path, rid: client.get(path, headers={"X-Request-ID": rid}).status_code,
                     lambda path, rid: client.post(path, headers={"X-Request-ID": rid}).status_code)
    assert_one_line_each(capsys.readouterr().err, fmt, expected)


@pytest.fixture(scope="module")
def upgraded_database(sandbox_server, tmp_path_factory):
    database = tmp_path_factory.mktemp("access-log") / "portal.db"
    flask_db_upgrade(portal_env(sandbox_server, database))
    return database


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_gunicorn_writes_one_access_line_per_request_even_with_access_logfile(sandbox, upgraded_database, tmp_path, fmt):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    process = start_gunicorn(portal_env(sandbox, upgraded_database, LOG_FORMAT=fmt), port,
                             "--access-logfile", "-", log=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(process, base + "/healthz")
        expected = probe(
            lambda path, rid: requests.get(base + path, headers={"X-Request-ID": rid}, timeout=30).status_code,
            lambda path, rid: requests.post(base + path, headers={"X-Request-ID": rid}, timeout=30).status_code)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert_one_line_each(log.read_text(), fmt, expected)
