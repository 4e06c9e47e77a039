"""Invoice and credit note PDFs, drawn from the same dicts the JSON API returns (Zoho field names).

fpdf2 writes the file; DejaVu Sans (Debian's ``fonts-dejavu-core``) gives full Unicode text. Without
it the built-in Helvetica is used and characters outside Latin-1 are replaced, so a PDF is still made.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from fpdf import FPDF

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
INK = (33, 37, 41)
MUTED = (108, 117, 125)
ACCENT = (32, 87, 160)
RULE = (222, 226, 230)
STATUS_COLOURS = {
    "paid": (25, 135, 84), "closed": (25, 135, 84), "open": (32, 87, 160), "sent": (32, 87, 160),
    "overdue": (200, 35, 51), "void": (108, 117, 125), "partially_paid": (214, 130, 0), "draft": (108, 117, 125),
}


def _money(value, symbol: str) -> str:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{abs(amount):,.2f}"


def _nonzero(value) -> bool:
    try:
        return Decimal(str(value or 0)) != 0
    except InvalidOperation:
        return False


def _address_lines(address: dict | None, street_keys=("street", "address", "street2")) -> list[str]:
    if not isinstance(address, dict):
        return []
    lines = [address.get("attention", "")]
    lines += [address.get(k, "") for k in street_keys]
    city_line = " ".join(p for p in (address.get("city", ""), address.get("state", ""), str(address.get("zip", ""))) if p)
    lines += [city_line, address.get("country", "")]
    return [str(line) for line in lines if line]


class _Document(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=22)
        self.unicode = self._load_fonts()

    def _load_fonts(self) -> bool:
        for folder in FONT_DIRS:
            regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
            if regular.exists() and bold.exists():
                self.add_font("Body", "", str(regular))
                self.add_font("Body", "B", str(bold))
                return True
        return False

    def font(self, size: float, bold: bool = False, colour=INK) -> None:
        self.set_font("Body" if self.unicode else "Helvetica", "B" if bold else "", size)
        self.set_text_color(*colour)

    def text_ok(self, text) -> str:
        text = "" if text is None else str(text)
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        self.set_y(-15)
        self.font(8, colour=MUTED)
        self.cell(0, 5, self.text_ok(f"{self.footer_text}    Page {self.page_no()} of {{nb}}"), align="C")


def _header(pdf: _Document, organization: dict, title: str, number: str, status: str) -> None:
    pdf.add_page()
    top = pdf.get_y()
    pdf.font(16, bold=True)
    pdf.multi_cell(100, 7, pdf.text_ok(organization.get("name", "")), new_x="LMARGIN", new_y="NEXT")
    pdf.font(9, colour=MUTED)
    org_address = organization.get("address") or {}
    lines = _address_lines(org_address, ("street_address1", "street_address2"))
    lines += [organization.get(k, "") for k in ("email", "phone", "website") if organization.get(k)]
    for line in lines:
        pdf.cell(100, 4.5, pdf.text_ok(line), new_x="LMARGIN", new_y="NEXT")
    bottom = pdf.get_y()
    pdf.set_xy(118, top)
    pdf.font(22, bold=True, colour=ACCENT)
    pdf.cell(74, 10, pdf.text_ok(title), align="R", new_x="LEFT", new_y="NEXT")
    pdf.font(10, bold=True)
    pdf.cell(74, 6, pdf.text_ok(f"# {number}"), align="R", new_x="LEFT", new_y="NEXT")
    if status:
        pdf.font(9, bold=True, colour=STATUS_COLOURS.get(status.lower(), MUTED))
        pdf.cell(74, 6, pdf.text_ok(status.replace("_", " ").upper()), align="R", new_x="LEFT", new_y="NEXT")
    pdf.set_y(max(bottom, pdf.get_y()) + 6)
    pdf.set_draw_color(*RULE)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(5)


def _parties(pdf: _Document, doc: dict, facts: list[tuple[str, str]]) -> None:
    top = pdf.get_y()
    pdf.font(8, bold=True, colour=MUTED)
    pdf.cell(90, 5, "BILL TO", new_x="LMARGIN", new_y="NEXT")
    pdf.font(10, bold=True)
    pdf.cell(90, 5.5, pdf.text_ok(doc.get("customer_name", "")), new_x="LMARGIN", new_y="NEXT")
    pdf.font(9)
    for line in _address_lines(doc.get("billing_address")):
        pdf.cell(90, 4.5, pdf.text_ok(line), new_x="LMARGIN", new_y="NEXT")
    if doc.get("email"):
        pdf.cell(90, 4.5, pdf.text_ok(doc["email"]), new_x="LMARGIN", new_y="NEXT")
    bottom = pdf.get_y()
    pdf.set_y(top)
    for label, value in facts:
        if not value:
            continue
        pdf.set_x(118)
        pdf.font(9, colour=MUTED)
        pdf.cell(38, 5.5, pdf.text_ok(label), align="R")
        pdf.font(9, bold=True)
        pdf.cell(36, 5.5, pdf.text_ok(value), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(bottom, pdf.get_y()) + 8)


def _items(pdf: _Document, items: list[dict], symbol: str) -> None:
    widths = (90, 18, 32, 34)
    pdf.set_fill_color(*ACCENT)
    pdf.font(9, bold=True, colour=(255, 255, 255))
    for text, width, align in zip(("Item & description", "Qty", "Rate", "Amount"), widths, "LRRR"):
        pdf.cell(width, 8, text, align=align, fill=True)
    pdf.ln()
    for index, item in enumerate(items or []):
        if pdf.will_page_break(14):
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_x(pdf.l_margin)
        pdf.font(9, bold=True)
        pdf.multi_cell(widths[0], 5, pdf.text_ok(item.get("name") or item.get("code") or "Item"), new_x="LMARGIN", new_y="NEXT")
        description = item.get("description")
        if description:
            pdf.font(8, colour=MUTED)
            pdf.multi_cell(widths[0], 4, pdf.text_ok(description), new_x="LMARGIN", new_y="NEXT")
        discount = item.get("discount_amount")
        if _nonzero(discount):
            pdf.font(8, colour=MUTED)
            pdf.cell(widths[0], 4, pdf.text_ok(f"Discount {_money(discount, symbol)}"), new_x="LMARGIN", new_y="NEXT")
        end = pdf.get_y()
        pdf.set_xy(pdf.l_margin + widths[0], y)
        pdf.font(9)
        quantity = item.get("quantity", 1)
        pdf.cell(widths[1], 5, pdf.text_ok(f"{Decimal(str(quantity or 0)).normalize():f}"), align="R")
        pdf.cell(widths[2], 5, _money(item.get("price", item.get("rate", 0)), symbol), align="R")
        pdf.cell(widths[3], 5, _money(item.get("item_total", 0), symbol), align="R")
        pdf.set_y(max(end, y + 5) + 2)
        pdf.set_draw_color(*RULE)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(2)
    pdf.ln(3)


def _totals(pdf: _Document, rows: list[tuple[str, str, bool]]) -> None:
    for label, value, strong in rows:
        if pdf.will_page_break(8):
            pdf.add_page()
        pdf.set_x(100)
        if strong:
            pdf.set_fill_color(241, 245, 251)
        pdf.font(10 if strong else 9, bold=strong, colour=INK if strong else MUTED)
        pdf.cell(56, 7 if strong else 6, pdf.text_ok(label), align="R", fill=strong)
        pdf.font(10 if strong else 9, bold=strong)
        pdf.cell(36, 7 if strong else 6, pdf.text_ok(value), align="R", fill=strong, new_x="LMARGIN", new_y="NEXT")


def _notes(pdf: _Document, doc: dict) -> None:
    for title, key in (("Notes", "notes"), ("Terms & conditions", "terms")):
        text = doc.get(key)
        if isinstance(text, str) and text.strip():
            pdf.ln(4)
            pdf.font(8, bold=True, colour=MUTED)
            pdf.cell(0, 5, title.upper(), new_x="LMARGIN", new_y="NEXT")
            pdf.font(9)
            pdf.multi_cell(0, 4.5, pdf.text_ok(text), new_x="LMARGIN", new_y="NEXT")


def _symbol(doc: dict, organization: dict) -> str:
    return doc.get("currency_symbol") or organization.get("currency_symbol") or (doc.get("currency_code", "") + " ")


def render_invoice(invoice: dict, organization: dict) -> bytes:
    number = invoice.get("invoice_number") or invoice.get("number") or invoice.get("invoice_id", "")
    symbol = _symbol(invoice, organization)
    pdf = _Document(f"{organization.get('name', '')}  ·  Invoice {number}")
    pdf.set_title(f"Invoice {number}")
    pdf.set_author(organization.get("name", ""))
    pdf.alias_nb_pages()
    _header(pdf, organization, "INVOICE", number, invoice.get("status", ""))
    _parties(pdf, invoice, [
        ("Invoice date", invoice.get("date") or invoice.get("invoice_date", "")),
        ("Due date", invoice.get("due_date", "")),
        ("Terms", invoice.get("payment_terms_label", "")),
        ("Reference", invoice.get("reference_number", "")),
        ("Balance due", _money(invoice.get("balance", 0), symbol)),
    ])
    _items(pdf, invoice.get("invoice_items") or [], symbol)
    rows = [("Sub total", _money(invoice.get("sub_total", invoice.get("total", 0)), symbol), False)]
    for coupon in invoice.get("coupons") or []:
        label = coupon.get("coupon_name") or coupon.get("coupon_code") or "Coupon"
        rows.append((f"Discount ({label})", _money(-abs(Decimal(str(coupon.get("discount_amount") or 0))), symbol), False))
    if _nonzero(invoice.get("discount")) and not invoice.get("coupons"):
        rows.append(("Discount", _money(-abs(Decimal(str(invoice["discount"]))), symbol), False))
    for tax in invoice.get("taxes") or []:
        rows.append((tax.get("tax_name", "Tax"), _money(tax.get("tax_amount", 0), symbol), False))
    if _nonzero(invoice.get("shipping_charge")):
        rows.append(("Shipping", _money(invoice["shipping_charge"], symbol), False))
    if _nonzero(invoice.get("adjustment")):
        rows.append((invoice.get("adjustment_description") or "Adjustment", _money(invoice["adjustment"], symbol), False))
    rows.append(("Total", _money(invoice.get("total", 0), symbol), True))
    for payment in invoice.get("payments") or []:
        label = f"Payment {payment.get('date', '')} ({payment.get('payment_mode', '')})".replace(" ()", "")
        rows.append((label, _money(-abs(Decimal(str(payment.get("amount") or 0))), symbol), False))
    if not invoice.get("payments") and _nonzero(invoice.get("payment_made")):
        rows.append(("Payment made", _money(-abs(Decimal(str(invoice["payment_made"]))), symbol), False))
    for credit in invoice.get("credits") or []:
        label = f"Credit {credit.get('creditnotes_number') or credit.get('creditnote_number', '')}".strip()
        rows.append((label, _money(-abs(Decimal(str(credit.get("credited_amount") or 0))), symbol), False))
    if not invoice.get("credits") and _nonzero(invoice.get("credits_applied")):
        rows.append(("Credits applied", _money(-abs(Decimal(str(invoice["credits_applied"]))), symbol), False))
    if _nonzero(invoice.get("write_off_amount")):
        rows.append(("Written off", _money(-abs(Decimal(str(invoice["write_off_amount"]))), symbol), False))
    rows.append(("Balance due", _money(invoice.get("balance", 0), symbol), True))
    _totals(pdf, rows)
    _notes(pdf, invoice)
    return bytes(pdf.output())


def render_creditnote(creditnote: dict, organization: dict) -> bytes:
    number = creditnote.get("creditnote_number") or creditnote.get("creditnote_id", "")
    symbol = _symbol(creditnote, organization)
    pdf = _Document(f"{organization.get('name', '')}  ·  Credit note {number}")
    pdf.set_title(f"Credit note {number}")
    pdf.set_author(organization.get("name", ""))
    pdf.alias_nb_pages()
    _header(pdf, organization, "CREDIT NOTE", number, creditnote.get("status", ""))
    _parties(pdf, creditnote, [
        ("Credit note date", creditnote.get("date", "")),
        ("Reference", creditnote.get("reference_number", "")),
        ("Credits remaining", _money(creditnote.get("balance", 0), symbol)),
    ])
    _items(pdf, creditnote.get("creditnote_items") or [], symbol)
    rows = [("Sub total", _money(creditnote.get("sub_total", creditnote.get("total", 0)), symbol), False)]
    for tax in creditnote.get("taxes") or []:
        rows.append((tax.get("tax_name", "Tax"), _money(tax.get("tax_amount", 0), symbol), False))
    rows.append(("Total", _money(creditnote.get("total", 0), symbol), True))
    for applied in creditnote.get("invoices") or []:
        label = f"Applied to {applied.get('invoice_number', '')}".strip()
        amount = applied.get("amount", applied.get("amount_applied", 0))
        rows.append((label, _money(-abs(Decimal(str(amount or 0))), symbol), False))
    rows.append(("Credits remaining", _money(creditnote.get("balance", 0), symbol), True))
    _totals(pdf, rows)
    _notes(pdf, creditnote)
    return bytes(pdf.output())
