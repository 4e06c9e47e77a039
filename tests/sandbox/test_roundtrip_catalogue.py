"""The catalogue through plain HTTP: products, plans, addons and coupons created, read, listed,
updated, marked inactive and active, deleted; and what the catalogue's state does to selling."""
from __future__ import annotations

import pytest

from tests.sandbox.s2_helpers import Api


@pytest.fixture
def api(sandbox, auth):
    return Api(sandbox, auth)


def _codes(api, path: str, key: str, id_field: str, **params) -> list[str]:
    return [row[id_field] for row in api.ok("GET", path, params=params)[key]]


def test_product_round_trip(api):
    created = api.ok("POST", "/products", 201, json={"name": "Harbourline Mail", "description": "Hosted mail",
                                                      "email_ids": "ops@harbourline.example"})
    assert created["message"] == "The product has been added."
    product = created["product"]
    pid = product["product_id"]
    assert product["status"] == "active" and product["email_ids"] == "ops@harbourline.example"
    assert api.ok("GET", f"/products/{pid}")["product"] == product
    assert pid in _codes(api, "/products", "products", "product_id")
    updated = api.ok("PUT", f"/products/{pid}", json={"name": "Harbourline Mail Pro"})
    assert updated["message"] == "The product details have been updated."
    assert updated["product"]["name"] == "Harbourline Mail Pro" and updated["product"]["description"] == "Hosted mail"
    assert api.ok("POST", f"/products/{pid}/markasinactive")["message"] == "The product has been marked as inactive."
    assert pid in _codes(api, "/products", "products", "product_id", filter_by="ProductStatus.INACTIVE")
    assert pid not in _codes(api, "/products", "products", "product_id", filter_by="ProductStatus.ACTIVE")
    api.ok("POST", f"/products/{pid}/markasactive")
    assert api.ok("DELETE", f"/products/{pid}")["message"] == "The product has been deleted."
    gone = api.call("GET", f"/products/{pid}")
    assert (gone.status_code, gone.json()["code"]) == (400, 2006)
    nameless = api.call("POST", "/products", json={"description": "no name"})
    assert nameless.status_code == 400 and nameless.json()["code"] == 4


def test_plan_round_trip_and_selling_it(api):
    pid = api.ok("GET", "/products")["products"][0]["product_id"]
    created = api.ok("POST", "/plans", 201, json={
        "plan_code": "scale-monthly", "name": "Scale", "recurring_price": "149.00", "interval": 1,
        "interval_unit": "months", "product_id": pid, "trial_period": 0, "setup_fee": 25,
        "addons": [{"addon_code": "extra-storage"}]})
    assert created["message"] == "The plan has been added."
    plan = created["plan"]
    assert (plan["recurring_price"], plan["setup_fee"], plan["status"]) == (149.0, 25.0, "active")
    assert [a["addon_code"] for a in plan["addons"]] == ["extra-storage"]
    assert api.ok("GET", "/plans/scale-monthly")["plan"]["name"] == "Scale"
    assert "scale-monthly" in _codes(api, "/plans", "plans", "plan_code", product_id=pid)
    duplicate = api.call("POST", "/plans", json={"plan_code": "scale-monthly", "name": "x", "recurring_price": 1,
                                                 "interval": 1, "product_id": pid})
    assert duplicate.status_code == 400 and duplicate.json()["code"] == 1001

    updated = api.ok("PUT", "/plans/scale-monthly", json={"name": "Scale (2025)", "recurring_price": 159})
    assert updated["message"] == "The plan details have been updated."
    assert (updated["plan"]["name"], updated["plan"]["recurring_price"], updated["plan"]["setup_fee"]) == \
        ("Scale (2025)", 159.0, 25.0)

    wolf = api.customer_named("Lone Wolf Freelance")
    sub = api.ok("POST", "/subscriptions", 201, json={"customer_id": wolf["customer_id"], "auto_collect": False,
                                                       "plan": {"plan_code": "scale-monthly"}})["subscription"]
    assert sub["plan"]["price"] == 159.0 and sub["status"] == "live"
    in_use = api.call("DELETE", "/plans/scale-monthly")
    assert in_use.status_code == 400 and in_use.json()["code"] == 1003

    assert api.ok("POST", "/plans/scale-monthly/markasinactive")["message"] == "The plan has been marked as inactive."
    assert api.ok("GET", "/plans/scale-monthly")["plan"]["status"] == "inactive"
    refused = api.call("POST", "/subscriptions", json={"customer_id": wolf["customer_id"], "auto_collect": False,
                                                       "plan": {"plan_code": "scale-monthly"}})
    assert refused.status_code == 400 and refused.json()["code"] == 1003
    api.ok("POST", "/plans/scale-monthly/markasactive")

    fresh = api.ok("POST", "/plans", 201, json={"plan_code": "tmp-plan", "name": "Tmp", "recurring_price": 1,
                                                 "interval": 2, "product_id": pid})["plan"]
    assert (fresh["interval"], fresh["interval_unit"], fresh["billing_cycles"]) == (2, "months", -1)
    assert api.ok("DELETE", "/plans/tmp-plan")["message"] == "The plan has been deleted."
    assert api.call("GET", "/plans/tmp-plan").json()["code"] == 101002


@pytest.mark.parametrize("body, field", [
    ({"name": "x", "recurring_price": 1, "interval": 1}, "plan_code"),
    ({"plan_code": "p1", "recurring_price": 1, "interval": 1}, "name"),
    ({"plan_code": "p1", "name": "x", "interval": 1}, "recurring_price"),
    ({"plan_code": "p1", "name": "x", "recurring_price": -1, "interval": 1}, "recurring_price"),
    ({"plan_code": "p1", "name": "x", "recurring_price": 1, "interval": 0}, "interval"),
    ({"plan_code": "p1", "name": "x", "recurring_price": 1, "interval": 1, "interval_unit": "fortnights"}, "interval_unit"),
    ({"plan_code": "p1", "name": "x", "recurring_price": "abc", "interval": 1}, "recurring_price"),
])
def test_plan_create_refuses_a_bad_body_and_creates_nothing(reader, body, field):
    pid = reader.ok("GET", "/products")["products"][0]["product_id"]
    resp = reader.call("POST", "/plans", json={"product_id": pid, **body})
    assert resp.status_code == 400 and resp.json()["code"] == 4 and field in resp.json()["message"]
    assert reader.call("GET", "/plans/p1").json()["code"] == 101002


def test_addon_round_trip_with_volume_pricing(api):
    pid = api.ok("GET", "/products")["products"][0]["product_id"]
    created = api.ok("POST", "/addons", 201, json={
        "addon_code": "api-calls", "name": "API calls", "unit_name": "1k calls", "pricing_scheme": "volume",
        "price_brackets": [{"start_quantity": 1, "end_quantity": 10, "price": 2},
                           {"start_quantity": 11, "end_quantity": -1, "price": 1.5}],
        "type": "recurring", "interval_unit": "monthly", "product_id": pid, "applicable_to_all_plans": True})
    assert created["message"] == "The addon has been added."
    assert created["addon"]["price_brackets"] == [{"start_quantity": 1, "end_quantity": 10, "price": 2.0},
                                                  {"start_quantity": 11, "end_quantity": -1, "price": 1.5}]
    assert "api-calls" in _codes(api, "/addons", "addons", "addon_code", filter_by="AddonStatus.RECURRING")

    wolf = api.customer_named("Lone Wolf Freelance")
    sub = api.ok("POST", "/subscriptions", 201, json={
        "customer_id": wolf["customer_id"], "auto_collect": False, "plan": {"plan_code": "insights-monthly"},
        "addons": [{"addon_code": "api-calls", "quantity": 20}]})["subscription"]
    line = sub["addons"][0]
    assert (line["price"], line["quantity"], line["total"]) == (1.5, 20, 30.0)

    updated = api.ok("PUT", "/addons/api-calls", json={"name": "API calls (metered)", "type": "one_time"})
    assert updated["message"] == "The addon details have been updated."
    assert updated["addon"]["type"] == "one_time" and len(updated["addon"]["price_brackets"]) == 2
    in_use = api.call("DELETE", "/addons/api-calls")
    assert in_use.status_code == 400 and in_use.json()["code"] == 1003
    api.ok("POST", "/addons/api-calls/markasinactive")
    assert api.ok("GET", "/addons/api-calls")["addon"]["status"] == "inactive"
    not_for_sale = api.call("POST", "/subscriptions", json={
        "customer_id": wolf["customer_id"], "auto_collect": False, "plan": {"plan_code": "insights-monthly"},
        "addons": [{"addon_code": "api-calls"}]})
    assert not_for_sale.status_code == 400 and not_for_sale.json()["code"] == 1003
    api.ok("POST", "/addons/api-calls/markasactive")

    api.ok("POST", "/addons", 201, json={"addon_code": "tmp-addon", "name": "Tmp", "unit_name": "u", "product_id": pid,
                                          "price_brackets": [{"price": 3}], "applicable_to_all_plans": "false",
                                          "plans": [{"plan_code": "pro-monthly"}]})
    assert [p["plan_code"] for p in api.ok("GET", "/addons/tmp-addon")["addon"]["plans"]] == ["pro-monthly"]
    assert "tmp-addon" not in _codes(api, "/addons", "addons", "addon_code", plan_code="starter-monthly")
    assert api.ok("DELETE", "/addons/tmp-addon")["message"] == "The addon has been deleted."
    assert api.call("GET", "/addons/tmp-addon").json()["code"] == 102001


@pytest.mark.parametrize("brackets", [
    [{"start_quantity": 2, "end_quantity": -1, "price": 1}],
    [{"start_quantity": 1, "end_quantity": 5, "price": 1}, {"start_quantity": 7, "end_quantity": -1, "price": 1}],
    [{"start_quantity": 1, "end_quantity": -1, "price": 1}, {"start_quantity": 2, "end_quantity": 3, "price": 1}],
    [],
])
def test_volume_brackets_must_start_at_one_and_follow_each_other(reader, brackets):
    pid = reader.ok("GET", "/products")["products"][0]["product_id"]
    resp = reader.call("POST", "/addons", json={"addon_code": "bad-brackets", "name": "x", "unit_name": "u",
                                             "product_id": pid, "pricing_scheme": "volume", "price_brackets": brackets})
    assert resp.status_code == 400 and resp.json()["code"] == 4


def test_tier_and_package_pricing_are_refused_clearly(api):
    pid = api.ok("GET", "/products")["products"][0]["product_id"]
    resp = api.call("POST", "/addons", json={"addon_code": "tiered", "name": "x", "unit_name": "u", "product_id": pid,
                                             "pricing_scheme": "tier", "price_brackets": [{"price": 1}]})
    assert resp.status_code == 400 and "pricing_scheme" in resp.json()["message"]


def test_coupon_round_trip_status_and_applicability(api):
    pid = api.ok("GET", "/products")["products"][0]["product_id"]
    created = api.ok("POST", "/coupons", 201, json={
        "coupon_code": "PRO20", "name": "20% off Pro", "type": "duration", "duration": 2, "discount_by": "percentage",
        "discount_value": 20, "product_id": pid, "max_redemption": 1, "apply_to_plans": "select",
        "plans": [{"plan_code": "pro-monthly"}], "apply_to_addons": "none"})
    coupon = created["coupon"]
    assert created["message"] == "The coupon has been added."
    assert (coupon["status"], coupon["apply_to_plans"], [p["plan_code"] for p in coupon["plans"]]) == \
        ("active", "select", ["pro-monthly"])
    assert "PRO20" in _codes(api, "/coupons", "coupons", "coupon_code", filter_by="CouponStatus.ACTIVE")

    wolf = api.customer_named("Lone Wolf Freelance")
    wrong_plan = api.call("POST", "/subscriptions", json={"customer_id": wolf["customer_id"], "auto_collect": False,
                                                          "plan": {"plan_code": "insights-monthly"}, "coupon_code": "PRO20"})
    assert wrong_plan.status_code == 400 and wrong_plan.json()["code"] == 1003
    sub = api.ok("POST", "/subscriptions", 201, json={
        "customer_id": wolf["customer_id"], "auto_collect": False, "coupon_code": "PRO20",
        "plan": {"plan_code": "pro-monthly", "exclude_trial": True}})["subscription"]
    assert sub["coupon"]["coupon_code"] == "PRO20" and sub["coupon"]["discount_amount"] == 9.8
    maxed = api.ok("GET", "/coupons/PRO20")["coupon"]
    assert (maxed["redemption_count"], maxed["status"]) == (1, "maxed_out")
    assert "PRO20" in _codes(api, "/coupons", "coupons", "coupon_code", filter_by="CouponStatus.MAXED_OUT")

    updated = api.ok("PUT", "/coupons/PRO20", json={"name": "Pro 20", "max_redemption": 5, "expiry_at": "2099-12-31"})
    assert updated["message"] == "The coupon details have been updated."
    assert (updated["coupon"]["name"], updated["coupon"]["status"], updated["coupon"]["discount_value"]) == \
        ("Pro 20", "active", 20.0)
    api.ok("POST", "/coupons/PRO20/markasinactive")
    assert api.ok("GET", "/coupons/PRO20")["coupon"]["status"] == "inactive"
    in_use = api.call("DELETE", "/coupons/PRO20")
    assert in_use.status_code == 400 and in_use.json()["code"] == 1003
    api.ok("POST", "/coupons/PRO20/markasactive")

    api.ok("POST", "/coupons", 201, json={"coupon_code": "TMP5", "name": "Tmp", "type": "forever",
                                           "discount_by": "flat", "discount_value": "5", "product_id": pid})
    assert api.ok("DELETE", "/coupons/TMP5")["message"] == "The coupon has been deleted."
    assert api.call("GET", "/coupons/TMP5").json()["code"] == 103001
    expired = api.ok("GET", "/coupons/LAUNCH50")["coupon"]
    assert expired["status"] == "expired"


def test_items_in_use_keep_their_product(api):
    product = api.ok("GET", "/products")["products"][0]
    resp = api.call("DELETE", f"/products/{product['product_id']}")
    assert resp.status_code == 400 and resp.json()["code"] == 1003
    unknown = api.call("POST", "/plans", json={"plan_code": "orphan", "name": "x", "recurring_price": 1, "interval": 1,
                                               "product_id": "187955000000000000"})
    assert (unknown.status_code, unknown.json()["code"]) == (400, 2006)


def test_price_lists_name_what_customers_in_their_currency_are_billed(api):
    """Zoho's price lists (``/pricebooks``): one per currency the catalogue is priced in besides the
    base currency; a customer billed in it names it (``pricebook_id``), and a subscription created for
    that customer is billed at the list's rates for its plan and addons."""
    lists = api.ok("GET", "/pricebooks")["pricebooks"]
    by_currency = {row["currency_code"]: row for row in lists}
    assert set(by_currency) == {"EUR", "INR"}
    assert all("pricebook_items" not in row and row["pricebook_type"] == "per_item" for row in lists)
    eur = api.ok("GET", f"/pricebooks/{by_currency['EUR']['pricebook_id']}")["pricebook"]
    rates = {item["product_code"]: item["pricebook_rate"] for item in eur["pricebook_items"]}
    assert rates["business-monthly"] == 92.0 and rates["extra-storage"] == 5.0
    missing = api.call("GET", "/pricebooks/187955000000040097")  # the base currency has no list
    assert (missing.status_code, missing.json()["code"]) == (404, 1002)

    customer = api.ok("POST", "/customers", 201, json={"display_name": "Liste GmbH", "email": "liste@example.com",
                                                       "currency_code": "EUR"})["customer"]
    assert customer["pricebook_id"] == eur["pricebook_id"]
    sub = api.ok("POST", "/subscriptions", 201, json={
        "customer_id": customer["customer_id"], "plan": {"plan_code": "business-monthly", "exclude_trial": True},
        "addons": [{"addon_code": "extra-storage", "quantity": 3}], "auto_collect": False})["subscription"]
    assert (sub["plan"]["price"], sub["addons"][0]["price"]) == (rates["business-monthly"], rates["extra-storage"])
    usd = api.ok("GET", "/customers/187955000000050008")["customer"]
    assert usd["currency_code"] == "USD" and usd["pricebook_id"] == ""
