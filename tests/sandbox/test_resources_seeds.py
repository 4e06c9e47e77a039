"""The seeds: one assertion per state the demo must show; the large seed's size and build time."""
from __future__ import annotations

import time
from datetime import date

import pytest

from tests.sandbox.s2_helpers import Api
from zoho_sandbox.clock import Clock
from zoho_sandbox.seed import build_store


@pytest.fixture
def api(sandbox, auth):
    return Api(sandbox, auth)


def _status_of(api, name):
    customer = api.customer_named(name)
    return customer, [s["status"] for s in api.subscriptions_of(customer["customer_id"])]


def test_demo_covers_every_portal_state(api):
    customers = api.ok("GET", "/customers")["customers"]
    assert len(customers) >= 10
    assert all(c["email"].rsplit("@", 1)[1].endswith(".example") for c in customers)
    assert {"USD", "EUR", "INR"} <= {c["currency_code"] for c in customers}
    mueller, statuses = _status_of(api, "Müller & Söhne GmbH")
    sub = api.subscriptions_of(mueller["customer_id"])[0]
    assert statuses == ["trial"] and date.fromisoformat(sub["trial_ends_at"]) > date.fromisoformat(sub["created_at"])
    assert "<script>alert(1)</script>" in api.ok("GET", f"/customers/{mueller['customer_id']}")["customer"]["notes"]
    assert "live" in _status_of(api, "Acme Studio")[1]
    assert _status_of(api, "Αθηνά Παπαδοπούλου")[1] == ["non_renewing"]
    assert _status_of(api, "Ольга Иванова")[1] == ["cancelled"]
    assert "expired" in _status_of(api, "東京テック株式会社")[1]
    bright, statuses = _status_of(api, "Brightside Dental")
    assert statuses == ["unpaid"] and api.invoices_of(bright["customer_id"], filter_by="Status.OverDue")
    assert _status_of(api, "Kowalski Bakery")[1] == ["dunning"]
    priya, statuses = _status_of(api, "Priya Sharma Consulting")
    assert len(statuses) >= 2 and api.invoices_of(priya["customer_id"], filter_by="Status.PartiallyPaid")
    north = api.customer_named("Northwind Traders")
    notes = api.ok("GET", "/creditnotes", params={"customer_id": north["customer_id"]})["creditnotes"]
    assert any(n["balance"] > 0 for n in notes) and any(n["balance"] == 0 for n in notes)
    today = date.fromisoformat(api.ok("GET", f"/customers/{north['customer_id']}")["customer"]["updated_time"][:10])
    card = api.ok("GET", f"/customers/{north['customer_id']}/cards")["cards"][0]
    assert card["expiry_year"] >= today.year and card["expiry_month"] >= 1
    wolf = api.customer_named("Lone Wolf Freelance")
    assert api.ok("GET", f"/customers/{wolf['customer_id']}/cards")["cards"] == []
    acme = api.customer_named("Acme Studio")
    assert len(api.ok("GET", f"/customers/{acme['customer_id']}/contactpersons")["contact_persons"]) >= 3
    ledger = api.customer_named("Big Ledger Corp")
    assert api.ok("GET", "/invoices", params={"customer_id": ledger["customer_id"]})["page_context"]["has_more_page"]
    names = {c["display_name"] for c in customers}
    assert {"Müller & Söhne GmbH", "Αθηνά Παπαδοπούλου", "Ольга Иванова", "東京テック株式会社"} <= names


def test_card_expiring_this_month_is_this_month():
    clock = Clock()
    store = build_store("demo", clock, lambda *_: None, "http://x")
    north = next(c for c in store.customers.values() if c.display_name == "Northwind Traders")
    card = next(store.cards[i] for i in store.customer_index(north.customer_id)["cards"])
    assert (card.expiry_year, card.expiry_month) == (clock.today().year, clock.today().month)


def test_demo_is_deterministic():
    a = build_store("demo", Clock(), lambda *_: None, "http://x")
    b = build_store("demo", Clock(), lambda *_: None, "http://x")
    assert list(a.customers) == list(b.customers) and list(a.invoices) == list(b.invoices)
    assert [i.number for i in a.invoices.values()] == [i.number for i in b.invoices.values()]


def test_empty_seed_has_catalogue_only():
    store = build_store("empty", Clock(), lambda *_: None, "http://x")
    assert store.plans and store.products and not store.customers and not store.invoices


def test_large_seed_builds_ten_thousand_customers():
    started = time.perf_counter()
    store = build_store("large", Clock(), lambda *_: None, "http://x")
    elapsed = time.perf_counter() - started
    print(f"\nlarge seed: {len(store.customers)} customers, {len(store.subscriptions)} subscriptions, "
          f"{len(store.invoices)} invoices, {len(store.payments)} payments in {elapsed:.2f} s")
    assert len(store.customers) == 10_000
    assert len(store.invoices) > 10_000
    started = time.perf_counter()
    for _ in range(1000):
        store.run_due_transitions()
    print(f"1000 run_due_transitions with nothing due: {(time.perf_counter() - started) * 1000:.2f} ms")


def test_the_later_demo_customers_take_ids_and_numbers_of_their_own(api):
    """Harbour Lights Café and Seaside Yoga Studio came after the demo's ids were fixed: their ids and
    document numbers come from ranges of their own, after the demo's history."""
    def rows(path, key, **params):
        return api.ok("GET", path, params={"per_page": 200, **params})[key]

    later = {c["email"]: c for c in rows("/customers", "customers")
             if c["email"] in ("accounts@harbourlights.example", "hello@seasideyoga.example")}
    assert {c["customer_id"] for c in later.values()} == {"187955000000090001", "187955000000090016"}
    lights = later["accounts@harbourlights.example"]["customer_id"]
    invoices = rows("/invoices", "invoices", customer_id=lights)
    assert all(i["invoice_number"].startswith("INV-0100") for i in invoices)
    assert sum(1 for i in invoices if i["balance"] > 0) == 3  # the three raised by hand, still open
    yoga = later["hello@seasideyoga.example"]["customer_id"]
    (sub,) = rows("/subscriptions", "subscriptions", customer_id=yoga)
    scheduled = api.ok("GET", f"/subscriptions/{sub['subscription_id']}/scheduledchanges")["subscription"]
    assert (sub["plan_code"], scheduled["plan"]["plan_code"]) == ("business-monthly", "starter-monthly")
    people = {p["email"] for c in later.values()
              for p in api.ok("GET", f"/customers/{c['customer_id']}/contactpersons")["contact_persons"]}
    assert "jordan@ledgerlight.example" in people
