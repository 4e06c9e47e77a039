"""Whatever a customer puts in the query string of a portal page, the answer is the page or a 4xx page
that says in a sentence what was wrong; never a 500 (in testing, an unexpected exception propagates
and fails the test).

Every GET page of the ``portal`` blueprint is tried, as the app's URL map lists it: a page added
later is covered without touching this file, once its URL variables have an id below.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.demo import NORTHWIND
from tests.support.forms import text_of

# The parameters the pages read, one nobody reads, and names that only look like them.
PARAMETERS = ("status", "sort", "order", "page", "start", "end")
OTHER_NAMES = ("unknown", "Page", "page[]", "", "status\x00")
# Values a hand-typed or tampered link may carry: digits Python's int() refuses although str.isdigit()
# accepts them, numbers too big for anything, empty and blank values, control characters, long strings.
NASTY = ("²", "①", "٣", "𝟡", "¹⁰", "0", "-1", "+1", "1.5", "1e309", "9" * 400, str(2 ** 64), "", " ", "\x00",
         "\n", "\x1b[2J", "2026-02-30", "9999-99-99", "2026-01-01\n", "asc\n", "x" * 5000, "%00", "'\"<>")
SENTENCE = re.compile(r"[A-Z][^.!?]{8,}[.!?]")

values = (st.sampled_from(NASTY)
          | st.text(alphabet=st.characters(categories=("Nd", "No", "Cc", "Zs", "Lu", "Ll", "Pd")), max_size=12)
          | st.text(max_size=300)
          | st.integers(min_value=-(10 ** 30), max_value=10 ** 30).map(str))
query_strings = st.lists(st.tuples(st.sampled_from(PARAMETERS + OTHER_NAMES), values), max_size=8)


@pytest.fixture
def northwind(signed_in, app, sandbox_api):
    """Northwind Traders signed in, and an id of theirs for every URL variable a portal page takes."""
    client = signed_in(NORTHWIND)
    customer_id = sandbox_api.customer_id(NORTHWIND)
    ids = {
        "invoice_id": sandbox_api.invoice_ids(customer_id)[0],
        "payment_id": sandbox_api.transaction_ids(customer_id, "PAYMENT")[0],
        "creditnote_id": sandbox_api.transaction_ids(customer_id, "CREDIT")[0],
        "subscription_id": sandbox_api.subscription_ids(customer_id)[0],
        "contactperson_id": sandbox_api.contacts(customer_id)[0]["contactperson_id"],
    }
    return client, portal_get_pages(app, ids)


def portal_get_pages(app, ids: dict[str, str]) -> list[str]:
    pages = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.partition(".")[0] != "portal" or "GET" not in rule.methods:
            continue
        missing = set(rule.arguments) - set(ids)
        assert not missing, f"{rule.rule}: give the test an id of the customer's for {sorted(missing)}"
        pages.add(rule.build({name: ids[name] for name in rule.arguments})[1])
    assert len(pages) >= 15, sorted(pages)
    return sorted(pages)


def check(client, path: str, query: list[tuple[str, str]]) -> None:
    response = client.get(path, query_string=query)
    status = response.status_code
    where = f"{path}?{query!r}: {status}"
    assert status != 500, where
    if 200 <= status < 400:
        return  # the page itself (or where it sends the customer), whatever was added to its link
    assert 400 <= status < 500, where
    assert response.mimetype == "text/html", where
    assert SENTENCE.search(text_of(response).split("Reference:")[0]), f"{where} says no sentence"


def test_every_portal_page_survives_nasty_values_unknown_names_and_repeated_keys(northwind):
    client, pages = northwind
    for path in pages:
        for value in ("²", "\x00\n" + "9" * 400):
            check(client, path, [(name, value) for name in PARAMETERS + OTHER_NAMES] + [("page", "1"), ("page", "2")])


def parameters_read(client, pages) -> list[tuple[str, str]]:
    """(page, parameter) for every parameter a page reads: such a page refuses a value no link carries,
    where a page that ignores the parameter answers as it does without it."""
    impossible = {name: "0" if name == "page" else "no-such-value" for name in PARAMETERS}
    found = []
    for path in pages:
        if client.get(path, query_string=impossible).status_code == client.get(path).status_code:
            continue
        found += [(path, name) for name in PARAMETERS
                  if client.get(path, query_string={name: impossible[name]}).status_code != 200]
    return found


def test_each_parameter_a_page_reads_survives_every_nasty_value_on_its_own(northwind):
    client, pages = northwind
    read = parameters_read(client, pages)
    assert ("/invoices", "page") in read and ("/payments", "page") in read and ("/statement", "start") in read, read
    for path, name in read:
        for value in NASTY:
            check(client, path, [(name, value)])


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), query=query_strings)
def test_arbitrary_query_strings_never_cause_a_500(northwind, data, query):
    client, pages = northwind
    check(client, data.draw(st.sampled_from(pages), label="page"), query)


def test_page_numbers_are_ascii_digits_only(northwind):
    client, _ = northwind
    for path in ("/invoices", "/payments"):
        for digits in ("²", "①", "٣", "𝟡"):
            response = client.get(path, query_string={"page": digits})
            assert response.status_code == 400
            assert "The page must be a whole number from 1 to 1000." in text_of(response)
        assert client.get(path, query_string={"page": "2"}).status_code == 200
