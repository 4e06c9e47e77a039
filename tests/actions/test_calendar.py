""""Today" is the organization's calendar day (Perth, eight hours ahead of UTC), not the server's: it
decides the default statement and download ranges, the trial days left, how far a due date is, and
the days a plan change prorates. Each test runs at a moment when Perth's date is already a day ahead
of UTC's, the portal's clock and the sandbox's moved there together, so a "today" taken from UTC would
be a day behind and every figure below one off."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from tests.support.demo import ACME, FRESH, LONE_WOLF
from tests.support.forms import csrf_of, text_of

UTC_WINDOW = (16, 22)  # UTC hours when Perth (UTC+8) is on the next day, with hours to spare either side


def _zoho_now(sandbox) -> datetime:
    return datetime.strptime(sandbox.control("GET", "clock")["now"], "%Y-%m-%dT%H:%M:%S%z")


@pytest.fixture
def perth_portal(make_app, sandbox):
    """``(app, today)``: an app whose clock is the sandbox's, both at a moment when the organization's
    date (``today``) is a day ahead of UTC's. The sandbox's clock only moves forward: to the next
    17:00 UTC unless it is already inside the window."""
    app = make_app()
    utc = _zoho_now(sandbox).astimezone(timezone.utc)
    if not UTC_WINDOW[0] <= utc.hour < UTC_WINDOW[1]:
        target = utc.replace(hour=17, minute=0, second=0, microsecond=0)
        if target <= utc:
            target += timedelta(days=1)
        sandbox.advance_clock(seconds=(target - utc).total_seconds())
    offset = timedelta(seconds=sandbox.control("GET", "clock")["offset_seconds"])
    app.extensions["clock"] = lambda: datetime.now(timezone.utc) + offset
    now = _zoho_now(sandbox)
    assert now.date() == now.astimezone(timezone.utc).date() + timedelta(days=1), "Perth is a day ahead of UTC"
    return app, now.date()  # the next test's ``sandbox`` puts the clock back


def test_trial_days_left_count_the_organizations_days(perth_portal, sandbox_api, signed_in):
    app, today = perth_portal
    trial = sandbox_api.subscription(sandbox_api.first_subscription(FRESH, "trial"))
    days = (date.fromisoformat(trial["trial_ends_at"]) - today).days
    home = text_of(signed_in(FRESH, client_app=app).get("/"))
    assert f"trial ends in {days} days" in home
    page = text_of(signed_in(FRESH, client_app=app).get(f"/subscriptions/{trial['subscription_id']}"))
    assert f"Trial — {days} days left" in page


def test_how_far_a_due_date_is_counts_the_organizations_days(perth_portal, sandbox_api, signed_in):
    app, today = perth_portal
    customer_id = sandbox_api.customer_id(LONE_WOLF)
    (open_invoice,) = [i for i in sandbox_api.get("/invoices", customer_id=customer_id)["invoices"] if i["balance"] > 0]
    days = (date.fromisoformat(open_invoice["due_date"]) - today).days
    assert days > 1
    assert f"(due in {days} days)" in text_of(signed_in(LONE_WOLF, client_app=app).get("/"))


def test_an_upgrade_today_prorates_the_organizations_days_and_its_invoice_is_in_the_default_ranges(
        perth_portal, sandbox_api, signed_in):
    app, today = perth_portal
    client = signed_in(ACME, client_app=app)
    sid = sandbox_api.first_subscription(ACME, "live")
    choice = {"plan_code": "business-monthly", "quantity": "1", "addon__extra-storage": "2"}
    preview = client.get(f"/subscriptions/{sid}/change-plan", query_string={"preview": "1", **choice})
    shown = re.search(r'data-testid="invoice-now">[^0-9]*([0-9.,]+)<', preview.get_data(as_text=True)).group(1)
    customer_id = sandbox_api.customer_id(ACME)
    before = {row["invoice_id"] for row in sandbox_api.get("/invoices", customer_id=customer_id)["invoices"]}
    confirmed = client.post(f"/subscriptions/{sid}/change-plan",
                            data={**choice, "csrf_token": csrf_of(preview.get_data(as_text=True))})
    assert confirmed.status_code == 303
    (new,) = [row for row in sandbox_api.get("/invoices", customer_id=customer_id)["invoices"]
              if row["invoice_id"] not in before]
    assert new["invoice_date"] == today.isoformat()
    assert Decimal(str(new["total"])) == Decimal(shown.replace(",", ""))

    statement = client.get("/statement")
    assert f'value="{today.isoformat()}"' in statement.get_data(as_text=True)  # the default range ends today
    assert new["invoice_number"] in text_of(statement)
    invoices = client.get("/invoices").get_data(as_text=True)
    assert f'id="range-end" name="end" type="date" value="{today.isoformat()}"' in invoices
