"""gunicorn on app:create_app(), started the way design.md §6 says: environment, `flask db upgrade`, gunicorn."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def portal_env(sandbox, database: Path, **extra: str) -> dict[str, str]:
    """The process environment of a portal on the sandbox, without the test run's own settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZOHO_", "PORTAL_", "DATABASE_URL"))}
    env.update(
        PORTAL_ENV="development", SECRET_KEY="k" * 48, DATABASE_URL=f"sqlite:///{database}",
        ZOHO_API_BASE=sandbox.api_base, ZOHO_ACCOUNTS_URL=sandbox.accounts_url,
        ZOHO_CLIENT_ID=sandbox.CLIENT_ID, ZOHO_CLIENT_SECRET=sandbox.CLIENT_SECRET,
        ZOHO_REFRESH_TOKEN=sandbox.REFRESH_TOKEN, ZOHO_ORG_ID=sandbox.ORGANIZATION_ID, LOG_FORMAT="text",
        FLASK_SKIP_DOTENV="1",  # a developer's .env in the clone must not add to this configuration
    )
    env.update(extra)
    return env


def flask_db_upgrade(env) -> None:
    upgrade = subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=120)
    assert upgrade.returncode == 0, upgrade.stderr


def start_gunicorn(env, port, *options: str, log: Path | None = None) -> subprocess.Popen:
    """gunicorn with one worker; its output goes to ``log`` (both streams), or to pipes."""
    command = [str(BIN / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{port}", *options, "app:create_app()"]
    if log is None:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with open(log, "w") as output:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, text=True)


def wait_until_ready(process: subprocess.Popen, url: str, timeout: float = 120) -> requests.Response:
    """The first answer from ``url``; fails at once if the server exits, and after ``timeout`` at most."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return requests.get(url, timeout=30)
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or a worker still booting
            assert process.poll() is None, f"the server exited with status {process.returncode}"
            assert time.monotonic() < deadline, f"{url} did not answer within {timeout} s"
            time.sleep(0.2)
