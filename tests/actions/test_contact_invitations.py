"""Contact persons and portal access: the list says who has access to this customer's portal
(invited, active, switched off), offers "Invite" only to those without and "Resend invitation" to those
invited; and the attack tried from outside: a customer who adds a contact person with the address of
another customer's person and presses Invite never changes that customer's portal user, and is told
exactly what it is told for any other address.

One login may open several customers (an accountant serving several companies): the person picks the
account after signing in, and the session opens only the one picked."""
from __future__ import annotations

import re

import pytest

from tests.support.demo import ACME, OLGA
from tests.support.forms import csrf_of, link_in, local_path

MARCUS = "marcus.lee@acme.example"  # a contact person of Acme, not yet invited by the demo
PRIYANKA = "priyanka@acme.example"  # another of Acme's contact persons
NEWCOMER = "someone.new@sibir-tech.example"  # an address nobody knows
PASSWORD = "lantern orchard pebble 42"
FLASH = re.compile(r'class="alert alert-(\w+)"[^>]*>([^<]+)<')


def _contact_id(sandbox_api, customer_email: str, email: str) -> str:
    people = sandbox_api.contacts(sandbox_api.customer_id(customer_email))
    return next(p["contactperson_id"] for p in people if p["email"] == email)


def _add_contact(client, email: str) -> None:
    page = client.get("/profile/contacts/new").get_data(as_text=True)
    added = client.post("/profile/contacts/new", data={"csrf_token": csrf_of(page), "first_name": "Pat",
                                                       "last_name": "Doe", "email": email})
    assert added.status_code == 303, added.get_data(as_text=True)


def _invite(client, contactperson_id: str) -> tuple[str, str, str]:
    """Press the contact's invite button; returns (flash kind, flash text with the address taken out,
    the contact's access as the list then shows it)."""
    page = client.get("/profile").get_data(as_text=True)
    response = client.post(f"/profile/contacts/{contactperson_id}/invite", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    (kind, text), = FLASH.findall(after)
    email = re.search(rf'data-contact="([^"]+)"[^>]*>(?:(?!</tr>).)*?/profile/contacts/{contactperson_id}"',
                      after, re.DOTALL)
    row = after[after.index(f'data-contact="{email.group(1)}"'):]
    access = re.search(r'data-testid="access">([^<]+)<', row).group(1)
    return kind, text.replace(email.group(1), "ADDRESS"), access


def _portal_user(app, email: str):
    from sqlalchemy import select

    from db.models import PortalMembership, PortalUser
    from extensions import db

    with app.app_context():
        user = db.session.execute(select(PortalUser).where(PortalUser.email == email)).scalar_one_or_none()
        if user is None:
            return None, {}
        rows = db.session.scalars(select(PortalMembership).where(PortalMembership.user_id == user.id))
        return (user.customer_id, user.status, user.password_hash, user.session_version), \
            {m.customer_id: m.status for m in rows}


def test_the_contact_list_shows_access_and_offers_invite_then_resend(make_app, sandbox_api, signed_in, mailbox):
    app = make_app()
    acme = signed_in(ACME, client_app=app)
    marcus = _contact_id(sandbox_api, ACME, MARCUS)
    page = acme.get("/profile").get_data(as_text=True)
    row = page[page.index(f'data-contact="{MARCUS}"'):]
    assert re.search(r'data-testid="access">No portal access<', row)
    assert re.search(r'data-action="invite_contact_person"[^>]*>Invite<', row)
    kind, text, access = _invite(acme, marcus)
    assert (kind, access) == ("success", "Invited") and "has been emailed to ADDRESS" in text
    assert "Acme Studio" in mailbox.wait_for(MARCUS).get_body(preferencelist=("plain",)).get_content()
    page = acme.get("/profile").get_data(as_text=True)
    row = page[page.index(f'data-contact="{MARCUS}"'):page.index("</tr>", page.index(f'data-contact="{MARCUS}"'))]
    assert "Resend invitation" in row
    kind, text, access = _invite(acme, marcus)
    assert (kind, access) == ("success", "Invited") and "again" in text
    # Dana (the customer's own email) has access: no invite button, and the list says so.
    primary = sandbox_api.contacts(sandbox_api.customer_id(ACME))
    if any(p["email"] == ACME for p in primary):
        row = page[page.index(f'data-contact="{ACME}"'):]
        assert re.search(r'data-testid="access">Has access<', row)


def test_inviting_another_customers_pending_person_takes_nothing_over(make_app, sandbox_api, signed_in, mailbox):
    """Acme invited Marcus. Сибирь Тех adds a contact person with Marcus's address and presses Invite:
    Acme's invitation and its link stay Acme's, the answer is the one for an unknown address, and
    Marcus, who accepts Acme's link, opens Acme's billing."""
    app = make_app()
    acme, olga = signed_in(ACME, client_app=app), signed_in(OLGA, client_app=app)
    _invite(acme, _contact_id(sandbox_api, ACME, MARCUS))
    acme_link = link_in(mailbox.wait_for(MARCUS))
    mailbox.clear()
    acme_before = _portal_user(app, MARCUS)

    _add_contact(olga, NEWCOMER)
    _add_contact(olga, MARCUS)
    unknown_answer = _invite(olga, _contact_id(sandbox_api, OLGA, NEWCOMER))
    taken_answer = _invite(olga, _contact_id(sandbox_api, OLGA, MARCUS))
    assert taken_answer == unknown_answer == ("success", "An invitation to the billing portal has been emailed to "
                                              "ADDRESS.", "Invited")

    login, memberships = _portal_user(app, MARCUS)
    assert login == acme_before[0]  # the same login: not rebound, same password, same sessions
    assert memberships[sandbox_api.customer_id(ACME)] == "pending"  # Acme's invitation is still Acme's
    assert memberships[sandbox_api.customer_id(OLGA)] == "pending"  # and Сибирь Тех's is its own
    olga_mail = mailbox.wait_for(MARCUS).get_body(preferencelist=("plain",)).get_content()
    assert "Сибирь Тех" in olga_mail and "Acme" not in olga_mail

    marcus = app.test_client()
    marcus.get(local_path(acme_link))
    page = marcus.get("/invite").get_data(as_text=True)
    assert page.count("Acme Studio") >= 1 and "Сибирь" not in page
    accepted = marcus.post("/invite", data={"csrf_token": csrf_of(page), "password": PASSWORD, "confirm": PASSWORD})
    assert accepted.status_code == 303
    assert "Acme Studio LLC" in marcus.get("/").get_data(as_text=True)
    assert _portal_user(app, MARCUS)[1][sandbox_api.customer_id(ACME)] == "active"


@pytest.mark.parametrize("elsewhere", ["active", "disabled"])
def test_the_answer_never_tells_whether_an_address_has_access_elsewhere(make_app, sandbox_api, signed_in, mailbox,
                                                                        elsewhere):
    """Acme's own address has an active portal account (or an operator switched it off): Сибирь Тех
    inviting it is told what it is told for an unknown address, and Acme's portal user is untouched."""
    app = make_app()
    if elsewhere == "disabled":
        result = app.test_cli_runner().invoke(args=["portal", "disable-user", PRIYANKA])
        assert result.exit_code != 0  # no login yet: make one, then switch it off
        sign_in_priyanka = app.test_cli_runner().invoke(args=["portal", "invite", PRIYANKA])
        assert sign_in_priyanka.exit_code == 0, sign_in_priyanka.output
        assert app.test_cli_runner().invoke(args=["portal", "disable-user", PRIYANKA]).exit_code == 0
        address = PRIYANKA
    else:
        signed_in(ACME, client_app=app)  # Acme's own login, active
        address = ACME
    before = _portal_user(app, address)
    olga = signed_in(OLGA, client_app=app)
    _add_contact(olga, NEWCOMER)
    _add_contact(olga, address)
    told = _invite(olga, _contact_id(sandbox_api, OLGA, address))
    assert told == _invite(olga, _contact_id(sandbox_api, OLGA, NEWCOMER))
    after = _portal_user(app, address)
    assert after[0] == before[0]  # login, status, password and session version as they were
    assert after[1][sandbox_api.customer_id(ACME)] == before[1][sandbox_api.customer_id(ACME)]
    if elsewhere == "active":
        assert "Acme Studio LLC" in signed_in(ACME, client_app=app).get("/").get_data(as_text=True)


def test_one_login_opens_several_customers_and_the_person_picks_one(make_app, sandbox_api, signed_in, mailbox):
    """Marcus is a contact of Acme and (now) of Сибирь Тех: after accepting both invitations his one
    password opens either; he picks after signing in, and each session opens only the one picked."""
    app = make_app()
    acme, olga = signed_in(ACME, client_app=app), signed_in(OLGA, client_app=app)
    _invite(acme, _contact_id(sandbox_api, ACME, MARCUS))
    first = link_in(mailbox.wait_for(MARCUS))
    marcus = app.test_client()
    marcus.get(local_path(first))
    page = marcus.get("/invite").get_data(as_text=True)
    marcus.post("/invite", data={"csrf_token": csrf_of(page), "password": PASSWORD, "confirm": PASSWORD})
    mailbox.clear()
    _add_contact(olga, MARCUS)
    _invite(olga, _contact_id(sandbox_api, OLGA, MARCUS))
    second = mailbox.wait_for(MARCUS)
    assert "already sign in" in second.get_body(preferencelist=("plain",)).get_content()
    other = app.test_client()
    other.get(local_path(link_in(second)))
    page = other.get("/invite").get_data(as_text=True)
    assert 'type="password"' not in page and "Сибирь Тех" in page  # no new password for an existing login
    joined = other.post("/invite", data={"csrf_token": csrf_of(page)})
    assert joined.status_code == 303 and joined.headers["Location"] == "/login"  # no sign-in without the password

    fresh = app.test_client()
    login_page = fresh.get("/login").get_data(as_text=True)
    signed = fresh.post("/login", data={"csrf_token": csrf_of(login_page), "email": MARCUS, "password": PASSWORD})
    assert signed.status_code == 303 and signed.headers["Location"] == "/login/account"
    assert fresh.get("/").status_code in (302, 303)  # nothing opens before the choice
    choice = fresh.get("/login/account").get_data(as_text=True)
    assert "Acme Studio LLC" in choice and "Сибирь Тех" in choice
    picked = fresh.post("/login/account", data={"csrf_token": csrf_of(choice),
                                                "customer_id": sandbox_api.customer_id(OLGA)})
    assert picked.status_code == 303
    home = fresh.get("/").get_data(as_text=True)
    assert "Сибирь Тех" in home and "Acme Studio LLC" not in home
    acme_invoice = sandbox_api.get("/invoices", customer_id=sandbox_api.customer_id(ACME))["invoices"][0]["invoice_id"]
    assert fresh.get(f"/invoices/{acme_invoice}").status_code == 404  # the session opens Сибирь Тех only
    # A customer the login has no access to cannot be picked.
    choice = fresh.get("/login/account").get_data(as_text=True)
    refused = fresh.post("/login/account", data={"csrf_token": csrf_of(choice),
                                                 "customer_id": sandbox_api.customer_id("hello@freshstart.example")})
    assert refused.status_code == 422 and "Сибирь Тех" in fresh.get("/").get_data(as_text=True)
    switched = fresh.post("/login/account", data={"csrf_token": csrf_of(choice), "customer_id": sandbox_api.customer_id(ACME)})
    assert switched.status_code == 303 and "Acme Studio LLC" in fresh.get("/").get_data(as_text=True)
