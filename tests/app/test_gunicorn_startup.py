"""gunicorn on app:create_app(), started the way design.md §6 says: environment, `flask db upgrade`, gunicorn."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.servers import free_port, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def portal_env(sandbox, database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZOHO_", "PORTAL_", "DATABASE_URL"))}
    env.update(
        PORTAL_ENV="development", SECRET_KEY="k" * 48, DATABASE_URL=f"sqlite:///{database}",
        ZOHO_API_BASE=sandbox.api_base, ZOHO_ACCOUNTS_URL=sandbox.accounts_url,
        ZOHO_CLIENT_ID=sandbox.CLIENT_ID, ZOHO_CLIENT_SECRET=sandbox.CLIENT_SECRET,
        ZOHO_REFRESH_TOKEN=sandbox.REFRESH_TOKEN, ZOHO_ORG_ID=sandbox.ORGANIZATION_ID, LOG_FORMAT="text",
    )
    return env


def start_gunicorn(env, port):
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{port}", "app:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_gunicorn_refuses_an_outdated_schema_with_one_line(sandbox, tmp_path):
    process = start_gunicorn(portal_env(sandbox, tmp_path / "never-upgraded.db"), free_port())
    try:
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 4
    assert "Database schema is out of date: run `flask db upgrade`" in stderr
    assert "Traceback" not in stderr


def test_gunicorn_serves_after_flask_db_upgrade(sandbox, tmp_path):
    env = portal_env(sandbox, tmp_path / "portal.db")
    upgrade = subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=120)
    assert upgrade.returncode == 0, upgrade.stderr
    port = free_port()
    process = start_gunicorn(env, port)
    try:
        response = wait_until_answering(f"http://127.0.0.1:{port}/readyz", process)
        assert response.status_code == 200 and response.json()["status"] == "ready"
    finally:
        process.terminate()
        process.wait(timeout=30)
