"""Every call the sandbox answered: counts per endpoint template and the most recent calls.

Tests and benchmarks read it to prove things like "a warm page made zero upstream calls".
Keys are ``"GET /billing/v1/invoices/{invoice_id}"``: method, prefix and route rule, so that calls
to different ids of one endpoint add up. Query strings are kept for the recent calls only, with
OAuth secrets masked: the call log is readable by anyone who can reach the sandbox.
"""
from __future__ import annotations

import re
import threading
import time
from collections import Counter, deque
from urllib.parse import parse_qsl, urlencode

RECENT_CALLS_KEPT = 2000
_SECRET_FIELDS = {"client_secret", "refresh_token", "token", "code", "access_token"}
_RULE_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def template_from_rule(rule: str) -> str:
    """Werkzeug's ``/billing/v1/invoices/<invoice_id>`` as ``/billing/v1/invoices/{invoice_id}``."""
    return _RULE_ARGUMENT.sub(r"{\1}", rule)


def masked_query(query_string: str) -> str:
    if not query_string:
        return ""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    return urlencode([(k, "***" if k in _SECRET_FIELDS else v) for k, v in pairs])


class CallLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._recent: deque[dict] = deque(maxlen=RECENT_CALLS_KEPT)
        self._total = 0

    def record(self, *, method: str, endpoint: str, path: str, query_string: str, status: int,
               duration_ms: float, fault: str | None = None) -> None:
        call = {
            "time": time.time(),
            "method": method,
            "endpoint": endpoint,
            "path": path,
            "query_string": masked_query(query_string),
            "status": status,
            "duration_ms": round(duration_ms, 2),
            "fault": fault,
        }
        with self._lock:
            self._counts[endpoint] += 1
            self._total += 1
            self._recent.append(call)

    def snapshot(self) -> dict:
        with self._lock:
            return {"total": self._total, "counts": dict(self._counts), "calls": list(self._recent)}

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()
            self._recent.clear()
            self._total = 0
