"""Query-string parsing for every route: flask-smorest's Blueprint with a cheaper webargs loader.

webargs hands the schema a proxy over werkzeug's MultiDict, so marshmallow's lookup of each of the ~20
filter fields a request does not use goes through MultiDict's missing-key path, which builds and discards an
HTTP exception object per absent field. Loading the query string into a plain dict first (lists for fields
that accept repeats, the first value otherwise, exactly as the proxy answers) gives the schema the same
input for a fraction of the cost. Validation, unknown-parameter errors and the OpenAPI output are unchanged.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import flask
import marshmallow as ma
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser


@lru_cache(maxsize=256)
def _repeatable_keys(schema: ma.Schema, multi_field_types: tuple[type, ...]) -> frozenset[str]:
    """Query keys the schema loads as lists (the rule webargs' MultiDictProxy applies)."""
    keys = set()
    for name, field in schema.fields.items():
        multiple = getattr(field, "is_multiple", None)
        if multiple is None:
            multiple = isinstance(field, multi_field_types)
        if multiple:
            keys.add(field.data_key if field.data_key is not None else name)
    return frozenset(keys)


class QueryStringParser(FlaskParser):
    """webargs' Flask parser, reading the query string into a plain dict."""

    def load_querystring(self, req: flask.Request, schema: ma.Schema) -> Any:
        args = req.args
        if not args:
            return {}
        repeatable = _repeatable_keys(schema, tuple(self.KNOWN_MULTI_FIELDS))
        return {key: args.getlist(key) if key in repeatable else args[key] for key in args}


class Blueprint(SmorestBlueprint):
    """The flask-smorest Blueprint every resource uses, parsing arguments with `QueryStringParser`."""

    ARGUMENTS_PARSER = QueryStringParser()
