"""The statement of account, computed from Zoho's data on each request and never stored.

For each currency: the opening balance is everything invoiced before ``start`` less everything paid
and credited before it; then every invoice (a charge), payment and credit note (reductions) dated
``start``..``end`` in date order with the running balance; the closing balance is
``opening + invoiced − paid − credited``. Void and draft invoices, void credit notes and failed
payments move nothing.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping

from zoho_client.models import Money, Transaction

from services.billing_models import CurrencyStatement, InvoiceRow, Statement, StatementLine
from services.policy import invoices as invoice_policy
from services.texts import invoices as words

ZERO = Decimal("0")
NO_CURRENCY = "XXX"  # ISO 4217's "no currency": a customer with no currency and no documents
# Same-day order: a charge before what settles it, so a running balance never dips below zero oddly.
KIND_ORDER = {"invoice": 0, "credit_note": 1, "payment": 2}


def _movements(invoices: Iterable[InvoiceRow], payments: Iterable[Transaction], credits: Iterable[Transaction],
               fallback_currency: str, numbers: Mapping[str, str]) -> list[tuple[date, str, str, str | None, str, Decimal]]:
    """(date, kind, id, number, currency, signed amount) for everything that moves the balance."""
    moves = []
    for row in invoices:
        if not invoice_policy.moves_balance(row) or row.invoice_date is None or row.total is None:
            continue
        moves.append((row.invoice_date, "invoice", row.invoice_id, row.invoice_number, row.total.currency,
                      row.total.amount))
    for kind, rows, counts in (("payment", payments, invoice_policy.payment_counts),
                               ("credit_note", credits, invoice_policy.credit_note_counts)):
        for t in rows:
            if not counts(t) or t.date is None or t.amount is None:
                continue
            moves.append((t.date, kind, t.transaction_id, numbers.get(t.transaction_id),
                          t.currency_code or fallback_currency, -t.amount))
    moves.sort(key=lambda m: (m[0], KIND_ORDER[m[1]], m[2]))
    return moves


def _description(kind: str, number: str | None) -> str:
    return words.statement_line(kind, number)


def build_statement(start: date, end: date, invoices: Iterable[InvoiceRow], payments: Iterable[Transaction],
                    credits: Iterable[Transaction], fallback_currency: str,
                    numbers: Mapping[str, str] | None = None) -> Statement:
    """``numbers`` names payments and credit notes by id (Zoho's transaction rows carry no number)."""
    moves = _movements(invoices, payments, credits, fallback_currency, numbers or {})
    currencies = sorted({m[4] for m in moves if m[4]} | ({fallback_currency} if fallback_currency else set()),
                        key=lambda c: (c != fallback_currency, c)) or [NO_CURRENCY]
    sections = []
    for currency in currencies:
        mine = [m for m in moves if m[4] == currency]
        opening = sum((m[5] for m in mine if m[0] < start), ZERO)
        balance = opening
        invoiced = paid = credited = ZERO
        lines = []
        for day, kind, doc_id, number, _, amount in mine:
            if not start <= day <= end:
                continue
            balance += amount
            if kind == "invoice":
                invoiced += amount
            elif kind == "payment":
                paid -= amount
            else:
                credited -= amount
            lines.append(StatementLine(
                date=day, kind=kind, document_id=doc_id, number=number, description=_description(kind, number),
                charge=Money(amount, currency) if amount > 0 else None,
                payment=Money(-amount, currency) if amount <= 0 else None,
                balance=Money(balance, currency),
            ))
        sections.append(CurrencyStatement(
            currency=currency, opening_balance=Money(opening, currency), invoiced=Money(invoiced, currency),
            paid=Money(paid, currency), credited=Money(credited, currency), closing_balance=Money(balance, currency),
            lines=tuple(lines),
        ))
    main = sections[0]
    return Statement(start=start, end=end, currencies=tuple(sections), currency=main.currency,
                     opening_balance=main.opening_balance, invoiced=main.invoiced, paid=main.paid,
                     credited=main.credited, closing_balance=main.closing_balance, lines=main.lines)
