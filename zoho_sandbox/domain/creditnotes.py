"""Credit notes raised and handled through the API (credit-notes.yml): created with their items,
applied to invoices, voided and reopened, emailed, deleted. A credit note's balance is always its
total less what is applied and refunded (models.CreditNote), so voiding or deleting one that has
been used would rewrite history: refused until its applications are removed from the invoices.
"""
from __future__ import annotations

from decimal import Decimal

from . import billing, custom_fields, errors, fields, invoicing, taxes
from .models import CreditNote, CreditNoteItem, Customer, Invoice, InvoiceCredit


def _items(store, customer: Customer, entries: list[dict]) -> list[CreditNoteItem]:
    """``creditnote_items[{code, name, description, quantity, price, tax_id}]``; the tax as on invoices."""
    if not entries:
        raise errors.missing_field("creditnote_items")
    specs = []
    for entry in entries:
        code = fields.ident(entry, "code")
        catalogue_item = (store.plans.get(code) or store.addons.get(code)) if code else None
        name = fields.text(entry, "name").strip() or (catalogue_item.name if catalogue_item else code)
        if not name:
            raise errors.missing_field("code")
        price = fields.money(entry, "price")
        if price is None:
            raise errors.missing_field("price")
        quantity = fields.quantity(entry, default=Decimal(1))
        tax_id = fields.ident(entry, "tax_id")
        if tax_id and tax_id not in store.taxes:
            raise errors.invalid_field("tax_id")
        tax = store.taxes[tax_id] if tax_id else (
            None if fields.ident(entry, "tax_exemption_id") else taxes.line_tax_for(store, customer, code))
        specs.append((code, name, fields.text(entry, "description"), price, quantity, tax))
    return [CreditNoteItem(store.new_id(), code, name, description, price, quantity,
                           tax_id=tax.tax_id if tax else "", tax_name=tax.tax_name if tax else "",
                           tax_percentage=tax.tax_percentage if tax else Decimal(0))
            for code, name, description, price, quantity, tax in specs]


def create(store, body: dict, *, own_number: bool) -> CreditNote:
    customer_id = fields.required_ident(body, "customer_id")
    customer = store.get_customer(customer_id)
    number = invoicing.chosen_number(body, "creditnote_number", own_number,
                                     {n.number for n in store.creditnotes.values()})
    note_date = fields.day(body, "date")
    custom = custom_fields.as_sent(body.get("custom_fields"))
    items = _items(store, customer, fields.objects(body, "creditnote_items"))
    note = billing.create_credit_note(store, customer, items, reference_number=fields.text(body, "reference_number"),
                                      note_date=note_date, notes=fields.text(body, "notes"), emit=False)
    if number is not None:
        note.number = number
    note.terms, note.custom_fields = fields.text(body, "terms"), custom
    billing.announce_credit_note(store, note)
    return note


def _unused(note: CreditNote, action: str) -> None:
    if note.applications or note.refunds:
        raise errors.not_allowed(f"A credit note that has been applied or refunded cannot be {action}. "
                                 "Remove its credits from the invoices first.")


def void(store, note: CreditNote) -> None:
    if note.is_void:
        raise errors.not_allowed("The credit note is already void.")
    _unused(note, "voided")
    note.is_void = True
    note.updated_time = store.now()


def reopen(store, note: CreditNote) -> None:
    if not note.is_void:
        raise errors.not_allowed("Only a void credit note can be converted to open.")
    note.is_void = False
    note.updated_time = store.now()


def delete(store, note: CreditNote) -> None:
    _unused(note, "deleted")
    store.forget("creditnotes", store.creditnotes, note.creditnote_id, note.customer_id)


def email(store, note: CreditNote, body: dict) -> dict:
    if note.is_void:
        raise errors.not_allowed("A void credit note cannot be emailed.")
    customer = store.customers[note.customer_id]
    return invoicing.outbox_message(store, "creditnote", note.creditnote_id, note.number, customer, body,
                                    f"Credit note - {note.number}", f"Please find attached credit note {note.number}.")


def _apply_all(store, pairs: list[tuple[CreditNote, Invoice, Decimal | None]]) -> list[InvoiceCredit]:
    """Apply credits, every one checked before any is applied: each note and invoice belong together,
    no pair comes twice, and no note gives nor invoice takes more than its balance in all."""
    given: dict[str, Decimal] = {}
    taken: dict[str, Decimal] = {}
    for note, inv, amount in pairs:
        billing.check_credit_target(note, inv)
        if amount is None or amount <= 0 or sum(1 for n, i, _ in pairs if n is note and i is inv) > 1:
            raise errors.invalid_field("amount_applied")
        given[note.creditnote_id] = given.get(note.creditnote_id, Decimal(0)) + amount
        taken[inv.invoice_id] = taken.get(inv.invoice_id, Decimal(0)) + amount
    if any(total > store.creditnotes[note_id].balance for note_id, total in given.items()) or \
            any(total > store.invoices[invoice_id].balance for invoice_id, total in taken.items()):
        raise errors.invalid_field("amount_applied")
    return [billing.apply_credit(store, note, inv, amount) for note, inv, amount in pairs]


def apply_to_invoices(store, note: CreditNote, entries: list[dict]) -> list[InvoiceCredit]:
    """``POST /creditnotes/{id}/invoices``: ``invoices[{invoice_id, amount_applied}]``."""
    if not entries:
        raise errors.missing_field("invoices")
    return _apply_all(store, [(note, store.get_invoice(fields.required_ident(e, "invoice_id")),
                               fields.money(e, "amount_applied")) for e in entries])


def apply_to_invoice(store, inv: Invoice, entries: list[dict]) -> list[InvoiceCredit]:
    """``POST /invoices/{id}/credits``: ``apply_creditnotes[{creditnote_id, amount_applied}]``."""
    if not entries:
        raise errors.missing_field("apply_creditnotes")
    return _apply_all(store, [(store.get_creditnote(fields.required_ident(e, "creditnote_id")), inv,
                               fields.money(e, "amount_applied")) for e in entries])
