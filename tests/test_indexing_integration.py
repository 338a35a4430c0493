"""`conflictwire index`, ingest and rebuild against the real node, each test in its own throwaway indices."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import ApiError, Elasticsearch

from indexer import contract, loader

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = REPO_ROOT / "data" / "sample" / "articles.jsonl"


def _drop_prefix(es: Elasticsearch, prefix: str) -> None:
    """Delete this prefix's indices and templates by exact name (the node refuses wildcard deletes)."""
    names = list(es.indices.get(index=f"{prefix}-*", expand_wildcards="all").body)
    if names:
        es.indices.delete(index=names)
    for kind in contract.KINDS:
        es.options(ignore_status=404).indices.delete_index_template(name=contract.template_name(kind, prefix))


@pytest.fixture
def prefix(es: Elasticsearch, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    value = f"cwtest-{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("CONFLICTWIRE_INDEX_PREFIX", value)
    yield value
    _drop_prefix(es, value)


def sample_path() -> Path:
    assert SAMPLE.is_file(), "the sample corpus data/sample/articles.jsonl is part of the repository"
    return SAMPLE


def line_count(path: Path) -> int:
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def run_index(prefix: str, *args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CONFLICTWIRE_INDEX_PREFIX": prefix}
    return subprocess.run(
        [sys.executable, "-m", "indexer.cli", "index", *args, "--dead-letter", str(tmp_path / "dead.jsonl")],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def counts(es: Elasticsearch, prefix: str) -> tuple[int, int]:
    es.indices.refresh(index=[contract.articles_alias(prefix), contract.events_alias(prefix)])
    return (
        es.count(index=contract.articles_alias(prefix))["count"],
        es.count(index=contract.events_alias(prefix))["count"],
    )


def stored_event_total(es: Elasticsearch, prefix: str) -> int:
    """The number of events the article documents say they have, which must equal the events index count."""
    response = es.search(
        index=contract.articles_alias(prefix), size=0, aggs={"events": {"sum": {"field": "event_count"}}}
    )
    return int(response["aggregations"]["events"]["value"])


def test_ingesting_the_sample_twice_leaves_the_same_counts(
    es: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    path = sample_path()
    expected = line_count(path)
    first = run_index(prefix, str(path), tmp_path=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert f"indexed {expected}," in first.stdout
    after_first = counts(es, prefix)
    assert after_first[0] == expected
    assert after_first[1] == stored_event_total(es, prefix)

    second = run_index(prefix, str(path), tmp_path=tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"indexed 0, updated 0, unchanged {expected}" in second.stdout
    assert counts(es, prefix) == after_first


def test_malformed_records_are_reported_and_the_rest_indexed(
    es: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    source = tmp_path / "batch.jsonl"
    good = [
        {
            "id": f"ok-{n}",
            "title": f"Clashes near Goma {n}",
            "text": f"Fighting was reported near Goma on day {n}.",
        }
        for n in range(3)
    ]
    lines = [json.dumps(good[0]), '{"id": "broken", "text": ', json.dumps(good[1]), json.dumps(good[2])]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_index(prefix, str(source), tmp_path=tmp_path)
    assert result.returncode == 1
    assert "rejected 1" in result.stdout
    assert counts(es, prefix)[0] == 3
    (entry,) = [json.loads(line) for line in (tmp_path / "dead.jsonl").read_text().splitlines()]
    assert entry["file"] == str(source) and entry["line"] == 2
    assert entry["reason"] and "broken" in json.dumps(entry["record"])


def _processes_reading(path: Path) -> list[int]:
    """Pids whose command line names `path` (Linux /proc; empty elsewhere)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if str(path).encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_a_killed_run_is_completed_exactly_by_the_next(
    es: Elasticsearch, prefix: str, tmp_path: Path
) -> None:
    total = 3000
    corpus = tmp_path / "generated.jsonl"
    towns = ["Goma", "Idlib", "Mogadishu", "Kharkiv", "Gao", "Marib"]
    with corpus.open("w", encoding="utf-8") as handle:
        for n in range(total):
            town = towns[n % len(towns)]
            record = {
                "id": f"gen-{n}",
                "title": f"Report {n} from {town}",
                "text": f"Protesters gathered in {town} on Monday. Police arrested {n % 7} people in {town}.",
                "published": "2021-03-0" + str(n % 9 + 1),
                "source": "Generated Wire",
            }
            handle.write(json.dumps(record) + "\n")
    env = {**os.environ, "CONFLICTWIRE_INDEX_PREFIX": prefix}
    command = [sys.executable, "-m", "indexer.cli", "index", str(corpus), "--chunk-size", "100"]
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 300
        alias = contract.articles_alias(prefix)
        written = 0
        while time.monotonic() < deadline and process.poll() is None:
            if es.indices.exists_alias(name=alias):
                try:
                    written = es.options(max_retries=0).count(index=alias)["count"]
                except ApiError as error:  # the index exists but its shard is still starting
                    if error.status_code != 503:
                        raise
                if written:
                    break
            time.sleep(0.05)
        assert process.poll() is None, "the indexer finished before it could be killed; use a larger corpus"
        assert written > 0
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    partial = counts(es, prefix)
    assert partial[0] < total
    deadline = time.monotonic() + 10
    while _processes_reading(corpus) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _processes_reading(corpus), "extraction workers outlived the killed indexer"

    result = run_index(prefix, str(corpus), tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    articles, events = counts(es, prefix)
    assert articles == total
    assert events == stored_event_total(es, prefix)
    ids = es.search(
        index=contract.events_alias(prefix),
        size=0,
        aggs={"articles": {"cardinality": {"field": "article_id"}}},
    )
    assert ids["aggregations"]["articles"]["value"] <= total


def test_search_answers_throughout_a_rebuild(es: Elasticsearch, prefix: str, tmp_path: Path) -> None:
    path = sample_path()
    assert run_index(prefix, str(path), tmp_path=tmp_path).returncode == 0
    before = counts(es, prefix)
    alias = contract.articles_alias(prefix)
    old_index = contract.alias_indices(es, alias)
    stop = threading.Event()
    failures: list[str] = []
    answered: list[int] = []

    def query_loop() -> None:
        client = contract.es_client_from_env(max_retries=0)  # a retried failure still counts
        while not stop.is_set():
            try:
                response = client.search(index=alias, query={"match_all": {}}, size=1, track_total_hits=True)
                answered.append(response["hits"]["total"]["value"])
            except Exception as error:  # every kind of failure counts against the rebuild
                failures.append(repr(error))
            time.sleep(0.01)
        client.close()

    thread = threading.Thread(target=query_loop, daemon=True)
    thread.start()
    try:
        swapped = loader.rebuild(es, prefix=prefix)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert failures == []
    assert len(answered) > 10
    assert set(answered) == {before[0]}, "every query during the rebuild saw the complete index"
    assert contract.alias_indices(es, alias) == [swapped[alias]] != old_index
    assert contract.index_version(swapped[alias]) == 2
    assert not es.indices.exists(index=old_index[0])
    articles, events = counts(es, prefix)
    assert articles == before[0]
    assert events == stored_event_total(es, prefix)


def test_posted_article_is_searchable_within_two_seconds(es: Elasticsearch, prefix: str) -> None:
    contract.ensure_indices(es, prefix)
    marker = f"zq{uuid.uuid4().hex[:8]}"
    record = {"title": f"Shelling reported {marker}", "text": f"Artillery hit the town {marker} overnight."}
    (result,) = loader.ingest_records(es, [record], prefix=prefix)
    started = time.monotonic()
    assert result["status"] == "created"
    found = 0
    while time.monotonic() - started < 2.0 and not found:
        found = es.count(index=contract.articles_alias(prefix), query={"match": {"body": marker}})["count"]
        time.sleep(0.1)
    assert found == 1


def _events_of(es: Elasticsearch, prefix: str, article_id: str) -> list[str]:
    es.indices.refresh(index=contract.events_alias(prefix))
    response = es.search(
        index=contract.events_alias(prefix),
        query={"term": {"article_id": article_id}},
        size=100,
        _source=False,
    )
    return sorted(hit["_id"] for hit in response["hits"]["hits"])


def _numbered_events(article: Any) -> dict[str, Any]:
    sentences = [s.strip() for s in article.text.split(".") if s.strip()]
    return {
        "actors": [],
        "people": [],
        "places": [],
        "events": [{"type": "ASSAULT", "sentence": s} for s in sentences],
    }


def test_reingest_with_fewer_events_deletes_the_stale_ones_and_delete_removes_all(
    es: Elasticsearch, prefix: str
) -> None:
    contract.ensure_indices(es, prefix)
    record = {"id": "x1", "title": "Strikes", "text": "One strike. Two strikes. Three strikes."}
    assert (
        loader.ingest_records(es, [record], prefix=prefix, extractor=_numbered_events)[0]["status"]
        == "created"
    )
    assert _events_of(es, prefix, "x1") == ["x1:0", "x1:1", "x1:2"]
    shorter = {**record, "text": "One strike."}
    assert (
        loader.ingest_records(es, [shorter], prefix=prefix, extractor=_numbered_events)[0]["status"]
        == "updated"
    )
    assert _events_of(es, prefix, "x1") == ["x1:0"]
    assert loader.delete_article(es, "x1", prefix, refresh=True) is True
    assert _events_of(es, prefix, "x1") == []
    assert counts(es, prefix) == (0, 0)
    assert loader.delete_article(es, "x1", prefix) is False


def test_accents_fold_in_text_and_names(es: Elasticsearch, prefix: str) -> None:
    contract.ensure_indices(es, prefix)

    def with_person(article: Any) -> dict[str, Any]:
        return {"actors": [], "places": [], "events": [], "people": [{"name": "Recep Tayyip Erdoğan"}]}

    record = {
        "id": "f1",
        "title": "Erdoğan's warning",
        "text": "President Erdoğan warned Damascus on Friday.",
    }
    loader.ingest_records(es, [record], prefix=prefix, extractor=with_person, refresh="wait_for")
    alias = contract.articles_alias(prefix)
    assert es.count(index=alias, query={"match": {"body": "erdogan"}})["count"] == 1
    assert es.count(index=alias, query={"match": {"title": "Erdogan warnings"}})["count"] == 1
    assert es.count(index=alias, query={"term": {"people.norm": "recep tayyip erdogan"}})["count"] == 1


def test_articles_posted_during_a_rebuild_survive_the_swap(es: Elasticsearch, prefix: str) -> None:
    contract.ensure_indices(es, prefix)
    existing = [
        {"id": f"old-{n}", "title": f"Old {n}", "text": f"Clashes in Gao, report {n}."} for n in range(5)
    ]
    loader.ingest_records(es, existing, prefix=prefix, extractor=_numbered_events, refresh="wait_for")
    posted: list[dict[str, Any]] = []

    def post_once(outcome: loader.Outcome) -> None:
        if not posted:
            # Lands in the old index: the rebuild is still filling the new one behind the scenes.
            record = {
                "id": "during",
                "title": "Posted mid-rebuild",
                "text": "Aid convoy reached Gao. Talks resumed.",
            }
            posted.extend(loader.ingest_records(es, [record], prefix=prefix, extractor=_numbered_events))

    loader.rebuild(es, prefix=prefix, extractor=_numbered_events, on_outcome=post_once)
    assert posted == [{"id": "during", "status": "created", "events": 2}]
    assert counts(es, prefix) == (6, 7)
    assert _events_of(es, prefix, "during") == ["during:0", "during:1"]
