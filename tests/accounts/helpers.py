"""Small helpers for driving the auth pages through Flask's test client."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
LINK = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class TestUser:
    __test__ = False  # not a test class, whatever pytest thinks of its name
    id: int
    email: str
    password: str
    customer_id: str
    display_name: str


def csrf_token(client, path: str = "/login") -> str:
    response = client.get(path)
    match = CSRF_INPUT.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({response.status_code})"
    return match.group(1) or match.group(2)


def post_form(client, path: str, data: dict, *, token_from: str | None = None, **kwargs):
    """POST ``data`` to ``path`` with a CSRF token taken from the form page first."""
    token = csrf_token(client, token_from or path)
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


def login(client, email: str, password: str, **kwargs):
    return post_form(client, "/login", {"email": email, "password": password}, **kwargs)


def strip_csrf(html: str) -> str:
    return CSRF_INPUT.sub("CSRF", html)


def link_in(message) -> str:
    """The one portal link (invitation or reset) in a mail's text part."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    links = [url for url in LINK.findall(text) if "token=" in url]
    assert len(links) == 1, links
    return links[0]


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def session_cookie(client):
    return client.get_cookie("__Host-portal_session")
