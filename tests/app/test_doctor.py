"""``flask portal doctor`` against real services: the sandbox, a real SMTP server (aiosmtpd), a real
database and Redis; stopped ports; and misconfigurations. One line per check, exit status 1 on a failure."""
from __future__ import annotations

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import flask_migrate
import pytest
import requests

from app import create_app
from tests.support.servers import free_port
from tests.support.settings import portal_settings

CHECK_NAMES = ["configuration", "database", "zoho", "smtp", "redis", "webhooks", "webhook-deliveries", "handoff"]


@pytest.fixture(scope="module")
def upgraded_database(sandbox_server, tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('doctor') / 'portal.db'}"
    with create_app(portal_settings(sandbox_server, DATABASE_URL=url)).app_context():
        flask_migrate.upgrade()
    return url


@pytest.fixture
def doctor(sandbox, smtp_server, upgraded_database):
    """Runs the doctor on an app configured like the demo, with ``overrides``: (exit code, {check: line})."""
    def run(**overrides):
        settings = portal_settings(sandbox, smtp_server, **{"DATABASE_URL": upgraded_database,
                                                            "PORTAL_BASE_URL": "http://127.0.0.1:5000", **overrides})
        result = create_app(settings).test_cli_runner().invoke(args=["portal", "doctor"])
        lines = result.output.strip().splitlines()
        checks = {line.split()[1].rstrip(":"): line for line in lines[:-1]}
        assert list(checks) == CHECK_NAMES, result.output
        return result.exit_code, checks

    return run


def test_all_checks_pass_against_the_sandbox_a_real_smtp_server_and_a_current_schema(doctor, smtp_server):
    smtp_server.clear()
    status, checks = doctor()
    assert status == 0, checks
    assert all(line.startswith("ok ") for line in checks.values()), checks
    assert "organization 10234695 (Harbourline Software Pty Ltd) answers" in checks["zoho"]
    assert "token scope ZohoSubscriptions.fullaccess.all" in checks["zoho"]
    assert "schema current" in checks["database"] and "answers (EHLO)" in checks["smtp"]
    assert smtp_server.messages == []  # connected and greeted; never sent anything


def test_redis_is_pinged_and_its_version_reported(doctor):
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("TEST_REDIS_URL is not set: the test command starts Redis for this test")
        pytest.skip("TEST_REDIS_URL is not set (run through scripts/test.sh)")
    status, checks = doctor(REDIS_URL=url)
    assert status == 0 and checks["redis"].startswith(f"ok    redis: {url} answers (Redis ")


def test_stopped_services_fail_each_with_what_to_do(doctor):
    status, checks = doctor(ZOHO_ACCOUNTS_URL=f"http://127.0.0.1:{free_port()}", SMTP_PORT=free_port(),
                            REDIS_URL=f"redis://:hunter2secret@127.0.0.1:{free_port()}/0")
    assert status == 1
    assert checks["zoho"].startswith("FAIL  zoho: no answer from http://127.0.0.1:")
    assert "— check ZOHO_ACCOUNTS_URL" in checks["zoho"]
    assert checks["smtp"].startswith("FAIL  smtp: 127.0.0.1:") and "— start the mail server" in checks["smtp"]
    assert checks["redis"].startswith("FAIL  redis: redis://:***@127.0.0.1:") and "hunter2secret" not in checks["redis"]
    assert checks["database"].startswith("ok ")


@pytest.mark.parametrize("overrides, check, expected", [
    ({"ZOHO_CLIENT_SECRET": "not-the-secret"}, "zoho",
     "FAIL  zoho: token refresh refused (invalid_client) — ZOHO_CLIENT_ID or ZOHO_CLIENT_SECRET is wrong"),
    ({"ZOHO_REFRESH_TOKEN": "1000.revoked"}, "zoho",
     "FAIL  zoho: token refresh refused (invalid_code) — ZOHO_REFRESH_TOKEN is wrong or revoked"),
    ({"ZOHO_ORG_ID": "99999"}, "zoho", "FAIL  zoho: ZOHO_ORG_ID 99999 is not this user's organization (HTTP 400, code 6041"),
    ({"SMTP_STARTTLS": True}, "smtp", "does not offer STARTTLS — use the mail server's submission port"),
    ({"HANDOFF_ISSUER": "acme", "HANDOFF_AUDIENCE": "billing", "HANDOFF_SECRET": None}, "handoff",
     "FAIL  handoff: refuses every token: set HANDOFF_SECRET or HANDOFF_PUBLIC_KEY"),
])
def test_a_misconfiguration_fails_its_check_with_what_to_do(doctor, overrides, check, expected):
    status, checks = doctor(**overrides)
    assert status == 1
    assert expected in checks[check]
    assert [name for name, line in checks.items() if line.startswith("FAIL")] == [check]


def test_an_outdated_schema_says_to_run_flask_db_upgrade(doctor, tmp_path):
    database = tmp_path / "never-upgraded.db"
    database.touch()
    status, checks = doctor(DATABASE_URL=f"sqlite:///{database}")
    assert status == 1
    assert checks["database"].startswith(f"FAIL  database: sqlite:///{database}: no schema yet, this code expects ")
    assert checks["database"].endswith("— run `flask db upgrade` with the same DATABASE_URL")


@pytest.mark.parametrize("base_url, status", [("http://portal.test", "warn"), ("https://billing.acme-example.com", "ok")])
def test_webhooks_need_a_portal_address_zoho_can_reach(doctor, base_url, status):
    _, checks = doctor(ZOHO_WEBHOOK_SECRET="w" * 40, PORTAL_BASE_URL=base_url)
    assert checks["webhooks"].startswith(f"{status:<4}  webhooks: ")


def test_a_development_portal_on_an_address_others_reach_is_a_warning(doctor):
    status, checks = doctor(PORTAL_ENV="development", PORTAL_BASE_URL="https://billing.acme-example.com")
    assert status == 0
    assert checks["configuration"].startswith("warn  configuration: PORTAL_ENV=development, PORTAL_BASE_URL=https://")
    assert checks["configuration"].endswith("should run with PORTAL_ENV=production (secure cookies, and insecure "
                                            "defaults refused)")


def test_a_short_webhook_secret_is_a_warning(doctor):
    status, checks = doctor(ZOHO_WEBHOOK_SECRET="short")
    assert status == 0 and checks["webhooks"].startswith("warn  webhooks: ZOHO_WEBHOOK_SECRET is shorter than 32")


@pytest.fixture
def narrow_accounts_server(sandbox):
    """A Zoho accounts server whose refresh grant carries a narrower scope, as for a self-client
    created with too few scopes: the token is minted by the sandbox, which enforces it."""
    class Accounts(BaseHTTPRequestHandler):
        def do_POST(self):
            fields = parse_qs(self.rfile.read(int(self.headers["Content-Length"] or 0)).decode())
            if self.path == "/oauth/v2/token" and fields.get("refresh_token") == [sandbox.REFRESH_TOKEN]:
                scope = "ZohoSubscriptions.invoices.READ ZohoSubscriptions.customers.READ"
                reply = {"access_token": sandbox.mint_token(scope), "scope": scope, "api_domain": sandbox.base_url,
                         "token_type": "Bearer", "expires_in": 3600}
            else:
                reply = {"status": "success"} if self.path.endswith("/revoke") else {"error": "invalid_code"}
            body = json.dumps(reply).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Accounts)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_token_without_the_portals_scopes_fails_and_says_which(doctor, narrow_accounts_server, sandbox):
    status, checks = doctor(ZOHO_ACCOUNTS_URL=narrow_accounts_server)
    assert status == 1
    assert checks["zoho"].startswith("FAIL  zoho: the token's scope lacks 17 scopes the portal uses "
                                     "(ZohoSubscriptions.settings.READ, ZohoSubscriptions.customers.CREATE, ")
    assert checks["zoho"].endswith("— generate a refresh token for this client with the scope "
                                   "ZohoSubscriptions.fullaccess.all and set ZOHO_REFRESH_TOKEN")
    # The sandbox agrees: a call the portal makes is refused with Zoho's code 57.
    token = sandbox.mint_token("ZohoSubscriptions.invoices.READ ZohoSubscriptions.customers.READ")
    refused = requests.get(f"{sandbox.api_base}/organizations/{sandbox.ORGANIZATION_ID}",
                           headers=sandbox.auth_headers(token), timeout=30)
    assert refused.status_code == 401 and refused.json()["code"] == 57


def test_without_any_configuration_the_doctor_says_what_is_missing():
    from tests.app.test_cli_without_configuration import MISSING_CLIENT_ID, flask

    result = flask("portal", "doctor")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    first, summary = result.stdout.strip().splitlines()
    assert first == ("FAIL  configuration: " + MISSING_CLIENT_ID.removeprefix("Configuration error: ")
                     + " — fix it in the environment or in .env, then run the doctor again")
    assert summary == "1 failed, 0 to look at, 0 ok; the other checks need a valid configuration"


def test_a_check_that_breaks_is_one_failed_line_and_the_others_still_run(doctor, monkeypatch):
    """CHECKS is where new checks join (webhooks-check, say); one that raises must not hide the rest."""
    from services import doctor as checks_module

    def check_zoho(settings):
        raise KeyError("organization")

    monkeypatch.setattr(checks_module, "CHECKS", [check_zoho if c.__name__ == "check_zoho" else c
                                                  for c in checks_module.CHECKS])
    status, checks = doctor()
    assert status == 1
    assert checks["zoho"] == ("FAIL  zoho: the check itself failed (KeyError: 'organization') — a bug in the doctor: "
                              "report it with this line")
    assert [name for name, line in checks.items() if not line.startswith("ok ")] == ["zoho"]
