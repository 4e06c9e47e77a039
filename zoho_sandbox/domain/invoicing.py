"""Invoices as an organization handles them through the API (invoices.yml): raised by hand, edited,
sent, emailed, voided and reopened, written off, readdressed, given custom fields and attachments.

An invoice raised through the API starts as a draft (``send=true`` sends it at once); a draft is
Zoho's "pending" invoice whose items may still change (``.../lineitems``), owes nothing yet and is
sent by ``status/sent``, by emailing it, or by taking a payment. Money never moves here except
through the facts billing.py keeps (payment and credit shares, the written-off amount), so every
balance stays derived.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from . import activities, billing, custom_fields, errors, fields, serialize, taxes
from .customers import ADDRESS_KEYS, apply_address
from .models import Attachment, Customer, Invoice, InvoiceItem
from .money import ZERO

ATTACHMENT_TYPES = ("gif", "png", "jpeg", "jpg", "bmp", "pdf")
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# Invoice-level amounts the sandbox does not model: refused rather than silently dropped.
UNSUPPORTED_AMOUNTS = ("discount", "adjustment", "shipping_charge")


def comment(store, inv: Invoice, description: str) -> None:
    """A system comment in the invoice's history (``comments[]``), as Zoho writes one per action."""
    now = store.now()
    inv.comments.append({"comment_id": store.link_ids.next(), "description": description,
                         "commented_by": "Zoho Billing", "comment_type": "system", "date": now.date().isoformat(),
                         "time": now.strftime("%I:%M %p").lstrip("0"), "operation_type": "Added",
                         "transaction_id": inv.invoice_id, "transaction_type": "invoice"})


# ---- lines ----------------------------------------------------------------------------------

def _discount(entry: dict, gross: Decimal) -> Decimal:
    """An item's ``discount``: an amount (``5``) or a percentage of the line (``"12.5%"``)."""
    raw = entry.get("discount")
    if raw is None or raw == "":
        return ZERO
    if isinstance(raw, str) and raw.strip().endswith("%"):
        percent = fields.as_money(raw.strip()[:-1], "discount")
        if percent > 100:
            raise errors.invalid_field("discount")
        return (gross * percent / Decimal(100)).quantize(Decimal("0.01"))
    amount = fields.as_money(raw, "discount")
    if amount > gross:
        raise errors.invalid_field("discount")
    return amount


def build_items(store, customer: Customer, entries: list[dict]) -> list[InvoiceItem]:
    """Invoice items from ``invoice_items[]``. An item names a plan or addon by ``code`` (its name and
    price come from the catalogue unless sent) or is free-form with a ``name`` and a ``price``. Its tax
    is the ``tax_id`` sent, none with a ``tax_exemption_id``, else the one the customer's
    subscriptions would carry for that code."""
    if not entries:
        raise errors.missing_field("invoice_items")
    specs = []
    for entry in entries:
        code = fields.ident(entry, "code")
        catalogue_item = store.plans.get(code) or store.addons.get(code) if code else None
        name = fields.text(entry, "name").strip() or (catalogue_item.name if catalogue_item else "")
        if not name:
            raise errors.missing_field("name")
        quantity = fields.quantity(entry, default=Decimal(1))
        price = fields.money(entry, "price")
        if price is None:
            if catalogue_item is None:
                raise errors.missing_field("price")
            price = _catalogue_price(catalogue_item, customer.currency_code, quantity)
        discount = _discount(entry, (price * quantity).quantize(Decimal("0.01")))
        tax_id = fields.ident(entry, "tax_id")
        if tax_id and tax_id not in store.taxes:
            raise errors.invalid_field("tax_id")
        if tax_id:
            tax = store.taxes[tax_id]
        elif fields.ident(entry, "tax_exemption_id"):
            tax = None
        else:
            tax = taxes.line_tax_for(store, customer, code)
        specs.append((code, name, fields.text(entry, "description"), price, quantity, discount,
                      fields.ident(entry, "product_id") or (catalogue_item.product_id if catalogue_item else ""), tax))
    return [billing.new_item(store, code, name, description, price, quantity, discount, product_id=product_id, tax=tax)
            for code, name, description, price, quantity, discount, product_id, tax in specs]


def _catalogue_price(item, currency_code: str, quantity: Decimal) -> Decimal:
    from . import pricing

    if hasattr(item, "plan_code"):
        return pricing.plan_price(item, currency_code)
    return pricing.addon_price(item, currency_code, quantity)


# ---- create, update, delete -------------------------------------------------------------------

def _refuse_unsupported(body: dict) -> None:
    for name in UNSUPPORTED_AMOUNTS:
        if fields.money(body, name, ZERO, allow_negative=True) != 0:
            raise errors.invalid_field(name)


def chosen_number(body: dict, field: str, own_number: bool, taken) -> str | None:
    """A document number the client chose (``ignore_auto_number_generation``), unique among
    ``taken``; None to take Zoho's next one."""
    if not own_number:
        return None
    number = fields.text(body, field).strip()
    if not number:
        raise errors.missing_field(field)
    if number in taken:
        raise errors.already_exists(f"The number {number} already exists.")
    return number


def _header(store, body: dict, customer: Customer, inv: Invoice | None) -> dict:
    """The invoice's own fields from a create/update body, checked (nothing is changed here)."""
    invoice_date = fields.day(body, "date") or (inv.invoice_date if inv else store.today())
    terms = fields.integer(body, "payment_terms", None, minimum=0)
    due_date = fields.day(body, "due_date")
    if due_date is None:
        if terms is not None:
            due_date = invoice_date + timedelta(days=terms)
        elif inv is not None and "date" not in body:
            due_date = inv.due_date
        else:
            due_date = invoice_date + timedelta(days=customer.payment_terms)
    if due_date < invoice_date:
        raise errors.invalid_field("due_date")
    return {
        "invoice_date": invoice_date, "due_date": due_date,
        "reference_number": fields.text(body, "reference_number", inv.reference_number if inv else ""),
        "notes": fields.text(body, "notes", inv.notes if inv else ""),
        "terms": fields.text(body, "terms", inv.terms if inv else ""),
        "salesperson_name": fields.text(body, "salesperson_name", inv.salesperson_name if inv else ""),
        "custom_fields": custom_fields.as_sent(body["custom_fields"]) if "custom_fields" in body else
        (inv.custom_fields if inv else []),
    }


def create(store, body: dict, *, own_number: bool, send: bool) -> Invoice:
    customer_id = fields.required_ident(body, "customer_id")
    customer = store.get_customer(customer_id)
    _refuse_unsupported(body)
    number = chosen_number(body, "invoice_number", own_number, {i.number for i in store.invoices.values()})
    header = _header(store, body, customer, None)
    items = build_items(store, customer, fields.objects(body, "invoice_items"))
    inv = billing.create_invoice(store, customer, items, "invoice", invoice_date=header.pop("invoice_date"),
                                 emit=False)
    inv.is_draft = True
    if number is not None:
        inv.number = number
    for name, value in header.items():
        setattr(inv, name, value)
    if send:
        email(store, inv, {})
    store.emit("invoice_created", lambda: {"invoice": serialize.invoice(store, inv)})
    return inv


def update(store, inv: Invoice, body: dict, *, own_number: bool) -> Invoice:
    """PUT /invoices/{id}: the items sent replace the invoice's (to drop one, leave it out). The
    total may not fall below what is already paid, credited or written off."""
    if inv.is_void:
        raise errors.not_allowed("A void invoice cannot be edited. Convert it to open first.")
    customer_id = fields.ident(body, "customer_id") or inv.customer_id
    if customer_id != inv.customer_id:
        if inv.payments or inv.credits:
            raise errors.refusal(errors.CUSTOMER_HAS_PAYMENTS,
                                  "The customer for this invoice cannot be changed because payments have been recorded for this invoice")
        if store.get_customer(customer_id).currency_code != inv.currency_code:
            raise errors.not_allowed("The invoice can only move to a customer with the same currency.")
    customer = store.get_customer(customer_id)
    _refuse_unsupported(body)
    number = chosen_number(body, "invoice_number", own_number,
                           {i.number for i in store.invoices.values() if i is not inv})
    header = _header(store, body, customer, inv)
    items = build_items(store, customer, fields.objects(body, "invoice_items")) if "invoice_items" in body else inv.items
    settled = inv.payment_made + inv.credits_applied + inv.write_off_amount
    total = sum((i.item_total + i.tax_amount for i in items), ZERO)
    if total < settled:
        raise errors.invalid_field("invoice_items")
    if customer_id != inv.customer_id:
        store.customer_index(inv.customer_id)["invoices"].remove(inv.invoice_id)
        store.customer_index(customer_id)["invoices"].append(inv.invoice_id)
        inv.customer_id = customer_id
    if number is not None:
        inv.number = number
    for name, value in header.items():
        setattr(inv, name, value)
    inv.items = items
    inv.updated_time = store.now()
    billing.after_invoice_settled(store, inv)
    return inv


def delete(store, inv: Invoice) -> None:
    """invoices.yml: an invoice with payments or credits applied cannot be deleted."""
    if inv.payments:
        raise errors.refusal(errors.INVOICE_HAS_PAYMENTS,
                              "Payments have been recorded for this invoice. Hence it cannot be deleted.")
    if inv.credits:
        raise errors.refusal(errors.INVOICE_HAS_CREDITS, "This invoice has credits applied to it. Hence, it cannot be deleted.")
    store.forget("invoices", store.invoices, inv.invoice_id, inv.customer_id)
    store.force_cancel_hostedpages(invoice_id=inv.invoice_id)
    for sub in store.customer_objects(inv.customer_id, "subscriptions", store.subscriptions):
        if sub.child_invoice_id == inv.invoice_id:
            sub.child_invoice_id = ""
    activities.record(store, activities.of_subscription(store, inv.subscription_id), f"Invoice deleted - {inv.number}")


# ---- pending items ----------------------------------------------------------------------------

def _pending(inv: Invoice) -> None:
    if not inv.is_draft:
        raise errors.refusal(errors.ITEMS_NOT_EDITABLE, "Items of this invoice cannot be modified.")


def add_items(store, inv: Invoice, body: dict) -> Invoice:
    _pending(inv)
    inv.items.extend(build_items(store, store.customers[inv.customer_id], fields.objects(body, "invoice_items")))
    inv.updated_time = store.now()
    return inv


def delete_item(store, inv: Invoice, item_id: str) -> None:
    _pending(inv)
    item = next((i for i in inv.items if i.item_id == item_id), None)
    if item is None:
        raise errors.invalid_field("item_id")
    if len(inv.items) == 1:
        raise errors.not_allowed("An invoice needs at least one item. Delete the invoice instead.")
    inv.items.remove(item)
    inv.updated_time = store.now()


# ---- status -------------------------------------------------------------------------------------

def mark_sent(store, inv: Invoice) -> None:
    if inv.is_void:
        raise errors.not_allowed("A void invoice cannot be marked as sent.")
    if inv.is_draft:
        inv.is_draft = False
        inv.updated_time = store.now()
        comment(store, inv, "Invoice marked as sent")


def void(store, inv: Invoice) -> None:
    """invoices.yml: "Upon voiding, the payments and credits associated with the invoice will be
    unassociated and will be under customer credits": payment shares become the payments' excess,
    credit shares go back to their credit notes, a write-off is undone."""
    if inv.is_void:
        raise errors.not_allowed("The invoice is already void.")
    for share in list(inv.payments):
        billing.remove_payment_share(store, inv, share.invoice_payment_id)
    for credit in list(inv.credits):
        billing.remove_credit_share(store, inv, credit.creditnote_invoice_id)
    inv.write_off_amount = ZERO
    inv.is_void = True
    inv.is_draft = False
    inv.updated_time = store.now()
    comment(store, inv, "Invoice has been marked as void")
    activities.record(store, activities.of_subscription(store, inv.subscription_id), f"Invoice voided - {inv.number}")
    billing.after_invoice_settled(store, inv)


def reopen(store, inv: Invoice) -> None:
    """``converttoopen``: a void invoice (owing its total again) or a draft becomes an open invoice."""
    if not inv.is_void and not inv.is_draft:
        raise errors.not_allowed("Only void or draft invoices can be converted to open.")
    inv.is_void = inv.is_draft = False
    inv.updated_time = store.now()
    comment(store, inv, "Invoice status changed to open")


def write_off(store, inv: Invoice, reason: str) -> None:
    if inv.is_void or inv.is_draft or inv.balance <= 0:
        raise errors.not_allowed("Only an open invoice with a balance can be written off.")
    inv.write_off_amount += inv.balance
    inv.updated_time = store.now()
    comment(store, inv, f"Invoice written off{': ' + reason if reason else ''}")
    billing.after_invoice_settled(store, inv)


def cancel_write_off(store, inv: Invoice) -> None:
    if inv.write_off_amount <= 0:
        raise errors.not_allowed("This invoice has not been written off.")
    inv.write_off_amount = ZERO
    inv.updated_time = store.now()
    comment(store, inv, "Write off cancelled")


# ---- email, address, custom fields, attachments -----------------------------------------------

def email(store, inv: Invoice, body: dict) -> dict:
    """Email the invoice: recorded in the sandbox's outbox (GET /__sandbox/outbox) with what Zoho
    would send; a draft goes out as sent."""
    if inv.is_void:
        raise errors.not_allowed("A void invoice cannot be emailed.")
    customer = store.customers[inv.customer_id]
    message = outbox_message(store, "invoice", inv.invoice_id, inv.number, customer, body,
                             f"Invoice - {inv.number}", f"Please find attached invoice {inv.number}.")
    inv.emailed = True
    inv.is_draft = False
    inv.updated_time = store.now()
    comment(store, inv, f"Invoice emailed to {', '.join(message['to_mail_ids'])}")
    return message


def outbox_message(store, kind: str, object_id: str, number: str, customer: Customer, body: dict,
                   subject: str, text: str) -> dict:
    to = fields.texts(body, "to_mail_ids") or [customer.email]
    cc = fields.texts(body, "cc_mail_ids")
    for address in (*to, *cc):
        if "@" not in address:
            raise errors.invalid_field("to_mail_ids")
    message = {"kind": kind, "id": object_id, "number": number, "customer_id": customer.customer_id,
               "to_mail_ids": to, "cc_mail_ids": cc, "subject": fields.text(body, "subject").strip() or subject,
               "body": fields.text(body, "body").strip() or text, "sent_time": store.now().isoformat()}
    store.outbox.append(message)
    return message


def set_address(store, inv: Invoice, body: dict) -> None:
    customer = store.customers[inv.customer_id]
    addresses = {}
    for kind in ("billing_address", "shipping_address"):
        current = dict(getattr(inv, kind) if getattr(inv, kind) is not None else getattr(customer, kind))
        apply_address(current, body.get(kind), kind)
        addresses[kind] = {k: current.get(k, "") for k in ADDRESS_KEYS}
    if body.get("billing_address") is None and body.get("shipping_address") is None:
        raise errors.missing_field("billing_address")
    for kind, value in addresses.items():
        if body.get(kind) is not None:
            setattr(inv, kind, value)
    inv.updated_time = store.now()


def set_custom_fields(store, inv: Invoice, body: dict) -> None:
    inv.custom_fields = custom_fields.merge(inv.custom_fields, body)
    inv.updated_time = store.now()


def attach(store, inv: Invoice, request) -> Attachment:
    """``POST .../attachment``: a file sent as multipart/form-data field ``attachment``."""
    try:
        upload = request.files.get("attachment")
    except Exception:
        upload = None
    if upload is None or not upload.filename:
        raise errors.missing_field("attachment")
    extension = upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else ""
    if extension not in ATTACHMENT_TYPES:
        raise errors.invalid_field("attachment")
    content = upload.read(MAX_ATTACHMENT_BYTES + 1)
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise errors.invalid_field("attachment")
    form = {k: request.form[k] for k in ("can_send_in_mail",) if k in request.form}
    file = Attachment(upload.filename, upload.mimetype or "application/octet-stream", content,
                      fields.flag({**form, **request.args.to_dict()}, "can_send_in_mail", True), store.now())
    inv.attachments.append(file)
    inv.updated_time = store.now()
    return file
