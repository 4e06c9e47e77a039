"""Exact failure modes of the request funnel against a scripted transport."""
import logging

import pytest
import requests

from zoho_client import (
    ZohoBadResponse, ZohoConnectionError, ZohoForbidden, ZohoNotFound, ZohoOutcomeUnknown, ZohoTimeout,
    ZohoUnavailable, ZohoValidationError,
)

from .fakes import API, JSON_TYPE, Reply, connection_refused, connection_reset, json_reply, ok

CUSTOMER = {"customer_id": "1", "display_name": "Acme", "currency_code": "USD"}
GET_URL = API + "/customers/1"


def test_success_sends_auth_and_org_headers_and_explicit_timeouts(scripted_zoho, adapter):
    adapter.add("GET", GET_URL, ok(customer=CUSTOMER))
    assert scripted_zoho.customers.get("1").display_name == "Acme"
    seen = adapter.calls("GET")[0]
    assert seen.headers["Authorization"] == "Zoho-oauthtoken 1000.access.one"
    assert seen.headers["X-com-zoho-subscriptions-organizationid"] == "10234695"
    assert seen.timeout == (3.05, 10.0)
    assert "access" not in "".join(f"{k}={v}" for k, v in seen.query.items())


def test_connection_reset_on_get_is_retried_then_succeeds(scripted_zoho, adapter, clock):
    adapter.add("GET", GET_URL, connection_reset(), ok(customer=CUSTOMER))
    assert scripted_zoho.customers.get("1").customer_id == "1"
    assert len(adapter.calls("GET")) == 2
    assert len(clock.sleeps) == 1 and 0 < clock.sleeps[0] <= scripted_zoho.config.backoff_cap


def test_connection_reset_every_time_raises_after_max_retries(scripted_zoho, adapter, clock):
    adapter.add("GET", GET_URL, sticky=connection_reset())
    with pytest.raises(ZohoConnectionError):
        scripted_zoho.customers.get("1")
    assert len(adapter.calls("GET")) == 1 + scripted_zoho.config.max_retries
    assert all(s <= scripted_zoho.config.backoff_cap for s in clock.sleeps)


def test_backoff_grows_and_is_capped(make_scripted_zoho, adapter, clock):
    from .fakes import ACCOUNTS, token_reply
    adapter.add("POST", ACCOUNTS + "/oauth/v2/token", token_reply())
    client = make_scripted_zoho(max_retries=5, backoff_base=1.0, backoff_cap=2.0, total_deadline=60, breaker_threshold=10)
    adapter.add("GET", GET_URL, sticky=connection_reset())
    with pytest.raises(ZohoConnectionError):
        client.customers.get("1")
    # jitter fixed at 0.5 → 3/4 of each capped step: 1→0.75, 2→1.5, then capped at 2 → 1.5
    assert clock.sleeps == [0.75, 1.5, 1.5, 1.5, 1.5]


def test_read_timeout_raises_zoho_timeout(scripted_zoho, adapter):
    adapter.add("GET", GET_URL, sticky=requests.ReadTimeout("read timed out"))
    with pytest.raises(ZohoTimeout):
        scripted_zoho.customers.get("1")
    assert len(adapter.calls("GET")) == 3


def test_truncated_body_raises_bad_response(scripted_zoho, adapter):
    truncated = Reply(200, b'{"code": 0, "customer": {"custo', {"Content-Type": JSON_TYPE}, content_length=4000)
    adapter.add("GET", GET_URL, sticky=truncated)
    with pytest.raises(ZohoBadResponse, match="truncated"):
        scripted_zoho.customers.get("1")


def test_non_json_body_raises_bad_response_without_retry(scripted_zoho, adapter):
    adapter.add("GET", GET_URL, Reply(200, b"<html>login</html>", {"Content-Type": "text/html"}))
    with pytest.raises(ZohoBadResponse, match="instead of JSON"):
        scripted_zoho.customers.get("1")
    assert len(adapter.calls("GET")) == 1


def test_invalid_json_with_json_content_type_raises_bad_response(scripted_zoho, adapter):
    adapter.add("GET", GET_URL, Reply(200, b'{"code": 0, "customer": ', {"Content-Type": JSON_TYPE}))
    with pytest.raises(ZohoBadResponse, match="not valid JSON"):
        scripted_zoho.customers.get("1")


def test_missing_code_or_missing_key_raises_bad_response(scripted_zoho, adapter):
    adapter.add("GET", GET_URL, json_reply({"customer": CUSTOMER}), json_reply({"code": 0, "message": "success"}))
    with pytest.raises(ZohoBadResponse, match="integer 'code'"):
        scripted_zoho.customers.get("1")
    with pytest.raises(ZohoBadResponse, match="no 'customer'"):
        scripted_zoho.customers.get("1")


def test_html_503_is_unavailable_and_retried(scripted_zoho, adapter):
    html = Reply(503, b"<html><body>Service Unavailable</body></html>", {"Content-Type": "text/html"})
    adapter.add("GET", GET_URL, sticky=html)
    with pytest.raises(ZohoUnavailable) as info:
        scripted_zoho.customers.get("1")
    assert info.value.status == 503 and "Service Unavailable" in info.value.body_excerpt
    assert len(adapter.calls("GET")) == 3


def test_5xx_then_success(scripted_zoho, adapter):
    adapter.add("GET", GET_URL, json_reply({"code": 1000, "message": "Internal error"}, 500), ok(customer=CUSTOMER))
    assert scripted_zoho.customers.get("1").customer_id == "1"


def test_200_with_nonzero_code_raises(scripted_zoho, adapter):
    adapter.add("GET", GET_URL, json_reply({"code": 2, "message": "Invalid value passed for filter_by"}))
    with pytest.raises(ZohoValidationError) as info:
        scripted_zoho.customers.get("1")
    assert info.value.code == 2 and info.value.message == "Invalid value passed for filter_by"
    assert len(adapter.calls("GET")) == 1


@pytest.mark.parametrize("status,code", [(400, 3004), (400, 101002), (400, 102001), (400, 2006), (404, 1002), (404, 5)])
def test_not_found_quirks(scripted_zoho, adapter, status, code):
    adapter.add("GET", GET_URL, json_reply({"code": code, "message": "does not exist"}, status))
    with pytest.raises(ZohoNotFound) as info:
        scripted_zoho.customers.get("1")
    assert (info.value.status, info.value.code) == (status, code)
    assert len(adapter.calls("GET")) == 1  # 4xx are never retried


def test_forbidden_and_validation(scripted_zoho, adapter):
    adapter.add("GET", GET_URL, json_reply({"code": 57, "message": "no permission"}, 403),
                json_reply({"code": 1038, "message": "JSON is not well formed"}, 400))
    with pytest.raises(ZohoForbidden):
        scripted_zoho.customers.get("1")
    with pytest.raises(ZohoValidationError) as info:
        scripted_zoho.customers.get("1")
    assert info.value.code == 1038


COLLECT = API + "/invoices/9/collect"


def test_post_reset_after_sending_is_outcome_unknown_and_not_retried(scripted_zoho, adapter):
    adapter.add("POST", COLLECT, sticky=connection_reset())
    with pytest.raises(ZohoOutcomeUnknown):
        scripted_zoho.invoices.collect("9", "card-1")
    assert len(adapter.calls("POST", "/collect")) == 1


def test_post_read_timeout_is_outcome_unknown(scripted_zoho, adapter):
    adapter.add("POST", COLLECT, sticky=requests.ReadTimeout("read timed out"))
    with pytest.raises(ZohoOutcomeUnknown):
        scripted_zoho.invoices.collect("9", "card-1")
    assert len(adapter.calls("POST", "/collect")) == 1


def test_post_connection_refused_is_a_plain_connection_error(scripted_zoho, adapter):
    adapter.add("POST", COLLECT, sticky=connection_refused())
    with pytest.raises(ZohoConnectionError) as info:
        scripted_zoho.invoices.collect("9", "card-1")
    assert not isinstance(info.value, ZohoOutcomeUnknown)
    assert len(adapter.calls("POST", "/collect")) == 1


@pytest.mark.parametrize("status,expected", [(500, ZohoUnavailable), (503, ZohoUnavailable), (502, ZohoOutcomeUnknown),
                                             (504, ZohoOutcomeUnknown)])
def test_post_5xx_is_never_retried(scripted_zoho, adapter, status, expected):
    adapter.add("POST", COLLECT, sticky=json_reply({"code": 1000, "message": "error"}, status))
    with pytest.raises(expected):
        scripted_zoho.invoices.collect("9", "card-1")
    assert len(adapter.calls("POST", "/collect")) == 1


def test_post_429_is_not_retried(scripted_zoho, adapter, clock):
    from zoho_client import ZohoRateLimited
    adapter.add("POST", COLLECT, sticky=json_reply({"code": 44, "message": "limit"}, 429, **{"Retry-After": "1"}))
    with pytest.raises(ZohoRateLimited):
        scripted_zoho.invoices.collect("9", "card-1")
    assert len(adapter.calls("POST", "/collect")) == 1 and clock.sleeps == []


def test_total_deadline_bounds_a_slow_zoho(scripted_zoho, adapter, clock):
    def slow(request, timeout):
        clock.advance(min(30.0, timeout[1]))  # Zoho sits on the request until the read timeout fires
        raise requests.ReadTimeout("read timed out")

    adapter.add("GET", GET_URL, sticky=slow)
    started = clock()
    with pytest.raises(ZohoTimeout):
        scripted_zoho.customers.get("1")
    assert clock() - started <= scripted_zoho.config.total_deadline
    calls = adapter.calls("GET")
    assert len(calls) == 2  # 10 s + backoff leaves too little for a useful third attempt
    # every attempt's timeouts fit in what was left of the deadline
    assert all(c.timeout[1] <= scripted_zoho.config.read_timeout for c in calls)


def test_timeouts_shrink_to_the_remaining_deadline(make_scripted_zoho, adapter, clock):
    from .fakes import ACCOUNTS, token_reply
    adapter.add("POST", ACCOUNTS + "/oauth/v2/token", token_reply())
    client = make_scripted_zoho(total_deadline=4.0)
    adapter.add("GET", GET_URL, ok(customer=CUSTOMER))
    client.customers.get("1")
    assert adapter.calls("GET")[0].timeout == (3.05, 4.0)


def test_ids_are_percent_encoded_and_dot_segments_refused(scripted_zoho, adapter):
    adapter.add("GET", API + "/customers/..%2Finvoices%2F1", ok(customer=CUSTOMER))
    scripted_zoho.customers.get("../invoices/1")
    assert adapter.calls("GET")[0].path == "/billing/v1/customers/..%2Finvoices%2F1"
    for bad in ("..", ".", "", "  "):
        with pytest.raises(ValueError):
            scripted_zoho.customers.get(bad)


def test_log_line_has_template_status_and_no_query_or_token(scripted_zoho, adapter, caplog):
    caplog.set_level(logging.DEBUG, logger="zoho_client")
    adapter.add("GET", API + "/customers", ok(customers=[], page_context={"page": 1, "per_page": 200,
                                                                          "has_more_page": False}))
    scripted_zoho.customers.list(email="alice@example.com")
    text = caplog.text
    assert "GET /customers -> 200" in text and "retries=0" in text
    assert "alice@example.com" not in text and "1000.access.one" not in text


def test_pdf_checks_content_type(scripted_zoho, adapter):
    url = API + "/invoices/9"
    adapter.add("GET", url,
                Reply(200, b"%PDF-1.4 fake", {"Content-Type": "application/pdf;charset=UTF-8"}),
                Reply(200, b"<html></html>", {"Content-Type": "text/html"}),
                json_reply({"code": 1002, "message": "Invoice does not exist."}, 404))
    assert scripted_zoho.invoices.pdf("9").startswith(b"%PDF")
    assert adapter.calls("GET")[0].headers["Accept"] == "application/pdf"
    with pytest.raises(ZohoBadResponse, match="instead of a PDF"):
        scripted_zoho.invoices.pdf("9")
    with pytest.raises(ZohoNotFound):
        scripted_zoho.invoices.pdf("9")


def test_metrics_count_upstream_requests_per_template(scripted_zoho, adapter):
    adapter.add("GET", API + "/customers/1", connection_reset(), ok(customer=CUSTOMER))
    adapter.add("GET", API + "/customers/2", ok(customer={**CUSTOMER, "customer_id": "2"}))
    scripted_zoho.customers.get("1")
    scripted_zoho.customers.get("2")
    snap = scripted_zoho.metrics.snapshot()
    assert snap["GET /customers/{customer_id}"] == 3
    assert snap["POST /oauth/v2/token"] == 1
