"""Cross-cutting HTTP behaviour applied to every response, in one fixed order:

request id and the rate-limit check (before the view); after it: rate-limit headers → CORS → caching (Cache-Control, weak ETag, 304) → gzip → metrics and the access log line.

One `after_request` function runs the steps so their order is explicit: the ETag is computed on the
uncompressed body (weak, so it stays valid for the gzipped variant), and the log sees the final status.
"""

from __future__ import annotations

import gzip
import logging
import re
import time
import uuid
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

from flask import Flask, Request, Response, g, request
from werkzeug.exceptions import TooManyRequests

from api.observability import Metrics, configure_access_log, log_request
from api.ratelimit import ClientRateLimit, WindowState

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
COMPRESSIBLE = (
    "application/json",
    "application/problem+json",
    "application/geo+json",
    "application/x-ndjson",
    "application/yaml",
    "application/javascript",
    "text/",
)
MIN_GZIP_BYTES = 500
CACHEABLE_PREFIXES = ("/v1/",)
STATIC_PREFIXES = ("/openapi.", "/docs")
NO_STORE_PATHS = ("/health", "/ready", "/metrics")
LIST_MAX_AGE = 30
CONDITIONAL_HEADERS = frozenset(
    (
        "HTTP_IF_NONE_MATCH",
        "HTTP_IF_MATCH",
        "HTTP_IF_MODIFIED_SINCE",
        "HTTP_IF_UNMODIFIED_SINCE",
        "HTTP_RANGE",
    )
)
STATIC_MAX_AGE = 3600
CORS_ALLOW_METHODS = "GET, HEAD, POST, DELETE, OPTIONS"
CORS_ALLOW_HEADERS = "Authorization, X-API-Key, Content-Type, If-None-Match, X-Request-Id"
CORS_EXPOSE_HEADERS = (
    "ETag, Retry-After, X-Request-Id, Content-Disposition, X-RateLimit-Limit, X-RateLimit-Remaining"
)


def _apply_cors(req: Request, response: Response, allowed: list[str]) -> None:
    if not allowed:
        return
    origin = req.environ.get("HTTP_ORIGIN")
    if not origin:
        return
    if "*" in allowed:
        response.headers["Access-Control-Allow-Origin"] = "*"
    elif origin in allowed:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.vary.add("Origin")
    else:
        return
    response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSE_HEADERS
    if req.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = CORS_ALLOW_METHODS
        response.headers["Access-Control-Allow-Headers"] = CORS_ALLOW_HEADERS
        response.headers["Access-Control-Max-Age"] = "600"


def _apply_caching(req: Request, response: Response) -> Response:
    path = req.path
    if req.method not in ("GET", "HEAD") or response.status_code >= 400 or path.startswith(NO_STORE_PATHS):
        response.headers.setdefault("Cache-Control", "no-store")
        return response
    if response.status_code != 200 or response.is_streamed:
        response.headers.setdefault("Cache-Control", f"public, max-age={LIST_MAX_AGE}")
        return response
    if path.startswith(STATIC_PREFIXES):
        response.headers.setdefault("Cache-Control", f"public, max-age={STATIC_MAX_AGE}")
    else:
        response.headers.setdefault("Cache-Control", f"public, max-age={LIST_MAX_AGE}")
    if "ETag" not in response.headers:
        response.add_etag(weak=True)
    if CONDITIONAL_HEADERS.isdisjoint(req.environ):
        return response  # nothing to compare against: skip werkzeug's conditional and range parsing
    return response.make_conditional(req)


def _compressible(response: Response) -> bool:
    mimetype = response.mimetype or ""
    return mimetype.startswith(COMPRESSIBLE)


def _gzip_stream(chunks: Iterable[Any]) -> Iterator[bytes]:
    """Compress a streamed body chunk by chunk (each flushed, so clients see progress), then close the
    original iterable: it may hold an open file or an Elasticsearch point in time."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    try:
        for chunk in chunks:
            data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
            if data:
                yield compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
        yield compressor.flush()
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def _apply_gzip(req: Request, response: Response) -> None:
    if (
        "HTTP_ACCEPT_ENCODING" not in req.environ
        or req.method == "HEAD"
        or response.status_code < 200
        or response.status_code in (204, 304)
        or "Content-Encoding" in response.headers
        or not _compressible(response)
        or req.accept_encodings.quality("gzip") <= 0
    ):
        return
    response.vary.add("Accept-Encoding")
    if response.is_streamed:
        response.response = _gzip_stream(response.response)
        response.headers.pop("Content-Length", None)
        response.headers["Content-Encoding"] = "gzip"
        return
    data = response.get_data()
    if len(data) < MIN_GZIP_BYTES:
        return
    response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"


def _apply_rate_limit_headers(response: Response, window: WindowState | None) -> None:
    """Report the client's rate-limit window; on a 429, say when to retry."""
    if window is None:
        return
    headers = response.headers
    headers["X-RateLimit-Limit"] = str(window.limit)
    headers["X-RateLimit-Remaining"] = str(window.remaining)
    headers["X-RateLimit-Reset"] = str(window.reset_at)
    if response.status_code == 429:
        headers["Retry-After"] = str(max(1, int(window.reset_at - time.time())))


def _rate_limited(req: Request) -> bool:
    """Whether the rate limit applies: not to preflights, probes, metrics, static files or unknown paths."""
    endpoint = req.endpoint
    return bool(
        endpoint
        and req.method != "OPTIONS"
        and not endpoint.endswith("static")
        and req.path not in NO_STORE_PATHS
    )


def install_middleware(app: Flask, metrics: Metrics, rate_limit: ClientRateLimit | None = None) -> None:
    access_log = configure_access_log(app.config["CONFLICTWIRE_LOG_LEVEL"])
    config = app.config

    @app.before_request
    def _start_request() -> None:
        req = request._get_current_object()  # type: ignore[attr-defined]
        supplied = req.environ.get("HTTP_X_REQUEST_ID", "")
        g.request_id = supplied if _REQUEST_ID.match(supplied) else uuid.uuid4().hex
        g.started = time.perf_counter()
        if rate_limit is not None and rate_limit.enabled and _rate_limited(req):
            window = rate_limit.hit(req.remote_addr or "", req.endpoint or "")
            g.rate_window = window
            if not window.allowed:
                raise TooManyRequests(description=rate_limit.describe())

    @app.after_request
    def _finish_response(response: Response) -> Response:
        req = request._get_current_object()  # type: ignore[attr-defined]
        context = g._get_current_object()  # type: ignore[attr-defined]
        response.headers["X-Request-Id"] = getattr(context, "request_id", "")
        _apply_rate_limit_headers(response, getattr(context, "rate_window", None))
        _apply_cors(req, response, config["CONFLICTWIRE_CORS_ORIGINS"])
        response = _apply_caching(req, response)
        _apply_gzip(req, response)
        started = getattr(context, "started", None) or time.perf_counter()
        rule = req.url_rule
        route, method, status = (
            (rule.rule if rule is not None else "unmatched"),
            req.method,
            response.status_code,
        )
        request_id, path, remote = getattr(context, "request_id", None), req.path, req.remote_addr

        def record() -> None:
            seconds = time.perf_counter() - started
            metrics.observe_request(method, route, status, seconds)
            if access_log.isEnabledFor(logging.ERROR if status >= 500 else logging.INFO):
                fields = {
                    "event": "request",
                    "request_id": request_id,
                    "method": method,
                    "route": route,
                    "path": path,
                    "status": status,
                    "remote": remote,
                    "duration_ms": round(seconds * 1000, 2),
                }
                log_request(access_log, fields)

        if response.is_streamed:
            response.call_on_close(record)
        else:
            record()
        return response
