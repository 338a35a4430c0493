"""The conflictwire HTTP API: `create_app()` builds a Flask app serving the v1 contract in DESIGN.md.

Nothing connects or loads at import time; the Elasticsearch client is created per app from the
environment (or taken from `config["ES_CLIENT"]`, which tests use to inject a stand-in).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app

API_TITLE = "conflictwire"
API_VERSION = "1.0.0"
OPENAPI_VERSION = "3.1.0"
API_DESCRIPTION = (
    "Structured conflict news: full-text and filtered search over articles and the events coded from them "
    "(PLOVER and ACLED types, actors, places, dates, fatalities). Every list endpoint takes the same filters; "
    "errors are application/problem+json."
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. `config` overrides settings read from the environment (see api.config)."""
    from api.config import FACET_EXACT_LIMIT, settings_from_env
    from api.errors import register_error_handlers
    from api.jsonio import OrjsonProvider, es_serializer
    from api.middleware import install_middleware
    from api.observability import Metrics
    from api.ratelimit import STORAGE_URI, ClientRateLimit
    from api.registry import build_api
    from api.search import LOOKUP_CACHE_SECONDS, SearchService
    from indexer import contract

    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config.update(settings_from_env())
    app.config.update(
        API_TITLE=API_TITLE,
        API_VERSION=API_VERSION,
        OPENAPI_VERSION=OPENAPI_VERSION,
        API_SPEC_OPTIONS={
            "info": {
                "description": API_DESCRIPTION,
                "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
            },
            "servers": [{"url": "/", "description": "This server"}],
        },
    )
    if config:
        app.config.update(config)

    metrics = Metrics()
    # One attempt per call, bounded by the timeout: a stalled cluster costs a request at most ~10 s
    # before the client sees a 503, instead of the indexer's patient retries.
    es = app.config.get("ES_CLIENT") or contract.es_client_from_env(
        request_timeout=app.config["CONFLICTWIRE_ES_TIMEOUT"],
        retry_on_timeout=False,
        max_retries=1,
        serializer=es_serializer(),
    )
    service = SearchService(
        es,
        prefix=app.config.get("CONFLICTWIRE_INDEX_PREFIX"),
        observe=metrics.observe_es,
        use_lexicons=app.config.get("CONFLICTWIRE_USE_LEXICONS", True),
        cache_seconds=app.config.get("CONFLICTWIRE_LOOKUP_CACHE_SECONDS", LOOKUP_CACHE_SECONDS),
        facet_exact_limit=int(app.config.get("CONFLICTWIRE_FACET_EXACT_LIMIT", FACET_EXACT_LIMIT)),
    )
    app.extensions["conflictwire"] = {"service": service, "metrics": metrics}

    rate_limit = ClientRateLimit(
        app.config["CONFLICTWIRE_RATE_LIMIT"],
        enabled=bool(app.config.get("RATELIMIT_ENABLED", True)),
        strategy=app.config.get("RATELIMIT_STRATEGY") or "fixed-window",
        storage_uri=app.config.get("RATELIMIT_STORAGE_URI") or STORAGE_URI,
    )
    app.extensions["conflictwire"]["rate_limit"] = rate_limit

    install_middleware(app, metrics, rate_limit)
    app.extensions["conflictwire"]["api"] = build_api(app)
    register_error_handlers(app)
    return app


def service() -> Any:
    """The `SearchService` of the current app."""
    return current_app.extensions["conflictwire"]["service"]
