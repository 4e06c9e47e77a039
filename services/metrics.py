"""What ``/metrics`` shows (Prometheus text format, prometheus-client).

Counters and histograms are module-level, like prometheus-client's own examples; recording one
costs a lock and an addition, so the portal records them whether or not anyone scrapes. Under
gunicorn with more than one worker, ``gunicorn.conf.py`` points ``PROMETHEUS_MULTIPROC_DIR`` at a
fresh directory before the workers start, and ``/metrics`` sums what every worker of the host
recorded (prometheus-client's multiprocess mode). Each host is scraped on its own.
"""
from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import multiprocess

UPSTREAM_CALLS = Counter("portal_zoho_calls_total", "Zoho API calls (HTTP attempts), by endpoint and status",
                         ["endpoint", "status"])
CACHE_EVENTS = Counter("portal_cache_events_total", "Billing cache reads: hit, miss, stale (last-good served)",
                       ["outcome"])
SINGLE_FLIGHT_WAITS = Counter("portal_cache_single_flight_waits_total",
                              "Reads that waited for another request's load of the same data", ["scope"])
REQUEST_SECONDS = Histogram("portal_request_seconds", "Request latency by route", ["route", "method"],
                            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
WEBHOOK_EVENTS = Counter("portal_webhook_events_total", "Zoho webhook deliveries by event type and outcome",
                         ["event_type", "outcome"])
BUDGET_USED = Gauge("portal_zoho_budget_used", "Zoho API calls used in the current window (minute or day)",
                    ["window"], multiprocess_mode="max")
BUDGET_LIMIT = Gauge("portal_zoho_budget_limit", "Zoho API calls allowed per window", ["window"],
                     multiprocess_mode="max")


def upstream_call(method: str, path: str, status: str) -> None:
    UPSTREAM_CALLS.labels(f"{method} {path}", status).inc()


_CACHE_OUTCOMES: dict[str, Counter] = {}


def cache(outcome: str, count: int = 1) -> None:
    if count:
        child = _CACHE_OUTCOMES.get(outcome)
        if child is None:  # bound once: a warm page counts its hits without a label lookup
            child = _CACHE_OUTCOMES[outcome] = CACHE_EVENTS.labels(outcome)
        child.inc(count)


def single_flight_wait(scope: str) -> None:
    SINGLE_FLIGHT_WAITS.labels(scope).inc()


def request_done(route: str, method: str, seconds: float) -> None:
    REQUEST_SECONDS.labels(route, method).observe(seconds)


def webhook(event_type: str, outcome: str) -> None:
    WEBHOOK_EVENTS.labels(event_type[:64], outcome).inc()


def budget_used(used: dict[str, int], limits: dict[str, int]) -> None:
    for window, calls in used.items():
        BUDGET_USED.labels(window).set(calls)
        BUDGET_LIMIT.labels(window).set(limits[window])


def exposition() -> bytes:
    """The text every worker of this host recorded (or this process's, outside multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest()
