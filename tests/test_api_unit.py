"""HTTP behaviour of the API without Elasticsearch: a stand-in client records what the service asks and
answers with canned responses or failures, so validation, limits, errors, cursors, auth, caching,
compression, CORS, metrics and logs are checked in isolation."""

from __future__ import annotations

import gzip
import json
import logging
from typing import Any

import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
from elastic_transport import ConnectionError as TransportConnectionError
from elasticsearch import NotFoundError

from api import create_app, export, presenters
from api.event_types.vocabulary import ACLED_TYPES, PLOVER_TYPES, vocabulary
from api.observability import ACCESS_LOGGER
from api.query import decode_cursor

EMPTY = {"hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}}


def _meta(status: int) -> ApiResponseMeta:
    return ApiResponseMeta(
        status=status,
        http_version="1.1",
        headers=HttpHeaders(),
        duration=0.0,
        node=NodeConfig("http", "es", 9200),
    )


def not_found(body: dict[str, Any]) -> NotFoundError:
    return NotFoundError("not found", _meta(404), body)


class FakeElasticsearch:
    """Records calls; answers searches from a queue (empty results once it runs out)."""

    def __init__(self, *, fail: Exception | None = None, searches: list[Any] | None = None) -> None:
        self.fail = fail
        self.searches = list(searches or [])
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.pits = 0
        self.cluster = self
        self.indices = self

    def _record(self, name: str, kwargs: dict[str, Any]) -> None:
        self.calls.append((name, kwargs))
        if self.fail is not None:
            raise self.fail

    def search(self, **kwargs: Any) -> Any:
        self._record("search", kwargs)
        answer = self.searches.pop(0) if self.searches else EMPTY
        if isinstance(answer, Exception):
            raise answer
        return answer

    def count(self, **kwargs: Any) -> Any:
        self._record("count", kwargs)
        return {"count": 0}

    def open_point_in_time(self, **kwargs: Any) -> Any:
        self._record("open_point_in_time", kwargs)
        self.pits += 1
        return {"id": f"pit-{self.pits}"}

    def close_point_in_time(self, **kwargs: Any) -> Any:
        self._record("close_point_in_time", kwargs)
        return {"succeeded": True}

    def get(self, **kwargs: Any) -> Any:
        self._record("get", kwargs)
        raise not_found({"_index": "x", "_id": kwargs["id"], "found": False})

    def health(self, **kwargs: Any) -> Any:
        self._record("health", kwargs)
        return {"status": "green"}

    def exists_alias(self, **kwargs: Any) -> Any:
        self._record("exists_alias", kwargs)
        return True

    def search_bodies(self) -> list[dict[str, Any]]:
        return [kwargs["body"] for name, kwargs in self.calls if name == "search"]


def make_app(es: FakeElasticsearch | None = None, **config: Any):
    settings = {
        "ES_CLIENT": es or FakeElasticsearch(),
        "CONFLICTWIRE_INDEX_PREFIX": "unit",
        "CONFLICTWIRE_USE_LEXICONS": False,
        "RATELIMIT_ENABLED": False,
        "TESTING": True,
    }
    settings.update(config)
    return create_app(settings)


def _hit(doc_id: str, sort: list[Any]) -> dict[str, Any]:
    return {"_id": doc_id, "_source": {"id": doc_id, "title": doc_id}, "sort": sort}


def _page(ids: list[str], total: int) -> dict[str, Any]:
    return {
        "hits": {
            "total": {"value": total, "relation": "eq"},
            "hits": [_hit(i, [1000 - n, i]) for n, i in enumerate(ids)],
        },
        "pit_id": "pit-renewed",
    }


# --- validation and limits ------------------------------------------------------------------------------


def test_unknown_query_parameter_is_a_400_problem():
    client = make_app().test_client()
    response = client.get("/v1/events?evnet_type=ASSAULT")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 400 and body["type"] == "about:blank"
    assert "evnet_type" in body["errors"] and "unknown parameter" in body["detail"]


@pytest.mark.parametrize(
    ("query", "field", "says"),
    [
        ("limit=101", "limit", "100"),
        ("q=" + "a" * 501, "q", "500"),
        ("&".join(f"actor=a{n}" for n in range(21)), "actor", "20 values"),
        ("country=Atlantis", "country", "Unknown country"),
        ("event_type=BOMBING", "event_type", "Must be one of"),
        ("near=91,10", "near", "lat,lon"),
        ("radius=20km", "radius", "needs `near`"),
        ("near=35,36&radius=far", "radius", "20km"),
        ("bbox=10,10,5,5", "bbox", "min_lon"),
        ("from=2020-03-01&to=2020-02-01", "from", "after"),
        ("sort=random", "sort", "Must be one of"),
        ("facets=actor,weather", "facets", "Must be one of"),
    ],
)
def test_limits_and_bad_values_say_which_rule(query, field, says):
    response = make_app().test_client().get(f"/v1/events?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert any(key.startswith(field) for key in body["errors"]), body
    assert says in json.dumps(body["errors"])


def test_values_are_canonicalised_before_they_reach_the_query():
    es = FakeElasticsearch()
    client = make_app(es).test_client()
    response = client.get("/v1/events?country=Syria&country=UKR&event_type=assault&acled_event_type=battles")
    assert response.status_code == 200
    filters = es.search_bodies()[-1]["query"]["bool"]["filter"]
    assert {"terms": {"countries": ["SY", "UA"]}} in filters
    assert {"term": {"type": "ASSAULT"}} in filters
    assert {"term": {"acled_event_type": "Battles"}} in filters


def test_request_body_over_5_mb_is_413():
    client = make_app(CONFLICTWIRE_API_KEYS=["k"]).test_client()
    body = json.dumps({"text": "x" * (5 * 1024 * 1024 + 10)})
    response = client.post(
        "/v1/articles", data=body, content_type="application/json", headers={"X-API-Key": "k"}
    )
    assert response.status_code == 413
    assert response.get_json()["detail"] == "Request body exceeds the 5 MB limit"


def test_article_text_over_1_mb_is_rejected_with_the_limit_named():
    client = make_app(CONFLICTWIRE_API_KEYS=["k"]).test_client()
    response = client.post("/v1/articles", json={"text": "é" * (600 * 1024)}, headers={"X-API-Key": "k"})
    assert response.status_code == 400
    assert "1 MB" in response.get_json()["errors"]["text"][0]


def test_article_needs_text_or_html_and_no_unknown_fields():
    client = make_app(CONFLICTWIRE_API_KEYS=["k"]).test_client()
    assert client.post("/v1/articles", json={"title": "t"}, headers={"X-API-Key": "k"}).status_code == 400
    response = client.post("/v1/articles", json={"text": "t", "colour": "red"}, headers={"X-API-Key": "k"})
    assert response.status_code == 400 and "colour" in response.get_json()["errors"]


# --- Elasticsearch failures ------------------------------------------------------------------------------


def test_connection_error_is_503_with_retry_after_and_no_traceback():
    es = FakeElasticsearch(fail=TransportConnectionError("connection refused"))
    response = make_app(es).test_client().get("/v1/articles?q=strike")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.mimetype == "application/problem+json"
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "connection refused" not in text


def test_missing_index_is_503_not_404():
    es = FakeElasticsearch(
        searches=[not_found({"error": {"type": "index_not_found_exception"}, "status": 404})]
    )
    response = make_app(es).test_client().get("/v1/events")
    assert response.status_code == 503
    assert "index" in response.get_json()["detail"]


def test_missing_document_is_404_problem():
    response = make_app().test_client().get("/v1/articles/nope")
    assert response.status_code == 404
    assert response.get_json()["detail"] == "No article with id 'nope'"


def test_readiness_reports_503_when_elasticsearch_is_down():
    es = FakeElasticsearch(fail=TransportConnectionError("down"))
    client = make_app(es).test_client()
    assert client.get("/health").status_code == 200
    ready = client.get("/ready")
    assert ready.status_code == 503 and ready.headers["Retry-After"]


# --- cursors ---------------------------------------------------------------------------------------------


def test_cursor_walk_opens_a_point_in_time_and_resumes_after_it_expires():
    es = FakeElasticsearch(
        searches=[
            _page(["a", "b", "c"], total=5),
            not_found({"error": {"type": "search_phase_execution_exception"}, "status": 404}),
            _page(["c", "d"], total=5),
        ]
    )
    client = make_app(es).test_client()
    first = client.get("/v1/articles?limit=2").get_json()
    assert [item["id"] for item in first["items"]] == ["a", "b"]
    cursor = decode_cursor(
        first["next_cursor"], kind="articles", fingerprint=_fingerprint(first["next_cursor"])
    )
    assert cursor.search_after == (999, "b") and cursor.pit_id is None, "date-sorted first page reads live"
    second = client.get(f"/v1/articles?limit=2&cursor={first['next_cursor']}").get_json()
    assert [item["id"] for item in second["items"]] == ["c", "d"]
    assert second["next_cursor"] is None
    bodies = es.search_bodies()
    assert bodies[1]["pit"]["id"] == "pit-1" and bodies[1]["search_after"] == [999, "b"]
    assert bodies[2]["pit"]["id"] == "pit-2", "an expired point in time is replaced, not reported"
    assert bodies[2]["search_after"] == [999, "b"]
    assert ("close_point_in_time", {"id": "pit-renewed"}) in es.calls, (
        "the last page releases its point in time"
    )


def _fingerprint(token: str) -> str:
    import base64

    return json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))["f"]


def test_cursor_from_another_query_or_garbage_is_400():
    es = FakeElasticsearch(searches=[_page(["a", "b", "c"], total=3)])
    client = make_app(es).test_client()
    token = client.get("/v1/events?limit=2&country=SY").get_json()["next_cursor"]
    other = client.get(f"/v1/events?limit=2&country=UA&cursor={token}")
    assert other.status_code == 400 and "different query" in other.get_json()["detail"]
    wrong_list = client.get(f"/v1/articles?limit=2&country=SY&cursor={token}")
    assert wrong_list.status_code == 400
    garbage = client.get("/v1/events?cursor=%%%")
    assert garbage.status_code == 400 and garbage.get_json()["title"] == "Invalid cursor"


def test_relevance_ranked_walk_opens_its_point_in_time_on_the_first_page():
    es = FakeElasticsearch(searches=[_page(["a", "b"], total=2)])
    make_app(es).test_client().get("/v1/articles?q=strike&limit=5")
    assert es.calls[0][0] == "open_point_in_time"
    assert es.search_bodies()[0]["pit"]["id"] == "pit-1"


# --- auth ------------------------------------------------------------------------------------------------


def test_writes_need_a_configured_key():
    client = make_app().test_client()
    response = client.post("/v1/articles", json={"text": "t"})
    assert response.status_code == 403 and "disabled" in response.get_json()["detail"]


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer wrong"}, 401), ({"X-API-Key": "wrong"}, 401)],
)
def test_missing_or_wrong_key_is_401(headers, status):
    client = make_app(CONFLICTWIRE_API_KEYS=["secret"]).test_client()
    response = client.delete("/v1/articles/a-1", headers=headers)
    assert response.status_code == status
    assert "WWW-Authenticate" in response.headers


@pytest.mark.parametrize("headers", [{"Authorization": "Bearer secret"}, {"X-API-Key": "secret"}])
def test_valid_key_reaches_the_write_path(headers, monkeypatch):
    app = make_app(CONFLICTWIRE_API_KEYS=["other", "secret"])
    service = app.extensions["conflictwire"]["service"]
    deleted: list[str] = []
    monkeypatch.setattr(service, "delete_article", lambda article_id: deleted.append(article_id) or True)
    monkeypatch.setattr(service, "ingest", lambda record: {"id": "a-9", "status": "created", "events": 2})
    client = app.test_client()
    assert client.delete("/v1/articles/a/1", headers=headers).status_code == 204
    assert deleted == ["a/1"], "ids may contain slashes"
    created = client.post("/v1/articles", json={"text": "Shelling hit Saraqib."}, headers=headers)
    assert created.status_code == 201
    assert created.get_json() == {"id": "a-9", "status": "created", "events": 2}
    assert created.headers["Location"].endswith("/v1/articles/a-9")


def test_rejected_article_is_422(monkeypatch):
    app = make_app(CONFLICTWIRE_API_KEYS=["k"])
    service = app.extensions["conflictwire"]["service"]
    monkeypatch.setattr(
        service, "ingest", lambda record: {"id": None, "status": "rejected", "reason": "empty text"}
    )
    response = app.test_client().post("/v1/articles", json={"text": " "}, headers={"X-API-Key": "k"})
    assert response.status_code == 422 and "empty text" in response.get_json()["detail"]


# --- HTTP niceties ---------------------------------------------------------------------------------------


def test_get_responses_carry_etag_and_cache_control_and_honour_if_none_match():
    client = make_app().test_client()
    first = client.get("/v1/event-types")
    assert first.status_code == 200
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    etag = first.headers["ETag"]
    again = client.get("/v1/event-types", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert client.get("/health").headers["Cache-Control"] == "no-store"


def test_gzip_when_the_client_accepts_it():
    client = make_app().test_client()
    plain = client.get("/openapi.json")
    zipped = client.get("/openapi.json", headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert json.loads(gzip.decompress(zipped.get_data())) == plain.get_json()
    assert len(zipped.get_data()) < len(plain.get_data()) / 3
    assert "Content-Encoding" not in plain.headers


def test_streamed_exports_are_gzipped_incrementally():
    es = FakeElasticsearch(searches=[_page(["a", "b"], total=2)])
    response = (
        make_app(es).test_client().get("/v1/articles?format=ndjson", headers={"Accept-Encoding": "gzip"})
    )
    assert response.headers["Content-Encoding"] == "gzip"
    lines = gzip.decompress(response.get_data()).decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a", "b"]


def test_cors_only_for_configured_origins():
    client = make_app(CONFLICTWIRE_CORS_ORIGINS=["https://app.example.org"]).test_client()
    allowed = client.get("/v1/event-types", headers={"Origin": "https://app.example.org"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example.org"
    assert "ETag" in allowed.headers["Access-Control-Expose-Headers"]
    other = client.get("/v1/event-types", headers={"Origin": "https://evil.example.com"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = client.options(
        "/v1/articles",
        headers={"Origin": "https://app.example.org", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "X-API-Key" in preflight.headers["Access-Control-Allow-Headers"]
    assert (
        "Access-Control-Allow-Origin"
        not in make_app().test_client().get("/health", headers={"Origin": "https://app.example.org"}).headers
    )


def test_rate_limit_answers_429_problem_with_retry_after():
    client = make_app(RATELIMIT_ENABLED=True, CONFLICTWIRE_RATE_LIMIT="2/minute").test_client()
    assert client.get("/v1/event-types").headers["X-RateLimit-Limit"] == "2"
    assert client.get("/v1/event-types").status_code == 200
    limited = client.get("/v1/event-types")
    assert limited.status_code == 429
    assert limited.mimetype == "application/problem+json"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert client.get("/health").status_code == 200, "health checks are not rate limited"


def test_rate_limit_counts_each_route_apart():
    client = make_app(RATELIMIT_ENABLED=True, CONFLICTWIRE_RATE_LIMIT="2/minute").test_client()
    for _ in range(2):
        assert client.get("/v1/event-types").status_code == 200
    assert client.get("/v1/event-types").status_code == 429
    other = client.get("/v1/events")
    assert other.status_code == 200
    assert other.headers["X-RateLimit-Remaining"] == "1"


def test_repeated_filters_are_lists_and_a_repeated_single_value_takes_the_first():
    es = FakeElasticsearch()
    client = make_app(es).test_client()
    response = client.get("/v1/events?event_type=ASSAULT&event_type=PROTEST&limit=5&limit=7&country=SY")
    assert response.status_code == 200
    body = es.search_bodies()[-1]
    assert body["size"] == 6
    assert {"terms": {"type": ["ASSAULT", "PROTEST"]}} in body["query"]["bool"]["filter"]
    assert {"term": {"countries": "SY"}} in body["query"]["bool"]["filter"]
    unknown = client.get("/v1/events?event_typ=ASSAULT")
    assert unknown.status_code == 400
    assert "event_typ" in unknown.get_json()["errors"]


def test_rate_limited_requests_start_no_thread(monkeypatch):
    """The `limits` memory storage re-armed a timer thread on nearly every hit; ours sweeps inline."""
    import threading

    client = make_app(RATELIMIT_ENABLED=True, CONFLICTWIRE_RATE_LIMIT="1000/minute").test_client()
    client.get("/v1/event-types")
    started: list[threading.Thread] = []
    original_start = threading.Thread.start

    def counting_start(thread: threading.Thread) -> None:
        started.append(thread)
        original_start(thread)

    monkeypatch.setattr(threading.Thread, "start", counting_start)
    for _ in range(5):
        assert client.get("/v1/event-types").headers["X-RateLimit-Remaining"]
    assert started == []


def test_expiring_cache_forgets_by_age_and_keeps_at_most_max_entries():
    from api.cache import ExpiringCache

    now = [100.0]
    cache = ExpiringCache(ttl_seconds=10, max_entries=2, clock=lambda: now[0])
    cache.put("a", 1)
    cache.put("b", None, ttl_seconds=2)
    assert cache.get("a") == 1 and "b" in cache and cache.get("b", "gone") is None
    now[0] += 3
    assert "b" not in cache and cache.get("a") == 1
    cache.put("c", 3)
    cache.put("d", 4)
    assert "a" not in cache and cache.get("c") == 3 and cache.get("d") == 4
    now[0] += 10
    assert cache.get("c") is None and cache.get("d") is None
    assert len(ExpiringCache(ttl_seconds=0, max_entries=5)) == 0


def _facet_page(actor_ids: list[str]) -> dict[str, Any]:
    return {
        "hits": {"total": {"value": 3, "relation": "eq"}, "hits": []},
        "aggregations": {
            "facet_actor": {
                "buckets": [{"key": key, "doc_count": 1} for key in actor_ids],
                "sum_other_doc_count": 0,
            },
            "missing_actor": {"doc_count": 0},
        },
    }


def _described(actors: dict[str, str]) -> dict[str, Any]:
    hits = {
        key: {"hits": {"hits": [{"_source": {"entities": {"actors": [{"id": key, "name": name}]}}}]}}
        for key, name in actors.items()
    }
    return {
        "hits": {"total": {"value": 1, "relation": "eq"}, "hits": []},
        "aggregations": {
            "ids": {"buckets": [{"key": key, "doc_count": 1, "sample": hits[key]} for key in actors]}
        },
    }


def test_facet_labels_are_looked_up_once_per_worker_then_served_from_memory():
    es = FakeElasticsearch(
        searches=[
            _facet_page(["a1", "a2"]),
            _described({"a1": "First army", "a2": "Second army"}),
            _facet_page(["a1", "a2"]),
            _facet_page(["a2", "a3"]),
            _described({"a3": "Third army"}),
        ]
    )
    client = make_app(es).test_client()
    labels = []
    for _ in range(3):
        page = client.get("/v1/events?facets=actor").get_json()
        labels.append({b["value"]: b["label"] for b in page["facets"]["actor"]["buckets"]})
    assert labels == [
        {"a1": "First army", "a2": "Second army"},
        {"a1": "First army", "a2": "Second army"},
        {"a2": "Second army", "a3": "Third army"},
    ]
    lookups = [body for body in es.search_bodies() if body.get("size") == 0]
    assert [body["query"]["terms"]["actor_ids"] for body in lookups] == [["a1", "a2"], ["a3"]]
    assert len(es.search_bodies()) == 5


def test_facet_labels_are_not_cached_when_caching_is_off():
    es = FakeElasticsearch(searches=[_facet_page(["a1"]), _described({"a1": "A"})] * 2)
    client = make_app(es, CONFLICTWIRE_LOOKUP_CACHE_SECONDS=0).test_client()
    for _ in range(2):
        assert (
            client.get("/v1/events?facets=actor").get_json()["facets"]["actor"]["buckets"][0]["label"] == "A"
        )
    assert len(es.search_bodies()) == 4


def test_actor_names_are_resolved_once_and_lexicon_ids_without_a_lookup():
    pytest.importorskip("indexer.actors")
    from indexer.actors import lookup_actor

    known = lookup_actor("regime forces")
    assert known and known["id"]
    es = FakeElasticsearch()
    client = make_app(es, CONFLICTWIRE_USE_LEXICONS=True).test_client()
    for _ in range(2):
        assert client.get("/v1/events", query_string={"actor": "regime forces"}).status_code == 200
    resolve_calls = [body for body in es.search_bodies() if "size" in body and body["size"] == 10]
    assert len(resolve_calls) == 1, "the name is sampled in the index once, then remembered"
    before = len(es.search_bodies())
    assert client.get("/v1/events", query_string={"actor": known["id"]}).status_code == 200
    assert len(es.search_bodies()) == before + 1, "an id needs no sampling: only the search itself"
    filters = json.dumps(es.search_bodies()[-1]["query"])
    assert known["id"] in filters


def test_a_name_that_resolves_to_nothing_is_asked_again_so_new_actors_filter_at_once():
    es = FakeElasticsearch()
    client = make_app(es, CONFLICTWIRE_USE_LEXICONS=False).test_client()
    for _ in range(2):
        assert client.get("/v1/events", query_string={"actor": "Brigade Nobody Knows"}).status_code == 200
    resolve_calls = [body for body in es.search_bodies() if "size" in body and body["size"] == 10]
    assert len(resolve_calls) == 2, "an unresolved name must not be remembered"


def test_a_workers_own_delete_forgets_the_names_it_remembered(monkeypatch):
    import indexer.loader

    monkeypatch.setattr(indexer.loader, "delete_article", lambda es, article_id, prefix: True)
    es = FakeElasticsearch()
    app = make_app(es)
    service = app.extensions["conflictwire"]["service"]
    service._resolved.put(("actor", "Some Brigade"), "remembered")
    service._labels.put(("actors", "some-brigade"), "Some Brigade")
    assert service.delete_article("any-id") is True
    assert len(service._resolved) == 0 and len(service._labels) == 0


def test_json_responses_keep_order_and_text_and_flask_formats_for_dates():
    import datetime as dt

    app = make_app()
    with app.test_request_context():
        body = app.json.response({"z": "Erdoğan", "a": dt.date(2020, 2, 1), 3: [1.5, None]}).get_data()
    assert body.endswith(b"\n")
    decoded = json.loads(body)
    assert list(decoded) == ["z", "a", "3"]
    assert decoded["z"] == "Erdoğan"
    assert decoded["a"] == "Sat, 01 Feb 2020 00:00:00 GMT", "dates are written as Flask always wrote them"
    assert decoded["3"] == [1.5, None]
    assert app.json.loads(app.json.dumps({"b": 1, "a": 2})) == {"b": 1, "a": 2}


def test_one_json_log_line_per_request_and_metrics_by_route_and_status():
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect()
    logging.getLogger(ACCESS_LOGGER).addHandler(handler)
    try:
        client = make_app().test_client()
        client.get("/v1/events?limit=3", headers={"X-Request-Id": "req-42"})
        client.get("/v1/events?bogus=1")
        client.get("/v1/articles/some-id")
    finally:
        logging.getLogger(ACCESS_LOGGER).removeHandler(handler)
    lines = [json.loads(record.getMessage()) for record in records]
    assert len(lines) == 3
    assert (
        lines[0]["request_id"] == "req-42" and lines[0]["route"] == "/v1/events" and lines[0]["status"] == 200
    )
    assert lines[1]["status"] == 400
    assert lines[2]["route"] == "/v1/articles/<path:article_id>" and lines[2]["status"] == 404
    assert all(isinstance(line["duration_ms"], float) for line in lines)
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'conflictwire_http_requests_total{method="GET",route="/v1/events",status="200"} 1.0' in metrics
    assert 'conflictwire_http_requests_total{method="GET",route="/v1/events",status="400"} 1.0' in metrics
    assert (
        'conflictwire_http_request_duration_seconds_count{method="GET",route="/v1/events",status="200"}'
        in metrics
    )
    assert (
        'conflictwire_elasticsearch_request_duration_seconds_count{operation="search.events"} 1.0' in metrics
    )


def test_request_id_is_echoed_or_generated():
    client = make_app().test_client()
    assert client.get("/health", headers={"X-Request-Id": "abc-1"}).headers["X-Request-Id"] == "abc-1"
    generated = client.get("/health", headers={"X-Request-Id": "bad id with spaces"}).headers["X-Request-Id"]
    assert generated and " " not in generated


def test_docs_page_uses_only_local_assets():
    client = make_app().test_client()
    page = client.get("/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "http://" not in html and "https://" not in html
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    for asset in ("/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css", "/docs/assets/init.js"):
        assert asset in html
        with client.get(asset) as response:
            assert response.status_code == 200 and len(response.get_data()) > 100
    assert 'data-spec-url="/openapi.json"' in html
    assert client.get("/docs/assets/../../etc/passwd").status_code == 404


# --- vocabularies and exports ----------------------------------------------------------------------------


def test_event_types_table_is_complete_and_consistent():
    table = make_app().test_client().get("/v1/event-types").get_json()
    assert table == vocabulary()
    assert {row["type"] for row in table["plover"]} == set(PLOVER_TYPES) and len(PLOVER_TYPES) == 16
    sub_types = [sub for entry in ACLED_TYPES.values() for sub in entry["sub_event_types"]]
    assert len(sub_types) == 25
    assert [row["acled_sub_event_type"] for row in table["mapping"]] == sub_types
    for row in table["mapping"]:
        assert row["plover_type"] in PLOVER_TYPES
        if row["plover_mode"] is not None:
            assert row["plover_mode"] in PLOVER_TYPES[row["plover_type"]]["modes"], row


def test_csv_export_neutralises_formulas_and_flattens_events():
    item = presenters.event_item(
        {
            "id": "a:0",
            "type": "ASSAULT",
            "place": {"id": "geonames:1", "name": "=HYPERLINK(1)", "location": {"lat": 35.5, "lon": 36.5}},
            "actor1": {"id": "x", "name": "X", "type": "state_forces", "country": "SY"},
            "flags": ["negated", "future"],
        }
    )
    text = "".join(export.serialize("events", "csv", [item]))
    header, row = text.strip().split("\r\n")
    assert header.split(",")[:3] == ["id", "date", "date_precision"]
    values = dict(zip(header.split(","), row.split(","), strict=True))
    assert values["place_name"] == "'=HYPERLINK(1)"
    assert values["lat"] == "35.5" and values["lon"] == "36.5"
    assert values["flags"] == "negated;future" and values["actor1_type"] == "state_forces"


def test_geojson_export_is_an_rfc7946_feature_collection_in_lon_lat_order():
    placed = presenters.event_item(
        {"id": "a:0", "place": {"name": "Saraqib", "location": {"lat": 35.86, "lon": 36.8}}}
    )
    unplaced = presenters.event_item({"id": "a:1", "place": None})
    collection = json.loads("".join(export.serialize("events", "geojson", [placed, unplaced])))
    assert collection["type"] == "FeatureCollection"
    first, second = collection["features"]
    assert first["geometry"] == {"type": "Point", "coordinates": [36.8, 35.86]}
    assert second["geometry"] is None
    article = presenters.article_item({"id": "b", "locations": [{"lat": 1, "lon": 2}, [4, 3]]})
    [feature] = json.loads("".join(export.serialize("articles", "geojson", [article])))["features"]
    assert feature["geometry"] == {"type": "MultiPoint", "coordinates": [[2.0, 1.0], [4.0, 3.0]]}


def test_export_endpoint_streams_with_a_filename():
    es = FakeElasticsearch(searches=[_page(["a", "b"], total=2)])
    response = make_app(es).test_client().get("/v1/events?format=csv&country=SY")
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="conflictwire-events.csv"'
    assert response.get_data(as_text=True).count("\r\n") == 3
    assert es.calls[0][0] == "open_point_in_time"
    assert es.search_bodies()[0]["size"] == 500


def test_facets_accept_comma_separated_and_repeated_forms():
    es = FakeElasticsearch()
    response = make_app(es).test_client().get("/v1/events?facets=actor,country&facets=source")
    assert response.status_code == 200
    aggs = es.search_bodies()[-1]["aggs"]
    assert {"facet_actor", "facet_country", "facet_source"} <= set(aggs)
    assert set(response.get_json()["facets"]) == {"actor", "country", "source"}


def test_a_real_client_with_no_node_behind_it_gets_503():
    from indexer.contract import es_client_from_env

    unreachable = es_client_from_env({"ELASTICSEARCH_URL": "http://127.0.0.1:9"}, max_retries=0)
    app = create_app(
        {"ES_CLIENT": unreachable, "RATELIMIT_ENABLED": False, "CONFLICTWIRE_USE_LEXICONS": False}
    )
    response = app.test_client().get("/v1/events?country=SY")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["title"] == "Search engine unavailable"


# --- the serve and openapi commands ----------------------------------------------------------------------


def test_serve_stop_without_a_running_daemon(tmp_path):
    from api.serve import stop

    assert stop(tmp_path / "api.pid") == 1
    stale = tmp_path / "stale.pid"
    stale.write_text("999999999")
    assert stop(stale) == 0 and not stale.exists(), "a stale pid file is cleaned up, nothing is signalled"


def test_serve_runs_gunicorn_workers_that_share_metrics(tmp_path):
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        "PATH": "/usr/bin:/bin",
        "CONFLICTWIRE_WARM_LEXICONS": "0",
        "CONFLICTWIRE_INDEX_PREFIX": "unit-serve",
        "ELASTICSEARCH_URL": "http://127.0.0.1:9",
    }
    command = [sys.executable, "-m", "indexer.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    server = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as response:
                    assert json.loads(response.read()) == {"status": "ok", "version": "1.0.0"}
                    break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "the server did not start within 60 s"
                time.sleep(0.3)
        for _ in range(6):
            urllib.request.urlopen(f"{base}/health", timeout=5).close()
        with urllib.request.urlopen(f"{base}/metrics", timeout=5) as response:
            metrics = response.read().decode()
        assert 'conflictwire_http_requests_total{method="GET",route="/health",status="200"} 7.0' in metrics
        try:
            urllib.request.urlopen(f"{base}/v1/events", timeout=15)
        except urllib.error.HTTPError as error:
            assert error.code == 503 and error.headers["Content-Type"] == "application/problem+json"
        else:
            raise AssertionError("no Elasticsearch behind the server, yet the search succeeded")
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()


def test_serving_reads_imports_only_the_index_contract():
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from api import create_app\n"
        "app = create_app({'RATELIMIT_ENABLED': False})\n"
        "app.test_client().get('/v1/event-types')\n"
        "app.test_client().get('/openapi.json')\n"
        "print(sorted(m for m in sys.modules if m.startswith('indexer')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "['indexer', 'indexer.contract']"
