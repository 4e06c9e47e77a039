"""Token refresh: single flight, retry once after 401, and no secret in any log line."""
import logging
import threading

import pytest
import requests

from zoho_client import (
    CachedToken, InMemoryTokenStore, ZohoAuthError, ZohoAuthThrottled, ZohoClient, ZohoConnectionError,
    ZohoRateLimited, ZohoUnauthorized,
)

from .conftest import REFRESH, SECRET
from .fakes import ACCOUNTS, API, in_threads, json_reply, ok, token_reply

TOKEN_URL = ACCOUNTS + "/oauth/v2/token"
CUSTOMER = {"customer_id": "1", "display_name": "Acme", "currency_code": "USD"}
EXPIRED = json_reply({"code": 57, "message": "You are not authorized to perform this operation"}, 401)


def test_refresh_grant_is_a_form_post_with_the_four_fields(scripted_zoho, adapter):
    adapter.add("GET", API + "/customers/1", ok(customer=CUSTOMER))
    scripted_zoho.customers.get("1")
    refresh = adapter.calls("POST", "/oauth/v2/token")[0]
    assert refresh.query == {}  # secrets never in the URL
    assert refresh.headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = dict(pair.split("=", 1) for pair in refresh.body.decode().split("&"))
    assert form["grant_type"] == "refresh_token"
    assert form["client_id"] == "1000.UNITCLIENT"
    assert form["client_secret"] == SECRET
    assert form["refresh_token"] == REFRESH


def test_token_is_reused_until_near_expiry(make_scripted_zoho, adapter):
    now = [10_000.0]
    adapter.add("POST", TOKEN_URL, token_reply("1000.first", expires_in=3600), token_reply("1000.second"))
    adapter.add("GET", API + "/customers/1", sticky=ok(customer=CUSTOMER))
    client = make_scripted_zoho()
    client.tokens._now = lambda: now[0]
    client.customers.get("1")
    client.customers.get("1")
    assert len(adapter.calls("POST", "/oauth/v2/token")) == 1
    now[0] += 3600 - 60  # inside the refresh margin
    client.customers.get("1")
    assert len(adapter.calls("POST", "/oauth/v2/token")) == 2
    assert adapter.calls("GET")[-1].headers["Authorization"] == "Zoho-oauthtoken 1000.second"


def test_401_code_57_refreshes_once_and_retries_once(scripted_zoho, adapter):
    adapter.add("POST", TOKEN_URL, token_reply("1000.access.two"))
    adapter.add("GET", API + "/customers/1", EXPIRED, ok(customer=CUSTOMER))
    assert scripted_zoho.customers.get("1").customer_id == "1"
    gets = adapter.calls("GET")
    assert [g.headers["Authorization"] for g in gets] == ["Zoho-oauthtoken 1000.access.one",
                                                          "Zoho-oauthtoken 1000.access.two"]
    assert len(adapter.calls("POST", "/oauth/v2/token")) == 2


def test_401_twice_raises_unauthorized_after_one_refresh(scripted_zoho, adapter):
    adapter.add("POST", TOKEN_URL, token_reply("1000.access.two"))
    adapter.add("GET", API + "/customers/1", EXPIRED, EXPIRED)
    with pytest.raises(ZohoUnauthorized) as info:
        scripted_zoho.customers.get("1")
    assert info.value.code == 57
    assert len(adapter.calls("GET")) == 2 and len(adapter.calls("POST", "/oauth/v2/token")) == 2


def test_401_on_a_post_is_retried_once_because_zoho_did_nothing(scripted_zoho, adapter):
    adapter.add("POST", TOKEN_URL, token_reply("1000.access.two"))
    adapter.add("POST", API + "/subscriptions/5/reactivate", EXPIRED,
                ok(subscription={"subscription_id": "5", "status": "live"}))
    assert scripted_zoho.subscriptions.reactivate("5").status == "live"


def test_ten_threads_hitting_401_cause_exactly_one_refresh(make_scripted_zoho, adapter):
    client_ready = threading.Barrier(10)
    adapter.add("POST", TOKEN_URL, token_reply("1000.old"), token_reply("1000.new"))

    def answer(request, timeout):
        if request.headers["Authorization"].endswith("1000.old"):
            client_ready.wait(timeout=5)  # all ten hold the old token before anyone sees a 401
            return EXPIRED
        return ok(customer=CUSTOMER)

    adapter.add("GET", API + "/customers/1", sticky=answer)
    client = make_scripted_zoho()
    client.tokens.access_token()  # everyone starts with the same, soon rejected, token
    results, errors = in_threads(lambda: client.customers.get("1"), 10)
    assert not errors and len(results) == 10
    assert len(adapter.calls("POST", "/oauth/v2/token")) == 2  # the first token + exactly one refresh
    assert len(adapter.calls("GET")) == 20  # each request retried exactly once


def test_shared_store_means_a_second_client_does_not_refresh(zoho_config, transport, clock, adapter):
    session, _ = transport
    store = InMemoryTokenStore()
    adapter.add("POST", TOKEN_URL, token_reply("1000.shared"))
    adapter.add("GET", API + "/customers/1", sticky=ok(customer=CUSTOMER))
    a = ZohoClient(zoho_config, token_store=store, session=session, sleep=clock.sleep, clock=clock)
    b = ZohoClient(zoho_config, token_store=store, session=session, sleep=clock.sleep, clock=clock)
    a.customers.get("1")
    b.customers.get("1")
    assert len(adapter.calls("POST", "/oauth/v2/token")) == 1


def test_invalidate_only_removes_the_expected_token():
    store = InMemoryTokenStore()
    store.set(CachedToken("1000.b", 1e12))
    assert store.invalidate("1000.a") is False and store.get().access_token == "1000.b"
    assert store.invalidate("1000.b") is True and store.get() is None


def _assert_no_secrets(text):
    for secret in (SECRET, REFRESH, "1000.access.one", "1000.leaked"):
        assert secret not in text


@pytest.mark.parametrize("reply", [
    json_reply({"error": "invalid_code"}),  # Zoho's dead-refresh-token answer: HTTP 200
    json_reply({"error": "invalid_client"}, 400),
    json_reply({"access_token": ""}),
    json_reply({"token_type": "Bearer"}),
])
def test_refresh_failure_raises_auth_error_and_logs_no_secret(make_scripted_zoho, adapter, caplog, reply):
    caplog.set_level(logging.DEBUG)
    adapter.add("POST", TOKEN_URL, reply)
    client = make_scripted_zoho()
    with pytest.raises(ZohoAuthError) as info:
        client.customers.get("1")
    assert adapter.calls("GET") == []
    _assert_no_secrets(caplog.text)
    _assert_no_secrets(str(info.value) + repr(info.value.__dict__))


def test_refresh_failure_after_401_logs_no_token(scripted_zoho, adapter, caplog):
    caplog.set_level(logging.DEBUG)
    adapter.add("POST", TOKEN_URL, json_reply({"error": "invalid_code"}))
    adapter.add("GET", API + "/customers/1", EXPIRED)
    with pytest.raises(ZohoAuthError):
        scripted_zoho.customers.get("1")
    _assert_no_secrets(caplog.text)
    assert "invalid_code" in caplog.text


def test_throttled_refresh_is_auth_error_and_rate_limited(make_scripted_zoho, adapter):
    adapter.add("POST", TOKEN_URL, json_reply({
        "error": "Access Denied",
        "error_description": "You have made too many requests continuously. Please try again after some time."}, 400))
    with pytest.raises(ZohoAuthThrottled) as info:
        make_scripted_zoho().customers.get("1")
    assert isinstance(info.value, ZohoAuthError) and isinstance(info.value, ZohoRateLimited)


def test_accounts_server_unreachable_is_unavailable_not_auth(make_scripted_zoho, adapter):
    adapter.add("POST", TOKEN_URL, requests.ConnectionError("refused"))
    with pytest.raises(ZohoConnectionError):
        make_scripted_zoho().customers.get("1")


def test_successful_refresh_log_has_no_token(scripted_zoho, adapter, caplog):
    caplog.set_level(logging.DEBUG)
    adapter.add("POST", TOKEN_URL, token_reply("1000.leaked"))
    adapter.add("GET", API + "/customers/1", EXPIRED, ok(customer=CUSTOMER))
    scripted_zoho.customers.get("1")
    assert "refreshed" in caplog.text
    _assert_no_secrets(caplog.text)


def test_a_failed_refresh_is_not_repeated_by_every_waiting_thread(make_scripted_zoho, adapter, clock):
    adapter.add("POST", TOKEN_URL, json_reply({"error": "invalid_code"}))  # one answer only: a 2nd POST fails the test
    client = make_scripted_zoho()
    errors = []

    def work():
        try:
            client.customers.get("1")
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(errors) == 10 and all(type(e) is ZohoAuthError for e in errors)
    assert len(adapter.calls("POST", "/oauth/v2/token")) == 1


def test_refresh_is_tried_again_once_the_hold_has_passed(make_scripted_zoho, adapter, clock):
    from zoho_client.oauth import FAILURE_HOLD_SECONDS
    adapter.add("POST", TOKEN_URL, json_reply({"error": "invalid_code"}), token_reply("1000.later"))
    adapter.add("GET", API + "/customers/1", ok(customer=CUSTOMER))
    client = make_scripted_zoho()
    with pytest.raises(ZohoAuthError):
        client.customers.get("1")
    with pytest.raises(ZohoAuthError):
        client.customers.get("1")
    assert len(adapter.calls("POST", "/oauth/v2/token")) == 1
    clock.advance(FAILURE_HOLD_SECONDS)
    assert client.customers.get("1").customer_id == "1"
