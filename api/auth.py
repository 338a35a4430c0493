"""API keys for write endpoints (`CONFLICTWIRE_API_KEYS`), sent as `Authorization: Bearer <key>` or
`X-API-Key: <key>`. Reads need no key. With no keys configured, writes are disabled rather than open.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, request

from api.errors import ProblemError

F = TypeVar("F", bound=Callable[..., Any])

SECURITY_SCHEME_NAMES = ("bearerAuth", "apiKeyHeader")
SECURITY_SCHEMES = {
    "bearerAuth": {"type": "http", "scheme": "bearer", "description": "A key from CONFLICTWIRE_API_KEYS"},
    "apiKeyHeader": {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "A key from CONFLICTWIRE_API_KEYS",
    },
}


def presented_key() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    key = request.headers.get("X-API-Key", "").strip()
    return key or None


def key_is_valid(key: str, allowed: list[str]) -> bool:
    """Constant-time comparison against every configured key."""
    matched = False
    for candidate in allowed:
        matched |= hmac.compare_digest(key.encode("utf-8"), candidate.encode("utf-8"))
    return matched


def require_api_key(view: F) -> F:
    """Reject the request unless it carries one of the configured keys."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        allowed = current_app.config["CONFLICTWIRE_API_KEYS"]
        if not allowed:
            raise ProblemError(
                403, "Writes are disabled: no CONFLICTWIRE_API_KEYS are configured on this server"
            )
        key = presented_key()
        if key is None:
            raise ProblemError(
                401,
                "This endpoint needs an API key (Authorization: Bearer <key> or X-API-Key: <key>)",
                headers={"WWW-Authenticate": 'Bearer realm="conflictwire"'},
            )
        if not key_is_valid(key, allowed):
            raise ProblemError(
                401, "The API key is not valid", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
            )
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
