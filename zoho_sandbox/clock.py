"""The sandbox's clock: real time plus an offset that tests move forward through /__sandbox/clock.

Time-driven behaviour (trials ending, terms renewing, access tokens expiring) reads this clock
only, so a test can jump a month ahead instead of waiting.
"""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo


class Clock:
    def __init__(self, tz: str | tzinfo = "UTC") -> None:
        self._tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    @property
    def tz(self) -> tzinfo:
        return self._tz

    def set_timezone(self, tz: str) -> None:
        self._tz = ZoneInfo(tz)

    def now(self) -> datetime:
        """Aware 'now' in the organization's time zone (Zoho stamps times in the org's zone)."""
        with self._lock:
            offset = self._offset
        return datetime.now(self._tz) + offset

    def today(self) -> date:
        return self.now().date()

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._offset += timedelta(seconds=seconds)

    def reset(self) -> None:
        with self._lock:
            self._offset = timedelta(0)

    @property
    def offset_seconds(self) -> float:
        with self._lock:
            return self._offset.total_seconds()


def zoho_timestamp(moment: datetime) -> str:
    """``2015-10-06T07:24:28+0800``: ISO-8601 with a numeric offset and no colon (zoho-billing-api.md §7)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S%z")


def zoho_date(day: date | None) -> str:
    """``YYYY-MM-DD``, or Zoho's empty value ``""``."""
    return day.isoformat() if day else ""
