"""All invoices of a date range as one zip of Zoho's PDFs, built in a spooled temporary file.

PDFs are fetched concurrently and never kept: the zip lives in memory up to a few megabytes, then
in an anonymous temporary file that disappears when it is closed.
"""
from __future__ import annotations

import re
import tempfile
import zipfile
from datetime import date
from typing import Callable, Sequence

from services.billing_models import InvoiceRow
from services.texts import ngettext

MAX_INVOICES_PER_ZIP = 100
SPOOL_IN_MEMORY_BYTES = 8 * 1024 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class TooManyInvoices(ValueError):
    """More invoices in the range than one download carries; the message says what to do."""

    def __init__(self, count: int) -> None:
        super().__init__(ngettext("%(count)s invoice is in that range; a download holds at most %(most)s. "
                                  "Please choose a shorter range.",
                                  "%(count)s invoices are in that range; a download holds at most %(most)s. "
                                  "Please choose a shorter range.", count, most=MAX_INVOICES_PER_ZIP))
        self.count = count


class NoInvoicesInRange(LookupError):
    """No invoice is dated in the range: there is nothing to zip."""

    def __init__(self) -> None:
        super().__init__("There are no invoices in that range.")


def _entry_name(row: InvoiceRow, taken: set[str]) -> str:
    base = _UNSAFE.sub("-", row.invoice_number or row.invoice_id).strip(".-") or row.invoice_id
    name = f"{base}.pdf"
    if name in taken:  # Zoho numbers are free text and need not be unique
        name = f"{base}-{row.invoice_id}.pdf"
    taken.add(name)
    return name


def build_invoice_zip(rows: Sequence[InvoiceRow], start: date, end: date, fetch_pdf: Callable[[str], bytes],
                      fanout) -> tuple[str, bytes]:
    if not rows:
        raise NoInvoicesInRange()
    if len(rows) > MAX_INVOICES_PER_ZIP:
        raise TooManyInvoices(len(rows))
    ordered = sorted(rows, key=lambda r: (r.invoice_date or start, r.invoice_number or "", r.invoice_id))
    pdfs = fanout.map(lambda row: fetch_pdf(row.invoice_id), ordered)
    taken: set[str] = set()
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES) as spool:
        # PDFs are already compressed: storing them costs no space and saves the CPU.
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
            for row, pdf in zip(ordered, pdfs):
                archive.writestr(_entry_name(row, taken), pdf)
        spool.seek(0)
        content = spool.read()
    return f"invoices-{start.isoformat()}-{end.isoformat()}.zip", content
