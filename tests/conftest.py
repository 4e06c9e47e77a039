"""Fixtures shared by every suite: the sandbox over HTTP, a real SMTP server, and the app factory.

Each fixture talks to a real thing on a loopback port (design: no mocked requests outside the few
client unit tests that need an exact failure).
"""
from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

os.environ.setdefault("PORTAL_ENV", "testing")


@pytest.fixture(scope="session")
def sandbox():
    """One sandbox process (demo seed) for the session; tests that change state call ``sandbox.reset()``."""
    from zoho_sandbox.testing import SandboxProcess

    with SandboxProcess(seed="demo") as process:
        yield process


@dataclass
class CollectedMail:
    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self.arrived = threading.Condition(self.lock)

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()

    def wait_for(self, to: str, timeout: float = 10.0) -> EmailMessage:
        """The newest message to ``to`` (case-insensitive), waiting for it to arrive over SMTP."""
        def newest():
            for message in reversed(self.messages):
                if to.lower() in str(message["To"]).lower():
                    return message
            return None

        with self.arrived:
            found = self.arrived.wait_for(newest, timeout)
        if found is None:
            raise AssertionError(f"no mail to {to} arrived within {timeout}s")
        return found

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address.lower() in str(m["To"]).lower()]


class _CollectingHandler:
    def __init__(self, collected: CollectedMail) -> None:
        self.collected = collected

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.collected.arrived:
            self.collected.messages.append(message)
            self.collected.arrived.notify_all()
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free loopback port that keeps what arrives."""
    from aiosmtpd.controller import Controller

    collected = CollectedMail()
    controller = Controller(_CollectingHandler(collected), hostname="127.0.0.1", port=free_port())
    controller.start()
    collected.host, collected.port = controller.hostname, controller.port  # type: ignore[attr-defined]
    try:
        yield collected
    finally:
        controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    smtp_server.clear()
    return smtp_server


def portal_settings(sandbox, smtp=None, **overrides):
    """Settings for an app pointed at the sandbox (and the test SMTP server)."""
    from config.settings import load_settings

    values = dict(
        PORTAL_ENV="testing",
        SECRET_KEY="test-secret-key-that-is-long-enough-for-production-0123",
        ZOHO_API_BASE=sandbox.api_base,
        ZOHO_ACCOUNTS_URL=sandbox.accounts_url,
        ZOHO_CLIENT_ID=sandbox.CLIENT_ID,
        ZOHO_CLIENT_SECRET=sandbox.CLIENT_SECRET,
        ZOHO_REFRESH_TOKEN=sandbox.REFRESH_TOKEN,
        ZOHO_ORG_ID=sandbox.ORGANIZATION_ID,
        PORTAL_BASE_URL="http://portal.test",
        LOG_FORMAT="json",
    )
    if smtp is not None:
        values.update(SMTP_HOST=smtp.host, SMTP_PORT=smtp.port, MAIL_FROM="Billing <billing@portal.test>")
    values.update(overrides)
    return load_settings(**values)


def sandbox_zoho_config(sandbox):
    """A zoho_client config for the sandbox's demo organization, with quick retries: loopback is
    fast; keep failing tests quick without changing the policy's shape."""
    from zoho_client import ZohoConfig

    return ZohoConfig(
        api_base=sandbox.api_base,
        accounts_url=sandbox.accounts_url,
        client_id=sandbox.CLIENT_ID,
        client_secret=sandbox.CLIENT_SECRET,
        refresh_token=sandbox.REFRESH_TOKEN,
        organization_id=sandbox.ORGANIZATION_ID,
        backoff_base=0.01,
        backoff_cap=0.05,
    )


class SandboxAPI:
    """The sandbox's own API read directly with the demo credentials (to learn ids and check Zoho's state)."""

    def __init__(self, sandbox) -> None:
        import requests

        self.sandbox = sandbox
        self.session = requests.Session()
        self.session.headers.update(sandbox.auth_headers())

    def get(self, path: str, **params) -> dict:
        response = self.session.get(self.sandbox.api_base + path, params=params, timeout=30)
        if response.status_code == 401:  # the sandbox's clock moved past the token's hour
            self.session.headers.update(self.sandbox.auth_headers())
            response = self.session.get(self.sandbox.api_base + path, params=params, timeout=30)
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, launched once for the session; each test opens its own
    contexts (``tests/browser.py``), so nothing but the process is shared."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
