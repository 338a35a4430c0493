"""The index contract without Elasticsearch: names, templates, ids, client configuration, installation."""

from __future__ import annotations

from typing import Any

import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
from elasticsearch import ApiError

from indexer import contract


def test_names_follow_the_prefix_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONFLICTWIRE_INDEX_PREFIX", raising=False)
    assert contract.articles_alias() == "conflictwire-articles"
    assert contract.events_alias() == "conflictwire-events"
    monkeypatch.setenv("CONFLICTWIRE_INDEX_PREFIX", "cwtest-abc")
    assert contract.articles_alias() == "cwtest-abc-articles"
    assert contract.versioned_index_name(contract.EVENTS, 3) == "cwtest-abc-events-v3"
    assert contract.articles_alias("other") == "other-articles"


@pytest.mark.parametrize("prefix", ["", "Upper", "-dash", "has space", "a/b", "a*"])
def test_invalid_prefixes_are_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="invalid index prefix"):
        contract.index_prefix(prefix)


def test_index_version_is_read_back_from_a_name() -> None:
    assert contract.index_version("conflictwire-articles-v12") == 12
    assert contract.index_version("conflictwire-articles") is None


def test_template_matches_only_its_own_versions_and_carries_no_alias() -> None:
    template = contract.index_template(contract.ARTICLES, "cw")
    assert template["index_patterns"] == ["cw-articles-v*"]
    assert "aliases" not in template["template"]
    assert template["template"]["mappings"]["dynamic"] == "strict"


@pytest.mark.parametrize("kind", contract.KINDS)
def test_indices_are_stored_in_the_order_a_list_shows_without_a_query(kind: str) -> None:
    from api.query import FIELDS_BY_KIND, SearchParams, build_sort

    stored = contract.index_template(kind)["template"]["settings"]["sort"]
    shown = build_sort(SearchParams(), FIELDS_BY_KIND[kind])
    assert [next(iter(clause)) for clause in shown] == stored["field"]
    assert [next(iter(clause.values()))["order"] for clause in shown] == stored["order"]
    assert [next(iter(clause.values())).get("missing", "_last") for clause in shown] == stored["missing"]


def test_analyzer_folds_accents_before_stemming_and_avoids_the_builtin_english() -> None:
    analysis = contract.index_settings()["analysis"]
    chain = analysis["analyzer"]["english_folded"]["filter"]
    assert chain.index("asciifolding") < chain.index("porter_stem")
    assert chain.index("lowercase") < chain.index("asciifolding")
    assert analysis["normalizer"]["folded"]["filter"] == ["lowercase", "asciifolding"]
    mappings = [contract.index_mappings(kind) for kind in contract.KINDS]
    assert "'analyzer': 'english'" not in repr(mappings)


def _field(mapping: dict[str, Any], dotted: str) -> dict[str, Any]:
    node: dict[str, Any] = mapping
    for part in dotted.split("."):
        node = node["properties"][part]
    return node


ARTICLE_KEYWORDS = [
    *("id", "language", "actor_ids", "actor_types", "place_ids", "countries", "event_types"),
    *("event_modes", "acled_event_types", "acled_sub_event_types", "content_hash"),
]
ARTICLE_NAMES = ["actor_names", "people", "place_names", "source"]
EVENT_KEYWORDS = [
    *("id", "article_id", "type", "mode", "acled_event_type", "acled_sub_event_type"),
    *("date_precision", "place_ids", "countries", "actor_ids", "actor_types", "flags"),
]
EVENT_NAMES = ["place_names", "actor_names", "actor1.name", "actor2.name", "place.name"]


def test_article_mapping_has_the_fields_the_api_queries() -> None:
    mapping = contract.index_mappings(contract.ARTICLES)
    for name in ARTICLE_KEYWORDS:
        assert _field(mapping, name)["type"] == "keyword", name
    for name in ARTICLE_NAMES:
        field = _field(mapping, name)
        assert field["type"] == "keyword" and field["fields"]["norm"]["normalizer"] == "folded", name
    for name in ("title", "body", "captions"):
        assert _field(mapping, name)["analyzer"] == "english_folded"
    assert _field(mapping, "title")["fields"]["raw"]["type"] == "keyword"
    assert _field(mapping, "published")["type"] == "date"
    assert _field(mapping, "ingested_at")["type"] == "date"
    assert _field(mapping, "locations")["type"] == "geo_point"
    assert _field(mapping, "fatalities")["type"] == "integer"
    assert _field(mapping, "event_count")["type"] == "integer"
    for name in ("entities", "events"):
        assert _field(mapping, name)["enabled"] is False
    assert _field(mapping, "text").get("index") is False


def test_event_mapping_has_the_fields_the_api_queries() -> None:
    mapping = contract.index_mappings(contract.EVENTS)
    for name in EVENT_KEYWORDS:
        assert _field(mapping, name)["type"] == "keyword", name
    for name in EVENT_NAMES:
        assert _field(mapping, name)["fields"]["norm"]["normalizer"] == "folded", name
    for name in ("date", "published", "ingested_at"):
        assert _field(mapping, name)["type"] == "date"
    assert _field(mapping, "location")["type"] == "geo_point"
    assert _field(mapping, "place.location")["type"] == "geo_point"
    assert _field(mapping, "sentence")["analyzer"] == "english_folded"
    assert _field(mapping, "figures")["enabled"] is False
    for name in ("fatalities", "injured", "start", "end"):
        assert _field(mapping, name)["type"] == "integer"
    assert _field(mapping, "confidence")["type"] == "float"


def test_settings_are_fresh_copies() -> None:
    contract.index_settings()["analysis"]["analyzer"].clear()
    assert "english_folded" in contract.index_settings()["analysis"]["analyzer"]


def test_canonical_url_ignores_trivial_differences() -> None:
    variants = [
        "https://www.example.com/news/idlib-strike",
        "HTTPS://WWW.EXAMPLE.COM:443/news/idlib-strike/",
        "https://www.example.com/news/idlib-strike?utm_source=feed&fbclid=x#comments",
    ]
    assert len({contract.canonical_url(url) for url in variants}) == 1
    assert contract.canonical_url("https://e.com/a?b=2&a=1") == contract.canonical_url(
        "https://e.com/a?a=1&b=2"
    )
    assert contract.canonical_url("https://e.com/a?id=1") != contract.canonical_url("https://e.com/a?id=2")


def test_article_ids_prefer_record_id_then_url_then_content() -> None:
    assert contract.article_doc_id(record_id=" seed-1 ", url="https://e.com/x") == "seed-1"
    by_url = contract.article_doc_id(url="https://e.com/x", title="A")
    assert by_url == contract.article_doc_id(url="https://e.com/x/?utm_medium=rss", title="B")
    assert by_url.startswith("u-")
    by_text = contract.article_doc_id(source="AFP", title="Strike", text="Body")
    assert by_text.startswith("h-")
    assert by_text == contract.article_doc_id(source="AFP", title="Strike", text="Body")
    assert by_text != contract.article_doc_id(source="AFP", title="Strike", text="Body.")
    # Field boundaries matter: moving text between title and body is a different article.
    assert contract.article_doc_id(title="ab", text="c") != contract.article_doc_id(title="a", text="bc")


def test_article_id_needs_something_to_derive_from() -> None:
    with pytest.raises(ValueError):
        contract.article_doc_id()
    with pytest.raises(ValueError, match="longer than"):
        contract.article_doc_id(record_id="x" * 500)


def test_event_ids_number_within_their_article() -> None:
    assert contract.event_doc_id("u-abc", 0) == "u-abc:0"
    with pytest.raises(ValueError):
        contract.event_doc_id("u-abc", -1)


def test_client_from_environment() -> None:
    es = contract.es_client_from_env(
        {"ELASTICSEARCH_URL": "http://es.internal:9201", "ELASTICSEARCH_API_KEY": "k"}
    )
    assert [node.base_url for node in es.transport.node_pool.all()] == ["http://es.internal:9201"]
    assert es._headers["authorization"].startswith("ApiKey ")
    assert es._request_timeout <= 10 and es._retry_on_timeout is True
    basic = contract.es_client_from_env({"ELASTICSEARCH_USERNAME": "u", "ELASTICSEARCH_PASSWORD": "p"})
    assert basic._headers["authorization"].startswith("Basic ")
    assert [node.base_url for node in basic.transport.node_pool.all()] == ["http://127.0.0.1:9200"]
    with pytest.raises(ValueError, match="at most"):
        contract.es_client_from_env({}, request_timeout=60)


class _FakeIndices:
    """Just enough of ``es.indices`` to check what ensure_indices asks for."""

    def __init__(self, aliases: dict[str, str] | None = None, race: bool = False) -> None:
        self.aliases = dict(aliases or {})
        self.indices = set(self.aliases.values())
        self.templates: dict[str, dict[str, Any]] = {}
        self.calls: list[str] = []
        self.race = race

    def put_index_template(self, **body: Any) -> None:
        self.templates[body["name"]] = body

    def exists_alias(self, name: str) -> bool:
        return name in self.aliases

    def get_alias(self, name: str) -> Any:
        return type("Response", (), {"body": {self.aliases[name]: {"aliases": {name: {}}}}})()

    def exists(self, index: str) -> bool:
        return index in self.indices

    def create(self, index: str, aliases: dict[str, Any] | None = None, **_: Any) -> None:
        self.calls.append(f"create {index}")
        if self.race:
            # Another process created the same index (with its alias) a moment earlier.
            self.indices.add(index)
            for alias in aliases or {}:
                self.aliases[alias] = index
            meta = ApiResponseMeta(400, "1.1", HttpHeaders(), 0.0, NodeConfig("http", "localhost", 9200))
            body = {"error": {"type": "resource_already_exists_exception", "reason": "exists"}, "status": 400}
            raise ApiError("resource_already_exists_exception", meta, body)
        self.indices.add(index)
        for alias in aliases or {}:
            self.aliases[alias] = index

    def delete(self, **_: Any) -> None:
        raise AssertionError("ensure_indices must never delete")


class _FakeEs:
    def __init__(self, indices: _FakeIndices) -> None:
        self.indices = indices


def test_ensure_indices_creates_first_versions_behind_aliases() -> None:
    fake = _FakeIndices()
    resolved = contract.ensure_indices(_FakeEs(fake), prefix="cw")  # type: ignore[arg-type]
    assert resolved == {"cw-articles": "cw-articles-v1", "cw-events": "cw-events-v1"}
    assert set(fake.templates) == {"cw-articles-template", "cw-events-template"}
    again = contract.ensure_indices(_FakeEs(fake), prefix="cw")  # type: ignore[arg-type]
    assert again == resolved
    assert fake.calls == ["create cw-articles-v1", "create cw-events-v1"]


def test_ensure_indices_keeps_a_later_version_already_behind_the_alias() -> None:
    fake = _FakeIndices({"cw-articles": "cw-articles-v4", "cw-events": "cw-events-v2"})
    resolved = contract.ensure_indices(_FakeEs(fake), prefix="cw")  # type: ignore[arg-type]
    assert resolved == {"cw-articles": "cw-articles-v4", "cw-events": "cw-events-v2"}
    assert fake.calls == []


def test_ensure_indices_survives_losing_the_creation_race() -> None:
    fake = _FakeIndices(race=True)
    resolved = contract.ensure_indices(_FakeEs(fake), prefix="cw")  # type: ignore[arg-type]
    assert resolved == {"cw-articles": "cw-articles-v1", "cw-events": "cw-events-v1"}


def test_ensure_indices_refuses_a_concrete_index_named_like_the_alias() -> None:
    fake = _FakeIndices()
    fake.indices.add("cw-articles")
    with pytest.raises(RuntimeError, match="concrete index"):
        contract.ensure_indices(_FakeEs(fake), prefix="cw")  # type: ignore[arg-type]
