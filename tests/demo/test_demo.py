"""The demo as a newcomer meets it: ``bash scripts/demo.sh`` in a fresh clone, on free ports.

Every link it prints is followed, every command it prints is run as pasted into a second terminal,
every sign-in it prints is used, and the README's account of the demo (ports, customers, commands)
is compared with what it printed. The tests of one run share it, in file order: the handoff link
it prints works once, within a minute, so the test that follows links comes first.
"""
from __future__ import annotations

import html
import re
import smtplib
import socket
from urllib.parse import urlsplit

import pytest
import requests

from tests.support.servers import free_port
from tests.demo import readme
from tests.demo.running_demo import READY, DemoRun, fresh_clone

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SIGN_IN = re.compile(r"^    (\S+@\S+)\s+(\S+)\s+(.+)$")
PORT_LINE = re.compile(r"^    (.+?)\s{2,}(\S+)\s+([A-Z_]+)\s+\(default (\d+)\)$")
MARKER = "# Written by scripts/demo.sh"


def free_ports() -> dict[str, int]:
    ports: dict[str, int] = {}
    while len(set(ports.values())) < 4:
        ports = {name: free_port() for name in ("PORTAL_PORT", "SANDBOX_PORT", "MAIL_PORT", "PRODUCT_PORT")}
    return ports


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    run = DemoRun(fresh_clone(tmp_path_factory.mktemp("demo")), free_ports()).start()
    try:
        run.wait_for(READY)
        yield run
    finally:
        run.stop()


def base(demo: DemoRun, variable: str) -> str:
    return f"http://127.0.0.1:{demo.ports[variable]}"


def follow_handoff(url: str, method: str = "GET", token: str | None = None) -> requests.Response:
    """A handoff to ``dest=subscribe``: 303 without the token, on to the customer's subscribe page."""
    session = requests.Session()
    if method == "GET":
        landed = session.get(url, allow_redirects=False, timeout=60)
    else:
        landed = session.post(url, data={"token": token}, allow_redirects=False, timeout=60)
    assert landed.status_code == 303, (url, landed.status_code)
    assert "token" not in landed.headers["Location"]
    page = session.get(urlsplit(url)._replace(path=landed.headers["Location"], query="").geturl(), timeout=60)
    assert page.status_code == 200 and urlsplit(page.url).path.endswith("/subscribe"), page.url
    return page


@pytest.fixture(scope="module")
def sandbox_api(demo) -> requests.Session:
    """The sandbox's API with the credentials the README gives (its accounts URL is its base)."""
    credentials = readme.sandbox_credentials()
    grant = requests.post(base(demo, "SANDBOX_PORT") + "/oauth/v2/token", timeout=60, data={
        "grant_type": "refresh_token", "client_id": credentials["client id"],
        "client_secret": credentials["client secret"], "refresh_token": credentials["refresh token"]}).json()
    session = requests.Session()
    session.headers.update({"Authorization": f"Zoho-oauthtoken {grant['access_token']}",
                            "X-com-zoho-subscriptions-organizationid": credentials["organization id"]})
    return session


def test_every_link_it_prints_answers(demo, sandbox_api):
    links = demo.links()
    portal, sandbox, product = base(demo, "PORTAL_PORT"), base(demo, "SANDBOX_PORT"), base(demo, "PRODUCT_PORT")
    handoffs = [link for link in links if link.startswith(portal + "/handoff?token=")]
    invitations = [link for link in links if link.startswith(portal + "/invite?token=")]
    assert len(handoffs) == 1 and len(invitations) == 1, links
    follow_handoff(handoffs[0])

    session = requests.Session()
    invitation = session.get(invitations[0], allow_redirects=False, timeout=60)
    assert invitation.status_code == 303 and invitation.headers["Location"] == "/invite"
    assert 'name="password"' in session.get(portal + "/invite", timeout=60).text

    home = requests.get(portal + "/", timeout=60)
    assert home.status_code == 200 and home.url.startswith(portal + "/login")
    api = sandbox_api.get(sandbox + "/billing/v1/organizations", timeout=60)
    assert api.status_code == 200 and api.json()["code"] == 0
    assert requests.get(sandbox + "/__sandbox/calls", timeout=60).status_code == 200
    assert "Manage subscription" in requests.get(product + "/", timeout=60).text

    answered = {*handoffs, *invitations, portal + "/", sandbox + "/billing/v1", sandbox + "/__sandbox/calls",
                product + "/"}
    assert set(links) == answered, f"printed but not followed here: {set(links) - answered}"
    with smtplib.SMTP("127.0.0.1", demo.ports["MAIL_PORT"], timeout=60) as smtp:  # smtp://…, the mail catcher
        assert smtp.ehlo()[0] == 250


def test_the_ports_it_prints_are_the_readmes_and_follow_the_variables(demo):
    printed = {}
    for line in demo.section("Ports"):
        match = PORT_LINE.match(line)
        if match:
            service, address, variable, default = match.groups()
            printed[service] = (variable, int(default))
            assert urlsplit(address).port == demo.ports[variable], line
    assert printed == readme.demo_ports()


def test_it_prints_a_sign_in_for_every_demo_customer_and_each_one_works(demo, sandbox_api):
    rows = [SIGN_IN.match(line).groups() for line in demo.section("Sign-ins") if SIGN_IN.match(line)]
    customers = {c["email"]: c for c in sandbox_api.get(
        base(demo, "SANDBOX_PORT") + "/billing/v1/customers", params={"per_page": 200}, timeout=60).json()["customers"]}
    assert {email for email, _, _ in rows} == set(customers)
    assert len(rows) == len(customers) == readme.demo_customer_count()
    portal = base(demo, "PORTAL_PORT")
    signed_in = []
    for email, password, name in rows:
        if customers[email]["status"] != "active":
            assert password == "(none)" and "no sign-in" in name
            continue
        session = requests.Session()
        token = CSRF.search(session.get(portal + "/login", timeout=60).text).group(1)
        answer = session.post(portal + "/login", data={"csrf_token": token, "email": email, "password": password},
                              allow_redirects=False, timeout=60)
        assert answer.status_code == 303 and answer.headers["Location"] == "/", (email, answer.status_code)
        signed_in.append((session, name))
    # One Home page is enough to show the session is the customer's: each page costs Zoho calls,
    # and the sandbox holds the demo to Zoho's 100 calls a minute.
    session, name = signed_in[0]
    home = session.get(portal + "/", timeout=60)
    assert home.status_code == 200 and html.escape(name) in home.text


def test_the_demo_product_button_hands_off_to_the_subscribe_page(demo):
    minted = requests.post(base(demo, "PRODUCT_PORT") + "/manage", data={"dest": "subscribe"}, timeout=60)
    action = re.search(r'action="([^"]+)"', minted.text).group(1)
    token = re.search(r'name="token" value="([^"]+)"', minted.text).group(1)
    assert action == base(demo, "PORTAL_PORT") + "/handoff"
    follow_handoff(action, "POST", token)


def test_the_commands_it_prints_work_from_a_second_terminal(demo):
    commands = {re.search(r"portal (\S+)", command).group(1): command for command in demo.commands()}
    assert set(commands) == {"handoff-url", "doctor", "--help"}, demo.commands()

    handoff = demo.run_printed(commands["handoff-url"])
    assert handoff.returncode == 0, handoff.stderr
    follow_handoff(handoff.stdout.strip())

    doctor = demo.run_printed(commands["doctor"])
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    checks = doctor.stdout.strip().splitlines()[:-1]
    assert checks and all(line.startswith("ok ") for line in checks), doctor.stdout

    listing = demo.run_printed(commands["--help"])
    assert listing.returncode == 0, listing.stderr
    listed = set(re.findall(r"^  (\S+)\s", listing.stdout.split("Commands:", 1)[1], re.M))
    assert listed == readme.portal_commands()


def test_its_configuration_is_in_the_clones_env_while_it_runs(demo):
    env = (demo.clone / ".env").read_text()
    assert env.startswith(MARKER) and env == (demo.clone / "instance/demo/demo.env").read_text()
    assert f'PORTAL_BASE_URL="{base(demo, "PORTAL_PORT")}"' in env
    assert (demo.clone / ".env").stat().st_mode & 0o077 == 0  # it holds secrets


def test_stopping_it_removes_its_env_and_frees_its_ports(demo):
    demo.stop()
    assert not (demo.clone / ".env").exists()
    for port in demo.ports.values():
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), 5).close()


def test_an_env_of_ones_own_is_left_alone_and_the_printed_commands_still_work(tmp_path):
    clone = fresh_clone(tmp_path)
    own = "# my own settings\nPORTAL_BASE_URL=https://billing.example.com\nZOHO_CLIENT_ID=1000.MINE\n"
    (clone / ".env").write_text(own)
    run = DemoRun(clone, free_ports()).start()
    try:
        run.wait_for(READY)
        assert "Found a .env the demo did not write: left it as it is" in run.output
        handoff = [command for command in run.commands() if " portal handoff-url " in command]
        assert len(handoff) == 1 and "--env-file instance/demo/demo.env" in handoff[0]
        printed = run.run_printed(handoff[0])
        assert printed.returncode == 0, printed.stderr
        assert printed.stdout.startswith(base(run, "PORTAL_PORT") + "/handoff?token=")
        follow_handoff(printed.stdout.strip())
        assert (clone / ".env").read_text() == own
    finally:
        run.stop()
    assert (clone / ".env").read_text() == own
