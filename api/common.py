"""Schemas every resource shares: the filter arguments (one query string works on every list endpoint),
the list envelope, facets, and the small value fields (country, coordinates, event vocabularies) that
validate and canonicalise input before the service sees it.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

import marshmallow as ma
from marshmallow import validate

from api import config
from api.event_types.vocabulary import (
    ACLED_TYPES,
    PLOVER_TYPES,
    acled_sub_event_types,
    canonical_acled_sub_type,
    canonical_acled_type,
    canonical_plover_type,
)
from api.query import FACETS, SORTS
from indexer.contract import ACTOR_TYPES

PLACE_KINDS = (
    "continent",
    "country",
    "admin1",
    "admin2",
    "city",
    "locality",
    "region",
    "water",
    "facility",
    "road",
)
EXPORT_FORMATS = ("json", "csv", "geojson", "ndjson")
_RADIUS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|km|mi)\s*$", re.IGNORECASE)
_RADIUS_METRES = {"m": 1.0, "km": 1000.0, "mi": 1609.344}
MAX_RADIUS_KM = 5000.0
TOO_MANY_VALUES = f"At most {config.MAX_FILTER_VALUES} values per filter."


def _meta(description: str, example: Any, **extra: Any) -> dict[str, Any]:
    return {"description": description, "example": example, **extra}


# --- value fields -----------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """ISO 3166-1 alpha-2 for an alpha-2 or alpha-3 code or an English country name, else None."""
    import pycountry

    text = value.strip()
    if not text:
        return None
    if len(text) in (2, 3) and text.isalpha():
        found = pycountry.countries.get(**{"alpha_2" if len(text) == 2 else "alpha_3": text.upper()})
        if found is not None:
            return found.alpha_2
    try:
        matches = pycountry.countries.search_fuzzy(text)
    except LookupError:
        return None
    exact = [c for c in matches if text.casefold() in {n.casefold() for n in _country_names(c)}]
    chosen = exact[0] if exact else (matches[0] if len(matches) == 1 else None)
    return chosen.alpha_2 if chosen is not None else None


def _country_names(country: Any) -> list[str]:
    return [
        getattr(country, attr)
        for attr in ("name", "official_name", "common_name")
        if getattr(country, attr, None)
    ]


class CountryField(ma.fields.String):
    """A country as ISO alpha-2, alpha-3 or English name, loaded as alpha-2."""

    default_error_messages = {
        "unknown_country": "Unknown country {value!r}; use ISO 3166 alpha-2/alpha-3 or a name."
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        code = country_code(text)
        if code is None:
            raise self.make_error("unknown_country", value=text)
        return code


class CanonicalChoiceField(ma.fields.String):
    """A case-insensitive choice from a fixed vocabulary, loaded in the vocabulary's own spelling."""

    def __init__(self, canonical: Any, choices: list[str], **kwargs: Any) -> None:
        self._canonical = canonical
        super().__init__(validate=validate.OneOf(choices), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        return self._canonical(text) or text


class LatLonField(ma.fields.String):
    """`lat,lon` in decimal degrees, loaded as a (lat, lon) tuple."""

    default_error_messages = {"invalid_point": "Expected 'lat,lon' in decimal degrees, e.g. 35.86,36.80."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> tuple[float, float]:
        text = super()._deserialize(value, attr, data, **kwargs)
        parts = text.split(",")
        try:
            lat, lon = (float(part) for part in parts)
        except ValueError as error:
            raise self.make_error("invalid_point") from error
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise self.make_error("invalid_point")
        return lat, lon


class BBoxField(ma.fields.String):
    """`min_lon,min_lat,max_lon,max_lat` (the GeoJSON bbox order), loaded as a 4-tuple."""

    default_error_messages = {
        "invalid_bbox": "Expected 'min_lon,min_lat,max_lon,max_lat' with min below max, e.g. 35.5,35.5,37.5,36.5."
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> tuple[float, ...]:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            min_lon, min_lat, max_lon, max_lat = (float(part) for part in text.split(","))
        except ValueError as error:
            raise self.make_error("invalid_bbox") from error
        valid = -180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90
        if not valid:
            raise self.make_error("invalid_bbox")
        return min_lon, min_lat, max_lon, max_lat


class RadiusField(ma.fields.String):
    """A distance like `20km`, `500m` or `10mi`, loaded in Elasticsearch's distance syntax."""

    default_error_messages = {
        "invalid_radius": f"Expected a distance such as 20km, 500m or 10mi, at most {MAX_RADIUS_KM:g}km."
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        match = _RADIUS.match(text)
        if not match:
            raise self.make_error("invalid_radius")
        amount, unit = float(match.group(1)), match.group(2).lower()
        if amount <= 0 or amount * _RADIUS_METRES[unit] > MAX_RADIUS_KM * 1000:
            raise self.make_error("invalid_radius")
        return f"{match.group(1)}{unit}"


class CommaSeparatedList(ma.fields.List):
    """A list given as repeated parameters, comma-separated values, or both (`a,b&c`): the contract shows
    the comma form, while generated SDKs repeat the parameter."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        values = value if isinstance(value, list | tuple) else [value]
        parts = [part.strip() for item in values for part in str(item).split(",") if part.strip()]
        return super()._deserialize(parts, attr, data, **kwargs)


def repeatable(inner: ma.fields.Field, description: str, example: Any) -> ma.fields.List:
    return ma.fields.List(
        inner,
        validate=validate.Length(min=1, max=config.MAX_FILTER_VALUES, error=TOO_MANY_VALUES),
        metadata=_meta(
            description + f" Repeatable (up to {config.MAX_FILTER_VALUES} values, any may match).", example
        ),
    )


# --- arguments --------------------------------------------------------------------------------------------


class FilterArgs(ma.Schema):
    """The filters every list endpoint accepts."""

    q = ma.fields.String(
        validate=validate.Length(min=1, max=config.MAX_QUERY_CHARS),
        metadata=_meta(
            'Full text in simple query syntax: "phrase", +must, -not, a | b, prefix*. '
            f"At most {config.MAX_QUERY_CHARS} characters.",
            '"air strike" Idlib',
        ),
    )
    actor = repeatable(
        ma.fields.String(validate=validate.Length(min=1, max=200)),
        "Actor id, canonical name or any alias (e.g. 'regime forces' finds the Syrian military).",
        ["Syrian army"],
    )
    actor_type = repeatable(
        ma.fields.String(validate=validate.OneOf(ACTOR_TYPES)), "Actor category.", ["state_forces"]
    )
    person = repeatable(
        ma.fields.String(validate=validate.Length(min=1, max=200)),
        "Person's name, matched without regard to case or accents.",
        ["Recep Tayyip Erdogan"],
    )
    place = repeatable(
        ma.fields.String(validate=validate.Length(min=1, max=200)),
        "Place id (geonames:<n>, road:<...>, unlisted:<...>) or name; includes everything inside it (Syria "
        "finds Saraqib). An event is also found under a village, road or site its sentence names but that has "
        "no coordinates (Teldau finds an event placed at Homs).",
        ["Idlib"],
    )
    country = repeatable(CountryField(), "Country as ISO 3166 alpha-2, alpha-3 or English name.", ["SY"])
    event_type = repeatable(
        CanonicalChoiceField(canonical_plover_type, list(PLOVER_TYPES)), "PLOVER event type.", ["ASSAULT"]
    )
    acled_event_type = repeatable(
        CanonicalChoiceField(canonical_acled_type, list(ACLED_TYPES)),
        "ACLED event type (case-insensitive).",
        ["Explosions/Remote violence"],
    )
    acled_sub_event_type = repeatable(
        CanonicalChoiceField(canonical_acled_sub_type, acled_sub_event_types()),
        "ACLED sub-event type (case-insensitive).",
        ["Air/drone strike"],
    )
    date_from = ma.fields.Date(
        data_key="from",
        metadata=_meta(
            "Earliest date, inclusive (ISO): publication date for articles, event date for events.",
            "2020-02-01",
        ),
    )
    date_to = ma.fields.Date(
        data_key="to",
        metadata=_meta(
            "Latest date, inclusive (ISO): publication date for articles, event date for events.",
            "2020-02-29",
        ),
    )
    near = LatLonField(
        metadata=_meta("Centre of a circle, as lat,lon; combine with radius.", "35.86,36.80"),
    )
    radius = RadiusField(
        metadata=_meta("Radius around `near` (m, km or mi; default 50km).", "20km"),
    )
    bbox = BBoxField(
        metadata=_meta("Bounding box as min_lon,min_lat,max_lon,max_lat.", "35.5,35.5,37.5,36.5"),
    )
    min_fatalities = ma.fields.Integer(
        validate=validate.Range(min=0, max=10_000_000),
        metadata=_meta("Only documents reporting at least this many deaths.", 1),
    )
    source = repeatable(
        ma.fields.String(validate=validate.Length(min=1, max=200)),
        "Publisher or feed name, matched without regard to case.",
        ["Anadolu Agency"],
    )
    lang = repeatable(
        ma.fields.String(validate=validate.Regexp(r"^[A-Za-z]{2,3}$", error="Expected an ISO 639 code.")),
        "Language code (ISO 639-1).",
        ["en"],
    )

    @ma.validates_schema
    def _check_ranges(self, data: dict[str, Any], **kwargs: Any) -> None:
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if isinstance(date_from, dt.date) and isinstance(date_to, dt.date) and date_from > date_to:
            raise ma.ValidationError("`from` must not be after `to`.", field_name="from")
        if "radius" in data and "near" not in data:
            raise ma.ValidationError("`radius` needs `near`.", field_name="radius")


class ListArgs(FilterArgs):
    """Filters plus sorting, paging, facets and export format."""

    sort = ma.fields.String(
        validate=validate.OneOf(SORTS),
        metadata=_meta(
            "relevance (default with q), -date (default without q: newest first) or date.", "-date"
        ),
    )
    limit = ma.fields.Integer(
        load_default=config.DEFAULT_PAGE_SIZE,
        validate=validate.Range(min=1, max=config.MAX_PAGE_SIZE),
        metadata=_meta(f"Page size, 1 to {config.MAX_PAGE_SIZE}.", 20),
    )
    cursor = ma.fields.String(
        validate=validate.Length(min=1, max=8192),
        metadata=_meta("Opaque `next_cursor` from the previous page; repeat the same filters.", "eyJ2IjoxfQ"),
    )
    facets = CommaSeparatedList(
        ma.fields.String(validate=validate.OneOf(FACETS)),
        validate=validate.Length(max=len(FACETS)),
        metadata=_meta(
            "Facets to count alongside the results, comma-separated (facets=actor,country) or repeated.",
            ["actor", "country"],
        ),
    )
    format = ma.fields.String(
        load_default="json",
        validate=validate.OneOf(EXPORT_FORMATS),
        metadata=_meta(
            "json (a page) or an export of every match, streamed: csv, geojson (RFC 7946) or ndjson.", "json"
        ),
    )


# --- responses --------------------------------------------------------------------------------------------


class FacetBucketSchema(ma.Schema):
    value = ma.fields.String(
        required=True, metadata={"description": "Facet value; usable as the filter value"}
    )
    label = ma.fields.String(allow_none=True, metadata={"description": "Display name where one is known"})
    count = ma.fields.Integer(
        required=True, metadata={"description": "Documents matching the filters and value"}
    )


class FacetSchema(ma.Schema):
    buckets = ma.fields.List(ma.fields.Nested(FacetBucketSchema), required=True)
    other = ma.fields.Integer(
        required=True, metadata={"description": "Documents counted in values not shown"}
    )
    missing = ma.fields.Integer(required=True, metadata={"description": "Documents without any value"})
    approximate = ma.fields.Boolean(
        required=True,
        metadata={
            "description": "True when the result set was too large to count exactly: the counts come from a "
            "seeded random sample of the matching documents, scaled to the whole (see sample_probability)"
        },
    )
    sample_probability = ma.fields.Float(
        required=True,
        metadata={"description": "Share of matching documents counted: 1.0 for exact counts"},
    )


class ListEnvelopeSchema(ma.Schema):
    """The shape shared by list responses; concrete schemas add `items`."""

    total = ma.fields.Integer(required=True, metadata={"description": "Documents matching the filters"})
    total_relation = ma.fields.String(
        required=True,
        validate=validate.OneOf(("eq", "gte")),
        metadata={"description": "eq: exact; gte: at least"},
    )
    next_cursor = ma.fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Pass as `cursor` for the next page; null on the last page"},
    )
    facets = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Nested(FacetSchema),
        metadata={"description": "Requested facets, by name"},
    )


class PointSchema(ma.Schema):
    lat = ma.fields.Float(allow_none=True, metadata={"description": "Latitude (WGS 84)"})
    lon = ma.fields.Float(allow_none=True, metadata={"description": "Longitude (WGS 84)"})


class MentionSchema(ma.Schema):
    start = ma.fields.Integer(metadata={"description": "Offset of the first character in the article `text`"})
    end = ma.fields.Integer(metadata={"description": "Offset after the last character in the article `text`"})
    text = ma.fields.String(metadata={"description": "The mention as written"})


class ActorRefSchema(ma.Schema):
    id = ma.fields.String(allow_none=True, metadata={"description": "Actor id"})
    name = ma.fields.String(allow_none=True, metadata={"description": "Canonical name"})
    type = ma.fields.String(allow_none=True, metadata={"description": "Actor category"})
    country = ma.fields.String(allow_none=True, metadata={"description": "ISO 3166-1 alpha-2"})


class PlaceRefSchema(ma.Schema):
    id = ma.fields.String(allow_none=True, metadata={"description": "Place id (geonames:<n>)"})
    name = ma.fields.String(allow_none=True, metadata={"description": "Place name"})
    kind = ma.fields.String(allow_none=True, metadata={"description": "country, admin1, city, ..."})
    country = ma.fields.String(allow_none=True, metadata={"description": "ISO 3166-1 alpha-2"})
    admin1 = ma.fields.String(allow_none=True, metadata={"description": "First-level region name"})
    lat = ma.fields.Float(allow_none=True, metadata={"description": "Latitude"})
    lon = ma.fields.Float(allow_none=True, metadata={"description": "Longitude"})


class AcledSchema(ma.Schema):
    event_type = ma.fields.String(allow_none=True, metadata={"description": "ACLED event type"})
    sub_event_type = ma.fields.String(allow_none=True, metadata={"description": "ACLED sub-event type"})


def highlight_field() -> ma.fields.Dict:
    return ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={
            "description": "Matching fragments per field (HTML-escaped, matches in <mark>), with `q` only"
        },
    )
