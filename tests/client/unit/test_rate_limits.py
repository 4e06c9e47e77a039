"""429 handling: Retry-After honoured up to a cap, never minutes of sleep inside a request."""
import pytest

from zoho_client import ZohoRateLimited
from zoho_client.retry import backoff_delay, parse_retry_after

from .fakes import API, json_reply, ok

URL = API + "/customers/1"
CUSTOMER = {"customer_id": "1", "currency_code": "USD"}


def limited(retry_after=None, code=44):
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return json_reply({"code": code, "message": "API call limit exceeded"}, 429, **headers)


def test_retry_after_2_sleeps_2_and_succeeds(scripted_zoho, adapter, clock):
    adapter.add("GET", URL, limited("2"), limited("2"), ok(customer=CUSTOMER))
    assert scripted_zoho.customers.get("1").customer_id == "1"
    assert clock.sleeps == [2.0, 2.0]
    assert sum(clock.sleeps) <= 5


def test_retry_after_2_forever_gives_up_after_max_retries(scripted_zoho, adapter, clock):
    adapter.add("GET", URL, sticky=limited("2"))
    with pytest.raises(ZohoRateLimited) as info:
        scripted_zoho.customers.get("1")
    assert len(adapter.calls("GET")) == 3 and clock.sleeps == [2.0, 2.0]
    assert info.value.retry_after == 2.0 and info.value.code == 44


def test_retry_after_3600_raises_at_once_without_sleeping(scripted_zoho, adapter, clock):
    adapter.add("GET", URL, sticky=limited("3600"))
    with pytest.raises(ZohoRateLimited) as info:
        scripted_zoho.customers.get("1")
    assert clock.sleeps == [] and len(adapter.calls("GET")) == 1
    assert info.value.retry_after == 3600


def test_retry_after_exactly_at_cap_is_waited(scripted_zoho, adapter, clock):
    adapter.add("GET", URL, limited("5"), ok(customer=CUSTOMER))
    scripted_zoho.customers.get("1")
    assert clock.sleeps == [5.0]


def test_429_without_retry_after_uses_backoff(scripted_zoho, adapter, clock):
    adapter.add("GET", URL, limited(None, code=1070), ok(customer=CUSTOMER))
    scripted_zoho.customers.get("1")
    assert len(clock.sleeps) == 1 and clock.sleeps[0] <= scripted_zoho.config.backoff_cap


def test_rate_limit_code_on_200_raises_rate_limited(scripted_zoho, adapter):
    adapter.add("GET", URL, json_reply({"code": 45, "message": "daily limit"}))
    with pytest.raises(ZohoRateLimited):
        scripted_zoho.customers.get("1")


def test_sleep_never_crosses_the_deadline(make_scripted_zoho, adapter, clock):
    from .fakes import ACCOUNTS, token_reply
    adapter.add("POST", ACCOUNTS + "/oauth/v2/token", token_reply())
    client = make_scripted_zoho(total_deadline=3.0)
    adapter.add("GET", URL, sticky=limited("4"))
    with pytest.raises(ZohoRateLimited):
        client.customers.get("1")
    assert clock.sleeps == []


@pytest.mark.parametrize("header,seconds", [("2", 2.0), (" 1.5 ", 1.5), ("-3", 0.0), ("", None), ("soon", None),
                                            (None, None)])
def test_parse_retry_after(header, seconds):
    assert parse_retry_after(header) == seconds


def test_parse_retry_after_http_date():
    from datetime import datetime, timezone
    now = lambda: datetime(2024, 3, 12, 8, 40, 0, tzinfo=timezone.utc)  # noqa: E731
    assert parse_retry_after("Tue, 12 Mar 2024 08:40:03 GMT", now=now) == 3.0


def test_backoff_is_capped_with_jitter():
    assert backoff_delay(1, 0.25, 2.0, lambda: 0.0) == 0.125
    assert backoff_delay(1, 0.25, 2.0, lambda: 0.999) < 0.25
    assert backoff_delay(10, 0.25, 2.0, lambda: 0.999) <= 2.0
    assert backoff_delay(10, 0.25, 2.0, lambda: 0.0) == 1.0
