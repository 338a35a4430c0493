"""Pure query building: validated request arguments → Elasticsearch request bodies.

Nothing here talks to Elasticsearch or Flask, so every filter, sort, facet and cursor rule is checked by
unit tests on the dicts alone. The service layer resolves names to ids first (actor aliases, place names,
country names) and hands the builder a `SearchParams` whose values are ready to be put in term filters.

Rules the builder keeps:
- user text reaches Elasticsearch only through `simple_query_string` (never `query_string`);
- every filter sits in `bool.filter` (unscored, cacheable); only full text is in `bool.must`;
- repeated values of one filter are alternatives (OR), different filters narrow each other (AND);
- every sort ends with the unique `id`, so `search_after` positions are total and a page walk can resume
  even when its point in time has expired.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from api.config import FACET_EXACT_LIMIT

ARTICLES = "articles"
EVENTS = "events"

SORT_RELEVANCE = "relevance"
SORT_NEWEST = "-date"
SORT_OLDEST = "date"
SORTS = (SORT_RELEVANCE, SORT_NEWEST, SORT_OLDEST)

INTERVALS = ("day", "week", "month")
METRICS = ("articles", "events", "fatalities")
FACETS = ("actor", "place", "country", "event_type", "acled_event_type", "actor_type", "source", "lang")
FACET_SIZE = 10
MAX_DENSE_BUCKETS = 2000

# Simple-query-string operators the public contract promises; fuzzy/slop/near stay off.
SIMPLE_QUERY_FLAGS = "AND|OR|NOT|PHRASE|PREFIX|PRECEDENCE|WHITESPACE|ESCAPE"
HIGHLIGHT_TAGS = ("<mark>", "</mark>")


@dataclass(frozen=True)
class IndexFields:
    """Where each public filter lives in one index; the two indices name some fields differently."""

    kind: str
    date: str
    text: tuple[str, ...]
    highlight: Mapping[str, Mapping[str, Any]]
    event_type: str
    acled_event_type: str
    acled_sub_event_type: str
    location: str
    actor_name_fields: tuple[str, ...]
    list_source_excludes: tuple[str, ...]
    facets: Mapping[str, str]


ARTICLE_FIELDS = IndexFields(
    kind=ARTICLES,
    date="published",
    text=("title^3", "body", "captions"),
    highlight={
        "title": {"number_of_fragments": 0},
        "body": {"fragment_size": 160, "number_of_fragments": 3},
        "captions": {"fragment_size": 160, "number_of_fragments": 1},
    },
    event_type="event_types",
    acled_event_type="acled_event_types",
    acled_sub_event_type="acled_sub_event_types",
    location="locations",
    actor_name_fields=("actor_names.norm", "actor_aliases.norm"),
    list_source_excludes=("body", "text", "captions", "entities", "events"),
    facets={
        "actor": "actor_ids",
        "place": "place_ids",
        "country": "countries",
        "event_type": "event_types",
        "acled_event_type": "acled_event_types",
        "actor_type": "actor_types",
        "source": "source",
        "lang": "language",
    },
)

EVENT_FIELDS = IndexFields(
    kind=EVENTS,
    date="date",
    text=("sentence",),
    highlight={"sentence": {"number_of_fragments": 0}},
    event_type="type",
    acled_event_type="acled_event_type",
    acled_sub_event_type="acled_sub_event_type",
    location="location",
    actor_name_fields=("actor_names.norm",),
    list_source_excludes=("figures",),
    facets={
        "actor": "actor_ids",
        "place": "place_ids",
        "country": "countries",
        "event_type": "type",
        "acled_event_type": "acled_event_type",
        "actor_type": "actor_types",
        "source": "source",
        "lang": "language",
    },
)

FIELDS_BY_KIND = {ARTICLES: ARTICLE_FIELDS, EVENTS: EVENT_FIELDS}


@dataclass(frozen=True)
class ResolvedEntity:
    """One `actor=` or `place=` value with the ids and names the service found for it.

    `value` is what the client sent; it is tried as an id and as a name too, so an unresolvable value
    still matches documents that carry it verbatim.
    """

    value: str
    ids: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class GeoDistance:
    lat: float
    lon: float
    radius: str


@dataclass(frozen=True)
class BoundingBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


@dataclass(frozen=True)
class SearchParams:
    """Validated, resolved filters shared by every list endpoint (see DESIGN.md's filter table)."""

    q: str | None = None
    actors: tuple[ResolvedEntity, ...] = ()
    actor_types: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    places: tuple[ResolvedEntity, ...] = ()
    countries: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    acled_event_types: tuple[str, ...] = ()
    acled_sub_event_types: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    near: GeoDistance | None = None
    bbox: BoundingBox | None = None
    min_fatalities: int | None = None
    sources: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    sort: str | None = None
    facets: tuple[str, ...] = field(default_factory=tuple)

    def effective_sort(self) -> str:
        """`relevance` by default when there is text to rank by, newest first otherwise."""
        if self.sort:
            return self.sort if (self.sort != SORT_RELEVANCE or self.q) else SORT_NEWEST
        return SORT_RELEVANCE if self.q else SORT_NEWEST


def fold(text: str) -> str:
    """Lowercase and strip accents, mirroring the index's `folded` normalizer closely enough for matching."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


def _terms(field_name: str, values: Sequence[str]) -> dict[str, Any]:
    unique = list(dict.fromkeys(values))
    if len(unique) == 1:
        return {"term": {field_name: unique[0]}}
    return {"terms": {field_name: unique}}


def _any_of(clauses: Sequence[dict[str, Any]]) -> dict[str, Any]:
    if len(clauses) == 1:
        return clauses[0]
    return {"bool": {"should": list(clauses), "minimum_should_match": 1}}


def _entity_filter(
    entities: Sequence[ResolvedEntity], id_field: str, name_fields: Sequence[str]
) -> dict[str, Any]:
    ids = [i for entity in entities for i in (*entity.ids, entity.value)]
    names = [n for entity in entities for n in (entity.value, *entity.names)]
    clauses = [_terms(id_field, ids)] + [_terms(name_field, names) for name_field in name_fields]
    return _any_of(clauses)


def build_filters(params: SearchParams, fields: IndexFields) -> list[dict[str, Any]]:
    """The `bool.filter` clauses for every filter present in `params`."""
    filters: list[dict[str, Any]] = []
    if params.actors:
        filters.append(_entity_filter(params.actors, "actor_ids", fields.actor_name_fields))
    if params.actor_types:
        filters.append(_terms("actor_types", params.actor_types))
    if params.people:
        filters.append(_terms("people.norm", params.people))
    if params.places:
        filters.append(_entity_filter(params.places, "place_ids", ("place_names.norm",)))
    if params.countries:
        filters.append(_terms("countries", params.countries))
    if params.event_types:
        filters.append(_terms(fields.event_type, params.event_types))
    if params.acled_event_types:
        filters.append(_terms(fields.acled_event_type, params.acled_event_types))
    if params.acled_sub_event_types:
        filters.append(_terms(fields.acled_sub_event_type, params.acled_sub_event_types))
    if params.date_from or params.date_to:
        bounds: dict[str, str] = {}
        if params.date_from:
            bounds["gte"] = f"{params.date_from}||/d"
        if params.date_to:
            bounds["lte"] = f"{params.date_to}||/d"
        filters.append({"range": {fields.date: bounds}})
    if params.near:
        filters.append(
            {
                "geo_distance": {
                    "distance": params.near.radius,
                    fields.location: {"lat": params.near.lat, "lon": params.near.lon},
                }
            }
        )
    if params.bbox:
        box = params.bbox
        filters.append(
            {
                "geo_bounding_box": {
                    fields.location: {
                        "top_left": {"lat": box.max_lat, "lon": box.min_lon},
                        "bottom_right": {"lat": box.min_lat, "lon": box.max_lon},
                    }
                }
            }
        )
    if params.min_fatalities is not None:
        filters.append({"range": {"fatalities": {"gte": params.min_fatalities}}})
    if params.sources:
        filters.append(_terms("source.norm", params.sources))
    if params.langs:
        filters.append(_terms("language", [lang.lower() for lang in params.langs]))
    return filters


def build_query(params: SearchParams, fields: IndexFields) -> dict[str, Any]:
    """The `query` part: full text in `must`, everything else in `filter`."""
    bool_query: dict[str, Any] = {}
    if params.q:
        bool_query["must"] = [
            {
                "simple_query_string": {
                    "query": params.q,
                    "fields": list(fields.text),
                    "default_operator": "and",
                    "flags": SIMPLE_QUERY_FLAGS,
                }
            }
        ]
    filters = build_filters(params, fields)
    if filters:
        bool_query["filter"] = filters
    if not bool_query:
        return {"match_all": {}}
    return {"bool": bool_query}


def build_sort(params: SearchParams, fields: IndexFields) -> list[dict[str, Any]]:
    """Sort clauses ending with the unique `id`, so every document has a distinct position."""
    sort = params.effective_sort()
    by_date_desc = {fields.date: {"order": "desc", "missing": "_last"}}
    if sort == SORT_RELEVANCE:
        return [{"_score": {"order": "desc"}}, by_date_desc, {"id": {"order": "asc"}}]
    if sort == SORT_OLDEST:
        return [{fields.date: {"order": "asc", "missing": "_last"}}, {"id": {"order": "asc"}}]
    return [by_date_desc, {"id": {"order": "asc"}}]


FACET_SAMPLE_SEED = 20200226


def facet_sample_probability(total: int, exact_limit: int = FACET_EXACT_LIMIT) -> float:
    """The share of matching documents the facets count: 1.0 (every one) up to `exact_limit` matches.

    Counting five multi-valued terms over millions of events costs seconds; a random sample of about
    `exact_limit` documents ranks the same leading values, with counts scaled back and marked approximate.
    Elasticsearch samples only below 0.5, so between `exact_limit` and twice that the count stays exact."""
    if total <= exact_limit:
        return 1.0
    probability = exact_limit / total
    return probability if probability < 0.5 else 1.0


def build_facet_aggs(
    facets: Sequence[str], fields: IndexFields, size: int = FACET_SIZE, probability: float = 1.0
) -> dict[str, Any]:
    """One `terms` aggregation per requested facet plus a count of documents without a value, so counts
    can be reconciled; below `probability` 1 they run inside a seeded `random_sampler` (the `missing`
    aggregation cannot be sampled, so the count of documents without a value is a filter there)."""
    aggs: dict[str, Any] = {}
    for name in facets:
        field_name = fields.facets[name]
        aggs[f"facet_{name}"] = {"terms": {"field": field_name, "size": size}}
        if probability >= 1.0:
            aggs[f"missing_{name}"] = {"missing": {"field": field_name}}
        else:
            aggs[f"missing_{name}"] = {"filter": {"bool": {"must_not": {"exists": {"field": field_name}}}}}
    if probability >= 1.0:
        return aggs
    return {
        "facet_sample": {
            "random_sampler": {"probability": probability, "seed": FACET_SAMPLE_SEED},
            "meta": {"probability": probability},
            "aggs": aggs,
        }
    }


def build_facet_search(params: SearchParams, fields: IndexFields, probability: float) -> dict[str, Any]:
    """Facets alone, for a result set too large to count in the page's own request."""
    return {
        "query": build_query(params, fields),
        "size": 0,
        "track_total_hits": False,
        "aggs": build_facet_aggs(params.facets, fields, probability=probability),
    }


def build_count_search(params: SearchParams, fields: IndexFields) -> dict[str, Any]:
    """The exact number of matches and nothing else.

    Sorted by date, a page that need not count every match lets Lucene skip the documents that cannot
    reach it; on millions of events that page plus this count cost a quarter of one request doing both.
    Having no hits, the count is also what Elasticsearch's request cache keeps between refreshes."""
    return {"query": build_query(params, fields), "size": 0, "track_total_hits": True}


def build_search(
    params: SearchParams,
    fields: IndexFields,
    *,
    size: int,
    search_after: Sequence[Any] | None = None,
    pit: Mapping[str, Any] | None = None,
    highlight: bool = True,
    source_excludes: Sequence[str] | None = None,
    facets: bool = True,
    count: bool = True,
) -> dict[str, Any]:
    """A complete search body for one page (`size` documents after `search_after`).

    With a point in time (`pit`) the body carries no index: Elasticsearch takes it from the PIT.
    Without `count` the page does not total its matches (see `build_count_search`).
    """
    body: dict[str, Any] = {
        "query": build_query(params, fields),
        "sort": build_sort(params, fields),
        "size": size,
        "track_total_hits": count,
        "_source": {
            "excludes": list(fields.list_source_excludes if source_excludes is None else source_excludes)
        },
    }
    if search_after is not None:
        body["search_after"] = list(search_after)
    if pit is not None:
        body["pit"] = dict(pit)
    if highlight and params.q:
        body["highlight"] = {
            "pre_tags": [HIGHLIGHT_TAGS[0]],
            "post_tags": [HIGHLIGHT_TAGS[1]],
            "encoder": "html",
            "fields": {name: dict(options) for name, options in fields.highlight.items()},
        }
    if facets and params.facets:
        body["aggs"] = build_facet_aggs(params.facets, fields)
    return body


def parse_facets(aggregations: Mapping[str, Any] | None, facets: Sequence[str]) -> dict[str, Any]:
    """Turn the facet aggregations of a response into `{name: {buckets, other, missing, approximate,
    sample_probability}}`; sampled counts arrive already scaled to the whole result set."""
    result: dict[str, Any] = {}
    aggregations = aggregations or {}
    probability = 1.0
    if "facet_sample" in aggregations:
        sample = aggregations["facet_sample"]
        probability = float((sample.get("meta") or {}).get("probability", 0.0))
        aggregations = sample
    for name in facets:
        terms = aggregations.get(f"facet_{name}") or {}
        missing = aggregations.get(f"missing_{name}") or {}
        result[name] = {
            "buckets": [
                {"value": str(bucket["key"]), "count": int(bucket["doc_count"])}
                for bucket in terms.get("buckets", [])
            ],
            "other": int(terms.get("sum_other_doc_count", 0)),
            "missing": int(missing.get("doc_count", 0)),
            "approximate": probability < 1.0,
            "sample_probability": probability,
        }
    return result


# --- timeline ---------------------------------------------------------------------------------------------


def _bucket_count(date_from: str, date_to: str, interval: str) -> int:
    from datetime import date

    start, end = date.fromisoformat(date_from), date.fromisoformat(date_to)
    days = (end - start).days + 1
    return {"day": days, "week": days // 7 + 2, "month": days // 28 + 2}[interval]


def build_timeline(
    params: SearchParams, fields: IndexFields, *, interval: str, metric: str
) -> dict[str, Any]:
    """A `date_histogram` over the filtered documents, with fatality sums when the metric asks for them.

    Empty buckets are filled in only between explicit `from`/`to` bounds (and only for a bounded number of
    buckets), so an outlier date cannot make Elasticsearch build thousands of empty buckets.
    """
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {INTERVALS}")
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}")
    histogram: dict[str, Any] = {
        "field": fields.date,
        "calendar_interval": interval,
        "format": "yyyy-MM-dd",
        "min_doc_count": 1,
    }
    if (
        params.date_from
        and params.date_to
        and _bucket_count(params.date_from, params.date_to, interval) <= MAX_DENSE_BUCKETS
    ):
        histogram["min_doc_count"] = 0
        histogram["extended_bounds"] = {"min": params.date_from, "max": params.date_to}
    aggs: dict[str, Any] = {
        "timeline": {"date_histogram": histogram},
        "undated": {"missing": {"field": fields.date}},
    }
    if metric == "fatalities":
        aggs["timeline"]["aggs"] = {"fatalities": {"sum": {"field": "fatalities"}}}
        aggs["fatalities"] = {"sum": {"field": "fatalities"}}
        aggs["undated"]["aggs"] = {"fatalities": {"sum": {"field": "fatalities"}}}
    return {"query": build_query(params, fields), "size": 0, "track_total_hits": True, "aggs": aggs}


def parse_timeline(response: Mapping[str, Any], metric: str) -> dict[str, Any]:
    """Buckets as `{date, count, value}` where value is the count, or the fatality sum for that metric."""
    aggs = response.get("aggregations") or {}
    total_docs = int(response["hits"]["total"]["value"])
    buckets = []
    for bucket in aggs.get("timeline", {}).get("buckets", []):
        count = int(bucket["doc_count"])
        value = int(bucket["fatalities"]["value"] or 0) if metric == "fatalities" else count
        buckets.append({"date": bucket["key_as_string"], "count": count, "value": value})
    undated = aggs.get("undated", {})
    if metric == "fatalities":
        total = int(aggs.get("fatalities", {}).get("value") or 0)
        undated_value = int((undated.get("fatalities") or {}).get("value") or 0)
    else:
        total = total_docs
        undated_value = int(undated.get("doc_count", 0))
    return {"documents": total_docs, "total": total, "undated": undated_value, "buckets": buckets}


# --- name suggestions (actors, places) --------------------------------------------------------------------


def prefix_include_pattern(prefix: str) -> str:
    """A Lucene regexp matching terms where some word starts with `prefix`, ignoring ASCII case.

    Used as `include` on terms aggregations over display names, so "regi" suggests "Syrian regime forces"
    as well as "Regime forces".
    """
    pieces = []
    for ch in prefix:
        if ch.isalpha() and ch.lower() != ch.upper():
            pieces.append(f"[{re.escape(ch.lower())}{re.escape(ch.upper())}]")
        elif ch.isalnum():
            pieces.append(ch)
        else:
            pieces.append("\\" + ch if not ch.isspace() else " ")
    body = "".join(pieces)
    return f"({body}.*)|(.*[ \\-/(]{body}.*)"


def build_name_suggest(
    prefix: str | None,
    *,
    name_field: str,
    id_field: str,
    filters: Sequence[dict[str, Any]] = (),
    size: int,
) -> dict[str, Any]:
    """Counts of documents per indexed name (optionally only names with a word starting with `prefix`)
    and per id, from `terms` aggregations; `size: 0` because only the aggregations matter."""
    query_filters = list(filters)
    terms: dict[str, Any] = {"field": name_field, "size": size}
    if prefix:
        query_filters.append(
            {
                "bool": {
                    "should": [
                        {"prefix": {f"{name_field}.norm": fold(prefix)}},
                        {"wildcard": {f"{name_field}.norm": {"value": f"* {fold(prefix)}*"}}},
                    ],
                    "minimum_should_match": 1,
                }
            }
        )
        terms["include"] = prefix_include_pattern(prefix)
    query = {"bool": {"filter": query_filters}} if query_filters else {"match_all": {}}
    return {
        "query": query,
        "size": 0,
        "track_total_hits": False,
        "aggs": {"names": {"terms": terms}, "ids": {"terms": {"field": id_field, "size": max(size * 5, 50)}}},
    }


# --- cursors ----------------------------------------------------------------------------------------------


class InvalidCursor(ValueError):
    """The cursor is not one this API issued for this query."""


@dataclass(frozen=True)
class Cursor:
    """Where a page walk stands: the point in time it reads and the sort values of the last document."""

    kind: str
    fingerprint: str
    search_after: tuple[Any, ...]
    pit_id: str | None = None


def query_fingerprint(kind: str, arguments: Mapping[str, Any]) -> str:
    """A short digest of the arguments that define a result list, so a cursor cannot jump queries."""
    relevant = {k: v for k, v in arguments.items() if k not in ("cursor", "limit", "format", "facets")}
    encoded = json.dumps([kind, relevant], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:16]


def encode_cursor(cursor: Cursor) -> str:
    """An opaque, URL-safe token (base64url of a small JSON object, without padding)."""
    payload = {"v": 1, "k": cursor.kind, "f": cursor.fingerprint, "s": list(cursor.search_after)}
    if cursor.pit_id:
        payload["p"] = cursor.pit_id
    raw = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(token: str, *, kind: str, fingerprint: str) -> Cursor:
    """Parse a cursor and check it belongs to this kind of list and these filters."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise InvalidCursor("cursor is not valid; start again without it") from error
    if not isinstance(payload, dict) or payload.get("v") != 1:
        raise InvalidCursor("cursor is not valid; start again without it")
    search_after = payload.get("s")
    pit_id = payload.get("p")
    if (
        not isinstance(search_after, list)
        or not search_after
        or not all(isinstance(value, str | int | float) or value is None for value in search_after)
        or (pit_id is not None and not isinstance(pit_id, str))
    ):
        raise InvalidCursor("cursor is not valid; start again without it")
    if payload.get("k") != kind:
        raise InvalidCursor(f"cursor was issued for /v1/{payload.get('k')}, not /v1/{kind}")
    if payload.get("f") != fingerprint:
        raise InvalidCursor("cursor was issued for a different query; repeat the same filters and sort")
    return Cursor(kind=kind, fingerprint=fingerprint, search_after=tuple(search_after), pit_id=pit_id)
