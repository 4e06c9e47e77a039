"""A payment receipt as a PDF (fpdf2), written on request from the payment as Zoho has it."""
from __future__ import annotations

from services.formatting import format_date, format_money
from services.policy import invoices as invoice_policy
from services.statement_pdf import DocumentPDF, address_lines, fonts_available, organization_lines
from services.texts import payments as words

WIDTHS = (50, 40, 45, 45)  # invoice, its date, its total, what this payment paid of it


def render_receipt_pdf(payment, customer, organization, locale: str | None = None) -> bytes:
    pdf = DocumentPDF(unicode_font=fonts_available())
    received = words.received(format_money(payment.amount, locale), format_date(payment.date, locale))
    pdf.heading(words.RECEIPT_TITLE, received, size=11, height=7)
    pdf.parties(
        (words.RECEIPT_FROM, customer.company_name or customer.display_name or "",
         address_lines(customer.billing_address)),
        (words.RECEIPT_TO, organization.name or "", organization_lines(organization)))

    method = str(invoice_policy.payment_mode_label(payment.payment_mode))
    if payment.autotransaction and payment.autotransaction.last_four_digits:
        method = words.card_ending(method, payment.autotransaction.last_four_digits)
    facts = [(words.RECEIPT_PAID_WITH, method), (words.RECEIPT_DATE, format_date(payment.date, locale)),
             (words.RECEIPT_AMOUNT, format_money(payment.amount, locale))]
    if payment.reference_number:
        facts.append((words.RECEIPT_REFERENCE, payment.reference_number))
    for label, value in facts:
        pdf.use(9, bold=True)
        pdf.cell(40, 6, pdf.safe(label))
        pdf.use(9)
        pdf.cell(0, 6, pdf.safe(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    pdf.use(11, bold=True)
    pdf.cell(0, 8, pdf.safe(words.RECEIPT_INVOICES if payment.invoices else words.RECEIPT_HELD_AS_CREDIT),
             new_x="LMARGIN", new_y="NEXT")
    if payment.invoices:
        pdf.use(9, bold=True)
        for index, (title, width) in enumerate(zip(words.RECEIPT_COLUMNS, WIDTHS)):
            pdf.cell(width, 7, pdf.safe(title), border="B", align="L" if index < 2 else "R")
        pdf.ln()
        pdf.use(9)
        for applied in payment.invoices:
            cells = (applied.invoice_number or applied.invoice_id, format_date(applied.date, locale),
                     format_money(applied.invoice_amount, locale), format_money(applied.amount_applied, locale))
            for index, (value, width) in enumerate(zip(cells, WIDTHS)):
                pdf.cell(width, 6, pdf.safe(value), align="L" if index < 2 else "R")
            pdf.ln()
    return bytes(pdf.output())
