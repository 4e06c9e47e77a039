"""Profile: details, addresses and tax id (whitelisted fields only), Zoho's refusals next to the field
with what was typed kept, contact persons (add, edit, remove, invite) and their ownership."""
from __future__ import annotations

import re

from tests.support.audit import audit_events
from tests.support.demo import ACME, OLGA
from tests.support.forms import csrf_of, post_form


def _form_values(html: str) -> dict:
    values = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    values.update({name: "" for name in re.findall(r'<input[^>]*name="([^"]+)"(?![^>]*value=)[^>]*>', html)})
    return values


def test_details_addresses_and_tax_id_are_saved_and_nothing_else(make_app, sandbox_api, signed_in):
    app = make_app()
    client = signed_in(ACME, client_app=app)
    acme = sandbox_api.customer_id(ACME)
    html = client.get("/profile").get_data(as_text=True)
    values = _form_values(html)
    assert values["tax_id"] == "US-99-1234567" and values["display_name"] == "Acme Studio"
    values.update(phone="+1 555 0199", billing_city="Salem", shipping_street="1 Dock St", tax_id="US-11-7654321",
                  customer_id=sandbox_api.customer_id(OLGA), status="inactive", outstanding="0",
                  is_portal_enabled="false")
    response = client.post("/profile", data=values)
    assert response.status_code == 303
    after = sandbox_api.customer(acme)
    assert (after["phone"], after["billing_address"]["city"], after["shipping_address"]["street"]) == (
        "+1 555 0199", "Salem", "1 Dock St")
    assert [f["value"] for f in after["custom_fields"] if f["label"] == "VAT ID"] == ["US-11-7654321"]
    assert after["status"] == "active" and after["is_portal_enabled"] is True
    assert sandbox_api.customer(sandbox_api.customer_id(OLGA))["phone"] != "+1 555 0199"
    assert "+1 555 0199" in client.get("/profile").get_data(as_text=True)
    details = audit_events(app, "write.profile")[-1].details
    assert details["outcome"] == "succeeded" and set(details["fields"]) == {
        "phone", "billing_address", "shipping_address", "tax_id"}


def test_zoho_refusal_appears_next_to_its_field_and_keeps_what_was_typed(make_app, sandbox_api, signed_in):
    app = make_app()
    client = signed_in(ACME, client_app=app)
    values = _form_values(client.get("/profile").get_data(as_text=True))
    values.update(email="billing at acme", phone="+1 555 0142 ext 9")
    response = client.post("/profile", data=values)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(r'<p class="field-error" id="email-error">([^<]+)</p>', html)
    assert error and "email" in error.group(1)
    assert 'value="billing at acme"' in html and 'value="+1 555 0142 ext 9"' in html
    assert audit_events(app, "write.profile")[-1].details["outcome"] == "refused"
    # (the sandbox applies fields before refusing, so Zoho's state afterwards is not asserted here)


def test_zoho_down_while_saving_the_profile(make_app, sandbox_api, sandbox, signed_in):
    app = make_app()
    client = signed_in(ACME, client_app=app)
    values = _form_values(client.get("/profile").get_data(as_text=True))
    values.update(phone="+1 555 0000")
    sandbox.add_fault(path="/billing/v1/customers/*", method="PUT", kind="status", status=503, count=-1)
    response = client.post("/profile", data=values)
    sandbox.clear_faults()
    assert response.status_code == 303
    assert "nothing was changed" in client.get("/profile").get_data(as_text=True)
    assert sandbox_api.customer(sandbox_api.customer_id(ACME))["phone"] != "+1 555 0000"


def test_contact_persons_add_edit_remove(make_app, sandbox_api, signed_in):
    app = make_app()
    client = signed_in(ACME, client_app=app)
    acme = sandbox_api.customer_id(ACME)
    refused = post_form(client, "/profile/contacts/new", {"email": "no-at-sign", "first_name": "Rui"})
    assert refused.status_code == 422
    assert re.search(r'id="email-error">[^<]*email', refused.get_data(as_text=True))
    assert 'value="Rui"' in refused.get_data(as_text=True)

    added = post_form(client, "/profile/contacts/new", {"email": "rui@acme.example", "first_name": "Rui",
                                                         "customer_id": sandbox_api.customer_id(OLGA)})
    assert added.status_code == 303
    person = next(p for p in sandbox_api.contacts(acme) if p["email"] == "rui@acme.example")
    assert "rui@acme.example" in client.get("/profile").get_data(as_text=True)

    edited = post_form(client, f"/profile/contacts/{person['contactperson_id']}",
                       {"email": "rui@acme.example", "first_name": "Rui", "designation": "Controller"})
    assert edited.status_code == 303
    detail = sandbox_api.get(f"/customers/{acme}/contactpersons/{person['contactperson_id']}")["contact_person"]
    assert detail["designation"] == "Controller"

    removed = post_form(client, f"/profile/contacts/{person['contactperson_id']}/remove")
    assert removed.status_code == 303
    assert "rui@acme.example" not in [p["email"] for p in sandbox_api.contacts(acme)]
    outcomes = [e.details["outcome"] for e in audit_events(app, "write.add_contact_person")]
    assert outcomes == ["refused", "succeeded"]


def test_the_primary_contact_cannot_be_removed_and_zoho_says_why(make_app, sandbox_api, signed_in):
    app = make_app()
    client = signed_in(ACME, client_app=app)
    acme = sandbox_api.customer_id(ACME)
    primary = next((p for p in sandbox_api.contacts(acme) if p.get("is_primary_contact")), None)
    assert primary is not None
    response = post_form(client, f"/profile/contacts/{primary['contactperson_id']}/remove")
    assert response.status_code == 422
    assert "primary contact person cannot be deleted" in response.get_data(as_text=True)
    assert primary["contactperson_id"] in [p["contactperson_id"] for p in sandbox_api.contacts(acme)]


def test_invite_a_contact_person_to_the_portal(make_app, sandbox_api, mailbox, signed_in):
    app = make_app()
    client = signed_in(ACME, client_app=app)
    acme = sandbox_api.customer_id(ACME)
    person = next(p for p in sandbox_api.contacts(acme) if p["email"] != ACME and not p.get("is_primary_contact"))
    token = csrf_of(client.get("/profile").get_data(as_text=True))
    response = client.post(f"/profile/contacts/{person['contactperson_id']}/invite", data={"csrf_token": token})
    assert response.status_code == 303
    message = mailbox.wait_for(person["email"])
    assert "/invite" in message.get_body(("plain",)).get_content()
    assert audit_events(app, "write.invite_contact_person")[-1].details["outcome"] == "succeeded"


def test_someone_elses_contact_person_is_a_404_without_reaching_zoho(make_app, sandbox_api, sandbox, signed_in):
    app = make_app()
    acme_person = sandbox_api.contacts(sandbox_api.customer_id(ACME))[0]["contactperson_id"]
    olga = signed_in(OLGA, client_app=app)
    token = csrf_of(olga.get("/profile").get_data(as_text=True))
    sandbox.clear_calls()
    assert olga.get(f"/profile/contacts/{acme_person}").status_code == 404
    for path in (f"/profile/contacts/{acme_person}", f"/profile/contacts/{acme_person}/remove",
                 f"/profile/contacts/{acme_person}/invite"):
        assert olga.post(path, data={"csrf_token": token, "email": "x@y.example"}).status_code == 404
    assert not [c for c in sandbox.calls()["calls"] if acme_person in c["path"] + c["query_string"]]
