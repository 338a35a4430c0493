"""Index documents → public items, and public items → export rows.

Kept apart from the service so the shapes users see are pure functions of a stored document, testable
without Elasticsearch. The API never returns a stored document as-is: internal fields (content hashes,
schema versions, the raw text copy in lists) stay inside.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def point(value: Any) -> tuple[float, float] | None:
    """(lat, lon) from any geo_point spelling Elasticsearch accepts (object, [lon, lat], "lat,lon")."""
    if isinstance(value, Mapping) and "lat" in value and "lon" in value:
        return float(value["lat"]), float(value["lon"])
    if isinstance(value, list | tuple) and len(value) == 2:
        return float(value[1]), float(value[0])
    if isinstance(value, str) and "," in value:
        lat, lon = value.split(",", 1)
        return float(lat), float(lon)
    return None


def _place(place: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not place:
        return None
    location = point(place.get("location"))
    return {
        "id": place.get("id"),
        "name": place.get("name"),
        "kind": place.get("kind"),
        "country": place.get("country"),
        "admin1": place.get("admin1"),
        "lat": location[0] if location else None,
        "lon": location[1] if location else None,
    }


def event_item(source: Mapping[str, Any], highlight: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One event row as documented in DESIGN.md (acled and place nested, offsets into the article text)."""
    get = source.get  # a page presents 20-100 of these; the bound method saves a lookup per field
    item = {
        "id": get("id"),
        "type": get("type"),
        "mode": get("mode"),
        "acled": {
            "event_type": get("acled_event_type"),
            "sub_event_type": get("acled_sub_event_type"),
        },
        "date": get("date"),
        "date_to": get("date_to"),
        "date_precision": get("date_precision"),
        "place": _place(get("place")),
        "actor1": get("actor1"),
        "actor2": get("actor2"),
        "fatalities": get("fatalities"),
        "injured": get("injured"),
        "flags": list(get("flags") or []),
        "article_id": get("article_id"),
        "article_title": get("article_title"),
        "article_url": get("article_url"),
        "source": get("source"),
        "published": get("published"),
        "language": get("language"),
        "sentence": get("sentence"),
        "start": get("start"),
        "end": get("end"),
        "confidence": get("confidence"),
    }
    if "figures" in source:
        item["figures"] = get("figures")
    if highlight:
        item["highlight"] = dict(highlight)
    return item


_ARTICLE_LIST_FIELDS = (
    "id",
    "url",
    "title",
    "source",
    "published",
    "language",
    "countries",
    "actor_ids",
    "actor_names",
    "actor_types",
    "people",
    "place_ids",
    "place_names",
    "event_types",
    "event_modes",
    "acled_event_types",
    "acled_sub_event_types",
    "fatalities",
    "event_count",
    "ingested_at",
)


def article_item(
    source: Mapping[str, Any], highlight: Mapping[str, Any] | None = None, *, detail: bool = False
) -> dict[str, Any]:
    """An article summary (lists) or the full article with its text, entities and events (detail)."""
    item: dict[str, Any] = {name: source.get(name) for name in _ARTICLE_LIST_FIELDS}
    for name in (
        "countries",
        "actor_ids",
        "actor_names",
        "actor_types",
        "people",
        "place_ids",
        "place_names",
    ):
        item[name] = list(item[name] or [])
    for name in ("event_types", "event_modes", "acled_event_types", "acled_sub_event_types"):
        item[name] = list(item[name] or [])
    item["locations"] = [
        {"lat": p[0], "lon": p[1]} for p in (point(v) for v in source.get("locations") or []) if p
    ]
    if detail:
        entities = source.get("entities") or {}
        item["body"] = source.get("body")
        item["text"] = source.get("text")
        item["captions"] = list(source.get("captions") or [])
        item["entities"] = {
            "actors": list(entities.get("actors") or []),
            "people": list(entities.get("people") or []),
            "places": list(entities.get("places") or []),
        }
        item["events"] = list(source.get("events") or [])
    if highlight:
        item["highlight"] = dict(highlight)
    return item


# --- export rows ------------------------------------------------------------------------------------------

EVENT_CSV_COLUMNS = (
    "id",
    "date",
    "date_precision",
    "type",
    "mode",
    "acled_event_type",
    "acled_sub_event_type",
    "place_id",
    "place_name",
    "admin1",
    "country",
    "lat",
    "lon",
    "actor1_id",
    "actor1_name",
    "actor1_type",
    "actor1_country",
    "actor2_id",
    "actor2_name",
    "actor2_type",
    "actor2_country",
    "fatalities",
    "injured",
    "flags",
    "confidence",
    "article_id",
    "article_title",
    "article_url",
    "source",
    "published",
    "sentence",
    "start",
    "end",
)

ARTICLE_CSV_COLUMNS = (
    "id",
    "published",
    "source",
    "title",
    "url",
    "language",
    "countries",
    "actor_names",
    "people",
    "place_names",
    "event_types",
    "acled_event_types",
    "fatalities",
    "event_count",
)


def event_row(item: Mapping[str, Any]) -> dict[str, Any]:
    """A flat row of an event item, for CSV."""
    place = item.get("place") or {}
    row: dict[str, Any] = {
        "id": item.get("id"),
        "date": item.get("date"),
        "date_precision": item.get("date_precision"),
        "type": item.get("type"),
        "mode": item.get("mode"),
        "acled_event_type": (item.get("acled") or {}).get("event_type"),
        "acled_sub_event_type": (item.get("acled") or {}).get("sub_event_type"),
        "place_id": place.get("id"),
        "place_name": place.get("name"),
        "admin1": place.get("admin1"),
        "country": place.get("country"),
        "lat": place.get("lat"),
        "lon": place.get("lon"),
        "fatalities": item.get("fatalities"),
        "injured": item.get("injured"),
        "flags": ";".join(item.get("flags") or []),
        "confidence": item.get("confidence"),
    }
    for key in ("actor1", "actor2"):
        actor = item.get(key) or {}
        for part in ("id", "name", "type", "country"):
            row[f"{key}_{part}"] = actor.get(part)
    for key in (
        "article_id",
        "article_title",
        "article_url",
        "source",
        "published",
        "sentence",
        "start",
        "end",
    ):
        row[key] = item.get(key)
    return row


def article_row(item: Mapping[str, Any]) -> dict[str, Any]:
    row = {name: item.get(name) for name in ARTICLE_CSV_COLUMNS}
    for name in ("countries", "actor_names", "people", "place_names", "event_types", "acled_event_types"):
        row[name] = ";".join(item.get(name) or [])
    return row


def event_feature(item: Mapping[str, Any]) -> dict[str, Any]:
    """An RFC 7946 Feature: Point geometry as [lon, lat], or null geometry for an unplaced event."""
    place = item.get("place") or {}
    geometry = None
    if place.get("lat") is not None and place.get("lon") is not None:
        geometry = {"type": "Point", "coordinates": [place["lon"], place["lat"]]}
    return {"type": "Feature", "id": item.get("id"), "geometry": geometry, "properties": dict(item)}


def article_feature(item: Mapping[str, Any]) -> dict[str, Any]:
    """An RFC 7946 Feature: Point or MultiPoint over the article's places, or null geometry."""
    coordinates = [[p["lon"], p["lat"]] for p in item.get("locations") or []]
    geometry: dict[str, Any] | None = None
    if len(coordinates) == 1:
        geometry = {"type": "Point", "coordinates": coordinates[0]}
    elif coordinates:
        geometry = {"type": "MultiPoint", "coordinates": coordinates}
    properties = {key: value for key, value in item.items() if key != "locations"}
    return {"type": "Feature", "id": item.get("id"), "geometry": geometry, "properties": properties}
