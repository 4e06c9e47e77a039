"""Money, numbers, percentages and days in each language: CLDR's way of writing them, the amount's
own currency, and English exactly as the portal always wrote it."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.formatting import format_date, format_money, format_number, format_percent
from zoho_client.models import Money

NBSP, NNBSP = "\xa0", "\u202f"

CASES = {
    "en": ("€1,234.50", "$1,234.50", "Dec 5, 2026", "1,234.5", "8.1%"),
    "de": (f"1.234,50{NBSP}€", f"1.234,50{NBSP}$", "5. Dez. 2026", "1.234,5", f"8,1{NBSP}%"),
    "pt_PT": (f"1{NBSP}234,50{NBSP}€", f"1{NBSP}234,50{NBSP}US$", "5/12/2026", f"1{NBSP}234,5", "8,1%"),
    "es": (f"1.234,50{NBSP}€", f"1.234,50{NBSP}US$", "5 dic 2026", "1.234,5", f"8,1{NBSP}%"),
    "fr": (f"1{NNBSP}234,50{NBSP}€", f"1{NNBSP}234,50{NBSP}$US", "5 déc. 2026", f"1{NNBSP}234,5", f"8,1{NBSP}%"),
}


@pytest.mark.parametrize("locale", sorted(CASES))
def test_each_language_writes_money_days_numbers_and_percentages_its_own_way(locale):
    euros, dollars, day, number, percent = CASES[locale]
    assert format_money(Money(Decimal("1234.50"), "EUR"), locale) == euros
    assert format_money(Money(Decimal("1234.50"), "USD"), locale) == dollars
    assert format_date(date(2026, 12, 5), locale) == day
    assert format_number(Decimal("1234.5"), locale) == number
    assert format_percent(Decimal("8.1"), locale) == percent
