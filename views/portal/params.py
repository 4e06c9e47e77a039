"""Reading the billing pages' query strings: status filters, sorting, paging and date ranges.

Everything a customer can put in a URL is checked here before a service sees it. A value that
no link of ours produces (an unknown status or sort column, a page that is not a number) is a 400
with a sentence saying what was wrong; a date range typed into a form is re-shown on its page with
a message instead, because that is an ordinary mistake rather than a tampered link.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Mapping

from werkzeug.exceptions import BadRequest
from services.texts import _

# The most pages a list will walk to: 1,000 pages of 200 invoices is far beyond any customer.
MAX_PAGE = 1000
_PAGE_DIGITS = re.compile(r"[0-9]{1,%d}" % len(str(MAX_PAGE)))
# A statement or a zip covers at most this many days (five years and a leap day).
MAX_RANGE_DAYS = 5 * 365 + 1


def bad_request(message: str) -> BadRequest:
    """A 400 whose sentence the error page shows to the customer as it is."""
    error = BadRequest(message)
    error.portal_message = True  # views/errors.py shows our own descriptions, never Werkzeug's
    return error


def choice(args: Mapping[str, str], name: str, allowed, default: str) -> str:
    value = args.get(name, default)
    if value not in allowed:
        raise bad_request(_("“%(value)s” isn't a choice we know. Please use the links on the page.", value=value))
    return value


def page_number(args: Mapping[str, str]) -> int:
    raw = args.get("page", "1")
    # ASCII digits only, and few of them: str.isdigit() also accepts "²" and "①", which int() refuses.
    if not _PAGE_DIGITS.fullmatch(raw) or not 1 <= int(raw) <= MAX_PAGE:
        raise bad_request(_("The page must be a whole number from 1 to %(most)s.", most=MAX_PAGE))
    return int(raw)


@dataclass(frozen=True)
class Sorting:
    """The current sort column and direction, and the header links that change them."""

    column: str
    ascending: bool
    link: Callable[[str, str], str]  # (column, order) → URL

    @property
    def order(self) -> str:
        return "asc" if self.ascending else "desc"

    def url_for(self, column: str) -> str:
        # Clicking the current column flips it; a new column starts with what people expect first.
        if column == self.column:
            return self.link(column, "desc" if self.ascending else "asc")
        return self.link(column, "asc" if column == "number" else "desc")


@dataclass(frozen=True)
class Pager:
    page: int
    previous_url: str | None
    next_url: str | None


def pager(page: int, has_more: bool, link: Callable[[int], str]) -> Pager:
    return Pager(
        page=page,
        previous_url=link(page - 1) if page > 1 else None,
        next_url=link(page + 1) if has_more and page < MAX_PAGE else None,
    )


@dataclass(frozen=True)
class DateRange:
    """A date range as typed (to show it again) and, when valid, as dates; else an error sentence."""

    start_text: str
    end_text: str
    start: date | None = None
    end: date | None = None
    error: str | None = None

    @property
    def is_valid(self) -> bool:
        return self.error is None and self.start is not None and self.end is not None

    def refused(self, message: str) -> "DateRange":
        """The same range, shown again with why it could not be used."""
        return DateRange(self.start_text, self.end_text, self.start, self.end, error=message)


def default_range(today: date) -> DateRange:
    """From the first of January to today: what a customer usually wants first."""
    start = today.replace(month=1, day=1)
    return DateRange(start.isoformat(), today.isoformat(), start, today)


def date_range(args: Mapping[str, str], today: date, *, required: bool = False) -> DateRange:
    """The ``start``/``end`` of a query string; when neither is given, the default range (or an
    error when the form was submitted and the range is ``required``)."""
    start_text = args.get("start", "").strip()[:32]
    end_text = args.get("end", "").strip()[:32]
    if not start_text and not end_text and not required:
        return default_range(today)
    typed = DateRange(start_text, end_text)
    if not start_text or not end_text:
        return _with_error(typed, _("Please enter both a start date and an end date."))
    try:
        start, end = date.fromisoformat(start_text), date.fromisoformat(end_text)
    except ValueError:
        return _with_error(typed, _("Please enter the dates as year-month-day, for example 2026-01-31."))
    if start > end:
        return _with_error(typed, _("The start date must be on or before the end date."))
    if end - start > timedelta(days=MAX_RANGE_DAYS):
        return _with_error(typed, _("Please choose a range of five years or less."))
    return DateRange(start_text, end_text, start, end)


def _with_error(typed: DateRange, message: str) -> DateRange:
    return DateRange(typed.start_text, typed.end_text, error=message)
