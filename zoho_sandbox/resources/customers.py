"""Customers (zoho-billing-api.md §4.2): list with filters, get, create, update, delete, status
actions, and the customer's unused credits."""
from __future__ import annotations

from ..core import RequestContext, api, ok, read_json_body
from ..domain import errors, fields, serialize
from ..domain.customers import apply_customer_fields, create_customer, has_transactions
from ..domain.models import Customer
from ..store import unknown_customer
from . import listing
from .actions import act

CUSTOMER_FILTERS = ("Status.All", "Status.Active", "Status.Inactive", "Status.Gapps", "Status.Crm",
                    "Status.NonSubscribers", "Status.PortalEnabled", "Status.PortalDisabled")
SORT_COLUMNS = {
    "customer_id": lambda store, c: int(c.customer_id),
    "display_name": lambda store, c: listing.text_key(c.display_name),
    "customer_name": lambda store, c: listing.text_key(c.display_name),
    "company_name": lambda store, c: listing.text_key(c.company_name),
    "email": lambda store, c: listing.text_key(c.email),
    "created_time": lambda store, c: c.created_time,
    "updated_time": lambda store, c: c.updated_time,
    "outstanding": lambda store, c: serialize.customer_balances(store, c.customer_id)[0],
    "unused_credits": lambda store, c: serialize.customer_balances(store, c.customer_id)[1],
}
def _matches_filter(store, c: Customer, filter_by: str) -> bool:
    status = filter_by.split(".", 1)[1]
    if status == "All":
        return True
    if status == "Active":
        return c.status == "active"
    if status == "Inactive":
        return c.status == "inactive"
    if status == "Gapps":
        return False  # no customer is linked with Google Apps in the sandbox
    if status == "Crm":
        return bool(c.zcrm_account_id or c.zcrm_contact_id)
    if status == "NonSubscribers":
        return not store.customer_index(c.customer_id)["subscriptions"]
    if status == "PortalEnabled":
        return c.is_portal_enabled
    return not c.is_portal_enabled


def _matches_search(c: Customer, text: str) -> bool:
    needle = text.casefold()
    return any(needle in (value or "").casefold()
               for value in (c.display_name, c.company_name, c.email, c.first_name, c.last_name, c.phone))


@api.route("/customers", ["GET"], scope="customers.READ")
def list_customers(ctx: RequestContext, request):
    query = listing.parse(request, filters=CUSTOMER_FILTERS, default_filter="Status.All",
                          sort_columns=SORT_COLUMNS, default_sort="customer_id")
    email = (request.args.get("email") or "").strip().casefold()
    search = (request.args.get("search_text") or request.args.get("display_name_contains") or "").strip()
    with ctx.store.transaction() as store:
        rows = [c for c in store.customers.values()
                if _matches_filter(store, c, query.filter_by)
                and (not email or c.email.casefold() == email)
                and (not search or _matches_search(c, search))]
        key = SORT_COLUMNS[query.sort_column]
        rows = listing.sort(rows, lambda c: key(store, c), query.sort_order)
        chunk, context = listing.page_of(rows, query)
        return ok(customers=[serialize.customer(store, c, full=False) for c in chunk],
                  page_context=listing.with_report_name(context, "All Contacts"))


REFERENCE_TYPES = ("zcrm_account_id", "zcrm_contact_id")


@api.route("/customers/reference/<reference_id>", ["GET"], scope="customers.READ")
def get_customer_by_reference(ctx: RequestContext, request, reference_id: str):
    """A customer by its Zoho CRM id. ``reference_id_type`` says which id it is; without it either
    matches (customers.yml requires it; a client that leaves it out still finds the customer)."""
    kind = (request.args.get("reference_id_type") or "").strip().lower()
    if kind and kind not in REFERENCE_TYPES:
        raise errors.invalid_parameter("reference_id_type", kind)
    kinds = (kind,) if kind else REFERENCE_TYPES
    with ctx.store.transaction() as store:
        found = next((c for c in store.customers.values()
                      if reference_id and any(getattr(c, k) == reference_id for k in kinds)), None)
        if found is None:
            raise unknown_customer()
        return ok(customer=serialize.customer(store, found))


@api.route("/customers/<customer_id>", ["GET"], scope="customers.READ")
def get_customer(ctx: RequestContext, request, customer_id: str):
    with ctx.store.transaction() as store:
        return ok(customer=serialize.customer(store, store.get_customer(customer_id)))


@api.route("/customers", ["POST"], scope="customers.CREATE")
def post_customer(ctx: RequestContext, request):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        if not fields.text(body, "email").strip():
            raise errors.missing_field("email")
        customer = create_customer(store, body)
        return ok("The customer has been added.", 201, customer=serialize.customer(store, customer))


@api.route("/customers/<customer_id>", ["PUT"], scope="customers.UPDATE")
def put_customer(ctx: RequestContext, request, customer_id: str):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        customer = store.get_customer(customer_id)
        apply_customer_fields(store, customer, body)
        store.emit("customer_updated", lambda: {"customer": serialize.customer(store, customer)})
        return ok("Customer information has been saved.", customer=serialize.customer(store, customer))


@api.route("/customers/<customer_id>", ["DELETE"], scope="customers.DELETE")
def delete_customer(ctx: RequestContext, request, customer_id: str):
    with ctx.store.transaction() as store:
        customer = store.get_customer(customer_id)
        index = store.customer_index(customer_id)
        if has_transactions(store, customer_id):
            raise errors.not_allowed("The customer has transactions and cannot be deleted. Mark it inactive instead.")
        for person_id in index["contact_persons"]:
            store.contact_persons.pop(person_id, None)
        for card_id in index["cards"]:
            store.cards.pop(card_id, None)
        del store.customers[customer.customer_id]
        del store.by_customer[customer.customer_id]
        store.force_cancel_hostedpages(customer_id=customer.customer_id)
        store.emit("customer_deleted", {"customer": {"customer_id": customer.customer_id}})
        return ok("The customer has been deleted.")


def _set_status(ctx, customer_id: str, status: str, message: str):
    def change(store, customer):
        customer.status, customer.updated_time = status, store.now()

    return act(ctx, "get_customer", customer_id, change, message)


@api.route("/customers/<customer_id>/markasactive", ["POST"], scope="customers.CREATE")
def mark_active(ctx: RequestContext, request, customer_id: str):
    return _set_status(ctx, customer_id, "active", "The customer has been marked as active.")


@api.route("/customers/<customer_id>/markasinactive", ["POST"], scope="customers.CREATE")
def mark_inactive(ctx: RequestContext, request, customer_id: str):
    return _set_status(ctx, customer_id, "inactive", "The customer has been marked as inactive.")


@api.route("/customers/<customer_id>/unusedcredits", ["GET"], scope="customers.READ")
def unused_credits(ctx: RequestContext, request, customer_id: str):
    """The reply's shape is undocumented: one row per open credit note (``creditnote_id``) and per
    payment with an excess (``payment_id``), with its unused ``balance``, and the total."""
    with ctx.store.transaction() as store:
        customer = store.get_customer(customer_id)
        symbol = serialize.currency_symbol(customer.currency_code)
        rows = [{"creditnote_id": n.creditnote_id, "creditnote_number": n.number, "date": serialize.d(n.date),
                 "total": n.total, "balance": n.balance, "currency_code": n.currency_code, "currency_symbol": symbol}
                for n in store.customer_objects(customer_id, "creditnotes", store.creditnotes) if n.balance > 0]
        rows += [{"payment_id": p.payment_id, "reference_number": p.reference_number, "date": serialize.d(p.date),
                  "total": p.amount, "balance": p.unused, "currency_code": p.currency_code, "currency_symbol": symbol}
                 for p in store.customer_objects(customer_id, "payments", store.payments) if p.unused > 0]
        return ok(unused_credits=rows, total_unused_credits=serialize.customer_balances(store, customer.customer_id)[1])
