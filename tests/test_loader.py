"""The loading pipeline without Elasticsearch: statuses, stale events, rejections, crash recovery, retries."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from elastic_transport import ApiResponseMeta, BaseNode, ConnectionTimeout, HttpHeaders
from elasticsearch import Elasticsearch

from indexer import contract, documents, loader
from indexer.loader import BulkItem, SourceItem, bulk_documents, document_actions, run_pipeline
from indexer.parse import Article, parse_record


def article(article_id: str, text: str, **fields: Any) -> Article:
    record = {
        "id": article_id,
        "title": f"Title {article_id}",
        "text": text,
        "published": "2020-02-27",
        **fields,
    }
    return parse_record(record)


def sentence_events(item: Article) -> dict[str, Any]:
    """A stand-in extractor: one PROTEST event per sentence, so tests control the event count via the text."""
    sentences = [s.strip() for s in item.text.split(".") if s.strip()]
    return {
        "id": item.id,
        "actors": [],
        "people": [],
        "places": [],
        "events": [{"type": "PROTEST", "sentence": s, "date": "2020-02-26"} for s in sentences],
    }


class MemoryWriter:
    """An in-memory index pair with Elasticsearch's bulk semantics for index and delete."""

    articles_index = "t-articles"
    events_index = "t-events"

    def __init__(self, fail_ids: Iterable[str] = (), crash_after: int | None = None) -> None:
        self.store: dict[str, dict[str, dict[str, Any]]] = {self.articles_index: {}, self.events_index: {}}
        self.fail_ids = set(fail_ids)
        self.crash_after = crash_after
        self.applied = 0
        self.lookups = 0

    def existing(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        self.lookups += 1
        articles = self.store[self.articles_index]
        return {i: {k: articles[i][k] for k in ("content_hash", "event_count")} for i in ids if i in articles}

    def kind_of(self, item: BulkItem) -> str:
        return contract.ARTICLES if item.index == self.articles_index else contract.EVENTS

    def write(self, actions: Iterable[dict[str, Any]]) -> Iterator[BulkItem]:
        for action in actions:
            if self.crash_after is not None and self.applied >= self.crash_after:
                raise KeyboardInterrupt("simulated kill")
            self.applied += 1
            index, doc_id, op = action["_index"], action["_id"], action["_op_type"]
            docs = self.store[index]
            if op == "delete":
                found = docs.pop(doc_id, None) is not None
                yield BulkItem(
                    op, index, doc_id, True, 200 if found else 404, "deleted" if found else "not_found"
                )
            elif doc_id in self.fail_ids:
                yield BulkItem(op, index, doc_id, False, 400, None, "document_parsing_exception: bad value")
            else:
                result = "updated" if doc_id in docs else "created"
                docs[doc_id] = action["_source"]
                yield BulkItem(op, index, doc_id, True, 201, result)

    def articles(self) -> dict[str, dict[str, Any]]:
        return self.store[self.articles_index]

    def events(self) -> dict[str, dict[str, Any]]:
        return self.store[self.events_index]


def run(items: Iterable[Article | SourceItem], writer: MemoryWriter, **kwargs: Any) -> list[loader.Outcome]:
    wrapped = [item if isinstance(item, SourceItem) else SourceItem(item) for item in items]
    return list(run_pipeline(wrapped, writer, extractor=kwargs.pop("extractor", sentence_events), **kwargs))


def corpus(n: int) -> list[Article]:
    return [article(f"art-{i}", ". ".join(f"Sentence {j}" for j in range(i % 4 + 1)) + ".") for i in range(n)]


def test_second_ingest_is_unchanged_and_not_re_extracted() -> None:
    writer = MemoryWriter()
    first = run(corpus(10), writer, batch_articles=3)
    assert [o.status for o in first] == ["created"] * 10
    counts = (len(writer.articles()), len(writer.events()))
    assert counts == (10, sum(i % 4 + 1 for i in range(10)))

    calls: list[str] = []

    def counting(item: Article) -> dict[str, Any]:
        calls.append(item.id)
        return sentence_events(item)

    second = run(corpus(10), writer, batch_articles=3, extractor=counting)
    assert [o.status for o in second] == ["unchanged"] * 10
    assert calls == []
    assert (len(writer.articles()), len(writer.events())) == counts


def test_a_load_after_an_extractor_upgrade_re_extracts_and_updates(monkeypatch: pytest.MonkeyPatch) -> None:
    # Analysts re-run loads after a fix: the new extractors' output must replace the old, not be skipped.
    writer = MemoryWriter()
    run(corpus(4), writer)
    monkeypatch.setattr(documents, "extraction_fingerprint", lambda: "a later release")
    calls: list[str] = []

    def counting(item: Article) -> dict[str, Any]:
        calls.append(item.id)
        return sentence_events(item)

    again = run(corpus(4), writer, extractor=counting)
    assert [o.status for o in again] == ["updated"] * 4
    assert sorted(calls) == [f"art-{i}" for i in range(4)]
    assert [o.status for o in run(corpus(4), writer)] == ["unchanged"] * 4


def test_updated_article_with_fewer_events_loses_its_stale_events() -> None:
    writer = MemoryWriter()
    run([article("a", "One. Two. Three.")], writer)
    assert sorted(writer.events()) == ["a:0", "a:1", "a:2"]
    (outcome,) = run([article("a", "Only one.")], writer)
    assert outcome.status == "updated" and outcome.events == 1
    assert sorted(writer.events()) == ["a:0"]
    assert writer.events()["a:0"]["sentence"] == "Only one"
    assert writer.articles()["a"]["event_count"] == 1


def test_duplicate_ids_within_one_input_are_written_in_order() -> None:
    writer = MemoryWriter()
    outcomes = run(
        [article("a", "One. Two. Three."), article("a", "One. Two. Three."), article("a", "Just one.")],
        writer,
    )
    assert [o.status for o in outcomes] == ["created", "unchanged", "updated"]
    assert sorted(writer.events()) == ["a:0"]


def test_unreadable_record_is_reported_with_file_and_line_and_others_are_indexed() -> None:
    writer = MemoryWriter()
    bad = SourceItem(None, error="invalid JSON: Expecting value", path="in.jsonl", line=2, record="{oops")
    outcomes = run([article("a", "One."), bad, article("b", "Two.")], writer)
    assert [o.status for o in outcomes] == ["created", "rejected", "created"]
    assert (outcomes[1].path, outcomes[1].line, outcomes[1].record) == ("in.jsonl", 2, "{oops")
    assert sorted(writer.articles()) == ["a", "b"]


def test_extraction_failure_rejects_only_that_article() -> None:
    def fragile(item: Article) -> dict[str, Any]:
        if item.id == "b":
            raise RuntimeError("gazetteer exploded")
        return sentence_events(item)

    writer = MemoryWriter()
    outcomes = run(
        [article("a", "One."), article("b", "Two."), article("c", "Three.")], writer, extractor=fragile
    )
    assert [o.status for o in outcomes] == ["created", "rejected", "created"]
    assert "RuntimeError: gazetteer exploded" in (outcomes[1].reason or "")
    assert outcomes[1].record["id"] == "b"
    assert sorted(writer.articles()) == ["a", "c"]


def test_article_whose_event_is_refused_is_rejected_and_not_left_half_written() -> None:
    writer = MemoryWriter(fail_ids={"b:1"})
    outcomes = run([article("a", "One. Two."), article("b", "One. Two. Three.")], writer)
    assert [o.status for o in outcomes] == ["created", "rejected"]
    assert "b:1" in (outcomes[1].reason or "") and "document_parsing_exception" in (outcomes[1].reason or "")
    assert sorted(writer.articles()) == ["a"]
    assert sorted(writer.events()) == ["a:0", "a:1"]


def test_actions_put_the_article_after_its_events_and_stale_deletes() -> None:
    from indexer.documents import build_documents

    item = article("a", "One. Two.")
    docs = build_documents(item, sentence_events(item))
    actions = document_actions(docs, "arts", "evts", previous_event_count=4)
    assert [(a["_op_type"], a["_index"], a["_id"]) for a in actions] == [
        ("index", "evts", "a:0"),
        ("index", "evts", "a:1"),
        ("delete", "evts", "a:2"),
        ("delete", "evts", "a:3"),
        ("index", "arts", "a"),
    ]


def test_a_run_killed_mid_write_is_completed_exactly_by_the_next_run() -> None:
    items = corpus(40)
    expected_events = sum(i % 4 + 1 for i in range(40))
    for crash_after in (1, 7, 33, 61):
        writer = MemoryWriter(crash_after=crash_after)
        with pytest.raises(KeyboardInterrupt):
            run(items, writer, batch_articles=8)
        # Anything that looks complete (an article document) really is: all its events are there.
        for article_id, doc in writer.articles().items():
            assert all(f"{article_id}:{n}" in writer.events() for n in range(doc["event_count"]))
        writer.crash_after = None
        outcomes = run(items, writer, batch_articles=8)
        assert {o.status for o in outcomes} <= {"created", "unchanged"}
        assert len(writer.articles()) == 40
        assert len(writer.events()) == expected_events


def test_ingest_records_reports_each_record(monkeypatch: pytest.MonkeyPatch) -> None:
    writer = MemoryWriter()
    monkeypatch.setattr(loader, "ElasticsearchWriter", lambda *args, **kwargs: writer)
    results = loader.ingest_records(
        None,  # type: ignore[arg-type]
        [{"id": "a", "title": "T", "text": "One. Two."}, {"id": "b", "title": "T"}, "not an object"],
        extractor=sentence_events,
    )
    assert results[0] == {"id": "a", "status": "created", "events": 2}
    assert results[1]["status"] == "rejected" and results[1]["id"] == "b" and results[1]["reason"]
    assert results[2]["status"] == "rejected" and results[2]["id"] is None
    again = loader.ingest_records(
        None, [{"id": "a", "title": "T", "text": "One. Two."}], extractor=sentence_events
    )  # type: ignore[arg-type]
    assert again == [{"id": "a", "status": "unchanged", "events": 2}]


# --- bulk_documents against a scripted HTTP node --------------------------------------------------------


class NodeApiResponse(NamedTuple):
    """The (meta, body) pair a transport node returns."""

    meta: ApiResponseMeta
    body: bytes


class ScriptedNode(BaseNode):
    """Answers ``_bulk`` like Elasticsearch would, after playing a script of failures."""

    script: list[Any] = []
    requests: list[list[dict[str, Any]]] = []

    def perform_request(self, method: str, target: str, body: bytes | None = None, headers: Any = None,
                        request_timeout: Any = None) -> NodeApiResponse:  # fmt: skip
        lines = [json.loads(line) for line in (body or b"").decode().splitlines() if line.strip()]
        actions = []
        while lines:
            header = lines.pop(0)
            op, meta = next(iter(header.items()))
            if op != "delete":
                lines.pop(0)
            actions.append((op, meta))
        type(self).requests.append([{"op": op, **meta} for op, meta in actions])
        step = type(self).script.pop(0) if type(self).script else None
        if isinstance(step, Exception):
            raise step
        if isinstance(step, int):
            return self._respond(step, {"error": {"type": "unavailable", "reason": "busy"}, "status": step})
        items = []
        for op, meta in actions:
            status, result = (201, "created") if op != "delete" else (404, "not_found")
            if callable(step):
                status, result = step(op, meta) or (status, result)
            item = {"_index": meta["_index"], "_id": meta["_id"], "status": status}
            if status >= 400 and status != 404:
                item["error"] = {"type": "es_rejected_execution_exception", "reason": "queue full"}
            else:
                item["result"] = result
            items.append({op: item})
        return self._respond(
            200, {"took": 1, "errors": any("error" in i[o] for i in items for o in i), "items": items}
        )

    def _respond(self, status: int, payload: dict[str, Any]) -> NodeApiResponse:
        headers = HttpHeaders({"x-elastic-product": "Elasticsearch", "content-type": "application/json"})
        meta = ApiResponseMeta(status, "1.1", headers, 0.001, self.config)
        return NodeApiResponse(meta, json.dumps(payload).encode())


@pytest.fixture
def scripted() -> Iterator[Elasticsearch]:
    ScriptedNode.script, ScriptedNode.requests = [], []
    client = Elasticsearch("http://scripted:9200", node_class=ScriptedNode, max_retries=0)
    yield client
    client.close()


def index_actions(n: int) -> list[dict[str, Any]]:
    return [{"_op_type": "index", "_index": "i", "_id": str(i), "_source": {"n": i}} for i in range(n)]


def test_bulk_requests_are_bounded_by_count_and_bytes(scripted: Elasticsearch) -> None:
    results = list(bulk_documents(scripted, index_actions(7), chunk_size=3))
    assert [len(r) for r in ScriptedNode.requests] == [3, 3, 1]
    assert all(item.ok for item in results) and len(results) == 7
    ScriptedNode.requests = []
    big = [
        {"_op_type": "index", "_index": "i", "_id": str(i), "_source": {"t": "x" * 1000}} for i in range(5)
    ]
    list(bulk_documents(scripted, big, chunk_size=100, max_chunk_bytes=2500))
    assert [len(r) for r in ScriptedNode.requests] == [2, 2, 1]


def test_bulk_retries_a_refused_request_and_a_timeout(scripted: Elasticsearch) -> None:
    ScriptedNode.script = [503, ConnectionTimeout("timed out"), 429]
    results = list(bulk_documents(scripted, index_actions(4), initial_backoff=0.001))
    assert all(item.ok for item in results) and len(results) == 4
    assert len(ScriptedNode.requests) == 4


def test_bulk_retries_only_the_items_that_were_throttled(scripted: Elasticsearch) -> None:
    ScriptedNode.script = [lambda op, meta: (429, None) if meta["_id"] == "2" else None]
    results = list(bulk_documents(scripted, index_actions(4), initial_backoff=0.001))
    assert sorted(item.id for item in results if item.ok) == ["0", "1", "2", "3"]
    assert [len(r) for r in ScriptedNode.requests] == [4, 1]


def test_bulk_gives_up_after_the_retries_and_reports_the_item(scripted: Elasticsearch) -> None:
    ScriptedNode.script = [lambda op, meta: (429, None) if meta["_id"] == "1" else None] * 10
    results = list(bulk_documents(scripted, index_actions(2), initial_backoff=0.001, max_retries=2))
    failed = [item for item in results if not item.ok]
    assert [(item.id, item.status) for item in failed] == [("1", 429)]
    assert "queue full" in (failed[0].error or "")


def test_deleting_an_already_deleted_document_is_not_an_error(scripted: Elasticsearch) -> None:
    (item,) = bulk_documents(scripted, [{"_op_type": "delete", "_index": "i", "_id": "gone"}])
    assert item.ok and item.status == 404


# --- the command ---------------------------------------------------------------------------------------


def index_args(paths: list[str], **overrides: Any) -> argparse.Namespace:
    values = {
        "paths": paths,
        "source": None,
        "published": None,
        "rebuild": False,
        "dry_run": True,
        "dead_letter": None,
        "chunk_size": 500,
    }
    values.update(overrides)
    return argparse.Namespace(**values)


def test_dry_run_reports_bad_lines_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    good = {"id": "g1", "title": "Protest in Khartoum", "text": "Protesters marched in Khartoum on Monday."}
    source.write_text(json.dumps(good) + "\n{not json\n" + json.dumps({**good, "id": "g2"}) + "\n")
    dead = tmp_path / "dead.jsonl"
    code = loader.main(index_args([str(source)], dead_letter=str(dead)))
    assert code == 1
    out = capsys.readouterr().out
    assert "read 3 records" in out and "would index 2" in out and "rejected 1" in out
    (entry,) = [json.loads(line) for line in dead.read_text().splitlines()]
    assert entry["file"] == str(source) and entry["line"] == 2 and entry["reason"]
    assert "{not json" in json.dumps(entry["record"])


def test_clean_dry_run_exits_zero_and_writes_no_dead_letter(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "g1", "title": "T", "text": "Troops deployed near Goma."}) + "\n")
    dead = tmp_path / "dead.jsonl"
    assert loader.main(index_args([str(source)], dead_letter=str(dead))) == 0
    assert not dead.exists()


def test_index_without_paths_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert loader.main(index_args([], dry_run=False)) == 2
    assert "at least one" in capsys.readouterr().err


def test_estimate_total_counts_jsonl_lines(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text("{}\n{}\n{}\n")
    (tmp_path / "b.html").write_text("<p>x</p>")
    assert loader.estimate_total([str(tmp_path)]) == 4
    assert loader.estimate_total(["-"]) is None


def test_batches_are_bounded_by_text_size_as_well_as_count() -> None:
    writer = MemoryWriter()
    items = [article(f"big-{n}", "x" * 1000 + ".") for n in range(5)]
    run(items, writer, batch_articles=100, batch_text_chars=2500)
    assert writer.lookups == 3
    assert len(writer.articles()) == 5


def test_progress_lines_report_whole_batches_with_an_eta(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(loader, "PROGRESS_LOG_SECONDS", 0.0)
    summary = loader.Summary()
    progress = loader.Progress(summary, 10, interactive=False)
    with caplog.at_level("INFO", logger="indexer.loader"):
        items = [SourceItem(item) for item in corpus(10)]
        outcomes = run_pipeline(
            items, MemoryWriter(), extractor=sentence_events, batch_articles=4, on_batch=progress.batch_done
        )
        for outcome in outcomes:
            summary.add(outcome)
            progress.update()
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("indexing:")]
    assert [line.split(" articles")[0] for line in lines] == [
        "indexing: 4/10",
        "indexing: 8/10",
        "indexing: 10/10",
    ]
    assert all("articles/s, ETA" in line for line in lines)


def test_extraction_in_worker_processes_matches_extraction_in_process() -> None:
    """`conflictwire index` extracts in one process per CPU; the documents must not depend on that."""
    sample = Path(__file__).resolve().parents[1] / "data" / "sample" / "articles.jsonl"
    records = [json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines()[:12]]
    records.append({"id": "no-text", "title": "Empty", "text": "   ", "published": "2020-02-27"})

    def items() -> list[SourceItem]:
        out = []
        for record in records:
            try:
                out.append(SourceItem(parse_record(record)))
            except ValueError as error:
                out.append(SourceItem(None, error=str(error), record=record))
        return out

    alone, pooled = MemoryWriter(), MemoryWriter()
    single = list(run_pipeline(items(), alone, workers=1))
    double = list(run_pipeline(items(), pooled, workers=2))
    assert [(o.id, o.status, o.events) for o in single] == [(o.id, o.status, o.events) for o in double]
    assert sum(o.status == loader.CREATED for o in double) == 12
    assert sum(o.events for o in double) > 12
    strip = lambda docs: {k: {f: v for f, v in d.items() if f != "ingested_at"} for k, d in docs.items()}  # noqa: E731
    assert strip(alone.articles()) == strip(pooled.articles())
    assert strip(alone.events()) == strip(pooled.events())


class JsonMemoryWriter(MemoryWriter):
    """A writer that takes bodies already encoded as JSON, as `ElasticsearchWriter` does."""

    json_sources = True

    def write(self, actions: Iterable[dict[str, Any]]) -> Iterator[BulkItem]:
        decoded = []
        for action in actions:
            if "_source" in action:
                assert isinstance(action["_source"], bytes)
                action = {**action, "_source": json.loads(action["_source"])}
            decoded.append(action)
        return super().write(decoded)


@pytest.mark.parametrize("workers", [1, 2])
def test_documents_encoded_where_they_are_built_are_the_documents(workers: int) -> None:
    sample = Path(__file__).resolve().parents[1] / "data" / "sample" / "articles.jsonl"
    records = [json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines()[:6]]
    plain, encoded = MemoryWriter(), JsonMemoryWriter()
    first = list(run_pipeline([SourceItem(parse_record(r)) for r in records], plain))
    second = list(run_pipeline([SourceItem(parse_record(r)) for r in records], encoded, workers=workers))
    assert [(o.id, o.status, o.events) for o in first] == [(o.id, o.status, o.events) for o in second]
    strip = lambda docs: {k: {f: v for f, v in d.items() if f != "ingested_at"} for k, d in docs.items()}  # noqa: E731
    assert strip(plain.articles()) == strip(encoded.articles())
    assert strip(plain.events()) == strip(encoded.events()) and plain.events()
    again = list(run_pipeline([SourceItem(parse_record(r)) for r in records], encoded, workers=workers))
    assert {o.status for o in again} == {loader.UNCHANGED}


def test_encoded_bodies_are_sent_as_they_are(scripted: Elasticsearch) -> None:
    body = json.dumps({"t": "x" * 1000}).encode()
    actions = [{"_op_type": "index", "_index": "i", "_id": str(i), "_source": body} for i in range(5)]
    results = list(bulk_documents(scripted, actions, chunk_size=100, max_chunk_bytes=2500))
    assert [len(r) for r in ScriptedNode.requests] == [2, 2, 1]
    assert all(item.ok for item in results)
