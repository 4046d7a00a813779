"""Prometheus metrics: every `pantau_` metric is defined here, and `GET /metrics` serves them.

Under `pantau serve` PROMETHEUS_MULTIPROC_DIR is set before any worker imports prometheus_client
(web_server.serve), so each gunicorn worker writes its values to files there and /metrics adds
every worker's files up (MultiProcessCollector): whichever worker answers, the scrape covers the
whole server. Without that directory (`python app.py`, `pantau worker`) a scrape reads the
process's default registry, which also carries the library's process and GC metrics.

Labels stay bounded, so a stranger cannot grow the series: a request is labelled by its route
template (Flask's rule, never the raw path), an unknown method as "other", an unknown channel
as "unknown".
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from flask import Blueprint, Request, Response, request
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, make_wsgi_app, multiprocess

from crm.channels import CHANNELS

if TYPE_CHECKING:
    from crm.complaint import Complaint

T = TypeVar("T")
UNMATCHED = "<unmatched>"  # the route of a request no rule matched (404, 405)
UNKNOWN = "unknown"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

HTTP_REQUESTS = Counter("pantau_http_requests_total", "HTTP requests answered, by route template, method and status.",
                        ["route", "method", "status"])
HTTP_SECONDS = Histogram("pantau_http_request_duration_seconds",
                         "Seconds from a request's start to its response, by route template and method.",
                         ["route", "method"])
REPORTS_INGESTED = Counter("pantau_reports_ingested_total",
                           "Reports stored by the intake, by channel and outcome (created, or duplicate of a "
                           "delivery already stored).", ["channel", "outcome"])
DEAD_LETTERS = Counter("pantau_dead_letters_total",
                       "Deliveries refused and kept as dead letters (a retried body counts again), by channel.",
                       ["channel"])
SCREENS = Gauge("pantau_screens_connected", "Socket.IO screens connected now.", multiprocess_mode="livesum")
EMIT_LAG = Histogram("pantau_live_event_emit_lag_seconds",
                     "Seconds from the commit of an event's transaction to its emit by this process (to its "
                     "own screens, or to Redis for the others).",
                     buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5))
SLA_BREACHES = Counter("pantau_sla_breaches_total", "SLA breaches recorded and announced by the SLA watch.")
LOOP_SECONDS = Histogram("pantau_loop_round_duration_seconds",
                         "Seconds one round of a background loop took, failed rounds included, by loop.",
                         ["loop"], buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0))


def count_request(req: Request, status: int, seconds: float) -> None:
    """One answered request, labelled by its route template (Flask's rule), never its path."""
    route = req.url_rule.rule if req.url_rule is not None else UNMATCHED
    method = req.method if req.method in METHODS else "other"
    HTTP_REQUESTS.labels(route, method, str(status)).inc()
    HTTP_SECONDS.labels(route, method).observe(seconds)


def count_ingested(stored: list[tuple[Complaint, bool]]) -> list[tuple[Complaint, bool]]:
    """Count a committed save's (complaint, created) pairs by channel; returns them unchanged."""
    for complaint, created in stored:
        REPORTS_INGESTED.labels(channel_label(complaint.channel), "created" if created else "duplicate").inc()
    return stored


def count_dead_letter(channel: str) -> None:
    DEAD_LETTERS.labels(channel_label(channel)).inc()


def channel_label(channel: str) -> str:
    """A channel of crm.channels, or "unknown": a dead letter's channel comes from the URL."""
    return channel if channel in CHANNELS else UNKNOWN


def timed_round(loop: str, round_: Callable[[], T]) -> Callable[[], T]:
    """`round_`, observing each call's duration as one round of `loop` ("sla", "surge", "ranking")."""
    timer = LOOP_SECONDS.labels(loop)

    def timed() -> T:  # a closure, not the library's decorator: that one refuses bound methods
        with timer.time():
            return round_()
    return timed


def registry() -> CollectorRegistry:
    """What a scrape reads: every process's files in multiprocess mode, else this process's registry.

    A fresh registry per scrape in multiprocess mode, as the library's documentation does: the
    default one must not carry the MultiProcessCollector (its metrics would be exported twice)."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    collecting = CollectorRegistry()
    multiprocess.MultiProcessCollector(collecting)
    return collecting


def metrics_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The library's WSGI exposition (text format, or OpenMetrics when asked; gzip when accepted)."""
    return make_wsgi_app(registry())(environ, start_response)


def make_metrics() -> Blueprint:
    """`GET /metrics` on a Flask server: a static rule, so it wins over Dash's catch-all page route."""
    blueprint = Blueprint("metrics", __name__)

    @blueprint.get("/metrics")
    def metrics() -> Response:
        return Response.from_app(metrics_app, request.environ)

    return blueprint

