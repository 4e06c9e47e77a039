"""Run the sandbox as a real subprocess from tests and drive it over HTTP.

    with SandboxProcess() as sb:
        token = sb.access_token()
        requests.get(sb.api_base + "/customers", headers={"Authorization": f"Zoho-oauthtoken {token}"})

Rate limits and the OAuth refresh throttle are off unless ``rate_limits=True`` so that test suites
are not throttled by each other; switch them on per test with ``set_rate_limits(enabled=True)``.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from .oauth import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN

REPO_ROOT = Path(__file__).resolve().parent.parent
LISTENING = re.compile(r"Zoho Billing sandbox listening on (http://\S+)")

CLIENT_ID = DEMO_CLIENT_ID
CLIENT_SECRET = DEMO_CLIENT_SECRET
REFRESH_TOKEN = DEMO_REFRESH_TOKEN
ORGANIZATION_ID = "10234695"


class SandboxProcess:
    CLIENT_ID = CLIENT_ID
    CLIENT_SECRET = CLIENT_SECRET
    REFRESH_TOKEN = REFRESH_TOKEN
    ORGANIZATION_ID = ORGANIZATION_ID

    def __init__(self, seed: str = "demo", latency_ms: int = 0, rate_limits: bool = False,
                 extra_args=(), start_timeout: float = 30.0) -> None:
        self.seed = seed
        self.latency_ms = latency_ms
        self.rate_limits = rate_limits
        self.extra_args = tuple(extra_args)
        self.start_timeout = start_timeout
        self.process: subprocess.Popen | None = None
        self.base_url = ""
        self.output: list[str] = []  # everything the process printed (stdout and stderr, merged)
        self._http = requests.Session()

    # -- lifecycle ------------------------------------------------------------------------------

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "zoho_sandbox", "--host", "127.0.0.1", "--port", "0",
               "--seed", self.seed, "--latency-ms", str(self.latency_ms)]
        if not self.rate_limits:
            cmd.append("--no-rate-limits")
        return cmd + list(self.extra_args)

    def start(self) -> "SandboxProcess":
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(self.command(), cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, bufsize=1)
        found = threading.Event()
        threading.Thread(target=self._pump_output, args=(found,), daemon=True).start()
        if not found.wait(self.start_timeout):
            self.stop()
            raise RuntimeError("sandbox did not start:\n" + "".join(self.output))
        self._wait_healthy()
        return self

    def _pump_output(self, found: threading.Event) -> None:
        # Keep reading so the pipe never fills up and blocks the server.
        assert self.process and self.process.stdout
        for line in self.process.stdout:
            self.output.append(line)
            if not found.is_set():
                m = LISTENING.search(line)
                if m:
                    self.base_url = m.group(1)
                    found.set()
        found.set()

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if not self.base_url:
                break
            try:
                if self._http.get(self.base_url + "/__sandbox/health", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("sandbox is not healthy:\n" + "".join(self.output))

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM, wait, SIGKILL on timeout; returns the exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        self._http.close()
        return self.process.returncode

    def __enter__(self) -> "SandboxProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- addresses ------------------------------------------------------------------------------

    @property
    def api_base(self) -> str:
        return self.base_url + "/billing/v1"

    @property
    def accounts_url(self) -> str:
        return self.base_url

    # -- control API ----------------------------------------------------------------------------

    def control(self, method: str, path: str, json=None) -> dict:
        url = f"{self.base_url}/__sandbox/{path.lstrip('/')}"
        resp = self._http.request(method, url, json=json, timeout=30)
        if resp.status_code >= 400:
            raise RuntimeError(f"{method} {url} -> {resp.status_code}: {resp.text}")
        return resp.json()

    def reset(self, seed: str | None = None) -> dict:
        return self.control("POST", "reset", {"seed": seed} if seed else {})

    def add_fault(self, **spec) -> dict:
        return self.control("POST", "faults", spec)["fault"]

    def clear_faults(self) -> None:
        self.control("DELETE", "faults")

    def calls(self) -> dict:
        return self.control("GET", "calls")

    def clear_calls(self) -> None:
        self.control("DELETE", "calls")

    def advance_clock(self, seconds: float = 0, days: float = 0) -> dict:
        return self.control("POST", "clock", {"advance_seconds": seconds, "advance_days": days})

    def set_latency(self, ms: int) -> None:
        self.control("POST", "latency", {"ms": ms})

    def set_rate_limits(self, **kw) -> dict:
        return self.control("POST", "rate-limits", kw)

    def add_webhook(self, url: str, secret: str | None = None, events=None) -> dict:
        return self.control("POST", "webhooks", {"url": url, "secret": secret, "events": events})["webhook"]

    def expire_tokens(self) -> int:
        return self.control("POST", "tokens/expire")["expired"]

    def outbox(self) -> list[dict]:
        return self.control("GET", "outbox")["emails"]

    def mint_token(self, scope: str, expires_in: int | None = None) -> str:
        body = {"scope": scope}
        if expires_in is not None:
            body["expires_in"] = expires_in
        return self.control("POST", "tokens", body)["access_token"]

    # -- OAuth ----------------------------------------------------------------------------------

    def access_token(self) -> str:
        """A fresh access token by the refresh-token grant, exactly as a Zoho client gets one."""
        resp = self._http.post(self.accounts_url + "/oauth/v2/token", params={
            "refresh_token": REFRESH_TOKEN, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "grant_type": "refresh_token"}, timeout=30)
        body = resp.json()
        if "access_token" not in body:
            raise RuntimeError(f"refresh grant failed: {resp.status_code} {body}")
        return body["access_token"]

    def auth_headers(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Zoho-oauthtoken {token or self.access_token()}",
                "X-com-zoho-subscriptions-organizationid": ORGANIZATION_ID}
