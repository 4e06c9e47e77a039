"""Checklist X29: every ``next`` stays on this site (Django's test_bad_urls, plus Hypothesis)."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings, strategies as st

from services.safe_redirect import is_safe_next, safe_next
from tests.support.forms import csrf_token

pytestmark = pytest.mark.both_databases

# django/tests/utils_tests/test_http.py (url_has_allowed_host_and_scheme bad_urls), plus a few more.
BAD_URLS = [
    "http://example.com", "http:///example.com", "https://example.com", "ftp://example.com",
    r"\\example.com", r"\\\example.com", r"/\\/example.com", r"\\\example.com", r"\\example.com",
    r"\\//example.com", r"/\/example.com", r"\/example.com", r"/\example.com", "http:///example.com",
    r"http:/\//example.com", r"http:\/example.com", r"http:/\example.com", 'javascript:alert("XSS")',
    "\njavascript:alert(x)", "java\nscript:alert(x)", "\x08//example.com", r"http://otherserver\@example.com",
    r"http:\\testserver\@example.com", r"http://testserver\me:pass@example.com", r"http://testserver\@example.com",
    r"http:\\testserver\confirm\me@example.com", "http:999999999", "ftp:9999999999", "\n",
    "http://[2001:cdba:0000:0000:0000:0000:3257:9652/", "http://2001:cdba:0000:0000:0000:0000:3257:9652]/",
    "//example.com", "///example.com", "/\t/example.com", " //example.com", "/%0a/example.com".replace("%0a", "\n"),
    "https:example.com", "//localhost@example.com", "/" + "a" * 600,
]
GOOD_URLS = ["/", "/invoices", "/invoices/123?page=2", "/account/2fa", "/a:b@c", "/credit-notes?x=%2F%2Fevil"]


@pytest.mark.parametrize("url", BAD_URLS)
def test_X29_bad_next_is_refused(url):
    assert not is_safe_next(url)
    assert safe_next(url, "/") == "/"


@pytest.mark.parametrize("url", GOOD_URLS)
def test_X29_same_site_paths_are_kept(url):
    assert safe_next(url, "/") == url


def _stays_on_site(location: str) -> bool:
    parts = urlsplit(location)
    return not parts.scheme and not parts.netloc and location.startswith("/") and not location.startswith(("//", "/\\"))


@given(st.text(max_size=80))
@settings(max_examples=500, deadline=None)
def test_X29_generated_next_values_never_leave_the_site(candidate):
    assert _stays_on_site(safe_next(candidate, "/"))


@given(st.from_regex(r"\A[a-z]{2,6}:/{0,3}[a-z.]{1,12}(/[a-z]{0,5})?\Z"))
@settings(max_examples=200, deadline=None)
def test_X29_generated_absolute_urls_are_refused(candidate):
    assert not is_safe_next(candidate)


@pytest.mark.parametrize("url", BAD_URLS[:12] + ["/invoices?page=2"])
def test_X29_login_redirect_location_stays_on_site(app, user, url):
    client = app.test_client()
    token = csrf_token(client)
    response = client.post("/login", data={"csrf_token": token, "email": user.email,
                                           "password": user.password, "next": url})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert _stays_on_site(location)
    assert location == (url if is_safe_next(url) else "/")


def test_X29_login_page_keeps_a_safe_next_for_the_form(app):
    page = app.test_client().get("/login?next=%2Finvoices%3Fpage%3D2").get_data(as_text=True)
    assert 'value="/invoices?page=2"' in page
