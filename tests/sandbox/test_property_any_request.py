"""Whatever a client sends, the sandbox answers like Zoho: random methods, paths (documented ones with
real and junk ids, and made-up ones), headers and bodies (JSON built from the field names of Zoho's
request schemas, raw bytes, form fields) never get a 500, an HTML page or a body that is not Zoho's
JSON envelope. Examples are derived deterministically (``derandomize``): every run sends the same
requests, so the test cannot flake, and a failure names the request that broke the sandbox."""
from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sandbox import openapi

JSON_TYPE = "application/json;charset=UTF-8"
PDF_TYPE = "application/pdf;charset=UTF-8"
PREFIXES = ("/billing/v1", "/subscriptions/v1", "/api/v1")
JUNK_IDS = ("0", "-1", "abc", "1e999", "null", "%20", "%ff", "ünï", "x" * 300, "..", "187955000000000000")
QUERY_NAMES = ("filter_by", "page", "per_page", "sort_column", "sort_order", "customer_id", "subscription_id",
               "cancel_at_end", "send", "ignore_auto_number_generation", "accept", "JSONString", "search_text",
               "reference_id_type", "date_start", "organization_id", "plan_code", "product_id")
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(
        ["", "true", "false", "TRUE", "1", "-1", "0.001", "1e999", "12.50", "2016-06-05", "2099-13-45", "abc",
         "USD", "eur", "monthly", "volume", "percentage", "cash", "autotransaction", "%", "10%"]),
    st.text(max_size=12))


# Nearly valid bodies of the sandbox's writes: one value replaced by a random one reaches the checks
# deep inside a handler instead of its first "missing field". "{id}" becomes a real id of the seed.
SAMPLES = (
    {"customer_id": "{id}", "plan": {"plan_code": "pro-monthly", "quantity": 2, "exclude_trial": True},
     "addons": [{"addon_code": "extra-storage", "quantity": 1}], "auto_collect": False, "coupon_code": "FLAT5"},
    {"customer_id": "{id}", "invoice_items": [{"name": "Work", "price": 10, "quantity": 1, "discount": "5%"}],
     "date": "2026-01-05", "payment_terms": 15},
    {"customer_id": "{id}", "payment_mode": "cash", "amount": 5, "invoices": [{"invoice_id": "{id}",
                                                                              "amount_applied": 1}]},
    {"display_name": "Fuzz Co", "email": "f@fuzz.example", "currency_code": "USD",
     "billing_address": {"street": "1 Main St", "country": "Australia"}, "custom_fields": [{"index": 1, "value": "x"}]},
    {"plan_code": "fuzz-plan", "name": "Fuzz", "recurring_price": 1, "interval": 1, "product_id": "{id}",
     "addons": [{"addon_code": "extra-storage"}]},
    {"addon_code": "fuzz-addon", "name": "Fuzz", "unit_name": "u", "product_id": "{id}", "pricing_scheme": "volume",
     "price_brackets": [{"start_quantity": 1, "end_quantity": 5, "price": 2}, {"start_quantity": 6, "end_quantity": -1,
                                                                                "price": 1}]},
    {"coupon_code": "FUZZ", "name": "Fuzz", "type": "duration", "duration": 2, "discount_by": "percentage",
     "discount_value": 10, "product_id": "{id}", "apply_to_plans": "select", "plans": [{"plan_code": "pro-monthly"}]},
    {"customer_id": "{id}", "creditnote_items": [{"code": "x", "price": 3, "quantity": 1}]},
    {"amount": 1, "description": "Fuzz"},
    {"renewal_at": "2099-01-01", "card_id": "{id}", "auto_collect": True, "reference_id": "R"},
    {"custom_fields": [{"label": "A", "value": "B"}], "description": "D", "salesperson_name": "S"},
    {"apply_creditnotes": [{"creditnote_id": "{id}", "amount_applied": 1}],
     "invoices": [{"invoice_id": "{id}", "amount_applied": 1}], "contactpersons": [{"contactperson_id": "{id}"}]},
    {"subscription_id": "{id}", "invoice_id": "{id}", "plan": {"plan_code": "starter-monthly"},
     "addons": [{"addon_code": "onboarding"}], "redirect_url": "https://x.example/"},
)


def _filled(node, draw, ids):
    if isinstance(node, dict):
        return {k: _filled(v, draw, ids) for k, v in node.items()}
    if isinstance(node, list):
        return [_filled(v, draw, ids) for v in node]
    return draw(st.sampled_from(ids)) if node == "{id}" else node


def _mutated(draw, ids, values):
    """A sample body, ids filled in, with one value (at any depth) replaced or removed."""
    body = _filled(draw(st.sampled_from(SAMPLES)), draw, ids)
    holder, key = body, draw(st.sampled_from(sorted(body)))
    while isinstance(holder[key], (dict, list)) and holder[key] and draw(st.booleans()):
        holder = holder[key]
        key = draw(st.sampled_from(sorted(holder))) if isinstance(holder, dict) else draw(
            st.integers(0, len(holder) - 1))
    if isinstance(holder, dict) and draw(st.booleans()):
        del holder[key]
    else:
        holder[key] = draw(values)
    return body


def _request_field_names() -> list[str]:
    names: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            names.update(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for file in openapi.files():
        for name, schema in openapi.load(file)["components"]["schemas"].items():
            if name.endswith("-request"):
                walk(schema)
    return sorted(names)


def _ids(api_get) -> list[str]:
    """Real ids and codes of the demo seed, so random requests reach deep into the handlers."""
    ids: set[str] = set()
    for path, key, field in (("/customers", "customers", "customer_id"), ("/invoices", "invoices", "invoice_id"),
                             ("/subscriptions?filter_by=SubscriptionStatus.All", "subscriptions", "subscription_id"),
                             ("/payments", "payments", "payment_id"), ("/creditnotes", "creditnotes", "creditnote_id"),
                             ("/plans", "plans", "plan_code"), ("/addons", "addons", "addon_code"),
                             ("/coupons", "coupons", "coupon_code"), ("/products", "products", "product_id")):
        ids.update(row[field] for row in api_get(path)[key][:8])
    customer = api_get("/customers")["customers"][0]["customer_id"]
    ids.update(c["card_id"] for c in api_get(f"/customers/{customer}/cards")["cards"])
    ids.update(p["contactperson_id"] for p in api_get(f"/customers/{customer}/contactpersons")["contact_persons"])
    return sorted(ids)


def _requests(token: str, ids: list[str], field_names: list[str]):
    id_or_junk = st.sampled_from(ids) | st.sampled_from(JUNK_IDS) | st.text(min_size=1, max_size=8)
    operations = sorted({(method, path) for _, method, path in openapi.operations()})

    @st.composite
    def documented(draw):
        """Mostly a documented operation's own method; sometimes another one."""
        method, template = draw(st.sampled_from(operations))
        if draw(st.integers(0, 5)) == 0:
            method = draw(st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]))
        return method, re.sub(r"\{[^}]+\}", lambda _: draw(id_or_junk), template)

    made_up = st.tuples(st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]), st.lists(
        st.sampled_from(["customers", "invoices", "x", "", "status", "sent", "v1", "..", "%2F"]) | id_or_junk,
        max_size=5).map(lambda parts: "/" + "/".join(parts)))
    target = st.builds(lambda prefix, op, doubled, slash: (op[0], (prefix + op[1]).replace("/", "//", doubled) + slash),
                       st.sampled_from(PREFIXES), documented() | documented() | documented() | made_up,
                       st.integers(0, 1), st.sampled_from(["", "", "/"]))
    fields = st.sampled_from(field_names)
    values = st.recursive(SCALARS, lambda children: st.lists(children, max_size=3) |
                          st.dictionaries(fields, children, max_size=4), max_leaves=12)
    obj = st.dictionaries(fields, values, max_size=8)
    nearly_valid = st.composite(lambda draw: _mutated(draw, ids, values))()
    body = st.one_of(
        obj.map(lambda o: ("json", json.dumps(o).encode())),
        nearly_valid.map(lambda o: ("json", json.dumps(o).encode())),
        nearly_valid.map(lambda o: ("json", json.dumps(o).encode())),
        st.sampled_from([b"null", b"", b"[]", b'"x"', b"{", b"NaN", b"\xff\xfe"]).map(lambda b: ("json", b)),
        st.binary(max_size=64).map(lambda b: ("octet", b)),
        obj.map(lambda o: ("form", "JSONString=" + json.dumps(o))),
        st.just(("multipart", b"--xx\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"a.pdf\"\r\n\r\n%PDF\r\n--xx--\r\n")),
        st.just(("multipart", b"not really multipart")))
    content_types = {"json": "application/json", "octet": "application/octet-stream",
                     "form": "application/x-www-form-urlencoded", "multipart": "multipart/form-data; boundary=xx"}
    # Mostly valid, so that most requests get past authentication into the handlers.
    auth = st.sampled_from([f"Zoho-oauthtoken {token}"] * 4 + [f"bearer {token}", f"BEARER  {token}",
                            "Zoho-oauthtoken", "Basic abc", "", f"Zoho-oauthtoken {token}x"])
    query = st.dictionaries(st.sampled_from(QUERY_NAMES), st.text(max_size=10) | st.sampled_from(
        ["pdf", "Status.All", "0", "-5", "abc", "true", "SubscriptionStatus.All", "A", "D", "zcrm_contact_id"]),
        max_size=3)
    return st.fixed_dictionaries({
        "target": target, "query": query, "body": body, "auth": auth,
        "org": st.sampled_from([None, "10234695", "10234695", "10234695", "999", ""]),
        "accept": st.sampled_from([None, "application/json", "application/pdf", "*/*"]),
    }).map(lambda r: {**r, "method": r["target"][0], "path": r["target"][1],
                      "content_type": content_types[r["body"][0]]})


def test_any_request_gets_a_zoho_shaped_answer(sandbox, http):
    token = sandbox.access_token()
    headers = sandbox.auth_headers(token)
    ids = _ids(lambda path: http.get(sandbox.api_base + path, headers=headers, timeout=30).json())
    strategy = _requests(token, ids, _request_field_names())

    @settings(max_examples=300, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(strategy)
    def answers_like_zoho(r):
        sent = {"Content-Type": r["content_type"]}
        if r["auth"]:
            sent["Authorization"] = r["auth"]
        if r["org"] is not None:
            sent["X-com-zoho-subscriptions-organizationid"] = r["org"]
        if r["accept"] is not None:
            sent["Accept"] = r["accept"]
        resp = http.request(r["method"], sandbox.base_url + r["path"], params=r["query"], data=r["body"][1],
                            headers=sent, timeout=30)
        where = f"{r['method']} {r['path']} {r['query']} {r['body']}"
        assert resp.status_code < 500, f"{where} -> {resp.status_code} {resp.text[:300]}"
        if resp.headers.get("Content-Type") == PDF_TYPE:
            assert resp.status_code == 200 and resp.content.startswith(b"%PDF"), where
            return
        assert resp.headers.get("Content-Type") == JSON_TYPE, f"{where} -> {resp.headers.get('Content-Type')}"
        body = resp.json()
        assert isinstance(body, dict) and isinstance(body.get("code"), int) and isinstance(body.get("message"), str), \
            f"{where} -> {body}"
        assert (body["code"] == 0) == (resp.status_code in (200, 201)), f"{where} -> {resp.status_code} {body}"

    answers_like_zoho()
