"""Fixtures for the browser tests: the portal on a real server, and tabs (signed in or not) in the
session's Chromium (``browser`` in tests/conftest.py; helpers in tests/browser.py)."""
from __future__ import annotations

import threading

import pytest

from tests.browser import Tab, sign_in
from tests.conftest import free_port, portal_settings
from tests.portal.pages_support import PASSWORD, create_user, migrate


@pytest.fixture(scope="module")
def serve_portal(sandbox, smtp_server, tmp_path_factory):
    """``serve_portal(users=(), **settings)`` → ``(app, base_url)``: the portal on a threaded werkzeug
    server at a free loopback port (``PORTAL_BASE_URL`` is that address), pointed at the sandbox and
    the test SMTP server, with its own migrated SQLite database and portal accounts (``PASSWORD``)
    for ``users``. Stopped, and its database let go, after the module."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    from app import create_app
    from extensions import db

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):  # request lines carry ?token=; keep them out
            pass

        def version_string(self) -> str:
            return "portal"

    running = []

    def start(users=(), **overrides):
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        path = tmp_path_factory.mktemp("e2e-portal") / "portal.db"
        app = create_app(portal_settings(sandbox, smtp_server, DATABASE_URL=f"sqlite:///{path}",
                                         PORTAL_BASE_URL=base, **overrides))
        migrate(app)
        for email in users:
            create_user(app, email)
        server = make_server("127.0.0.1", port, app, threaded=True, request_handler=QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        running.append((app, server, thread))
        return app, base

    yield start
    for app, server, thread in running:
        server.shutdown()
        thread.join(10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def open_tab(browser):
    """``open_tab(base, email)`` → a ``Tab`` signed in as ``email`` (the demo ``PASSWORD``), on
    ``base + "/"``; ``open_tab()`` (context options as keywords) → a fresh tab. All are closed after
    the test."""
    opened: list[Tab] = []

    def open_(base: str | None = None, email: str | None = None, **context_options) -> Tab:
        tab = Tab(browser, **context_options)
        opened.append(tab)
        if email is not None:
            sign_in(tab.page, base, email, PASSWORD)
            tab.page.wait_for_url(base + "/")
        return tab

    yield open_
    for tab in opened:
        tab.close()
