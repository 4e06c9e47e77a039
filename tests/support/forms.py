"""Reading the portal's pages through Flask's test client: CSRF tokens, form fields, text, links."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
LINK = re.compile(r"https?://[^\s<>\"']+")


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token of the form on ``path``."""
    response = client.get(path)
    found = CSRF.search(response.get_data(as_text=True))
    assert found, f"no CSRF token on {path} ({response.status_code})"
    return found.group(1)


def post_form(client, path: str, data: dict | None = None, *, token_from: str | None = None, **kwargs):
    """POST ``data`` to ``path`` with the CSRF token of the form page (``token_from``, else ``path``)."""
    token = csrf_token(client, token_from or path)
    return client.post(path, data={**(data or {}), "csrf_token": token}, **kwargs)


def strip_csrf(html: str) -> str:
    """The page with its CSRF tokens blanked, to compare two pages that must be the same."""
    return CSRF.sub("CSRF", html)


def form_fields(html: str, action: str | None = None) -> dict:
    """The hidden fields of the form posting to ``action`` (the first form posting to /invoices… when
    None); a field given more than once has a list of values."""
    if action is not None:
        start = html.index(f'action="{action}"')
    else:
        start = html.index('<form method="post" action="/invoices')
    html = html[start:html.index("</form>", start)]
    fields: dict = {}
    for name, value in HIDDEN.findall(html):
        fields.setdefault(name, []).append(value.replace("&#34;", '"').replace("&amp;", "&"))
    return {k: v if len(v) > 1 else v[0] for k, v in fields.items()}


def text_of(response) -> str:
    """A page's visible text, tags removed and spaces collapsed, for sentences split over lines."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def html_of(response) -> str:
    """A page's HTML with runs of white space collapsed (attributes such as links kept)."""
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def link_in(message) -> str:
    """The one portal link (invitation or reset) in a mail's text part."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    links = [url for url in LINK.findall(text) if "token=" in url]
    assert len(links) == 1, links
    return links[0]


def local_path(url: str) -> str:
    """An absolute URL as the path and query a test client asks for."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def query_of(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
