"""The API against the real local Elasticsearch node, over the sample corpus and the seed article indexed
through the real pipeline (see tests/api_corpus.py)."""

from __future__ import annotations

import base64
import json
import math
import time
import uuid
from typing import Any

import pytest
from api_corpus import shared_corpus

from api import create_app

pytestmark = pytest.mark.integration

API_KEY = "integration-key"


@pytest.fixture(scope="module")
def corpus(es, request):
    return shared_corpus(request.config)


@pytest.fixture(scope="module")
def app(corpus):
    return create_app(
        {
            "CONFLICTWIRE_INDEX_PREFIX": corpus.prefix,
            "RATELIMIT_ENABLED": False,
            "CONFLICTWIRE_API_KEYS": [API_KEY],
        }
    )


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def get(client, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(path, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def walk(client, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a list endpoint, page by page through next_cursor."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = get(client, path, **params, **({"cursor": cursor} if cursor else {}))
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def event_ids(client, **params: Any) -> set[str]:
    return {item["id"] for item in walk(client, "/v1/events", limit=100, **params)}


def export_items(client, path: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(path, query_string={**params, "format": "ndjson"})
    assert response.status_code == 200
    return [json.loads(line) for line in response.get_data(as_text=True).splitlines()]


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


# --- the scenarios -------------------------------------------------------------------------------


def test_seed_air_strike_on_binnish_is_found_by_type_place_and_day(client, corpus):
    if not corpus.seed_ids:
        pytest.skip("../shared/eval/dev/seed.input.jsonl is absent")
    page = get(
        client,
        "/v1/events",
        event_type="ASSAULT",
        place="Idlib",
        **{"from": "2020-02-26", "to": "2020-02-26"},
    )
    strikes = [
        item
        for item in page["items"]
        if item["article_id"] in corpus.seed_ids and (item["place"] or {}).get("name") == "Binnish"
    ]
    assert strikes, [(i["article_id"], i["place"], i["type"]) for i in page["items"]]
    assert any(
        s["mode"] == "aerial" or s["acled"]["sub_event_type"] == "Air/drone strike" for s in strikes
    ), strikes
    assert all(item["type"] == "ASSAULT" and item["date"] == "2020-02-26" for item in page["items"])


def test_actor_aliases_find_the_same_events(client):
    by_alias = event_ids(client, actor="regime forces")
    by_other_alias = event_ids(client, actor="Syrian army")
    by_id = event_ids(client, actor="syrian-government-forces")
    assert by_alias, "the sample corpus reports regime forces in action"
    assert by_alias == by_other_alias == by_id


def test_a_country_place_includes_the_towns_inside_it(client):
    saraqib = event_ids(client, place="Saraqib")
    assert saraqib, "the sample corpus has events in Saraqib"
    syria = event_ids(client, place="Syria")
    assert saraqib <= syria
    assert len(syria) > len(saraqib)
    assert syria <= event_ids(client, country="SY")


def test_near_radius_finds_saraqib_and_only_nearby_events(client):
    items = walk(client, "/v1/events", near="35.86,36.80", radius="20km", limit=100)
    assert any((item["place"] or {}).get("name") == "Saraqib" for item in items)
    for item in items:
        assert km_between(35.86, 36.80, item["place"]["lat"], item["place"]["lon"]) <= 20.5


def test_bbox_keeps_events_inside_the_box(client):
    items = walk(client, "/v1/events", bbox="35.5,35.5,37.5,36.5", limit=100)
    assert items
    for item in items:
        assert 35.5 <= item["place"]["lon"] <= 37.5 and 35.5 <= item["place"]["lat"] <= 36.5


@pytest.mark.parametrize(
    ("path", "params"), [("/v1/articles", {}), ("/v1/events", {}), ("/v1/articles", {"q": "forces"})]
)
def test_cursor_walk_visits_every_document_exactly_once(client, path, params):
    expected = {item["id"] for item in export_items(client, path, **params)}
    visited = [item["id"] for item in walk(client, path, limit=7, **params)]
    assert len(visited) == len(set(visited)), "a document came back twice"
    assert set(visited) == expected
    assert get(client, path, **params)["total"] == len(expected)


def test_cursor_walk_stays_exact_while_articles_are_added(client, es, corpus):
    from indexer.loader import delete_article, ingest_records

    before = {item["id"] for item in export_items(client, "/v1/articles")}
    token = uuid.uuid4().hex[:8]
    added: list[str] = []
    visited: list[str] = []
    cursor = None
    pages = 0
    dates = ["2030-01-01", "2000-01-01", "2020-02-27"]
    try:
        while True:
            page = get(client, "/v1/articles", limit=5, **({"cursor": cursor} if cursor else {}))
            visited += [item["id"] for item in page["items"]]
            pages += 1
            if pages <= len(dates):
                record = {
                    "id": f"added-{token}-{pages}",
                    "title": f"Late report {pages}",
                    "text": "Shelling was reported near Saraqib in Idlib province on Monday, residents said.",
                    "published": dates[pages - 1],
                    "source": "Test Wire",
                }
                [result] = ingest_records(es, [record], prefix=corpus.prefix, refresh="wait_for")
                assert result["status"] == "created"
                added.append(record["id"])
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len(visited) == len(set(visited)), "a document came back twice"
        assert before <= set(visited), f"missed: {sorted(before - set(visited))}"
        assert set(visited) - before <= set(added)
    finally:
        for article_id in added:
            delete_article(es, article_id, corpus.prefix, refresh=True)


def test_facet_counts_equal_filtered_totals(client):
    facets = "actor,place,country,event_type,acled_event_type,source"
    base = {"from": "2020-01-01"}
    page = get(client, "/v1/events", **base, facets=facets)
    filter_of = {
        "actor": "actor",
        "place": "place",
        "country": "country",
        "event_type": "event_type",
        "acled_event_type": "acled_event_type",
        "source": "source",
    }
    assert set(page["facets"]) == set(filter_of)
    for name, facet in page["facets"].items():
        assert facet["buckets"], name
        for bucket in facet["buckets"][:3]:
            narrowed = get(client, "/v1/events", **base, **{filter_of[name]: bucket["value"]})
            assert narrowed["total"] == bucket["count"], (name, bucket)
    source = page["facets"]["source"]
    assert sum(b["count"] for b in source["buckets"]) + source["other"] + source["missing"] == page["total"]
    assert any(bucket.get("label") for bucket in page["facets"]["actor"]["buckets"])


def test_facets_of_a_large_result_set_are_a_scaled_sample_and_say_so(client, corpus):
    exact = get(client, "/v1/events", facets="country,source")
    smallest = min(exact["facets"]["country"]["buckets"], key=lambda bucket: bucket["count"])
    limit = max(smallest["count"], 1)
    assert exact["total"] > 2 * limit, "the sample corpus must be large enough to sample"
    sampled_client = create_app(
        {
            "CONFLICTWIRE_INDEX_PREFIX": corpus.prefix,
            "RATELIMIT_ENABLED": False,
            "CONFLICTWIRE_FACET_EXACT_LIMIT": limit,
        }
    ).test_client()
    sampled = get(sampled_client, "/v1/events", facets="country,source")
    assert sampled["total"] == exact["total"]
    assert sampled["total_relation"] == "eq"
    assert [item["id"] for item in sampled["items"]] == [item["id"] for item in exact["items"]]
    second_exact = get(client, "/v1/events", cursor=exact["next_cursor"], facets="country,source")
    second = get(sampled_client, "/v1/events", cursor=sampled["next_cursor"], facets="country,source")
    assert second["total"] == second_exact["total"] == exact["total"]
    assert [item["id"] for item in second["items"]] == [item["id"] for item in second_exact["items"]]
    for query in ({"q": "killed"}, {"sort": "date", "country": smallest["value"]}):
        assert (
            get(sampled_client, "/v1/events", **query)["total"] == get(client, "/v1/events", **query)["total"]
        )
    for name in ("country", "source"):
        assert exact["facets"][name]["approximate"] is False
        assert exact["facets"][name]["sample_probability"] == 1.0
        facet = sampled["facets"][name]
        assert facet["approximate"] is True
        assert facet["sample_probability"] == pytest.approx(limit / exact["total"])
        for bucket in facet["buckets"]:
            assert bucket["count"] > 0
            assert get(client, "/v1/events", **{name: bucket["value"]})["total"] > 0
    narrow = {"country": smallest["value"]}
    narrow_exact = get(client, "/v1/events", **narrow, facets="source")
    narrow_apart = get(sampled_client, "/v1/events", **narrow, facets="source")
    assert narrow_apart["facets"] == narrow_exact["facets"], (
        "a result set within the limit is counted exactly"
    )
    assert narrow_apart["facets"]["source"]["approximate"] is False


def test_a_walk_with_its_count_apart_survives_an_expired_point_in_time(client, corpus, es):
    large = create_app(
        {
            "CONFLICTWIRE_INDEX_PREFIX": corpus.prefix,
            "RATELIMIT_ENABLED": False,
            "CONFLICTWIRE_FACET_EXACT_LIMIT": 1,
        }
    ).test_client()
    first = get(large, "/v1/events", limit=3)
    second = get(large, "/v1/events", limit=3, cursor=first["next_cursor"])
    assert second["next_cursor"], "the sample corpus must have a third page"
    token = second["next_cursor"]
    es.close_point_in_time(id=json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))["p"])
    third = get(large, "/v1/events", limit=3, cursor=second["next_cursor"])
    expected = walk(client, "/v1/events", limit=3)[6:9]
    assert [item["id"] for item in third["items"]] == [item["id"] for item in expected]
    assert third["total"] == first["total"] == get(client, "/v1/events")["total"]


def test_timeline_buckets_add_up_to_the_filtered_total(client):
    events_total = get(client, "/v1/events", country="SY")["total"]
    weekly = get(client, "/v1/stats/timeline", country="SY", interval="week", metric="events")
    assert weekly["documents"] == weekly["total"] == events_total
    assert sum(b["value"] for b in weekly["buckets"]) + weekly["undated"] == weekly["total"]
    window = {"from": "2020-01-01", "to": "2020-03-31"}
    monthly = get(client, "/v1/stats/timeline", interval="month", metric="articles", **window)
    assert [b["date"] for b in monthly["buckets"]] == ["2020-01-01", "2020-02-01", "2020-03-01"]
    assert monthly["undated"] == 0
    assert sum(b["count"] for b in monthly["buckets"]) == get(client, "/v1/articles", **window)["total"]
    deaths = get(client, "/v1/stats/timeline", interval="month", metric="fatalities")
    exported = export_items(client, "/v1/events")
    assert deaths["total"] == sum(item["fatalities"] or 0 for item in exported)
    assert sum(b["value"] for b in deaths["buckets"]) + deaths["undated"] == deaths["total"]


def test_article_detail_has_text_entities_and_events_with_offsets(client, corpus):
    article_id = corpus.seed_ids[0] if corpus.seed_ids else corpus.sample_ids[0]
    article = get(client, f"/v1/articles/{article_id}")
    text = article["text"]
    assert article["body"] and text and article["entities"]["actors"] and article["events"]
    for kind in ("actors", "people", "places"):
        for entity in article["entities"][kind]:
            for mention in entity["mentions"]:
                assert text[mention["start"] : mention["end"]] == mention["text"], (kind, mention)
    for event in article["events"]:
        assert 0 <= event["start"] < event["end"] <= len(text)
    indexed_events = walk(client, "/v1/events", limit=100, **{"from": "1900-01-01"})
    own = [e for e in indexed_events if e["article_id"] == article_id]
    assert len(own) == len(article["events"])


def test_event_by_id_matches_its_list_row(client):
    row = get(client, "/v1/events", limit=1, event_type="ASSAULT")["items"][0]
    assert get(client, f"/v1/events/{row['id']}") == row
    missing = client.get("/v1/events/no-such-article:0")
    assert missing.status_code == 404


def test_full_text_highlights_matches(client):
    page = get(client, "/v1/articles", q="Saraqib")
    assert page["items"]
    first = page["items"][0]
    fragments = " ".join(f for field in first["highlight"].values() for f in field)
    assert "<mark>" in fragments and "saraqib" in fragments.lower()
    phrase = get(client, "/v1/articles", q='"air strikes" -Ukraine')
    assert phrase["items"]
    for item in phrase["items"]:
        article = get(client, f"/v1/articles/{item['id']}")
        text = f"{article['title']}\n{article['body']}".lower()
        assert "air strike" in text and "ukraine" not in text, "the phrase matches stemmed: strike(s)"


def test_actor_suggestions_and_profile_agree_with_search(client):
    suggestions = get(client, "/v1/actors", q="regime")["items"]
    saf = next(item for item in suggestions if item["id"] == "syrian-government-forces")
    assert saf["type"] == "state_forces" and saf["country"] == "SY"
    profile = get(client, "/v1/actors/syrian-government-forces")
    assert profile["article_count"] == get(client, "/v1/articles", actor="syrian-government-forces")["total"]
    assert profile["event_count"] == get(client, "/v1/events", actor="syrian-government-forces")["total"]
    assert profile["first_seen"] <= profile["last_seen"]
    assert get(client, "/v1/actors", type="rebel_group")["items"]
    assert all(
        item["type"] == "rebel_group" for item in get(client, "/v1/actors", type="rebel_group")["items"]
    )
    assert client.get("/v1/actors/nobody-at-all").status_code == 404


def test_place_suggestions_and_profile_with_parents(client):
    suggestions = get(client, "/v1/places", q="sara")["items"]
    saraqib = next(item for item in suggestions if item["name"] == "Saraqib")
    assert km_between(saraqib["lat"], saraqib["lon"], 35.86, 36.80) < 5
    profile = get(client, f"/v1/places/{saraqib['id']}")
    parent_names = [parent["name"] for parent in profile["parents"]]
    assert "Syria" in parent_names and any(name and "Idlib" in name for name in parent_names)
    assert profile["article_count"] == get(client, "/v1/articles", place=saraqib["id"])["total"]
    syria = next(p for p in profile["parents"] if p["name"] == "Syria")
    country = get(client, f"/v1/places/{syria['id']}")
    assert country["kind"] == "country" and country["article_count"] >= profile["article_count"]
    assert all(item["country"] == "SY" for item in get(client, "/v1/places", country="Syria")["items"])


def test_exports_cover_every_match(client):
    total = get(client, "/v1/events", country="SY")["total"]
    csv_text = client.get("/v1/events", query_string={"country": "SY", "format": "csv"}).get_data(
        as_text=True
    )
    assert len(csv_text.strip().split("\r\n")) == total + 1
    collection = json.loads(
        client.get("/v1/events", query_string={"country": "SY", "format": "geojson"}).get_data(as_text=True)
    )
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == total
    for feature in collection["features"]:
        if feature["geometry"]:
            lon, lat = feature["geometry"]["coordinates"]
            assert (lat, lon) == (
                feature["properties"]["place"]["lat"],
                feature["properties"]["place"]["lon"],
            )
            assert 32 <= lat <= 38 and 35 <= lon <= 43, "Syria, in [lon, lat] order"


def test_posted_article_is_searchable_within_two_seconds_and_deletable(client):
    token = f"cwpost{uuid.uuid4().hex[:10]}"
    record = {
        "title": f"Shelling reported in Saraqib ({token})",
        "text": f"Syrian government forces shelled Saraqib on Monday, killing two civilians. Reference {token}.",
        "published": "2020-03-02",
        "source": "Integration Wire",
        "url": f"https://news.example.org/{token}",
    }
    headers = {"Authorization": f"Bearer {API_KEY}"}
    created = client.post("/v1/articles", json=record, headers=headers)
    assert created.status_code == 201, created.get_data(as_text=True)
    article_id = created.get_json()["id"]
    posted_at = time.monotonic()
    found = False
    while time.monotonic() - posted_at <= 2.0:
        if get(client, "/v1/articles", q=token)["total"] == 1:
            found = True
            break
        time.sleep(0.1)
    assert found, "the posted article was not searchable within 2 s"
    again = client.post("/v1/articles", json=record, headers=headers)
    assert again.status_code == 200 and again.get_json()["status"] == "unchanged"
    assert client.delete(f"/v1/articles/{article_id}", headers=headers).status_code == 204
    assert client.get(f"/v1/articles/{article_id}").status_code == 404
    assert client.delete(f"/v1/articles/{article_id}", headers=headers).status_code == 404


def test_readiness_with_the_indices_in_place(client):
    ready = get(client, "/ready")
    assert ready["status"] == "ready" and ready["indices"] == {"articles": True, "events": True}


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/events", {"facets": "actor,place,country,event_type,source", "limit": 30}),
        ("/v1/events", {"q": "air strike", "place": "Idlib"}),
        ("/v1/articles", {"q": "Saraqib", "facets": "place,actor", "limit": 30}),
        ("/v1/articles", {"country": "SY", "sort": "date", "limit": 30}),
        ("/v1/stats/timeline", {"interval": "month", "metric": "fatalities", "country": "SY"}),
    ],
)
def test_list_pages_are_exactly_what_their_documented_schema_describes(client, path, params):
    """List pages and timelines skip a second marshmallow pass for speed; this holds them to the schema in
    openapi.yaml."""
    from api.articles.schemas import ArticleListSchema
    from api.events.schemas import EventListSchema
    from api.stats.schemas import TimelineSchema

    page = get(client, path, **params)
    assert page.get("items") or page.get("buckets")
    schema = {
        "/v1/events": EventListSchema(),
        "/v1/articles": ArticleListSchema(),
        "/v1/stats/timeline": TimelineSchema(),
    }[path]
    assert json.loads(json.dumps(schema.dump(page))) == page
