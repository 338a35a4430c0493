"""The one error envelope: RFC 9457 problem details (`application/problem+json`).

Every failure a client can see goes through `problem_response`, whether it started as a validation error,
an HTTP exception, an Elasticsearch outage or a bug, so clients parse one shape and never see a traceback.
"""

from __future__ import annotations

import http
import logging
from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from elastic_transport import ConnectionError as EsConnectionError
from elastic_transport import ConnectionTimeout as EsConnectionTimeout
from elastic_transport import TransportError as EsTransportError
from elasticsearch import ApiError as EsApiError
from flask import Flask, Response, json
from werkzeug.exceptions import HTTPException

PROBLEM_CONTENT_TYPE = "application/problem+json"
RETRY_AFTER_SECONDS = 5

log = logging.getLogger("conflictwire.api")


class ProblemSchema(ma.Schema):
    """Shape of every error body (documented in the spec; responses are built by `problem_response`)."""

    type = ma.fields.String(
        required=True, metadata={"description": "Problem type URI; `about:blank` when the title says it all"}
    )
    title = ma.fields.String(required=True, metadata={"description": "Short summary of the problem class"})
    status = ma.fields.Integer(required=True, metadata={"description": "HTTP status code"})
    detail = ma.fields.String(metadata={"description": "What went wrong with this request, in plain words"})
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "Per-field messages for validation problems, keyed by parameter name"},
    )
    request_id = ma.fields.String(metadata={"description": "Identifier of the request, also in X-Request-Id"})


class ProblemError(Exception):
    """Raised by services and views to end a request with a specific problem (e.g. an expired cursor)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str | None = None,
        errors: Mapping[str, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title
        self.errors = dict(errors) if errors else None
        self.headers = dict(headers or {})


def problem_response(
    status: int,
    detail: str | None = None,
    *,
    title: str | None = None,
    errors: Mapping[str, list[str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Build a problem+json response; the title defaults to the HTTP reason phrase."""
    from flask import g, has_request_context

    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or http.HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = {key: list(messages) for key, messages in errors.items()}
    if has_request_context() and getattr(g, "request_id", None):
        body["request_id"] = g.request_id
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn webargs' {location: {field: [msg]}} (possibly nested) into {field: [msg]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, Mapping):
                flat.update(_flatten_messages(value, name))
            elif isinstance(value, list | tuple):
                flat[name] = [str(item) for item in value]
            else:
                flat[name] = [str(value)]
    elif isinstance(messages, list | tuple):
        flat[prefix or "_schema"] = [str(item) for item in messages]
    return flat


_LOCATIONS = ("query", "querystring", "json", "form", "headers", "files", "view_args")


def validation_errors(messages: Any) -> dict[str, list[str]]:
    """Validation messages keyed by parameter name, dropping webargs' location level."""
    if isinstance(messages, Mapping) and set(messages) <= set(_LOCATIONS):
        merged: dict[str, list[str]] = {}
        for location_messages in messages.values():
            merged.update(_flatten_messages(location_messages))
        return merged
    return _flatten_messages(messages)


def _describe(errors: Mapping[str, list[str]]) -> str:
    parts = []
    for name, messages in errors.items():
        text = "; ".join(messages)
        if text == "Unknown field.":
            text = "unknown parameter (see /openapi.json for the accepted ones)"
        parts.append(f"{name}: {text}")
    return " | ".join(parts)


def http_exception_problem(error: HTTPException) -> Response:
    """Render any werkzeug HTTPException (including webargs validation aborts) as a problem."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    if getattr(error, "retry_after", None) is not None:
        headers.setdefault("Retry-After", str(error.retry_after))
    messages = data.get("errors") or data.get("messages")
    if messages:
        errors = validation_errors(messages)
        return problem_response(
            status,
            _describe(errors),
            title="Invalid request parameters" if status in (400, 422) else None,
            errors=errors,
            headers=headers,
        )
    detail = data.get("message") or error.description
    if status == 413:
        detail = "Request body exceeds the 5 MB limit"
    if status == 429:
        detail = f"Rate limit exceeded ({error.description}); retry later"
    return problem_response(status, detail, headers=headers)


def _search_engine_unavailable(detail: str) -> Response:
    return problem_response(
        503,
        detail,
        title="Search engine unavailable",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _es_api_error_problem(error: EsApiError) -> Response:
    status = error.meta.status if error.meta else 500
    error_type = ""
    if isinstance(error.body, Mapping) and isinstance(error.body.get("error"), Mapping):
        error_type = str(error.body["error"].get("type", ""))
    if status == 404 and "index_not_found" in error_type:
        return _search_engine_unavailable("The search index does not exist yet; index some articles first")
    if status in (429, 502, 503, 504):
        return _search_engine_unavailable(f"Elasticsearch is overloaded or unavailable (status {status})")
    log.error("elasticsearch rejected a request: %s", error)
    return problem_response(502, "The search engine rejected the request", title="Search engine error")


def register_error_handlers(app: Flask) -> None:
    """Install the envelope for every error class a request can raise."""

    @app.errorhandler(ProblemError)
    def _problem(error: ProblemError) -> Response:
        return problem_response(
            error.status, error.detail, title=error.title, errors=error.errors, headers=error.headers
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        return http_exception_problem(error)

    @app.errorhandler(EsConnectionError)
    @app.errorhandler(EsConnectionTimeout)
    def _es_down(error: EsTransportError) -> Response:
        log.warning("elasticsearch unreachable: %s", error)
        return _search_engine_unavailable("Elasticsearch did not answer; try again shortly")

    @app.errorhandler(EsTransportError)
    def _es_transport(error: EsTransportError) -> Response:
        log.warning("elasticsearch transport error: %s", error)
        return _search_engine_unavailable("Elasticsearch transport failed; try again shortly")

    @app.errorhandler(EsApiError)
    def _es_api(error: EsApiError) -> Response:
        return _es_api_error_problem(error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        log.exception("unhandled error while serving a request")
        return problem_response(500, "An unexpected error occurred; it has been logged")
