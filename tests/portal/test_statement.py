"""The statement of account: arithmetic, order, currencies, agreement with Zoho, and the PDF."""
from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from services.billing_models import InvoiceRow
from services.statement import build_statement
from zoho_client.models import Money, Transaction

D = Decimal


def invoice(i, day, total, currency="USD", status="sent", balance=None):
    return InvoiceRow(f"inv{i}", f"INV-{i}", status, day, day + timedelta(days=14), Money(D(total), currency),
                      Money(D(balance if balance is not None else total), currency))


def txn(i, kind, day, amount, currency="USD", status="success"):
    return Transaction(f"{kind}{i}", None, day, kind, status, D(amount), None, currency)


def check_arithmetic(statement):
    for section in statement.currencies:
        cur = section.currency
        assert section.closing_balance == Money(
            section.opening_balance.amount + section.invoiced.amount - section.paid.amount - section.credited.amount, cur)
        running = section.opening_balance.amount
        for line in section.lines:
            running += (line.charge.amount if line.charge else 0) - (line.payment.amount if line.payment else 0)
            assert line.balance == Money(running, cur)
            assert statement.start <= line.date <= statement.end
        assert running == section.closing_balance.amount
        assert [l.date for l in section.lines] == sorted(l.date for l in section.lines)


def test_opening_lines_and_closing():
    jan, feb, mar = date(2026, 1, 10), date(2026, 2, 10), date(2026, 3, 10)
    statement = build_statement(
        date(2026, 2, 1), date(2026, 2, 28),
        [invoice(1, jan, "100.00"), invoice(2, feb, "50.50"), invoice(3, mar, "10"),
         invoice(4, feb, "999", status="void")],
        [txn(1, "payment", jan, "60.00"), txn(2, "payment", feb, "40.00"),
         txn(3, "payment", feb, "500", status="failure")],
        [txn(1, "creditnote", feb, "5.25")],
        "USD",
    )
    assert statement.opening_balance == Money(D("40.00"), "USD")
    assert statement.invoiced == Money(D("50.50"), "USD")
    assert statement.paid == Money(D("40.00"), "USD")
    assert statement.credited == Money(D("5.25"), "USD")
    assert statement.closing_balance == Money(D("45.25"), "USD")
    assert [(l.kind, l.number) for l in statement.lines] == [("invoice", "INV-2"), ("credit_note", None),
                                                             ("payment", None)]
    check_arithmetic(statement)


def test_each_currency_has_its_own_section_and_never_mixes():
    day = date(2026, 5, 1)
    statement = build_statement(day, day, [invoice(1, day, "10", "USD"), invoice(2, day, "7", "EUR")],
                                [txn(1, "payment", day, "3", "EUR")], [], "USD")
    assert [s.currency for s in statement.currencies] == ["USD", "EUR"]
    assert statement.currency == "USD" and statement.closing_balance == Money(D("10"), "USD")
    assert statement.currencies[1].closing_balance == Money(D("4"), "EUR")


def test_an_empty_period_keeps_the_balance():
    statement = build_statement(date(2026, 6, 1), date(2026, 6, 30), [invoice(1, date(2026, 1, 1), "20")], [], [], "USD")
    assert statement.lines == ()
    assert statement.opening_balance == statement.closing_balance == Money(D("20"), "USD")


amounts = st.decimals(min_value=D("0.01"), max_value=D("99999.99"), places=2, allow_nan=False, allow_infinity=False)
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))


@settings(max_examples=150, deadline=None)
@given(
    invoices=st.lists(st.tuples(days, amounts, st.sampled_from(["USD", "EUR"])), max_size=15),
    payments=st.lists(st.tuples(days, amounts, st.sampled_from(["USD", "EUR"])), max_size=15),
    credits=st.lists(st.tuples(days, amounts, st.sampled_from(["USD", "EUR"])), max_size=5),
    start=days, length=st.integers(min_value=0, max_value=400),
)
def test_statement_arithmetic_holds_for_any_history(invoices, payments, credits, start, length):
    end = start + timedelta(days=length)
    statement = build_statement(
        start, end,
        [invoice(i, d, a, c) for i, (d, a, c) in enumerate(invoices)],
        [txn(i, "payment", d, a, c) for i, (d, a, c) in enumerate(payments)],
        [txn(i, "creditnote", d, a, c) for i, (d, a, c) in enumerate(credits)],
        "USD",
    )
    check_arithmetic(statement)
    for section in statement.currencies:
        # Everything up to the end, computed independently: exact to the cent, no float anywhere.
        expected = (sum((D(a) for d, a, c in invoices if c == section.currency and d <= end), D(0))
                    - sum((D(a) for d, a, c in payments + credits if c == section.currency and d <= end), D(0)))
        assert section.closing_balance.amount == expected
        assert isinstance(section.closing_balance.amount, Decimal)


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 1)),
       st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=60))
def test_consecutive_statements_chain(start, first_len, second_len):
    rows = [invoice(i, date(2024, 1, 1) + timedelta(days=37 * i), f"{i + 1}.10") for i in range(30)]
    pays = [txn(i, "payment", date(2024, 1, 5) + timedelta(days=41 * i), "1.05") for i in range(30)]
    middle = start + timedelta(days=first_len)
    first = build_statement(start, middle, rows, pays, [], "USD")
    second = build_statement(middle + timedelta(days=1), middle + timedelta(days=1 + second_len), rows, pays, [], "USD")
    assert second.opening_balance == first.closing_balance


def test_the_statement_agrees_with_zoho_for_every_demo_customer(read_model, demo_customers):
    """To date, invoiced − paid − credited == outstanding − unused credits (nothing overpaid in the demo)."""
    for customer in demo_customers.values():
        billing = read_model(customer.customer_id)
        statement = billing.statement(date(2000, 1, 1), date(2100, 1, 1))
        check_arithmetic(statement)
        assert statement.opening_balance.amount == 0
        expected = (customer.outstanding.amount if customer.outstanding else 0) - (
            customer.unused_credits.amount if customer.unused_credits else 0)
        main = statement.currencies[0]
        assert main.currency == customer.currency_code
        assert main.closing_balance.amount == expected, customer.display_name
        # Invoices and credit notes are named by their numbers, as on the customer's own documents.
        assert all(line.number for line in main.lines if line.kind in ("invoice", "credit_note"))


def test_the_statement_pdf_is_a_readable_pdf_with_the_figures(read_model, demo_customers):
    from pypdf import PdfReader

    from services.formatting import format_money

    customer = demo_customers["Café Zürich AG"]
    billing = read_model(customer.customer_id)
    start, end = date(2000, 1, 1), date(2100, 1, 1)
    filename, content = billing.statement_pdf(start, end)
    assert filename == "statement-2000-01-01-2100-01-01.pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Statement of account" in text
    assert "Café Zürich AG" in text  # the Unicode font keeps the accents
    statement = billing.statement(start, end)
    assert format_money(statement.closing_balance) in text
    for line in statement.lines:
        assert line.description in text


def test_without_the_unicode_font_the_pdf_still_renders(monkeypatch):
    from pypdf import PdfReader

    import services.statement_pdf as statement_pdf
    from zoho_client.models import Address, Customer, Organization

    monkeypatch.setattr(statement_pdf, "REGULAR", statement_pdf.FONT_DIR / "missing.ttf")
    day = date(2026, 3, 1)
    statement = build_statement(day, day, [invoice(1, day, "12.50", "EUR")], [], [], "EUR")
    customer = Customer(*([None] * len(Customer.__dataclass_fields__)))
    customer = replace_fields(customer, customer_id="c1", display_name="Łódź Søn ✓", custom_fields=())
    organization = Organization(*([None] * len(Organization.__dataclass_fields__)))
    organization = replace_fields(organization, organization_id="1", name="Vendor", address=Address(
        None, "1 Main St", None, "Perth", None, None, "6000", "Australia", None))
    content = statement_pdf.render_statement_pdf(statement, customer, organization)
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "Statement of account" in text and "INV-1" in text and "Perth" in text
    assert "?" in text  # what Latin-1 cannot carry is replaced, not a crash


def replace_fields(obj, **changes):
    from dataclasses import replace

    return replace(obj, **changes)
