"""Calendar arithmetic for billing terms."""
from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """Same day-of-month ``months`` later, clamped to the month's end (Jan 31 + 1 month = Feb 28/29)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def add_interval(day: date, interval: int, interval_unit: str) -> date:
    """The end of one billing term. Plans use ``months``/``years``; addons ``monthly``/``yearly``."""
    unit = interval_unit.lower()
    if unit in ("months", "month", "monthly"):
        return add_months(day, interval)
    if unit in ("years", "year", "yearly"):
        return add_months(day, 12 * interval)
    if unit in ("weeks", "week", "weekly"):
        return day + timedelta(weeks=interval)
    if unit in ("days", "day", "daily"):
        return day + timedelta(days=interval)
    raise ValueError(f"unknown interval unit {interval_unit!r}")


def parse_date(value) -> date | None:
    """``YYYY-MM-DD`` or None for ``""``/missing; raises ValueError for anything else."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
