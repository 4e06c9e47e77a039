"""Checklist U 32/33 on the pages: when Zoho fails or rate-limits, what was last seen is served with a
visible "as of" notice (status 200); with nothing to serve, a calm 503 page. Faults are injected
into the sandbox over HTTP; each test has its own app, so its cache starts cold."""
from __future__ import annotations

import re
import time

import pytest

from tests.support.demo import ACME

STALE_NOTICE = "This may be out of date."
TTL_SECONDS = 1
ZOHO_API = "/billing/v1/*"


@pytest.fixture
def acme_client(make_app, signed_in):
    """Acme signed in on an app whose cache entries expire after a second, so that pages ask Zoho again."""
    return signed_in(ACME, client_app=make_app(CACHE_TTL_SECONDS=TTL_SECONDS))


def let_the_cache_expire() -> None:
    time.sleep(TTL_SECONDS + 0.1)


def first_invoice_id(sandbox_api) -> str:
    return sandbox_api.invoice_ids(sandbox_api.customer_id(ACME))[0]


@pytest.mark.parametrize("fault", [
    {"kind": "status", "status": 503},
    {"kind": "status", "status": 429, "code": 44, "retry_after": 3600},
    {"kind": "reset"},
])
def test_pages_seen_before_an_outage_are_served_with_an_as_of_notice(sandbox, sandbox_api, acme_client, fault):
    invoice_id = first_invoice_id(sandbox_api)
    subscription_id = sandbox_api.subscription_ids(sandbox_api.customer_id(ACME))[0]
    pages = ["/", "/invoices", f"/invoices/{invoice_id}", "/payments", "/subscriptions",
             f"/subscriptions/{subscription_id}", "/credit-notes", "/profile", "/statement"]
    for path in pages:
        fresh = acme_client.get(path)
        assert fresh.status_code == 200 and STALE_NOTICE not in fresh.get_data(as_text=True), path
    let_the_cache_expire()
    sandbox.add_fault(path=ZOHO_API, count=-1, **fault)
    for path in pages:
        stale = acme_client.get(path)
        html = stale.get_data(as_text=True)
        assert stale.status_code == 200, path
        assert STALE_NOTICE in html and "as of" in html, path
        notice = html[html.index("as of"):html.index("Please check again")]  # the sentence, however long
        assert re.search(r"as of \w+ \d+, \d{4}(,| at) [\d:]+\s[AP]M (UTC|GMT|[+-]\d{4}|[A-Z][A-Za-z ]+ Time)", notice), notice  # the time and its zone
        assert stale.headers["Cache-Control"] == "no-store"
    assert "INV-" in acme_client.get("/invoices").get_data(as_text=True)


def test_nothing_seen_before_the_outage_is_a_calm_503(sandbox, acme_client):
    sandbox.add_fault(path=ZOHO_API, kind="status", status=503, count=-1)
    response = acme_client.get("/invoices")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Billing is temporarily unavailable" in html and "Reference:" in html
    assert "Traceback" not in html and "ZohoUnavailable" not in html
    assert response.headers["Retry-After"]


def test_a_download_is_never_served_from_stale_data(sandbox, sandbox_api, acme_client):
    invoice_id = first_invoice_id(sandbox_api)
    assert acme_client.get(f"/invoices/{invoice_id}/pdf").status_code == 200
    let_the_cache_expire()
    sandbox.add_fault(path=ZOHO_API, kind="status", status=503, count=-1)
    response = acme_client.get(f"/invoices/{invoice_id}/pdf")
    assert response.status_code == 503 and response.mimetype == "text/html"
