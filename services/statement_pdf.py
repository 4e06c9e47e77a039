"""The statement of account as a PDF (fpdf2), written on request from the live statement.

Text goes through a Unicode TrueType font (Debian's ``fonts-dejavu-core``) so that names like
"Müller & Søn" and currency signs like € print as they are; without the font the PDF falls back to
the built-in Helvetica and replaces what Latin-1 cannot carry.
"""
from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from services.billing_models import CurrencyStatement, Statement
from services.formatting import format_date, format_money
from services.texts import invoices as invoice_words

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR, BOLD = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
WIDTHS = (28, 62, 32, 34, 34)  # date, transaction, charged, paid or credited, balance


# A party to a document: a label ("Received from") or None, its name, its address lines.
Party = tuple[object, str, list[str]]


class DocumentPDF(FPDF):
    """An A4 page in the portal's PDF style (statements, receipts): a Unicode font when there is one."""

    def __init__(self, unicode_font: bool) -> None:
        super().__init__(format="A4")
        self.unicode_font = unicode_font
        if unicode_font:
            self.add_font("Body", "", str(REGULAR))
            self.add_font("Body", "B", str(BOLD))
        self.family = "Body" if unicode_font else "Helvetica"
        self.set_auto_page_break(auto=True, margin=15)

    def safe(self, value) -> str:
        value = str(value)  # words marked for translation are translated here, in the current language
        if self.unicode_font:
            return value
        return value.encode("latin-1", "replace").decode("latin-1")

    def use(self, size: float, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)

    def heading(self, title, subtitle: str, *, size: float = 10, height: float = 6) -> None:
        """The first page: the document's title (also its PDF title) and one line beneath it."""
        self.set_title(str(title))
        self.add_page()
        self.use(16, bold=True)
        self.cell(0, 10, self.safe(title), new_x="LMARGIN", new_y="NEXT")
        self.use(size)
        self.cell(0, height, self.safe(subtitle), new_x="LMARGIN", new_y="NEXT")
        self.ln(3)

    def parties(self, left: Party, right: Party) -> None:
        """Two parties side by side (each a label or None, a name and address lines); the page goes
        on below the taller of the two."""
        top = self.get_y()
        self._party(left, 95, "LMARGIN")
        left_bottom = self.get_y()
        self.set_xy(110, top)
        self._party(right, 90, "LEFT")
        self.set_xy(self.l_margin, max(left_bottom, self.get_y()) + 6)

    def _party(self, party: Party, width: float, new_x: str) -> None:
        label, name, lines = party
        if label is not None:
            self.use(9, bold=True)
            self.cell(width, 5, self.safe(label), new_x=new_x, new_y="NEXT")
        self.use(10, bold=True)
        self.cell(width, 6, self.safe(name), new_x=new_x, new_y="NEXT")
        self.use(9)
        for line in lines:
            self.cell(width, 5, self.safe(line), new_x=new_x, new_y="NEXT")

    def footer(self) -> None:
        self.set_y(-12)
        self.use(8)
        self.cell(0, 6, self.safe(invoice_words.page_number(self.page_no())), align="R")


def fonts_available() -> bool:
    return REGULAR.is_file() and BOLD.is_file()


def organization_lines(organization) -> list[str]:
    """The company's address, then its email and phone: how it is named on every document."""
    return address_lines(organization.address) + [x for x in (organization.email, organization.phone) if x]


def address_lines(address) -> list[str]:
    if address is None:
        return []
    city = " ".join(p for p in (address.city, address.state, address.zip) if p)
    return [line for line in (address.attention, address.street, address.street2, city, address.country) if line]


def _section(pdf: DocumentPDF, section: CurrencyStatement, statement: Statement, locale: str | None) -> None:
    money = lambda m: format_money(m, locale) if m is not None else ""  # noqa: E731
    pdf.use(11, bold=True)
    pdf.cell(0, 8, pdf.safe(invoice_words.amounts_in(section.currency)), new_x="LMARGIN", new_y="NEXT")
    pdf.use(9, bold=True)
    for index, (title, width) in enumerate(zip(invoice_words.STATEMENT_COLUMNS, WIDTHS)):
        pdf.cell(width, 7, pdf.safe(title), border="B", align="L" if index < 2 else "R")
    pdf.ln()
    pdf.use(9)

    def row(day, label, charge, paid, balance, bold=False):
        pdf.use(9, bold=bold)
        cells = (format_date(day, locale), label, charge, paid, balance)
        for index, (width, value) in enumerate(zip(WIDTHS, cells)):
            pdf.cell(width, 6, pdf.safe(value), align="L" if index < 2 else "R")
        pdf.ln()

    row(statement.start, invoice_words.OPENING_BALANCE, "", "", invoice_words.balance(section.opening_balance, locale), bold=True)
    for line in section.lines:
        row(line.date, line.description, money(line.charge), money(line.payment), invoice_words.balance(line.balance, locale))
    row(statement.end, invoice_words.CLOSING_BALANCE, "", "", invoice_words.balance(section.closing_balance, locale), bold=True)
    pdf.ln(2)
    pdf.use(9)
    pdf.cell(0, 6, pdf.safe(invoice_words.statement_totals(money(section.invoiced), money(section.paid),
                                                           money(section.credited))), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def render_statement_pdf(statement: Statement, customer, organization, locale: str | None = None) -> bytes:
    """The statement in ``locale``: words and formats in the current language unless one is named."""
    pdf = DocumentPDF(unicode_font=fonts_available())
    period = invoice_words.statement_period(format_date(statement.start, locale), format_date(statement.end, locale))
    pdf.heading(invoice_words.STATEMENT_TITLE, period)
    pdf.parties(
        (None, organization.name or "", organization_lines(organization)),
        (None, customer.company_name or customer.display_name or "",
         address_lines(customer.billing_address) + ([customer.email] if customer.email else [])))

    for section in statement.currencies:
        _section(pdf, section, statement, locale)
    return bytes(pdf.output())
