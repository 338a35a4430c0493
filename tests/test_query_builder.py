"""The query builder turns validated filters into Elasticsearch DSL; these tests read the dicts only."""

from __future__ import annotations

import json
import re

import pytest

from api.query import (
    ARTICLE_FIELDS,
    EVENT_FIELDS,
    BoundingBox,
    Cursor,
    GeoDistance,
    InvalidCursor,
    ResolvedEntity,
    SearchParams,
    build_facet_aggs,
    build_filters,
    build_query,
    build_search,
    build_sort,
    build_timeline,
    decode_cursor,
    encode_cursor,
    facet_sample_probability,
    parse_facets,
    parse_timeline,
    prefix_include_pattern,
    query_fingerprint,
)


def _walk(node):
    """Every key anywhere in a DSL dict."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def test_no_filters_is_match_all_sorted_newest_first_with_unique_tiebreak():
    params = SearchParams()
    assert build_query(params, ARTICLE_FIELDS) == {"match_all": {}}
    assert build_sort(params, ARTICLE_FIELDS) == [
        {"published": {"order": "desc", "missing": "_last"}},
        {"id": {"order": "asc"}},
    ]
    assert build_sort(params, EVENT_FIELDS)[0] == {"date": {"order": "desc", "missing": "_last"}}


def test_full_text_uses_simple_query_string_in_must_and_never_query_string():
    params = SearchParams(q='"air strike" +Idlib -Aleppo', event_types=("ASSAULT",))
    query = build_query(params, ARTICLE_FIELDS)
    must = query["bool"]["must"]
    assert len(must) == 1
    sqs = must[0]["simple_query_string"]
    assert sqs["query"] == '"air strike" +Idlib -Aleppo'
    assert sqs["fields"] == ["title^3", "body", "captions"]
    assert sqs["default_operator"] == "and"
    assert "FUZZY" not in sqs["flags"] and "PHRASE" in sqs["flags"] and "PREFIX" in sqs["flags"]
    assert "query_string" not in set(_walk(query))
    assert query["bool"]["filter"] == [{"term": {"event_types": "ASSAULT"}}]
    events_query = build_query(params, EVENT_FIELDS)
    assert events_query["bool"]["must"][0]["simple_query_string"]["fields"] == ["sentence"]


def test_every_filter_goes_to_bool_filter_and_nothing_else_to_must():
    params = SearchParams(
        actors=(ResolvedEntity("regime forces", ids=("syrian-government-forces",)),),
        actor_types=("state_forces",),
        people=("Erdogan",),
        places=(ResolvedEntity("Idlib", ids=("admin1:SY.12",)),),
        countries=("SY",),
        event_types=("ASSAULT",),
        acled_event_types=("Battles",),
        acled_sub_event_types=("Armed clash",),
        date_from="2020-02-26",
        date_to="2020-02-27",
        near=GeoDistance(35.86, 36.8, "20km"),
        bbox=BoundingBox(35.5, 35.5, 37.5, 36.5),
        min_fatalities=1,
        sources=("Wire Agency",),
        langs=("EN",),
    )
    query = build_query(params, EVENT_FIELDS)
    assert set(query["bool"]) == {"filter"}
    assert len(query["bool"]["filter"]) == 14  # one clause per filter; from+to share one range


def test_actor_matches_resolved_ids_the_raw_value_and_normalised_names():
    actor = ResolvedEntity(
        "regime forces", ids=("syrian-government-forces",), names=("Syrian government forces",)
    )
    [article_clause] = build_filters(SearchParams(actors=(actor,)), ARTICLE_FIELDS)
    should = article_clause["bool"]["should"]
    assert {"terms": {"actor_ids": ["syrian-government-forces", "regime forces"]}} in should
    assert {"terms": {"actor_aliases.norm": ["regime forces", "Syrian government forces"]}} in should
    assert article_clause["bool"]["minimum_should_match"] == 1
    [event_clause] = build_filters(SearchParams(actors=(actor,)), EVENT_FIELDS)
    fields = {next(iter(c[next(iter(c))])) for c in event_clause["bool"]["should"]}
    assert fields == {"actor_ids", "actor_names.norm"}, "events carry no aliases field"


def test_repeated_values_of_one_filter_are_alternatives():
    params = SearchParams(countries=("SY", "UA"), event_types=("ASSAULT", "PROTEST"))
    filters = build_filters(params, EVENT_FIELDS)
    assert {"terms": {"countries": ["SY", "UA"]}} in filters
    assert {"terms": {"type": ["ASSAULT", "PROTEST"]}} in filters


def test_place_filter_uses_the_denormalised_hierarchy():
    params = SearchParams(places=(ResolvedEntity("Syria", ids=("geonames:163843",)),))
    [clause] = build_filters(params, EVENT_FIELDS)
    assert {"terms": {"place_ids": ["geonames:163843", "Syria"]}} in clause["bool"]["should"]
    assert {"term": {"place_names.norm": "Syria"}} in clause["bool"]["should"]


def test_dates_are_inclusive_days_on_the_right_field_per_index():
    params = SearchParams(date_from="2020-02-26", date_to="2020-02-26")
    [article_range] = build_filters(params, ARTICLE_FIELDS)
    [event_range] = build_filters(params, EVENT_FIELDS)
    assert article_range == {"range": {"published": {"gte": "2020-02-26||/d", "lte": "2020-02-26||/d"}}}
    assert event_range == {"range": {"date": {"gte": "2020-02-26||/d", "lte": "2020-02-26||/d"}}}


def test_geo_filters_use_locations_for_articles_and_location_for_events():
    near = SearchParams(near=GeoDistance(35.86, 36.80, "20km"))
    assert build_filters(near, ARTICLE_FIELDS) == [
        {"geo_distance": {"distance": "20km", "locations": {"lat": 35.86, "lon": 36.80}}}
    ]
    box = SearchParams(bbox=BoundingBox(min_lon=35.5, min_lat=35.0, max_lon=37.5, max_lat=36.5))
    assert build_filters(box, EVENT_FIELDS) == [
        {
            "geo_bounding_box": {
                "location": {
                    "top_left": {"lat": 36.5, "lon": 35.5},
                    "bottom_right": {"lat": 35.0, "lon": 37.5},
                }
            }
        }
    ]


def test_source_matches_normalised_and_language_is_lowercased():
    filters = build_filters(SearchParams(sources=("wire agency",), langs=("EN",)), ARTICLE_FIELDS)
    assert {"term": {"source.norm": "wire agency"}} in filters
    assert {"term": {"language": "en"}} in filters


def test_relevance_sort_needs_text_to_rank_by():
    assert SearchParams(q="strike").effective_sort() == "relevance"
    assert SearchParams(sort="relevance").effective_sort() == "-date"
    ranked = build_sort(SearchParams(q="strike"), ARTICLE_FIELDS)
    assert ranked[0] == {"_score": {"order": "desc"}} and ranked[-1] == {"id": {"order": "asc"}}
    oldest = build_sort(SearchParams(sort="date"), EVENT_FIELDS)
    assert oldest == [{"date": {"order": "asc", "missing": "_last"}}, {"id": {"order": "asc"}}]


def test_search_body_pages_with_search_after_and_point_in_time():
    body = build_search(
        SearchParams(q="strike", facets=("source",)),
        ARTICLE_FIELDS,
        size=21,
        search_after=[1.5, 1582761600000, "a-1"],
        pit={"id": "PIT", "keep_alive": "5m"},
    )
    assert body["size"] == 21
    assert body["search_after"] == [1.5, 1582761600000, "a-1"]
    assert body["pit"] == {"id": "PIT", "keep_alive": "5m"}
    assert body["track_total_hits"] is True
    assert "body" in body["_source"]["excludes"] and "entities" in body["_source"]["excludes"]
    assert body["highlight"]["encoder"] == "html"
    assert set(body["highlight"]["fields"]) == {"title", "body", "captions"}
    assert body["aggs"]["facet_source"] == {"terms": {"field": "source", "size": 10}}
    assert "highlight" not in build_search(SearchParams(), ARTICLE_FIELDS, size=5)


def test_facets_aggregate_on_the_fields_the_filters_use():
    aggs = build_facet_aggs(("actor", "place", "event_type", "country"), EVENT_FIELDS)
    assert aggs["facet_actor"]["terms"]["field"] == "actor_ids"
    assert aggs["facet_place"]["terms"]["field"] == "place_ids"
    assert aggs["facet_event_type"]["terms"]["field"] == "type"
    assert aggs["missing_country"] == {"missing": {"field": "countries"}}


def test_parse_facets_reports_buckets_other_and_missing():
    parsed = parse_facets(
        {
            "facet_source": {"buckets": [{"key": "A", "doc_count": 3}], "sum_other_doc_count": 2},
            "missing_source": {"doc_count": 1},
        },
        ("source",),
    )
    assert parsed == {
        "source": {
            "buckets": [{"value": "A", "count": 3}],
            "other": 2,
            "missing": 1,
            "approximate": False,
            "sample_probability": 1.0,
        }
    }


def test_facets_are_exact_up_to_the_limit_and_sampled_beyond_twice_it():
    assert facet_sample_probability(1_000, exact_limit=1_000) == 1.0
    assert facet_sample_probability(1_999, exact_limit=1_000) == 1.0
    assert facet_sample_probability(10_000, exact_limit=1_000) == pytest.approx(0.1)


def test_sampled_facets_run_in_a_seeded_random_sampler_and_parse_as_approximate():
    aggs = build_facet_aggs(("source",), EVENT_FIELDS, probability=0.1)
    sampler = aggs["facet_sample"]
    assert sampler["random_sampler"]["probability"] == 0.1 and "seed" in sampler["random_sampler"]
    assert sampler["aggs"]["facet_source"] == {"terms": {"field": "source", "size": 10}}
    assert "missing" not in sampler["aggs"]["missing_source"], "Elasticsearch cannot sample a missing agg"
    response = {
        "facet_sample": {
            "doc_count": 40,
            "meta": {"probability": 0.1},
            "facet_source": {"buckets": [{"key": "A", "doc_count": 310}], "sum_other_doc_count": 90},
            "missing_source": {"doc_count": 0},
        }
    }
    parsed = parse_facets(response, ("source",))["source"]
    assert parsed["approximate"] is True and parsed["sample_probability"] == 0.1
    assert parsed["buckets"] == [{"value": "A", "count": 310}] and parsed["other"] == 90


def test_timeline_fills_empty_buckets_only_between_explicit_bounds():
    bounded = build_timeline(
        SearchParams(date_from="2020-02-01", date_to="2020-02-29"),
        EVENT_FIELDS,
        interval="day",
        metric="events",
    )
    histogram = bounded["aggs"]["timeline"]["date_histogram"]
    assert histogram["field"] == "date" and histogram["calendar_interval"] == "day"
    assert histogram["min_doc_count"] == 0
    assert histogram["extended_bounds"] == {"min": "2020-02-01", "max": "2020-02-29"}
    open_ended = build_timeline(SearchParams(), ARTICLE_FIELDS, interval="month", metric="articles")
    assert open_ended["aggs"]["timeline"]["date_histogram"]["min_doc_count"] == 1
    assert open_ended["aggs"]["timeline"]["date_histogram"]["field"] == "published"
    too_long = build_timeline(
        SearchParams(date_from="1900-01-01", date_to="2020-01-01"),
        EVENT_FIELDS,
        interval="day",
        metric="events",
    )
    assert too_long["aggs"]["timeline"]["date_histogram"]["min_doc_count"] == 1
    fatalities = build_timeline(SearchParams(), EVENT_FIELDS, interval="week", metric="fatalities")
    assert fatalities["aggs"]["timeline"]["aggs"] == {"fatalities": {"sum": {"field": "fatalities"}}}
    with pytest.raises(ValueError):
        build_timeline(SearchParams(), EVENT_FIELDS, interval="hour", metric="events")


def test_parse_timeline_values_and_undated_add_up():
    response = {
        "hits": {"total": {"value": 6, "relation": "eq"}},
        "aggregations": {
            "timeline": {
                "buckets": [
                    {"key_as_string": "2020-02-26", "doc_count": 3, "fatalities": {"value": 7.0}},
                    {"key_as_string": "2020-02-27", "doc_count": 2, "fatalities": {"value": 0.0}},
                ]
            },
            "undated": {"doc_count": 1, "fatalities": {"value": 4.0}},
            "fatalities": {"value": 11.0},
        },
    }
    by_fatalities = parse_timeline(response, "fatalities")
    assert [b["value"] for b in by_fatalities["buckets"]] == [7, 0]
    assert (
        by_fatalities["total"]
        == 11
        == sum(b["value"] for b in by_fatalities["buckets"]) + by_fatalities["undated"]
    )
    by_count = parse_timeline(response, "events")
    assert by_count["total"] == 6 == sum(b["value"] for b in by_count["buckets"]) + by_count["undated"]


def test_prefix_pattern_matches_word_starts_ignoring_case():
    pattern = re.compile(prefix_include_pattern("reg"))
    assert pattern.fullmatch("Regime forces")
    assert pattern.fullmatch("Syrian regime forces")
    assert pattern.fullmatch("pro-regime militia")
    assert not pattern.fullmatch("Syrian army")
    assert not pattern.fullmatch("Aregime")
    dotted = re.compile(prefix_include_pattern("U.S"))
    assert dotted.fullmatch("U.S. forces") and not dotted.fullmatch("UAS forces")


def test_cursor_round_trip_and_tampering():
    cursor = Cursor(kind="events", fingerprint="abc", search_after=(1582675200000, "a:0"), pit_id="PIT==")
    token = encode_cursor(cursor)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token), "URL-safe without padding"
    assert decode_cursor(token, kind="events", fingerprint="abc") == cursor
    with pytest.raises(InvalidCursor, match="different query"):
        decode_cursor(token, kind="events", fingerprint="xyz")
    with pytest.raises(InvalidCursor, match="/v1/events"):
        decode_cursor(token, kind="articles", fingerprint="abc")
    for bad in ("not-a-cursor", token[:-3], "eyJ2IjoyfQ", "W10"):
        with pytest.raises(InvalidCursor):
            decode_cursor(bad, kind="events", fingerprint="abc")


def test_fingerprint_ignores_page_size_and_format_but_not_filters():
    base = {"q": "strike", "country": ["SY"], "limit": 20}
    assert query_fingerprint("events", base) == query_fingerprint(
        "events", {**base, "limit": 50, "format": "csv"}
    )
    assert query_fingerprint("events", base) != query_fingerprint("events", {**base, "country": ["UA"]})
    assert query_fingerprint("events", base) != query_fingerprint("articles", base)


def test_bodies_are_plain_json():
    body = build_search(SearchParams(q="x", places=(ResolvedEntity("Idlib"),)), EVENT_FIELDS, size=3)
    assert json.loads(json.dumps(body)) == body
