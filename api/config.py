"""Settings the API reads from the environment, gathered in one place so the README can list them.

`settings_from_env` is called by the app factory, never at import time, so tests and the CLI can build an
app with a different environment without reloading modules.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

DEFAULT_RATE_LIMIT = "600/minute"
DEFAULT_ES_TIMEOUT_SECONDS = 10.0
MAX_ES_TIMEOUT_SECONDS = 10.0
MAX_REQUEST_BYTES = 5 * 1024 * 1024
MAX_ARTICLE_TEXT_BYTES = 1024 * 1024
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_QUERY_CHARS = 500
MAX_FILTER_VALUES = 20
CURSOR_KEEP_ALIVE = "5m"
# Facets count every matching document up to this many; above it, a random sample of about this size.
FACET_EXACT_LIMIT = 50_000


def _split_csv(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Flask config keys derived from the documented CONFLICTWIRE_* and ELASTICSEARCH_* variables."""
    env = os.environ if environ is None else environ
    timeout = float(env.get("CONFLICTWIRE_ES_TIMEOUT", DEFAULT_ES_TIMEOUT_SECONDS))
    return {
        "CONFLICTWIRE_API_KEYS": _split_csv(env.get("CONFLICTWIRE_API_KEYS")),
        "CONFLICTWIRE_CORS_ORIGINS": _split_csv(env.get("CONFLICTWIRE_CORS_ORIGINS")),
        "CONFLICTWIRE_RATE_LIMIT": env.get("CONFLICTWIRE_RATE_LIMIT") or DEFAULT_RATE_LIMIT,
        "CONFLICTWIRE_LOG_LEVEL": (env.get("CONFLICTWIRE_LOG_LEVEL") or "INFO").upper(),
        "CONFLICTWIRE_ES_TIMEOUT": min(max(timeout, 0.1), MAX_ES_TIMEOUT_SECONDS),
        "CONFLICTWIRE_FACET_EXACT_LIMIT": max(
            1, int(env.get("CONFLICTWIRE_FACET_EXACT_LIMIT", FACET_EXACT_LIMIT))
        ),
        "MAX_CONTENT_LENGTH": MAX_REQUEST_BYTES,
    }
