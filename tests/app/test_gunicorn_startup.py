"""gunicorn refuses to start on a bad schema or configuration with one line, and serves once upgraded."""
from __future__ import annotations

import pytest

from tests.app.gunicorn_support import flask_db_upgrade, portal_env, start_gunicorn, wait_until_ready
from tests.support.servers import free_port


@pytest.mark.parametrize("database, unset, line", [
    ("never-upgraded.db", None, "Database schema is out of date: run `flask db upgrade`"),
    ("portal.db", "ZOHO_CLIENT_ID",
     "Configuration error: ZOHO_CLIENT_ID is required (set it in the environment or in .env)"),
], ids=["outdated schema", "missing setting"])
def test_gunicorn_refuses_to_start_with_one_line_and_status_4(sandbox, tmp_path, database, unset, line):
    env = portal_env(sandbox, tmp_path / database)
    env.pop(unset or "", None)
    process = start_gunicorn(env, free_port())
    try:
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 4
    assert line in stderr
    assert "Traceback" not in stderr


def test_gunicorn_serves_after_flask_db_upgrade(sandbox, tmp_path):
    env = portal_env(sandbox, tmp_path / "portal.db")
    flask_db_upgrade(env)
    port = free_port()
    process = start_gunicorn(env, port)
    try:
        response = wait_until_ready(process, f"http://127.0.0.1:{port}/readyz")
        assert response.status_code == 200 and response.json()["status"] == "ready"
    finally:
        process.terminate()
        process.wait(timeout=30)
