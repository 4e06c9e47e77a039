"""Portals as they run for real: gunicorn processes on free ports started by the tests, sharing a
database (and Redis), driven over HTTP, with the sandbox's HTTP API, call log and webhooks."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import requests

from tests.app.gunicorn_support import flask_db_upgrade, portal_env, wait_until_ready
from tests.support.servers import free_port
from tests.webhooks.support import wait_until  # noqa: F401  (re-exported for the cluster tests)

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WEBHOOK_SECRET = "cluster-webhook-secret-0123456789abcdef"
COOKIE = "portal_session"  # PORTAL_ENV=development: plain-HTTP loopback
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
TOKEN_CALL = "POST /oauth/v2/token"


def cluster_env(sandbox, smtp, database_url: str, **extra: str) -> dict[str, str]:
    env = portal_env(sandbox, Path("/nonexistent"), DATABASE_URL=database_url, ZOHO_WEBHOOK_SECRET=WEBHOOK_SECRET,
                     SMTP_HOST=smtp.host, SMTP_PORT=str(smtp.port), MAIL_FROM="Billing <billing@portal.test>",
                     LOG_FORMAT="json", **extra)
    env.pop("REDIS_URL", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update({k: v for k, v in extra.items()})
    return env


class Host:
    """One portal host: gunicorn (the default gunicorn.conf.py: gthread) with one worker."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(env, PORTAL_BASE_URL=f"http://127.0.0.1:{self.port}")
        self.log = log
        command = [str(BIN / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{self.port}", "app:create_app()"]
        with open(log, "w") as output:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT)
        wait_until_ready(self.process, self.base + "/healthz")

    @property
    def webhook_url(self) -> str:
        return self.base + "/webhooks/zoho"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "flask"), "portal", *args], cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=180)


def csrf_token(session: requests.Session, url: str) -> str:
    match = CSRF.search(session.get(url, timeout=60).text)
    assert match, f"no form token on {url}"
    return match.group(1) or match.group(2)


def sign_in(host: Host, email: str, password: str, session: requests.Session | None = None) -> requests.Session:
    session = session or requests.Session()
    token = csrf_token(session, host.base + "/login")
    reply = session.post(host.base + "/login", data={"csrf_token": token, "email": email, "password": password},
                         allow_redirects=False, timeout=60)
    assert reply.status_code == 303, (reply.status_code, email)
    return session


def with_cookie(cookie: str) -> requests.Session:
    session = requests.Session()
    session.headers["Cookie"] = f"{COOKIE}={cookie}"
    return session


def signed_in(host: Host, cookie: str) -> bool:
    reply = with_cookie(cookie).get(host.base + "/", allow_redirects=False, timeout=60)
    assert reply.status_code in (200, 302), reply.status_code
    return reply.status_code == 200


def post_form(host: Host, session: requests.Session, path: str, data: dict, token_from: str):
    token = csrf_token(session, host.base + token_from)
    return session.post(host.base + path, data={"csrf_token": token, **data}, allow_redirects=False, timeout=60)


def token_refreshes(sandbox) -> int:
    return sandbox.calls()["counts"].get(TOKEN_CALL, 0)


def upstream(sandbox) -> dict[str, int]:
    return {k: v for k, v in sandbox.calls()["counts"].items() if k != TOKEN_CALL}


def demo_password(email: str) -> str:
    from views.accounts_cli import demo_password as password

    return password(email)


def env_without_test_run(env: dict) -> dict:
    return {k: v for k, v in env.items() if not k.startswith("PYTEST")}


__all__ = ["Host", "cluster_env", "flask_db_upgrade", "os"]
