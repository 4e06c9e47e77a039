"""Money, numbers and dates as people read them: Babel, by currency and locale.

The locale is the one messages are in (``services.texts.current_locale``: the request's, or the one
an email or PDF is written in); a call may name another. Dates use CLDR's own pattern for a
day (``yMMMd``: ``Dec 5, 2026``, ``5. Dez. 2026``, ``5/12/2026``), so that English reads as it always
did and every other language as its readers expect. The currency is always the amount's own.

``register_template_filters(app)`` makes them Jinja filters: ``money``, ``date``, ``datetime``,
``moment``, ``number`` and ``percent``. Templates never compute money themselves; the words for
states come from the policies.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import format_skeleton, format_time, get_timezone_name
from babel.numbers import format_currency, format_decimal
from babel.numbers import format_percent as babel_format_percent

from services.texts import current_locale
from zoho_client.models import Money

MISSING = "—"
DAY = "yMMMd"  # a calendar day, the way the locale writes one with an abbreviated month

# Pages show the same few amounts and dates again and again; Babel takes ~15 µs a call, a hit ~0.1 µs.
@lru_cache(maxsize=8192)
def _currency_text(amount: Decimal, currency: str, locale: str) -> str:
    return format_currency(amount, currency, locale=locale)


@lru_cache(maxsize=8192)
def _date_text(value: date, locale: str, format: str) -> str:
    if format == "medium":
        format = DAY
    if format in Locale.parse(locale).datetime_skeletons:
        return format_skeleton(format, value, locale=locale)
    return babel_format_date(value, format=format, locale=locale)


def format_money(money: Money | None, locale: str | None = None) -> str:
    """``$1,234.50`` / ``1.234,50 €``: the currency's own digits, exact Decimal in, never a float."""
    if money is None:
        return MISSING
    amount = money.amount if isinstance(money.amount, Decimal) else Decimal(str(money.amount))
    return _currency_text(amount, money.currency, locale or current_locale())


def format_number(value: Decimal | int | float | None, locale: str | None = None) -> str:
    """``1,234.5`` / ``1.234,5``: a quantity or count with the locale's separators."""
    if value is None:
        return MISSING
    return format_decimal(value, locale=locale or current_locale())


def format_percent(value: Decimal | int | float | None, locale: str | None = None) -> str:
    """A percentage given as the number before the sign (``8.1`` → ``8.1%``, ``8,1 %``)."""
    if value is None:
        return MISSING
    return babel_format_percent(Decimal(str(value)) / 100, locale=locale or current_locale(), decimal_quantization=False)


def format_date(value: date | datetime | None, locale: str | None = None, format: str = "medium") -> str:
    """A calendar day: ``medium`` is CLDR's ``yMMMd``; another skeleton (``yMMMM``) or a pattern may be named."""
    if value is None:
        return MISSING
    if isinstance(value, datetime):
        value = value.date()
    return _date_text(value, locale or current_locale(), format)


def _zone(name: str | None):
    if not name:
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def format_datetime(value: datetime | None, time_zone: str | None = None, locale: str | None = None,
                    format: str = "medium") -> str:
    """A moment in the organization's time zone (UTC when unknown); naive values are taken as UTC."""
    if value is None:
        return MISSING
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return babel_format_datetime(value, format=format, tzinfo=_zone(time_zone), locale=locale or current_locale())


def format_moment(value: datetime | None, time_zone: str | None = None, locale: str | None = None) -> str:
    """A moment as a customer reads it, with the zone it is told in: ``Nov 30, 2026, 5:30 AM Australian
    Western Time``, ``30. Nov. 2026, 05:30 Westaustralische Zeit`` (``… UTC`` when the organization's
    zone is unknown)."""
    if value is None:
        return MISSING
    locale = locale or current_locale()
    zone = _zone(time_zone)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    local = value.astimezone(zone)
    # The locale's own way of joining a day and a time ("{1}, {0}"), and its own clock (12 or 24 h).
    joined = Locale.parse(locale).datetime_formats["medium"]
    shown = joined.format(format_time(local, "short", locale=locale), format_skeleton(DAY, local, locale=locale))
    if zone is timezone.utc:
        return f"{shown} UTC"
    return f"{shown} {get_timezone_name(value.astimezone(zone), 'long', locale=locale)}"


def register_template_filters(app) -> None:
    """Jinja filters for every template, in the locale messages are in unless one is named. The org's
    time zone comes from the cached organization profile when it is cached (a filter never calls
    Zoho), else UTC."""

    def org_time_zone() -> str | None:
        runtime = app.extensions.get("billing")
        if runtime is None:
            return None
        organization = runtime.cache.peek(runtime.cache.org_key("organization"))
        return getattr(organization, "time_zone", None)

    app.add_template_filter(lambda m, loc=None: format_money(m, loc), "money")
    app.add_template_filter(lambda d, fmt="medium", loc=None: format_date(d, loc, fmt), "date")
    app.add_template_filter(lambda dt, fmt="medium", loc=None: format_datetime(dt, org_time_zone(), loc, fmt),
                            "datetime")
    app.add_template_filter(lambda dt, loc=None: format_moment(dt, org_time_zone(), loc), "moment")
    app.add_template_filter(lambda n, loc=None: format_number(n, loc), "number")
    app.add_template_filter(lambda p, loc=None: format_percent(p, loc), "percent")
