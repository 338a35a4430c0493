"""Helpers the list views share: one page as JSON, or a streamed export of every match."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response, jsonify

from api import export, service

QUERY_ARGS = {"location": "query", "unknown": ma.RAISE, "error_status_code": 400}
EXPORT_DOC = {
    "csv": ("text/csv", "Every match as CSV (one row per document)"),
    "geojson": ("application/geo+json", "Every match as an RFC 7946 FeatureCollection ([lon, lat])"),
    "ndjson": ("application/x-ndjson", "Every match as newline-delimited JSON"),
}


def export_responses() -> dict[str, Any]:
    """OpenAPI `content` entries for the export formats, merged into the 200 response of list views."""
    return {
        media_type: {"schema": {"type": "string", "description": description}}
        for media_type, description in EXPORT_DOC.values()
    }


def list_or_export(kind: str, args: dict[str, Any]) -> Any:
    """A JSON page for `format=json`, else a streamed export (which walks every page server-side)."""
    export_format = args.get("format") or "json"
    if export_format == "json":
        # The service already returns the public shape (api.presenters); a Response skips flask-smorest's
        # second marshmallow pass over every item, which was most of the API's own time per request.
        # The list schemas still document it, and a test holds page == schema.dump(page).
        return jsonify(service().search_page(kind, args))
    items = service().iter_export(kind, args)
    response = Response(
        export.serialize(kind, export_format, items), content_type=export.CONTENT_TYPES[export_format]
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="conflictwire-{kind}.{export.EXTENSIONS[export_format]}"'
    )
    return response
