"""Change plan with a preview (an estimate, said so), upgrades now, downgrades at the end of the term,
and the scheduled change shown until it happens; ownership, ignored fields and Zoho failing midway."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.support.audit import audit_events
from tests.support.demo import ACME, OLGA
from tests.support.forms import csrf_of, post_form


def _preview(client, sid, **choice):
    return client.get(f"/subscriptions/{sid}/change-plan", query_string={"preview": "1", **choice})


def test_upgrade_preview_is_an_estimate_then_applies_now(make_app, sandbox_api, signed_in):
    app = make_app()
    client = signed_in(ACME, client_app=app)
    sid = sandbox_api.first_subscription(ACME)
    assert "Pro" in client.get(f"/subscriptions/{sid}").get_data(as_text=True)  # warm the cache

    preview = _preview(client, sid, plan_code="business-monthly", quantity="1", **{"addon__extra-storage": "2"})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Due today" in html and "Charge for the new plan" in html and "Next bill" in html
    assert "takes effect as soon as you confirm" in html

    response = client.post(f"/subscriptions/{sid}/change-plan", data={
        "csrf_token": csrf_of(html), "plan_code": "business-monthly", "quantity": "1", "addon__extra-storage": "2",
        "price": "1.00", "customer_id": sandbox_api.customer_id(OLGA), "status": "cancelled"})
    assert response.status_code == 303
    now = sandbox_api.subscription(sid)
    assert (now["plan"]["plan_code"], now["status"]) == ("business-monthly", "live")
    assert now["plan"]["price"] != 1.0 and now["customer_id"] == sandbox_api.customer_id(ACME)
    page = client.get(f"/subscriptions/{sid}").get_data(as_text=True)
    assert "Business" in page  # the cached subscription was dropped
    details = audit_events(app, "write.change_plan")[-1].details
    assert (details["outcome"], details["timing"], details["plan_code"]) == ("succeeded", "now", "business-monthly")


def test_a_downgrade_waits_for_the_end_of_the_term_and_is_shown_until_then(make_app, sandbox_api, sandbox, signed_in):
    app = make_app()
    client = signed_in(ACME, client_app=app)
    sid = sandbox_api.first_subscription(ACME)
    html = _preview(client, sid, plan_code="starter-monthly", quantity="1").get_data(as_text=True)
    assert "at the end of your current term" in html and "Schedule the change" in html
    response = client.post(f"/subscriptions/{sid}/change-plan", data={
        "csrf_token": csrf_of(html), "plan_code": "starter-monthly", "quantity": "1"})
    assert response.status_code == 303
    assert sandbox_api.subscription(sid)["plan"]["plan_code"] == "pro-monthly"  # not yet
    scheduled = sandbox_api.get(f"/subscriptions/{sid}/scheduledchanges")["subscription"]
    assert scheduled["plan"]["plan_code"] == "starter-monthly"
    assert "Plan changes from Pro to Starter" in client.get(f"/subscriptions/{sid}").get_data(as_text=True)


def test_downgrades_apply_now_when_the_company_says_so(make_app, sandbox_api, signed_in):
    app = make_app(DOWNGRADE_AT_END_OF_TERM=False)
    client = signed_in(ACME, client_app=app)
    sid = sandbox_api.first_subscription(ACME)
    html = _preview(client, sid, plan_code="starter-monthly", quantity="1").get_data(as_text=True)
    assert "Credit for the unused part of this term" in html
    client.post(f"/subscriptions/{sid}/change-plan", data={"csrf_token": csrf_of(html),
                                                          "plan_code": "starter-monthly", "quantity": "1"})
    assert sandbox_api.subscription(sid)["plan"]["plan_code"] == "starter-monthly"


def test_someone_elses_subscription_is_a_404_and_never_reaches_zoho(make_app, sandbox_api, sandbox, signed_in):
    app = make_app()
    acme_sub = sandbox_api.first_subscription(ACME)
    olga = signed_in(OLGA, client_app=app)
    token = csrf_of(olga.get("/profile").get_data(as_text=True))
    sandbox.clear_calls()
    assert olga.get(f"/subscriptions/{acme_sub}/change-plan").status_code == 404
    assert _preview(olga, acme_sub, plan_code="business-monthly", quantity="1").status_code == 404
    posted = olga.post(f"/subscriptions/{acme_sub}/change-plan",
                       data={"csrf_token": token, "plan_code": "business-monthly", "quantity": "1"})
    assert posted.status_code == 404
    assert not [c for c in sandbox.calls()["calls"] if acme_sub in c["path"] + c["query_string"]]
    assert sandbox_api.subscription(acme_sub)["plan"]["plan_code"] == "pro-monthly"


def test_zoho_failing_at_confirm_changes_nothing(make_app, sandbox_api, sandbox, signed_in):
    app = make_app()
    client = signed_in(ACME, client_app=app)
    sid = sandbox_api.first_subscription(ACME)
    html = _preview(client, sid, plan_code="business-monthly", quantity="1").get_data(as_text=True)
    sandbox.add_fault(path=f"/billing/v1/subscriptions/{sid}", method="PUT", kind="status", status=503, count=-1)
    response = client.post(f"/subscriptions/{sid}/change-plan", data={
        "csrf_token": csrf_of(html), "plan_code": "business-monthly", "quantity": "1"})
    assert response.status_code == 303
    sandbox.clear_faults()
    assert "nothing was changed" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert sandbox_api.subscription(sid)["plan"]["plan_code"] == "pro-monthly"
    assert audit_events(app, "write.change_plan")[-1].details["outcome"] == "zoho_unavailable"


def test_a_plan_outside_the_offer_is_refused(make_app, sandbox_api, signed_in):
    app = make_app(PORTAL_PLAN_CODES="starter-monthly,pro-monthly,business-monthly")
    client = signed_in(ACME, client_app=app)
    sid = sandbox_api.first_subscription(ACME)
    assert _preview(client, sid, plan_code="pro-yearly", quantity="1").status_code == 422
    token = csrf_of(client.get(f"/subscriptions/{sid}/change-plan").get_data(as_text=True))
    assert client.post(f"/subscriptions/{sid}/change-plan", data={
        "csrf_token": token, "plan_code": "legacy-basic", "quantity": "1"}).status_code == 422
    assert sandbox_api.subscription(sid)["plan"]["plan_code"] == "pro-monthly"


# -- the estimate itself ------------------------------------------------------------------------


def _sub(**over):
    from zoho_client.models import Subscription

    data = {"subscription_id": "1", "status": "live", "currency_code": "USD", "amount": 30.0, "interval": 1,
            "interval_unit": "months", "current_term_starts_at": "2026-11-01", "current_term_ends_at": "2026-12-01",
            "next_billing_at": "2026-12-01", "plan": {"plan_code": "a", "name": "A", "price": 30.0, "quantity": 1},
            "addons": []}
    data.update(over)
    return Subscription.from_api(data)


def _plan(code, price, unit="months"):
    from zoho_client.models import Plan

    return Plan.from_api({"plan_code": code, "name": code.upper(), "recurring_price": price, "interval": 1,
                          "interval_unit": unit})


def _estimate(sub, plan, quantity=1, currency="USD", price_list=None, **options):
    from services.catalog import CustomerPrices
    from services.plan_preview import Selection, estimate

    settings = dict(current_plan=_plan("a", 30), prices=CustomerPrices(currency, "USD", price_list), addons={},
                    coupon=None, customer_tax=None, unused_credits=None, today=date(2026, 11, 16),
                    downgrade_at_end_of_term=True)
    settings.update(options)
    return estimate(sub, plan, Selection(plan.plan_code, quantity, ()), **settings)


def test_estimate_prorates_by_days_left():
    preview = _estimate(_sub(), _plan("b", 60))
    assert (preview.direction, preview.timing) == ("upgrade", "now")
    assert preview.credit_now.amount == Decimal("15.00")  # 15 of 30 days of 30.00
    assert preview.invoice_now.amount == Decimal("30.00")  # 15 of 30 days of 60.00
    assert preview.due_now.amount == Decimal("15.00") and preview.next_billing_on == date(2026, 12, 1)


def test_estimate_of_a_downgrade_charges_nothing_now_and_a_new_interval_starts_today():
    down = _estimate(_sub(), _plan("c", 10))
    assert (down.timing, down.invoice_now.amount, down.effective_on) == ("end_of_term", 0, date(2026, 12, 1))
    yearly = _estimate(_sub(), _plan("y", 300, "years"))
    assert yearly.invoice_now.amount == Decimal("300.00") and yearly.next_billing_on == date(2027, 11, 16)


def test_a_credit_larger_than_the_charge_stays_on_the_account():
    down = _estimate(_sub(), _plan("c", 10), downgrade_at_end_of_term=False)
    assert (down.invoice_now.amount, down.credit_now.amount) == (Decimal("5.00"), Decimal("15.00"))
    assert down.due_now.amount == 0 and down.credit_left.amount == Decimal("10.00")


def test_estimate_says_when_it_cannot_price_another_currency():
    preview = _estimate(_sub(currency_code="EUR"), _plan("b", 60), currency="EUR")
    assert preview.new_amount is None and preview.invoice_now is None and preview.direction == "upgrade"
    assert any("in EUR" in note for note in preview.notes)


def test_estimate_prices_another_currency_from_its_price_list():
    from zoho_client.models import PriceBook

    book = PriceBook.from_api({"pricebook_id": "9", "currency_code": "EUR", "pricebook_type": "per_item",
                               "pricebook_items": [{"product_code": "b", "pricebook_rate": 55}]})
    preview = _estimate(_sub(currency_code="EUR"), _plan("b", 60), currency="EUR", price_list=book)
    assert preview.new_amount.amount == Decimal("55.00") and preview.new_amount.currency == "EUR"
    assert preview.invoice_now.amount == Decimal("27.50")
