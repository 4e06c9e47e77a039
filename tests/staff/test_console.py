"""The staff console: the customer search through Zoho (paged), a customer's overview with its people,
the people actions by role, the team page, the audit log's page (filters, CSV) and the customer's own
Recent activity page. On SQLite: nothing here depends on the database (the append-only guards, which
do, are in test_audit_log.py on both)."""
from __future__ import annotations

import csv
import io
import re

import pytest
from tests.support.accounts import login
from tests.staff.conftest import ACME, ACME_EMAIL, CUSTOMER_PASSWORD
from tests.support.staff import (
    LINK, StaffHandle, audit_rows, csrf, enrol, make_staff, signed_in_staff, start_view,
)
from tests.support.demo import BOOKKEEPER, HARBOUR, SEASIDE
from tests.support.forms import text_of

NORTHWIND = "187955000000050033"
LEDGER = "finance@bigledger.example"


# -- search ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query, expected", [
    ("Acme", "Acme"), (ACME_EMAIL, "Acme"), (ACME, "Acme"), ("northwind", "Northwind"),
])
def test_search_finds_customers_by_name_email_id_and_company(support_client, query, expected):
    page = support_client.get("/staff/", query_string={"q": query})
    assert page.status_code == 200
    rows = re.findall(r'<a href="/staff/customers/(\d+)">([^<]+)</a>', page.get_data(as_text=True))
    assert rows and any(expected in name for _, name in rows), rows


def test_search_is_paged_through_zoho(support_client, sandbox):
    import requests

    for n in range(12):  # the demo has 16 customers; a page holds 25
        requests.post(f"{sandbox.api_base}/customers", headers=sandbox.auth_headers(), timeout=10,
                      json={"display_name": f"Paging Test {n:02d}", "email": f"paging{n}@example.com"}).raise_for_status()
    sandbox.clear_calls()
    first = support_client.get("/staff/").get_data(as_text=True)
    assert 'rel="next"' in first
    calls = [c for c in sandbox.calls()["calls"] if c["path"].endswith("/customers")]
    assert calls and "per_page=25" in calls[0]["query_string"]
    second = support_client.get("/staff/?page=2").get_data(as_text=True)
    assert 'rel="prev"' in second
    assert set(re.findall(r"/staff/customers/(\d+)", first)).isdisjoint(re.findall(r"/staff/customers/(\d+)", second))


def test_search_with_nothing_found_says_so(support_client):
    assert "No customers found" in support_client.get("/staff/?q=zzzz-nobody").get_data(as_text=True)


def test_a_bad_page_number_is_400(support_client):
    assert support_client.get("/staff/?page=0").status_code == 400


# -- a customer's overview -----------------------------------------------------------------------------------


def test_overview_shows_zohos_summary_and_each_persons_portal_state(app, support_client, customer_client):
    page = support_client.get(f"/staff/customers/{ACME}")
    assert page.status_code == 200
    visible = text_of(page)
    assert "Outstanding" in visible and "Subscriptions" in visible and ACME in visible
    assert ACME_EMAIL in visible and "Active" in visible and "Not invited" in visible
    assert "{" not in visible.split("Subscriptions", 1)[1]  # no JSON from Zoho on the page


def test_an_unknown_customer_is_404(support_client):
    assert support_client.get("/staff/customers/187955999999999999").status_code == 404


def test_support_may_invite_and_unlock_but_not_disable_or_reset_two_factor(app, support_client, customer_client,
                                                                        mailbox):
    from db.models import PortalUser
    from extensions import db

    page = support_client.get(f"/staff/customers/{ACME}").get_data(as_text=True)
    assert "Invite" in page and ">Disable<" not in page and "Reset two-factor" not in page
    contact = re.search(r'name="email" value="([^"]+)"', page).group(1)
    token = csrf(support_client, "/staff/")
    invited = support_client.post(f"/staff/customers/{ACME}/invite", data={"csrf_token": token, "email": contact})
    assert invited.status_code == 303
    app.extensions["mailer"].close()
    assert mailbox.wait_for(contact)
    with app.app_context():
        user_id = db.session.scalars(db.select(PortalUser.id).where(PortalUser.email == ACME_EMAIL)).one()
    for action in ("disable", "reset-2fa"):
        response = support_client.post(f"/staff/customers/{ACME}/people/{user_id}/{action}", data={"csrf_token": token})
        assert response.status_code == 403, action
    assert customer_client.get("/").status_code == 200
    refused = [row for row in audit_rows(app, "staff.") if row.details["outcome"] == "refused_actor"]
    assert len(refused) == 2


def test_locked_person_shows_locked_and_support_can_unlock(make_app, sandbox):
    from db.models import PortalUser
    from extensions import db
    from services import accounts
    from services.audit import AuditContext
    from services.directory import find_invitee

    app = make_app(LOGIN_MAX_FAILURES=3)
    with app.app_context():
        accounts.ensure_active_user(find_invitee(ACME_EMAIL), CUSTOMER_PASSWORD, AuditContext.cli(), actor="test")
        db.session.commit()
        user_id = db.session.scalars(db.select(PortalUser.id)).one()
    customer = app.test_client()
    for _ in range(3):
        login(customer, ACME_EMAIL, "wrong password!!")
    assert login(customer, ACME_EMAIL, CUSTOMER_PASSWORD).status_code == 429
    support = signed_in_staff(app, make_staff(app))
    assert "Locked" in text_of(support.get(f"/staff/customers/{ACME}"))
    token = csrf(support, "/staff/")
    assert support.post(f"/staff/customers/{ACME}/people/{user_id}/unlock", data={"csrf_token": token}).status_code == 303
    assert login(customer, ACME_EMAIL, CUSTOMER_PASSWORD).status_code == 303
    (row,) = audit_rows(app, "login_unlocked_by_staff")
    assert row.customer_id == ACME and row.actor == "staff:1"


def test_admin_resets_a_persons_two_factor_and_disables_them(app, admin_client, customer_client):
    from db.models import PortalUser
    from extensions import db

    with app.app_context():
        user = db.session.scalars(db.select(PortalUser)).one()
        user.totp_secret = "JBSWY3DPEHPK3PXP"
        db.session.commit()
        user_id = user.id
    token = csrf(admin_client, "/staff/")
    assert admin_client.post(f"/staff/customers/{ACME}/people/{user_id}/reset-2fa",
                             data={"csrf_token": token}).status_code == 303
    assert customer_client.get("/").status_code == 302  # their sessions ended with the reset
    with app.app_context():
        assert db.session.get(PortalUser, user_id).totp_secret is None
    assert admin_client.post(f"/staff/customers/{ACME}/people/{user_id}/disable",
                             data={"csrf_token": token}).status_code == 303
    with app.app_context():
        assert db.session.get(PortalUser, user_id).status == "disabled"


def test_a_person_of_another_customer_cannot_be_touched(app, admin_client, customer_client):
    from db.models import PortalUser
    from extensions import db

    with app.app_context():
        user_id = db.session.scalars(db.select(PortalUser.id)).one()
    token = csrf(admin_client, "/staff/")
    response = admin_client.post(f"/staff/customers/{NORTHWIND}/people/{user_id}/disable", data={"csrf_token": token})
    assert response.status_code == 303
    assert "no portal account with this customer" in admin_client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(PortalUser, user_id).status == "active"


def test_a_person_with_access_to_two_customers_is_switched_off_for_the_one_on_the_page(app, admin_client,
                                                                                         sandbox_api):
    """The bookkeeper of Harbour Lights Café and Seaside Yoga Studio is listed on both customers' pages;
    Disable on one switches off that customer's access only, and her sign-in still opens the other."""
    from services.audit import AuditContext
    from services.directory import find_invitee
    from services import accounts as portal_accounts
    from extensions import db

    lights, yoga = sandbox_api.customer_id(HARBOUR), sandbox_api.customer_id(SEASIDE)
    with app.app_context():
        for customer_id in (lights, yoga):
            portal_accounts.ensure_active_user(find_invitee(BOOKKEEPER, customer_id=customer_id), CUSTOMER_PASSWORD,
                                               AuditContext.cli(), actor="test")
        db.session.commit()
        user_id = portal_accounts.find_user(BOOKKEEPER).id

    def her_row(customer_id: str) -> str:
        html = admin_client.get(f"/staff/customers/{customer_id}").get_data(as_text=True)
        return re.search(rf'<td data-label="Person">[^<]*<span[^>]*>{re.escape(BOOKKEEPER)}</span>.*?</tr>',
                         html, re.S).group(0)

    for customer_id in (lights, yoga):
        assert "Active" in her_row(customer_id) and f"/people/{user_id}/disable" in her_row(customer_id)
    token = csrf(admin_client, "/staff/")
    assert admin_client.post(f"/staff/customers/{lights}/people/{user_id}/disable",
                             data={"csrf_token": token}).status_code == 303
    assert "Disabled" in her_row(lights) and "Active" in her_row(yoga)
    signed_in = app.test_client()
    assert login(signed_in, BOOKKEEPER, CUSTOMER_PASSWORD).headers["Location"] == "/"  # Seaside only: no picker
    assert "Seaside Yoga Studio" in signed_in.get("/").get_data(as_text=True)


# -- the team ------------------------------------------------------------------------------------------------


def test_admin_creates_staff_with_an_enrolment_link_changes_role_and_disables(app, admin_client):
    token = csrf(admin_client, "/staff/team")
    created = admin_client.post("/staff/team/new", data={"csrf_token": token, "email": "new@support.example",
                                                         "display_name": "New Person", "role": "support"})
    assert created.status_code == 200
    link = LINK.search(created.get_data(as_text=True).replace("&amp;", "&")).group(0)
    newcomer = StaffHandle("new@support.example")
    assert enrol(app.test_client(), link, newcomer).status_code == 200
    assert admin_client.post("/staff/team/2/role", data={"csrf_token": token, "role": "admin"}).status_code == 303
    assert signed_in_staff(app, newcomer).get("/staff/team").status_code == 200  # admin now
    assert admin_client.post("/staff/team/2/disable", data={"csrf_token": token}).status_code == 303
    kinds = [row.event_type for row in audit_rows(app, "staff_")]
    assert {"staff_created", "staff_role_changed", "staff_disabled"} <= set(kinds)


def test_admin_cannot_disable_or_demote_themselves(app, admin_client):
    token = csrf(admin_client, "/staff/team")
    response = admin_client.post("/staff/team/1/disable", data={"csrf_token": token})
    assert "your own account" in admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert admin_client.get("/staff/team").status_code == 200


def test_disabling_a_staff_member_ends_their_open_view(app, admin_client, support_member):
    support = signed_in_staff(app, support_member)
    start_view(support, ACME)
    token = csrf(admin_client, "/staff/team")
    admin_client.post("/staff/team/2/disable", data={"csrf_token": token})
    assert support.get("/").headers["Location"].startswith("/login")
    (ended,) = audit_rows(app, "impersonation_ended")
    assert ended.details["how"] == "revoked"


def test_changing_a_staff_members_role_signs_them_out_and_ends_their_open_view(app, admin_client, support_member):
    support = signed_in_staff(app, support_member)
    start_view(support, ACME)
    token = csrf(admin_client, "/staff/team")
    assert admin_client.post("/staff/team/2/role", data={"csrf_token": token, "role": "admin"}).status_code == 303
    assert support.get("/staff/").status_code == 303
    (ended,) = audit_rows(app, "impersonation_ended")
    assert ended.details["how"] == "revoked"


# -- the audit log -----------------------------------------------------------------------------------------------


def test_audit_page_filters_by_customer_staff_action_and_date(app, admin_client, support_member):
    support = signed_in_staff(app, support_member)
    start_view(support, ACME)
    support.get("/invoices")
    page = admin_client.get("/staff/audit", query_string={"customer": ACME, "staff": "2", "action": "support_view.*"})
    assert page.status_code == 200
    rows = re.findall(r"<code>([a-z_.]+)</code>", page.get_data(as_text=True))
    assert rows and set(rows) == {"support_view.page"}
    assert "impersonation_started" in admin_client.get("/staff/audit?action=impersonation_started").get_data(as_text=True)
    assert "No event matches" in admin_client.get("/staff/audit?since=2000-01-01&until=2000-01-02").get_data(as_text=True)
    assert admin_client.get("/staff/audit?since=yesterday").status_code == 400


def test_audit_csv_export_is_recorded_and_defuses_formulas(app, admin_client, sandbox):
    from extensions import db
    from services import audit
    from services.audit import AuditContext

    with app.app_context():
        audit.record("probe", AuditContext(user_agent="=HYPERLINK(\"http://evil\")"), actor="test")
        db.session.commit()
    response = admin_client.get("/staff/audit.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    probe = next(row for row in rows if row["event_type"] == "probe")
    assert probe["user_agent"].startswith("'=")
    assert audit_rows(app, "audit_log_exported")


# -- the customer's Recent activity --------------------------------------------------------------------------------


def test_activity_page_shows_sign_ins_and_every_support_view_with_who_when_why_how_long(app, support_client,
                                                                                       customer_client):
    start_view(support_client, ACME, reason="Customer asked about the March invoice total")
    token = csrf(support_client, "/")
    support_client.post("/staff/view/end", data={"csrf_token": token})
    page = customer_client.get("/activity")
    assert page.status_code == 200
    visible = text_of(page)
    assert "Support viewed your account" in visible and "Sam Support" in visible
    assert "Customer asked about the March invoice total" in visible and "1 min" in visible
    assert "Signed in" in visible and "127.0.0.x" in visible
    assert "127.0.0.1" not in visible


def test_activity_page_never_shows_another_customers_rows(app, support_client, customer_client):
    start_view(support_client, NORTHWIND, reason="Looking into Northwind's credit note")
    assert "Northwind" not in text_of(customer_client.get("/activity"))


def test_staff_see_the_activity_page_too_including_their_own_view(support_client):
    start_view(support_client, ACME)
    visible = text_of(support_client.get("/activity"))
    assert "Support viewed your account" in visible and "Now" in visible
