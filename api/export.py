"""Streamed exports (CSV, GeoJSON, NDJSON) of every document matching a query.

Each serializer consumes an iterator of public items (fed page by page from a point in time) and yields
text chunks, so an export of a million events never holds more than one page in memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import orjson

from api import presenters

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "ndjson": "application/x-ndjson",
}
EXTENSIONS = {"csv": "csv", "geojson": "geojson", "ndjson": "ndjson"}
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 200


def _safe_cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would run as a formula; numbers pass through untouched."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def iter_csv(
    items: Iterable[Mapping[str, Any]], columns: Sequence[str], to_row: Callable[[Mapping[str, Any]], dict]
) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    pending = 0
    for item in items:
        writer.writerow({key: _safe_cell(value) for key, value in to_row(item).items()})
        pending += 1
        if pending >= ROWS_PER_CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


def iter_ndjson(items: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    for item in items:
        yield orjson.dumps(item, option=orjson.OPT_APPEND_NEWLINE).decode("utf-8")


def iter_geojson(
    items: Iterable[Mapping[str, Any]], to_feature: Callable[[Mapping[str, Any]], dict]
) -> Iterator[str]:
    """An RFC 7946 FeatureCollection, written incrementally."""
    yield '{"type":"FeatureCollection","features":['
    separator = ""
    for item in items:
        yield separator + orjson.dumps(to_feature(item)).decode("utf-8")
        separator = ","
    yield "]}\n"


def serialize(kind: str, export_format: str, items: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """The chunks of an export of `kind` ("articles" or "events") in `export_format`."""
    if export_format == "ndjson":
        return iter_ndjson(items)
    if kind == "events":
        if export_format == "csv":
            return iter_csv(items, presenters.EVENT_CSV_COLUMNS, presenters.event_row)
        return iter_geojson(items, presenters.event_feature)
    if export_format == "csv":
        return iter_csv(items, presenters.ARTICLE_CSV_COLUMNS, presenters.article_row)
    return iter_geojson(items, presenters.article_feature)
