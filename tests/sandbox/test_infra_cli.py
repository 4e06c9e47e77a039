"""``python -m zoho_sandbox``: what it prints, and that it stops cleanly on SIGTERM and SIGINT."""
import re
import signal

import requests

from zoho_sandbox.testing import SandboxProcess


def test_prints_listening_line_urls_and_demo_credentials_then_stops_on_sigterm():
    proc = SandboxProcess(seed="empty").start()
    try:
        text = "".join(proc.output)
        assert re.search(r"^Zoho Billing sandbox listening on http://127\.0\.0\.1:\d+$", text, re.M)
        for prefix in ("/billing/v1", "/subscriptions/v1", "/api/v1"):
            assert proc.base_url + prefix in text
        for credential in ("1000.SANDBOXDEMOCLIENT", "sandbox-demo-secret", "1000.sandbox.demo.refresh", "10234695"):
            assert credential in text
        assert requests.get(proc.base_url + "/__sandbox/health", timeout=5).json()["status"] == "ok"
    finally:
        code = proc.stop()
    assert code == 0
    assert "Zoho Billing sandbox stopped" in "".join(proc.output)


def test_sigint_also_exits_zero_and_frees_the_port():
    proc = SandboxProcess(seed="empty").start()
    base = proc.base_url
    proc.process.send_signal(signal.SIGINT)
    assert proc.process.wait(10) == 0
    try:
        requests.get(base + "/__sandbox/health", timeout=2)
        still_up = True
    except requests.ConnectionError:
        still_up = False
    assert not still_up


def test_printed_output_never_contains_an_access_token():
    with SandboxProcess(seed="empty", extra_args=("--access-log",)) as proc:
        token = proc.access_token()
        requests.get(proc.api_base + "/events", headers=proc.auth_headers(token), timeout=5)
        requests.get(proc.api_base + "/events", params={"token": token}, timeout=5)
    assert token.split(".")[1] not in "".join(proc.output)
    assert "GET /billing/v1/events 401" in "".join(proc.output) or "GET /billing/v1/events 200" in "".join(proc.output)
