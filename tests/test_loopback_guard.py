"""The loopback guard (tests/fixtures/network.py) refuses, at once and with its own message, every
connection or name lookup that would leave this machine, and lets loopback through.

No packet leaves when the guard works; each refusal test first checks that the guard's patch is the
one in place, so that a broken installation fails here instead of sending anything to a real host.
"""
from __future__ import annotations

import socket
import threading

import pytest
import requests

from tests.fixtures.network import GUARD
from tests.support.servers import free_port

DOCUMENTATION_ADDRESS = "192.0.2.1"  # TEST-NET-1 (RFC 5737): routed nowhere
REFUSED = r"the loopback guard refused .*: tests may reach only 127\.0\.0\.1, ::1 and localhost"


@pytest.fixture
def guard(network_guard):
    assert GUARD.installed and "connect" in vars(socket.socket), (
        "the loopback guard is not installed: refusing to try a real connection")
    yield network_guard
    network_guard.take_refusals()  # the refusals this test provoked on purpose


@pytest.mark.parametrize("attempt", [
    lambda: socket.create_connection((DOCUMENTATION_ADDRESS, 80), timeout=30),
    lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM).connect((DOCUMENTATION_ADDRESS, 80)),
    lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM).connect_ex((DOCUMENTATION_ADDRESS, 80)),
    lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM).connect(("2001:db8::1", 80)),
], ids=["create_connection", "connect", "connect_ex", "ipv6"])
def test_a_connection_to_another_host_is_refused_at_once_with_the_guards_message(guard, attempt):
    with pytest.raises(pytest.fail.Exception, match=REFUSED):
        attempt()
    assert len(guard.take_refusals()) == 1


@pytest.mark.parametrize("lookup", [socket.getaddrinfo, socket.gethostbyname, socket.gethostbyname_ex])
def test_looking_up_a_name_in_dns_is_refused(guard, lookup):
    args = ("www.zohoapis.com", 443) if lookup is socket.getaddrinfo else ("www.zohoapis.com",)
    with pytest.raises(pytest.fail.Exception, match=r"the loopback guard refused looking up 'www\.zohoapis\.com'"):
        lookup(*args)


def test_a_zoho_client_pointed_at_the_real_zoho_fails_with_the_guards_message(guard, make_zoho):
    zoho = make_zoho(api_base="https://www.zohoapis.com/billing/v1", accounts_url="https://accounts.zoho.com")
    with pytest.raises(pytest.fail.Exception, match=REFUSED):
        zoho.organization.get()


def test_a_refusal_the_code_swallows_still_fails_the_test(guard):
    """Code under test may catch the failure (a worker thread, a "Zoho unavailable" fallback): the
    refusal is noted all the same, and the guard fails the test when it ends."""
    def swallow():
        try:
            requests.get(f"http://{DOCUMENTATION_ADDRESS}/", timeout=30)
        except BaseException:  # noqa: BLE001 - what careless code under test might do
            pass

    thread = threading.Thread(target=swallow)
    thread.start()
    thread.join()
    with pytest.raises(pytest.fail.Exception, match=r"1 connection\(s\) refused during the test"):
        guard.fail_on_refusals()


def test_loopback_is_allowed_by_address_and_by_name():
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        for host in ("127.0.0.1", "localhost"):
            with socket.create_connection((host, port), timeout=5):
                pass
    assert socket.getaddrinfo("localhost", free_port())
    assert socket.gethostbyname(socket.gethostname())  # smtplib asks for this machine's own name
