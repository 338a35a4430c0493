"""The service layer: validated arguments in, public dicts out, Elasticsearch in between.

Views stay thin (HTTP only) and the query builder stays pure; this module owns what needs the cluster:
resolving names to ids, points in time and cursors, exports, lookups of actors and places, and the one
write path (ingest and delete go through the indexer's loader, the same pipeline as `conflictwire index`).

Name resolution — how `actor=regime forces` or `place=Idlib` become filters — uses two sources:
1. the extraction lexicons (`indexer.actors.lookup_actor`, `indexer.places.lookup_place`), imported lazily
   and skipped when the indexer's NLP code is not installed next to the API;
2. the index itself: articles store every actor's aliases and every place's name next to its id (in the
   stored `entities`), so a few matching articles tell which ids a name refers to, even for actors or
   places no lexicon lists.
The value is also always tried verbatim as an id and as a (normalised) name.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError

from api import presenters
from api.cache import ExpiringCache
from api.config import CURSOR_KEEP_ALIVE, FACET_EXACT_LIMIT
from api.errors import ProblemError
from api.query import (
    ARTICLES,
    EVENTS,
    FIELDS_BY_KIND,
    SORT_RELEVANCE,
    BoundingBox,
    Cursor,
    GeoDistance,
    InvalidCursor,
    ResolvedEntity,
    SearchParams,
    build_count_search,
    build_facet_search,
    build_search,
    build_timeline,
    decode_cursor,
    encode_cursor,
    facet_sample_probability,
    fold,
    parse_facets,
    parse_timeline,
    prefix_include_pattern,
    query_fingerprint,
)
from indexer import contract

log = logging.getLogger("conflictwire.api")

EXPORT_BATCH = 500
RESOLVE_SAMPLE = 10
DEFAULT_RADIUS = "50km"
MAX_SUGGEST_BUCKETS = 300
# How long a worker trusts what it learnt from the index about names: facet labels (id → name) and filter
# resolutions (name → ids). A label the index does not know yet is retried sooner, a name that resolves to
# nothing is not kept at all (so a just-ingested actor filters at once), and a worker's own ingest or delete
# forgets everything; other workers see an alias that gained ids after at most this long.
LOOKUP_CACHE_SECONDS = 60.0
UNKNOWN_LABEL_SECONDS = 30.0
LOOKUP_CACHE_ENTRIES = 20_000
_UNCACHED = object()

Observer = Callable[[str, float], None]


def _lexicon_actor(value: str) -> dict[str, Any] | None:
    """The extraction lexicon's actor for a name, alias or id; None when unknown or not installed."""
    try:
        from indexer.actors import lookup_actor
    except ImportError:
        return None
    try:
        return lookup_actor(value)
    except (OSError, LookupError, ValueError) as error:
        log.warning("actor lexicon lookup failed for %r: %s", value, error)
        return None


def _lexicon_place(value: str, country: str | None = None) -> dict[str, Any] | None:
    """The gazetteer's place for a name or id; None when unknown or not installed."""
    try:
        from indexer.places import lookup_place
    except ImportError:
        return None
    try:
        return lookup_place(value, country)
    except (OSError, LookupError, ValueError) as error:
        log.warning("gazetteer lookup failed for %r: %s", value, error)
        return None


def _country_name(code: str | None) -> str | None:
    if not code:
        return None
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or getattr(country, "name", None) if country else None


def _entity_names(entity: Mapping[str, Any]) -> set[str]:
    names = {entity.get("name"), entity.get("id"), *(entity.get("aliases") or [])}
    return {fold(str(name)) for name in names if name}


def looks_like_place_id(value: str) -> bool:
    return ":" in value and " " not in value.strip()


class SearchService:
    """Everything the views ask of Elasticsearch, for one index prefix."""

    def __init__(
        self,
        es: Elasticsearch,
        *,
        prefix: str | None = None,
        observe: Observer | None = None,
        keep_alive: str = CURSOR_KEEP_ALIVE,
        use_lexicons: bool = True,
        cache_seconds: float = LOOKUP_CACHE_SECONDS,
        facet_exact_limit: int = FACET_EXACT_LIMIT,
    ) -> None:
        self.es = es
        self.prefix = contract.index_prefix(prefix)
        self.keep_alive = keep_alive
        self.use_lexicons = use_lexicons
        self._observe = observe or (lambda operation, seconds: None)
        self._indices_ready = False
        self._labels = ExpiringCache(cache_seconds, LOOKUP_CACHE_ENTRIES)
        self._resolved = ExpiringCache(cache_seconds, LOOKUP_CACHE_ENTRIES)
        self._index_sizes = ExpiringCache(cache_seconds, 8)
        self.facet_exact_limit = facet_exact_limit

    # --- plumbing -----------------------------------------------------------------------------------

    def alias(self, kind: str) -> str:
        return contract.alias_name(kind, self.prefix)

    def _call(self, operation: str, method: Callable[..., Any], **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            response = method(**kwargs)
        finally:
            self._observe(operation, time.perf_counter() - started)
        return response.body if hasattr(response, "body") else response

    def _search(self, operation: str, body: Mapping[str, Any], kind: str | None = None) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"body": dict(body)}
        if kind is not None:
            kwargs["index"] = self.alias(kind)
        return self._call(operation, self.es.search, **kwargs)

    def ping(self) -> dict[str, Any]:
        """Cluster health and whether both aliases exist, for /ready."""
        health = self._call("cluster.health", self.es.cluster.health)
        aliases = {
            kind: bool(
                self._call("indices.exists_alias", self.es.indices.exists_alias, name=self.alias(kind))
            )
            for kind in (ARTICLES, EVENTS)
        }
        return {"status": health.get("status"), "aliases": aliases}

    # --- resolving filter values --------------------------------------------------------------------

    def _sample_entities(
        self, name_fields: Sequence[str], value: str, entity_key: str
    ) -> list[dict[str, Any]]:
        """Stored entities of a few articles that carry `value` in one of `name_fields`."""
        body = {
            "size": RESOLVE_SAMPLE,
            "query": {
                "bool": {
                    "should": [{"term": {name: value}} for name in name_fields],
                    "minimum_should_match": 1,
                }
            },
            "_source": {"includes": [f"entities.{entity_key}"]},
            "track_total_hits": False,
        }
        hits = self._search(f"resolve.{entity_key}", body, ARTICLES)["hits"]["hits"]
        return [
            entity
            for hit in hits
            for entity in ((hit.get("_source") or {}).get("entities") or {}).get(entity_key) or []
            if isinstance(entity, dict)
        ]

    def resolve_actor(self, value: str) -> ResolvedEntity:
        """The ids and names an `actor=` value stands for (kept a few minutes per worker)."""
        return self._remembered("actor", value, self._resolve_actor)

    def _remembered(self, kind: str, value: str, resolve: Callable[[str], ResolvedEntity]) -> ResolvedEntity:
        """A resolution from this worker's memo, else resolved now; names that resolve to nothing are not
        remembered, so an entity indexed a moment later filters at once."""
        resolved = self._resolved.get((kind, value))
        if resolved is None:
            resolved = resolve(value)
            if resolved.ids:
                self._resolved.put((kind, value), resolved)
        return resolved

    def _resolve_actor(self, value: str) -> ResolvedEntity:
        ids: list[str] = []
        names: list[str] = []
        if self.use_lexicons:
            known = _lexicon_actor(value)
            if known and known.get("id"):
                ids.append(str(known["id"]))
                names.append(str(known.get("name") or ""))
                if known["id"] == value:
                    # An id names exactly one actor: sampling the index could only find the same one.
                    return ResolvedEntity(value=value, ids=tuple(ids), names=tuple(n for n in names if n))
        wanted = fold(value)
        for entity in self._sample_entities(("actor_aliases.norm", "actor_ids"), value, "actors"):
            if entity.get("id") and wanted in _entity_names(entity):
                ids.append(str(entity["id"]))
                if entity.get("name"):
                    names.append(str(entity["name"]))
        return ResolvedEntity(
            value=value, ids=tuple(dict.fromkeys(ids)), names=tuple(dict.fromkeys(n for n in names if n))
        )

    def resolve_place(self, value: str) -> ResolvedEntity:
        """The ids a `place=` value stands for; an id is used as it is (names are kept a few minutes)."""
        if looks_like_place_id(value):
            return ResolvedEntity(value=value, ids=(value,))
        return self._remembered("place", value, self._resolve_place)

    def _resolve_place(self, value: str) -> ResolvedEntity:
        ids: list[str] = []
        if self.use_lexicons:
            known = _lexicon_place(value)
            if known and known.get("id"):
                ids.append(str(known["id"]))
        wanted = fold(value)
        for entity in self._sample_entities(("place_names.norm",), value, "places"):
            if entity.get("id") and entity.get("name") and fold(str(entity["name"])) == wanted:
                ids.append(str(entity["id"]))
        return ResolvedEntity(value=value, ids=tuple(dict.fromkeys(ids)))

    def resolve(self, args: Mapping[str, Any]) -> SearchParams:
        """Validated arguments → `SearchParams`, with actors and places resolved to ids."""
        near = None
        if args.get("near"):
            lat, lon = args["near"]
            near = GeoDistance(lat=lat, lon=lon, radius=args.get("radius") or DEFAULT_RADIUS)
        bbox = BoundingBox(*args["bbox"]) if args.get("bbox") else None
        return SearchParams(
            q=args.get("q"),
            actors=tuple(self.resolve_actor(v) for v in dict.fromkeys(args.get("actor") or [])),
            actor_types=tuple(args.get("actor_type") or ()),
            people=tuple(args.get("person") or ()),
            places=tuple(self.resolve_place(v) for v in dict.fromkeys(args.get("place") or [])),
            countries=tuple(args.get("country") or ()),
            event_types=tuple(args.get("event_type") or ()),
            acled_event_types=tuple(args.get("acled_event_type") or ()),
            acled_sub_event_types=tuple(args.get("acled_sub_event_type") or ()),
            date_from=args["date_from"].isoformat() if args.get("date_from") else None,
            date_to=args["date_to"].isoformat() if args.get("date_to") else None,
            near=near,
            bbox=bbox,
            min_fatalities=args.get("min_fatalities"),
            sources=tuple(args.get("source") or ()),
            langs=tuple(args.get("lang") or ()),
            sort=args.get("sort"),
            facets=tuple(dict.fromkeys(args.get("facets") or ())),
        )

    # --- lists and cursors --------------------------------------------------------------------------

    def _open_pit(self, kind: str) -> str:
        response = self._call(
            "open_point_in_time",
            self.es.open_point_in_time,
            index=self.alias(kind),
            keep_alive=self.keep_alive,
        )
        return response["id"]

    def _close_pit(self, pit_id: str) -> None:
        try:
            self._call("close_point_in_time", self.es.close_point_in_time, id=pit_id)
        except ApiError as error:
            log.debug("closing a point in time failed (it expires anyway): %s", error)

    def _search_page(
        self, kind: str, body: dict[str, Any], pit_id: str | None, *, resuming: bool
    ) -> tuple[dict[str, Any], str | None]:
        """Run one page, in the point in time when there is one; reopen it when it has expired."""
        if pit_id is None:
            return self._search(f"search.{kind}", body, kind), None
        body = {**body, "pit": {"id": pit_id, "keep_alive": self.keep_alive}}
        try:
            response = self._search(f"search.{kind}", body)
        except NotFoundError:
            if not resuming:
                raise
            # The point in time expired: continue the walk in a fresh one. The sort ends with the unique id,
            # so search_after still lands exactly after the last document the client saw.
            pit_id = self._open_pit(kind)
            response = self._search(
                f"search.{kind}", {**body, "pit": {"id": pit_id, "keep_alive": self.keep_alive}}
            )
        except ApiError as error:
            if resuming and error.status_code == 400:
                raise InvalidCursor("cursor is not valid; start again without it") from error
            raise
        return response, response.get("pit_id", pit_id)

    def _page_and_count(
        self, kind: str, body: dict[str, Any], count_body: dict[str, Any], pit_id: str | None
    ) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """A page and its count in one multi-search: one round trip, and Elasticsearch runs both at once.

        None when either part failed (say, an expired point in time): the caller then runs them one by
        one, which reopens the point in time or reports the cursor exactly as a single search does."""
        if pit_id is None:
            header: dict[str, Any] = {"index": self.alias(kind)}
            bodies = [body, count_body]
        else:
            header = {}
            pit = {"id": pit_id, "keep_alive": self.keep_alive}
            bodies = [{**body, "pit": pit}, {**count_body, "pit": pit}]
        response = self._call(
            f"msearch.{kind}", self.es.msearch, searches=[header, bodies[0], header, bodies[1]]
        )
        page, counted = response["responses"]
        if "error" in page or "error" in counted:
            log.debug("page and count failed together; running them apart: %s", page.get("error"))
            return None
        return page, counted

    def _present(self, kind: str, hit: Mapping[str, Any]) -> dict[str, Any]:
        source = hit.get("_source") or {}
        if kind == EVENTS:
            return presenters.event_item(source, hit.get("highlight"))
        return presenters.article_item(source, hit.get("highlight"))

    def search_page(self, kind: str, args: Mapping[str, Any]) -> dict[str, Any]:
        """One page of articles or events, with facets and the cursor for the next page.

        A page walk reads a point in time so pages stay consistent while documents are added. Sorted by
        date, the first page reads the live index and the point in time opens with the second page (most
        clients never ask for one); sorted by relevance, it opens at once so scores stay comparable.
        """
        fields = FIELDS_BY_KIND[kind]
        fingerprint = query_fingerprint(kind, args)
        cursor = None
        if args.get("cursor"):
            try:
                cursor = decode_cursor(args["cursor"], kind=kind, fingerprint=fingerprint)
            except InvalidCursor as error:
                raise ProblemError(
                    400, str(error), title="Invalid cursor", errors={"cursor": [str(error)]}
                ) from error
        params = self.resolve(args)
        limit = int(args.get("limit") or 20)
        pit_id = cursor.pit_id if cursor and cursor.pit_id else None
        if pit_id is None and (cursor is not None or params.effective_sort() == SORT_RELEVANCE):
            pit_id = self._open_pit(kind)
        # On a large index the facets are counted in a request of their own, sized to the page's total,
        # and a page sorted by date leaves its total to a count of its own (see build_count_search).
        large = self._document_count(kind) > self.facet_exact_limit
        facets_apart = bool(params.facets) and large
        count_apart = large and params.effective_sort() != SORT_RELEVANCE
        body = build_search(
            params,
            fields,
            size=limit + 1,
            search_after=cursor.search_after if cursor else None,
            facets=not facets_apart,
            count=not count_apart,
        )
        try:
            if count_apart:
                count_body = build_count_search(params, fields)
                answers = self._page_and_count(kind, body, count_body, pit_id)
                if answers is None:
                    response, pit_id = self._search_page(kind, body, pit_id, resuming=cursor is not None)
                    counted, pit_id = self._search_page(kind, count_body, pit_id, resuming=False)
                else:
                    response, counted = answers
                    pit_id = response.get("pit_id", pit_id)
                total = counted["hits"]["total"]
            else:
                response, pit_id = self._search_page(kind, body, pit_id, resuming=cursor is not None)
                total = response["hits"]["total"]
        except InvalidCursor as error:
            raise ProblemError(
                400, str(error), title="Invalid cursor", errors={"cursor": [str(error)]}
            ) from error
        hits = response["hits"]["hits"]
        has_more = len(hits) > limit
        hits = hits[:limit]
        next_cursor = None
        if has_more and hits:
            next_cursor = encode_cursor(
                Cursor(
                    kind=kind, fingerprint=fingerprint, search_after=tuple(hits[-1]["sort"]), pit_id=pit_id
                )
            )
        elif pit_id:
            self._close_pit(pit_id)
        result: dict[str, Any] = {
            "total": int(total["value"]),
            "total_relation": total.get("relation", "eq"),
            "items": [self._present(kind, hit) for hit in hits],
            "next_cursor": next_cursor,
        }
        if params.facets:
            aggregations = response.get("aggregations")
            if facets_apart:
                probability = facet_sample_probability(result["total"], self.facet_exact_limit)
                facet_body = build_facet_search(params, fields, probability)
                aggregations = self._search(f"facets.{kind}", facet_body, kind).get("aggregations")
            result["facets"] = self._label_facets(parse_facets(aggregations, params.facets))
        return result

    def _document_count(self, kind: str) -> int:
        """Documents in the kind's index, remembered as long as names are (it only decides a query plan)."""
        count = self._index_sizes.get(kind)
        if count is None:
            count = int(self._call(f"count.{kind}", self.es.count, index=self.alias(kind))["count"])
            self._index_sizes.put(kind, count)
        return count

    def iter_export(self, kind: str, args: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        """Every matching document as a public item, page by page inside one point in time."""
        fields = FIELDS_BY_KIND[kind]
        search_after: Sequence[Any] | None = None
        if args.get("cursor"):
            try:
                cursor = decode_cursor(args["cursor"], kind=kind, fingerprint=query_fingerprint(kind, args))
            except InvalidCursor as error:
                raise ProblemError(
                    400, str(error), title="Invalid cursor", errors={"cursor": [str(error)]}
                ) from error
            search_after = cursor.search_after
        params = self.resolve(args)
        pit_id = self._open_pit(kind)
        return self._export_pages(kind, params, fields, pit_id, search_after)

    def _export_pages(
        self, kind: str, params: SearchParams, fields: Any, pit_id: str, search_after: Sequence[Any] | None
    ) -> Iterator[dict[str, Any]]:
        try:
            while True:
                body = build_search(
                    params,
                    fields,
                    size=EXPORT_BATCH,
                    search_after=search_after,
                    highlight=False,
                    facets=False,
                )
                response, pit_id = self._search_page(kind, body, pit_id, resuming=True)
                hits = response["hits"]["hits"]
                for hit in hits:
                    yield self._present(kind, hit)
                if len(hits) < EXPORT_BATCH:
                    return
                search_after = hits[-1]["sort"]
        finally:
            if pit_id:
                self._close_pit(pit_id)

    # --- facets labels ------------------------------------------------------------------------------

    def _label_facets(self, facets: dict[str, Any]) -> dict[str, Any]:
        for name, entity_key, id_field in (
            ("actor", "actors", "actor_ids"),
            ("place", "places", "place_ids"),
        ):
            if name not in facets:
                continue
            ids = [bucket["value"] for bucket in facets[name]["buckets"]]
            labels = self._labels_for(entity_key, id_field, ids)
            for bucket in facets[name]["buckets"]:
                bucket["label"] = labels.get(bucket["value"])
        if "country" in facets:
            for bucket in facets["country"]["buckets"]:
                bucket["label"] = _country_name(bucket["value"])
        return facets

    def _labels_for(self, entity_key: str, id_field: str, ids: Sequence[str]) -> dict[str, str | None]:
        """Display names of facet values: from this worker's cache, else one lookup for the ones missing."""
        labels: dict[str, str | None] = {}
        missing = []
        for key in ids:
            label = self._labels.get((entity_key, key), _UNCACHED)
            if label is _UNCACHED:
                missing.append(key)
            else:
                labels[key] = label
        if missing:
            described = self._describe_ids(entity_key, id_field, missing)
            for key in missing:
                label = (described.get(key) or {}).get("name")
                labels[key] = label
                self._labels.put(
                    (entity_key, key), label, ttl_seconds=None if label else UNKNOWN_LABEL_SECONDS
                )
        return labels

    def _describe_ids(
        self, entity_key: str, id_field: str, ids: Sequence[str], *, need_coordinates: bool = False
    ) -> dict[str, dict[str, Any]]:
        """Stored metadata (name, type or kind, country, ...) for actor or place ids, from sample articles.

        A region or country known only as another place's parent has a name but no coordinates in the
        index; the gazetteer fills those in when `need_coordinates` asks for them."""
        ids = list(dict.fromkeys(ids))
        body = {
            "size": 0,
            "query": {"terms": {id_field: ids}},
            "aggs": {
                "ids": {
                    "terms": {"field": id_field, "include": ids, "size": len(ids)},
                    "aggs": {
                        # Newest articles first, so that an entity described differently by different
                        # articles (an army as state forces at home, external forces abroad) is described
                        # the same way on every request: as its latest article has it.
                        "sample": {
                            "top_hits": {
                                "size": 3,
                                "sort": [{"published": {"order": "desc"}}, {"id": {"order": "asc"}}],
                                "_source": {"includes": [f"entities.{entity_key}"]},
                            }
                        }
                    },
                }
            },
        }
        response = self._search(f"describe.{entity_key}", body, ARTICLES)
        found: dict[str, dict[str, Any]] = {}
        for bucket in response.get("aggregations", {}).get("ids", {}).get("buckets", []):
            key = str(bucket["key"])
            entities = [
                entity
                for hit in bucket["sample"]["hits"]["hits"]
                for entity in ((hit.get("_source") or {}).get("entities") or {}).get(entity_key) or []
                if isinstance(entity, dict)
            ]
            described = self._entity_for_id(entity_key, key, entities)
            if described:
                found[key] = described
        for key in ids:
            if key not in found or (need_coordinates and found[key].get("lat") is None):
                fallback = self._lexicon_entity(entity_key, key)
                if fallback:
                    found[key] = {
                        **fallback,
                        **{k: v for k, v in found.get(key, {}).items() if v is not None},
                    }
        return found

    def _entity_for_id(
        self, entity_key: str, key: str, entities: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any] | None:
        for entity in entities:
            if entity.get("id") == key:
                return dict(entity)
        if entity_key == "places":
            for entity in entities:
                if entity.get("admin1_id") == key:
                    return {
                        "id": key,
                        "name": entity.get("admin1"),
                        "kind": "admin1",
                        "country": entity.get("country"),
                        "country_id": entity.get("country_id"),
                    }
                if entity.get("country_id") == key:
                    code = entity.get("country")
                    return {
                        "id": key,
                        "name": _country_name(code) or code,
                        "kind": "country",
                        "country": code,
                    }
        return None

    def _lexicon_entity(self, entity_key: str, key: str) -> dict[str, Any] | None:
        if not self.use_lexicons:
            return None
        found = _lexicon_actor(key) if entity_key == "actors" else _lexicon_place(key)
        return dict(found) if found else None

    # --- single documents ---------------------------------------------------------------------------

    def get_document(self, kind: str, doc_id: str) -> dict[str, Any]:
        try:
            response = self._call(f"get.{kind}", self.es.get, index=self.alias(kind), id=doc_id)
        except NotFoundError as error:
            if isinstance(error.body, dict) and error.body.get("error"):
                raise  # the index itself is missing: a 503, not a 404
            raise ProblemError(404, f"No {kind[:-1]} with id {doc_id!r}") from error
        source = response.get("_source") or {}
        if kind == EVENTS:
            return presenters.event_item(source)
        return presenters.article_item(source, detail=True)

    # --- timeline -----------------------------------------------------------------------------------

    def timeline(self, args: Mapping[str, Any], *, interval: str, metric: str) -> dict[str, Any]:
        kind = ARTICLES if metric == "articles" else EVENTS
        params = self.resolve(args)
        body = build_timeline(params, FIELDS_BY_KIND[kind], interval=interval, metric=metric)
        response = self._search(f"timeline.{kind}", body, kind)
        return {"interval": interval, "metric": metric, **parse_timeline(response, metric)}

    # --- actors and places --------------------------------------------------------------------------

    def _counts(self, id_field: str, ids: Sequence[str]) -> dict[str, dict[str, int]]:
        """Article and event counts per id, in one multi-search."""
        counts: dict[str, dict[str, int]] = {key: {"article_count": 0, "event_count": 0} for key in ids}
        if not ids:
            return counts
        body = {
            "size": 0,
            "query": {"terms": {id_field: list(ids)}},
            "aggs": {"ids": {"terms": {"field": id_field, "include": list(ids), "size": len(ids)}}},
        }
        searches: list[dict[str, Any]] = []
        for kind in (ARTICLES, EVENTS):
            searches += [{"index": self.alias(kind)}, body]
        response = self._call("msearch.counts", self.es.msearch, searches=searches)
        for kind, answer in zip((ARTICLES, EVENTS), response["responses"], strict=True):
            if "error" in answer:
                raise ProblemError(503, "Could not count documents", headers={"Retry-After": "5"})
            for bucket in answer.get("aggregations", {}).get("ids", {}).get("buckets", []):
                counts[str(bucket["key"])][f"{kind[:-1]}_count"] = int(bucket["doc_count"])
        return counts

    def _suggest(
        self,
        *,
        entity_key: str,
        name_field: str,
        id_field: str,
        prefix: str | None,
        filters: Sequence[dict[str, Any]],
        match_prefix: Callable[[Mapping[str, Any], str], bool],
        keep: Callable[[Mapping[str, Any]], bool],
        limit: int,
    ) -> list[dict[str, Any]]:
        """Entities whose indexed names start (at a word) with `prefix`, most mentioned first."""
        size = min(MAX_SUGGEST_BUCKETS, limit * 5)
        query_filters = list(filters)
        field_for_buckets = name_field if prefix else id_field
        terms: dict[str, Any] = {"field": field_for_buckets, "size": size}
        if prefix:
            terms["include"] = prefix_include_pattern(prefix)
        body = {
            "size": 0,
            "query": {"bool": {"filter": query_filters}} if query_filters else {"match_all": {}},
            "aggs": {
                "buckets": {
                    "terms": terms,
                    "aggs": {
                        # Newest articles first, so that an entity described differently by different
                        # articles (an army as state forces at home, external forces abroad) is described
                        # the same way on every request: as its latest article has it.
                        "sample": {
                            "top_hits": {
                                "size": 3,
                                "sort": [{"published": {"order": "desc"}}, {"id": {"order": "asc"}}],
                                "_source": {"includes": [f"entities.{entity_key}"]},
                            }
                        }
                    },
                }
            },
        }
        response = self._search(f"suggest.{entity_key}", body, ARTICLES)
        chosen: dict[str, dict[str, Any]] = {}
        for bucket in response.get("aggregations", {}).get("buckets", {}).get("buckets", []):
            key = str(bucket["key"])
            entities = [
                entity
                for hit in bucket["sample"]["hits"]["hits"]
                for entity in ((hit.get("_source") or {}).get("entities") or {}).get(entity_key) or []
                if isinstance(entity, dict) and entity.get("id")
            ]
            if prefix:
                matches = [entity for entity in entities if match_prefix(entity, key)]
            else:
                described = self._entity_for_id(entity_key, key, entities)
                matches = [described] if described else []
            for entity in matches:
                if entity["id"] not in chosen and keep(entity):
                    chosen[entity["id"]] = dict(entity)
        counts = self._counts(id_field, list(chosen))
        items = [{**entity, **counts[key]} for key, entity in chosen.items()]
        items.sort(
            key=lambda item: (-item["article_count"], -item["event_count"], str(item.get("name") or ""))
        )
        return items[:limit]

    def actors(self, args: Mapping[str, Any]) -> dict[str, Any]:
        prefix = args.get("q")
        actor_type = args.get("type")
        country = args.get("country")
        filters: list[dict[str, Any]] = []
        if actor_type:
            filters.append({"term": {"actor_types": actor_type}})

        def match_prefix(entity: Mapping[str, Any], bucket_name: str) -> bool:
            return fold(bucket_name) in _entity_names(entity)

        def keep(entity: Mapping[str, Any]) -> bool:
            return (not actor_type or entity.get("type") == actor_type) and (
                not country or entity.get("country") == country
            )

        items = self._suggest(
            entity_key="actors",
            name_field="actor_aliases",
            id_field="actor_ids",
            prefix=prefix,
            filters=filters,
            match_prefix=match_prefix,
            keep=keep,
            limit=int(args.get("limit") or 20),
        )
        return {"items": [self._actor_item(item) for item in items]}

    def places(self, args: Mapping[str, Any]) -> dict[str, Any]:
        prefix = args.get("q")
        kind = args.get("kind")
        country = args.get("country")
        filters: list[dict[str, Any]] = []
        if country:
            filters.append({"term": {"countries": country}})

        def match_prefix(entity: Mapping[str, Any], bucket_name: str) -> bool:
            return fold(str(entity.get("name") or "")) == fold(bucket_name)

        def keep(entity: Mapping[str, Any]) -> bool:
            return (not kind or entity.get("kind") == kind) and (
                not country or entity.get("country") == country
            )

        items = self._suggest(
            entity_key="places",
            name_field="place_names",
            id_field="place_ids",
            prefix=prefix,
            filters=filters,
            match_prefix=match_prefix,
            keep=keep,
            limit=int(args.get("limit") or 20),
        )
        return {"items": [self._place_item(item) for item in items]}

    @staticmethod
    def _actor_item(entity: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "id": entity.get("id"),
            "name": entity.get("name"),
            "type": entity.get("type"),
            "country": entity.get("country"),
            "aliases": sorted({str(a) for a in entity.get("aliases") or [] if a}),
            "article_count": entity.get("article_count", 0),
            "event_count": entity.get("event_count", 0),
        }

    @staticmethod
    def _place_item(entity: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "id": entity.get("id"),
            "name": entity.get("name"),
            "kind": entity.get("kind"),
            "country": entity.get("country"),
            "admin1": entity.get("admin1"),
            "lat": entity.get("lat"),
            "lon": entity.get("lon"),
            "article_count": entity.get("article_count", 0),
            "event_count": entity.get("event_count", 0),
        }

    def _date_range(self, id_field: str, key: str) -> dict[str, str | None]:
        body = {
            "size": 0,
            "query": {"term": {id_field: key}},
            "aggs": {"first": {"min": {"field": "published"}}, "last": {"max": {"field": "published"}}},
        }
        aggs = self._search("describe.dates", body, ARTICLES).get("aggregations", {})
        return {
            "first_seen": (aggs.get("first") or {}).get("value_as_string", "")[:10] or None,
            "last_seen": (aggs.get("last") or {}).get("value_as_string", "")[:10] or None,
        }

    def actor(self, actor_id: str) -> dict[str, Any]:
        described = self._describe_ids("actors", "actor_ids", [actor_id]).get(actor_id)
        if not described:
            raise ProblemError(404, f"No actor with id {actor_id!r}")
        aliases = set(described.get("aliases") or [])
        lexicon = self._lexicon_entity("actors", actor_id)
        if lexicon:
            aliases |= set(lexicon.get("aliases") or [])
        counts = self._counts("actor_ids", [actor_id])[actor_id]
        item = self._actor_item({**described, "aliases": sorted(aliases), **counts})
        return {**item, **self._date_range("actor_ids", actor_id)}

    def place(self, place_id: str) -> dict[str, Any]:
        described = self._describe_ids("places", "place_ids", [place_id], need_coordinates=True).get(place_id)
        if not described:
            raise ProblemError(404, f"No place with id {place_id!r}")
        counts = self._counts("place_ids", [place_id])[place_id]
        item = self._place_item({**described, **counts})
        parent_ids = [
            p for p in (described.get("admin1_id"), described.get("country_id")) if p and p != place_id
        ]
        parents_known = self._describe_ids("places", "place_ids", parent_ids) if parent_ids else {}
        item["parents"] = [
            {
                "id": pid,
                "name": (parents_known.get(pid) or {}).get("name"),
                "kind": (parents_known.get(pid) or {}).get("kind"),
            }
            for pid in parent_ids
        ]
        return {**item, **self._date_range("place_ids", place_id)}

    # --- writes -------------------------------------------------------------------------------------

    def _ensure_indices(self) -> None:
        if not self._indices_ready:
            started = time.perf_counter()
            try:
                contract.ensure_indices(self.es, self.prefix)
            finally:
                self._observe("ensure_indices", time.perf_counter() - started)
            self._indices_ready = True

    def ingest(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Index one posted article through the indexer's pipeline (parse → extract → documents → bulk)."""
        from indexer.loader import ingest_records

        self._ensure_indices()
        started = time.perf_counter()
        try:
            results = ingest_records(self.es, [dict(record)], prefix=self.prefix)
        finally:
            self._observe("ingest", time.perf_counter() - started)
            self.forget_names()
        return results[0]

    def delete_article(self, article_id: str) -> bool:
        """Remove an article and its events through the indexer's loader; False when it did not exist."""
        from indexer.loader import delete_article

        started = time.perf_counter()
        try:
            return delete_article(self.es, article_id, self.prefix)
        finally:
            self._observe("delete", time.perf_counter() - started)
            self.forget_names()

    def forget_names(self) -> None:
        """Drop the remembered labels and name resolutions (after this worker changed the index)."""
        self._labels.clear()
        self._resolved.clear()
