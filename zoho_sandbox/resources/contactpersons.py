"""Contact persons of a customer (zoho-billing-api.md §4.3; keys ``contact_person``/``contact_persons``)."""
from __future__ import annotations

from ..core import RequestContext, api, ok, read_json_body
from ..domain import errors, fields, serialize
from ..domain.models import ContactPerson

FIELDS = ("salutation", "first_name", "last_name", "email", "phone", "mobile", "fax", "designation", "department")


def _apply(store, person: ContactPerson, body: dict) -> None:
    # Checked before anything changes: a refused update leaves the person as it was.
    values = {name: fields.text(body, name) for name in FIELDS if name in body}
    email = values.get("email", person.email)
    if not email.strip():
        raise errors.missing_field("email")
    if "@" not in email:
        raise errors.invalid_field("email")
    for name, value in values.items():
        setattr(person, name, value)
    person.updated_time = store.now()


@api.route("/customers/<customer_id>/contactpersons", ["GET"], scope="customers.READ")
def list_contact_persons(ctx: RequestContext, request, customer_id: str):
    with ctx.store.transaction() as store:
        store.get_customer(customer_id)
        people = store.customer_objects(customer_id, "contact_persons", store.contact_persons)
        return ok(contact_persons=[serialize.contact_person(store, p, full=False) for p in people],
                  page_context={"page": 1, "per_page": 200, "has_more_page": False, "applied_filter": "",
                                "sort_column": "contactperson_id", "sort_order": "A"})


@api.route("/customers/<customer_id>/contactpersons/<contactperson_id>", ["GET"], scope="customers.READ")
def get_contact_person(ctx: RequestContext, request, customer_id: str, contactperson_id: str):
    with ctx.store.transaction() as store:
        return ok(contact_person=serialize.contact_person(store, store.get_contact_person(customer_id, contactperson_id)))


@api.route("/customers/<customer_id>/contactpersons", ["POST"], scope="customers.CREATE")
def create_contact_person(ctx: RequestContext, request, customer_id: str):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        customer = store.get_customer(customer_id)
        now = store.now()
        person = ContactPerson(store.new_id(), customer.customer_id, "", "", "", now, now)
        _apply(store, person, body)
        store.add_contact_person(person)
        return ok("The contactperson has been added.", 201, contact_person=serialize.contact_person(store, person))


@api.route("/customers/<customer_id>/contactpersons/<contactperson_id>", ["PUT"], scope="customers.UPDATE")
def update_contact_person(ctx: RequestContext, request, customer_id: str, contactperson_id: str):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        person = store.get_contact_person(customer_id, contactperson_id)
        _apply(store, person, body)
        return ok("The contactperson details has been updated.", contact_person=serialize.contact_person(store, person))


@api.route("/customers/<customer_id>/contactpersons/<contactperson_id>", ["DELETE"], scope="customers.DELETE")
def delete_contact_person(ctx: RequestContext, request, customer_id: str, contactperson_id: str):
    with ctx.store.transaction() as store:
        person = store.get_contact_person(customer_id, contactperson_id)
        customer = store.customers[customer_id]
        if person.is_primary_contact:
            raise errors.not_allowed("The primary contact person cannot be deleted.")
        store.forget("contact_persons", store.contact_persons, person.contactperson_id, customer_id)
        for sub in store.customer_objects(customer_id, "subscriptions", store.subscriptions):
            if person.contactperson_id in sub.contactperson_ids:
                sub.contactperson_ids.remove(person.contactperson_id)
        customer.updated_time = store.now()
        return ok("The contact person has been deleted.")


@api.route("/customers/<customer_id>/contactpersons/<contactperson_id>/primary", ["POST"], scope="customers.CREATE")
def mark_primary(ctx: RequestContext, request, customer_id: str, contactperson_id: str):
    with ctx.store.transaction() as store:
        person = store.get_contact_person(customer_id, contactperson_id)
        for other in store.customer_objects(customer_id, "contact_persons", store.contact_persons):
            other.is_primary_contact = other is person
        store.customers[customer_id].primary_contactperson_id = person.contactperson_id
        return ok("This contact person has been marked as your primary contact person.")
