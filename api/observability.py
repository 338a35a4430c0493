"""Prometheus metrics and the one structured log line per request.

Each app gets its own metrics registry (so tests can build many apps in one process). Under gunicorn with
several workers, `api.serve` sets PROMETHEUS_MULTIPROC_DIR before any worker starts; every worker then
writes its samples to that folder and `/metrics` adds them all up, whichever worker answers the scrape.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

import orjson
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

ACCESS_LOGGER = "conflictwire.api.access"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """Request counts and latencies by route and status, and Elasticsearch call latencies by operation."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "conflictwire_http_requests",
            "HTTP requests served, by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "conflictwire_http_request_duration_seconds",
            "Time to produce a response (until the first byte for streamed exports)",
            ["method", "route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.es_latency = Histogram(
            "conflictwire_elasticsearch_request_duration_seconds",
            "Time spent in Elasticsearch calls, by operation",
            ["operation"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self._es_children: dict[str, Any] = {}

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            # prometheus_client validates and locks on every labels() call; the pairs are few and fixed.
            labels = (method, route, str(status))
            children = (self.requests.labels(*labels), self.latency.labels(*labels))
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def observe_es(self, operation: str, seconds: float) -> None:
        child = self._es_children.get(operation)
        if child is None:
            child = self._es_children[operation] = self.es_latency.labels(operation)
        child.observe(seconds)

    def render(self) -> tuple[bytes, str]:
        """The exposition text; aggregated over worker processes in gunicorn's multiprocess mode."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry), CONTENT_TYPE_LATEST
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


def configure_access_log(level: str) -> logging.Logger:
    """A logger that writes each record's message (already JSON) as one line on stderr."""
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.setLevel(level)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    return logger


def log_request(logger: logging.Logger, fields: dict[str, Any]) -> None:
    level = logging.ERROR if fields.get("status", 0) >= 500 else logging.INFO
    if logger.isEnabledFor(level):
        logger.log(level, orjson.dumps(fields, default=str).decode("utf-8"))
