"""JSON in and out of the API through orjson, the one place that choice is made.

A list page is ~20 KB of JSON written for the client and a larger Elasticsearch response read for it; with
the standard library those two steps cost as much as the rest of the request's Python together. orjson does
both about five times faster. What clients see is unchanged except that non-ASCII text is sent as UTF-8
rather than `\\u` escapes (equal JSON); values orjson would format its own way (dates, dataclasses, decimals)
are handed back to Flask's provider, so they are written exactly as before.
"""

from __future__ import annotations

from typing import Any

import orjson
from elasticsearch.serializer import OrjsonSerializer
from flask.json.provider import DefaultJSONProvider

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def es_serializer() -> OrjsonSerializer:
    """The serializer for the API's Elasticsearch client (request bodies out, responses in)."""
    return OrjsonSerializer()


def loads(data: bytes | str) -> Any:
    return orjson.loads(data)


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider with orjson underneath for the compact output every response uses.

    Calls that ask for formatting orjson cannot give (indentation other than 2, ASCII-only output, custom
    separators) fall back to the standard provider."""

    def _options(self) -> int:
        return _OPTIONS | (orjson.OPT_SORT_KEYS if self.sort_keys else 0)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if kwargs:
            return super().dumps(obj, **kwargs)
        return orjson.dumps(obj, default=self.default, option=self._options()).decode("utf-8")

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if kwargs:
            return super().loads(s, **kwargs)
        return orjson.loads(s)

    def response(self, *args: Any, **kwargs: Any) -> Any:
        obj = self._prepare_response_obj(args, kwargs)
        option = self._options() | orjson.OPT_APPEND_NEWLINE
        if (self.compact is None and self._app.debug) or self.compact is False:
            option |= orjson.OPT_INDENT_2
        return self._app.response_class(
            orjson.dumps(obj, default=self.default, option=option), mimetype=self.mimetype
        )
