"""The embedded deployment (SQLite, no Redis) as two worker processes on one database: sign-out,
sign-out everywhere, a password change and the lockout hold across them at once, they share one
Zoho access token with the CLI, and an invalidation on one reaches the other's own cache.

Two gunicorn instances of one worker each stand for two workers, so that each request's worker is
known (gunicorn's own workers share one port and the kernel picks)."""
from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.cluster.support import (COOKIE, Host, cluster_env, demo_password, flask_db_upgrade, post_form,
                                   sign_in, signed_in, token_refreshes, with_cookie)
from tests.support.sandbox_api import SandboxAPI

ACME = "billing@acme.example"
REPLAYS = 50


@pytest.fixture(scope="module")
def sandbox(sandbox_server):
    """The run's sandbox for this module's processes (put back by the next test that asks the suite's)."""
    sandbox_server.put_back_if_changed()
    yield sandbox_server
    sandbox_server.changed = True  # this module wrote to it


@pytest.fixture(scope="module")
def workers(sandbox, smtp_server, tmp_path_factory):
    folder = tmp_path_factory.mktemp("embedded")
    env = cluster_env(sandbox, smtp_server, f"sqlite:///{folder / 'portal.db'}")
    flask_db_upgrade(env)
    hosts = []
    try:
        hosts = [Host(env, folder / f"worker-{n}.log") for n in range(2)]
        created = hosts[0].cli("create-demo-users")
        assert created.returncode == 0, created.stderr
        yield hosts
    finally:
        for host in hosts:
            host.stop()


def replays_let_in(host: Host, cookie: str) -> int:
    with ThreadPoolExecutor(10) as pool:
        return sum(pool.map(lambda _: signed_in(host, cookie), range(REPLAYS)))


@pytest.mark.parametrize("how", ["sign_out", "sign_out_everywhere", "password_change"])
def test_a_copied_cookie_is_refused_by_the_other_worker_right_after_the_answer(workers, how):
    first, second = workers
    password = demo_password(ACME)
    browser = sign_in(first, ACME, password)
    copied = browser.cookies[COOKIE]
    assert signed_in(second, copied)  # the other worker has served this session already
    if how == "sign_out":
        reply = post_form(first, browser, "/logout", {}, token_from="/logout")
    elif how == "sign_out_everywhere":
        reply = post_form(first, browser, "/logout-all", {}, token_from="/account")
    else:
        new = password + "-changed"
        reply = post_form(first, browser, "/account/password",
                          {"current_password": password, "password": new, "confirm": new},
                          token_from="/account/password")
    assert reply.status_code == 303
    # Replayed the moment the answer is in: refused everywhere, every time.
    assert replays_let_in(second, copied) == 0
    assert replays_let_in(first, copied) == 0
    if how == "password_change":
        back = sign_in(first, ACME, password + "-changed")
        post_form(first, back, "/account/password", {"current_password": password + "-changed",
                                                      "password": password, "confirm": password},
                  token_from="/account/password")


def test_the_lockout_threshold_holds_across_workers(workers):
    import requests

    guesses = []
    for n in range(20):
        host = workers[n % 2]
        session = requests.Session()
        from tests.cluster.support import csrf_token

        token = csrf_token(session, host.base + "/login")
        guesses.append(session.post(host.base + "/login", data={"csrf_token": token, "email": "ap@northwind.example",
                                                                 "password": f"wrong guess {n}"},
                                    allow_redirects=False, timeout=60).status_code)
    assert guesses[:10] == [401] * 10 and guesses[10:] == [429] * 10
    # Even the right password waits, on either worker.
    browser = requests.Session()
    token = csrf_token(browser, workers[1].base + "/login")
    right = browser.post(workers[1].base + "/login", data={"csrf_token": token, "email": "ap@northwind.example",
                                                            "password": demo_password("ap@northwind.example")},
                         allow_redirects=False, timeout=60)
    assert right.status_code == 429


def test_both_workers_and_ten_cli_commands_share_one_token_refresh(workers, sandbox):
    sandbox.clear_calls()
    sandbox.expire_tokens()  # Zoho forgets every live token: each process must notice and refresh

    def ready(host):
        import requests

        return requests.get(host.base + "/readyz", timeout=60).status_code

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(ready, [workers[0], workers[1]] * 4)) == {200}
    for n in range(10):
        result = workers[n % 2].cli("check-zoho")
        assert result.returncode == 0, result.stderr
    assert token_refreshes(sandbox) == 1


def test_an_invalidation_on_one_worker_reaches_the_others_own_cache(workers, sandbox):
    from tests.cluster.support import WEBHOOK_SECRET
    from zoho_sandbox.events import signature

    first, second = workers
    browser = sign_in(second, ACME, demo_password(ACME))
    api = SandboxAPI(sandbox)
    customer = next(c for c in api.get("/customers", per_page=200)["customers"] if c["email"] == ACME)
    before = browser.get(second.base + "/profile", timeout=60).text
    assert customer["company_name"] in before
    renamed = "Acme Renamed By Zoho Ltd"
    api.session.put(sandbox.api_base + f"/customers/{customer['customer_id']}",
                    json={"company_name": renamed}, timeout=30).raise_for_status()
    assert renamed not in browser.get(second.base + "/profile", timeout=60).text  # cached (TTL 60 s)
    body = json.dumps({"event_id": f"77{time.time_ns()}", "event_type": "customer_updated",
                       "event_time": time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime()),
                       "data": {"customer": {"customer_id": customer["customer_id"]}}}).encode()
    reply = with_cookie("").post(first.webhook_url, data=body, timeout=60, headers={
        "Content-Type": "application/json", "X-Zoho-Webhook-Signature": signature(WEBHOOK_SECRET, first.webhook_url,
                                                                                  body)})
    assert reply.status_code == 200
    assert renamed in browser.get(second.base + "/profile", timeout=60).text
