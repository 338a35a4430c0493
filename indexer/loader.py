"""Load articles into Elasticsearch: ``conflictwire index``, rebuilds, and the API's ingest.

The pipeline is a chain of generators — parse → extract → documents → bulk — working on batches of a few
hundred articles, so memory stays bounded whatever the input size. Re-running it is always safe:

- document ids are deterministic, so a re-ingest overwrites instead of duplicating;
- each article's stored ``content_hash`` is fetched (one ``mget`` per batch) before extraction, so an
  unchanged article is neither re-extracted nor rewritten;
- within a batch, an article's event documents (and deletions of its stale events) are sent before the
  article document itself. The article document is therefore the commit marker: if the process dies
  between the two, the article is missing and the next run writes it again.

A rebuild writes a new versioned index pair from the stored articles' text, swaps both aliases in one
``update_aliases`` call, and only then deletes the old pair, so searches keep answering throughout.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import re
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from elasticsearch import ApiError, Elasticsearch, helpers
from elasticsearch import ConnectionError as EsConnectionError
from elasticsearch import ConnectionTimeout as EsConnectionTimeout
from elasticsearch.serializer import JSONSerializer

from indexer import contract
from indexer.documents import (
    SOURCE_FIELDS,
    ArticleDocuments,
    build_documents,
    content_hash,
    source_record,
    utc_now,
)

if TYPE_CHECKING:
    from argparse import Namespace

    from indexer.parse import Article

log = logging.getLogger(__name__)

DEFAULT_BATCH_ARTICLES = 200
DEFAULT_BATCH_TEXT_CHARS = 16_000_000
DEFAULT_CHUNK_SIZE = 500
DEFAULT_MAX_CHUNK_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_RETRIES = 5
DEFAULT_DEAD_LETTER = ".data/dead-letter.jsonl"
RETRY_STATUSES = (429, 500, 502, 503, 504)
PROGRESS_LOG_SECONDS = 10.0
ALIAS_SWAP_GRACE_SECONDS = 1.0

CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"

Extractor = Callable[["Article"], Mapping[str, Any]]


# --- bulk ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkItem:
    """One action's outcome, as reported by Elasticsearch."""

    op: str
    index: str
    id: str
    ok: bool
    status: int
    result: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class EncodedDocuments:
    """An article's documents with each body already the JSON bytes a bulk request carries.

    Bulk helpers send bytes as they are, so encoding once — in the extraction worker — replaces both the
    size estimate and the client's own serialisation that a dict body costs the main process.
    """

    article_id: str
    article: bytes
    events: list[bytes]


@lru_cache(maxsize=1)
def _serializer() -> JSONSerializer:
    return JSONSerializer()


def encode_documents(documents: ArticleDocuments) -> EncodedDocuments:
    """The documents as the Elasticsearch client would serialise them (same encoder, same bytes)."""
    dumps = _serializer().dumps
    return EncodedDocuments(
        documents.article_id, dumps(documents.article), [dumps(event) for event in documents.events]
    )


def _body_bytes(body: Any) -> int:
    if body is None:
        return 0
    if isinstance(body, bytes):
        return len(body)
    return len(json.dumps(body, ensure_ascii=False).encode("utf-8"))


def _chunks(
    actions: Iterable[dict[str, Any]], chunk_size: int, max_chunk_bytes: int
) -> Iterator[list[dict[str, Any]]]:
    """Group actions into requests holding at most ``chunk_size`` actions and about ``max_chunk_bytes``."""
    chunk: list[dict[str, Any]] = []
    size = 0
    for action in actions:
        action_bytes = 64 + _body_bytes(action.get("_source"))
        if chunk and (len(chunk) >= chunk_size or size + action_bytes > max_chunk_bytes):
            yield chunk
            chunk, size = [], 0
        chunk.append(action)
        size += action_bytes
    if chunk:
        yield chunk


def _error_text(error: Any) -> str:
    if isinstance(error, dict):
        reason = error.get("reason") or ""
        caused = error.get("caused_by")
        if isinstance(caused, dict) and caused.get("reason"):
            reason = f"{reason}: {caused['reason']}"
        return f"{error.get('type', 'error')}: {reason}".strip()
    return str(error)


def bulk_documents(
    es: Elasticsearch,
    actions: Iterable[dict[str, Any]],
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    max_chunk_bytes: int = DEFAULT_MAX_CHUNK_BYTES,
    max_retries: int = DEFAULT_MAX_RETRIES,
    initial_backoff: float = 0.5,
    max_backoff: float = 30.0,
    refresh: bool | str | None = None,
) -> Iterator[BulkItem]:
    """Send bulk actions and yield one ``BulkItem`` per action; the one path every write takes.

    Requests are bounded by action count and bytes. Rejections with 429 or a 5xx — of a whole request or
    of single items — are retried by ``streaming_bulk`` with exponential backoff; timeouts and lost
    connections are retried here, resending the whole chunk, which is safe because every action names its
    ``_id``. A delete of a document that is already gone counts as success.
    """
    client = es.options(max_retries=0)
    extra = {"refresh": refresh} if refresh is not None else {}
    for chunk in _chunks(actions, chunk_size, max_chunk_bytes):
        for attempt in range(max_retries + 1):
            try:
                responses = list(
                    helpers.streaming_bulk(
                        client,
                        chunk,
                        chunk_size=len(chunk),
                        max_chunk_bytes=max_chunk_bytes * 2,
                        raise_on_error=False,
                        raise_on_exception=True,
                        max_retries=max_retries,
                        initial_backoff=initial_backoff,
                        max_backoff=max_backoff,
                        retry_on_status=RETRY_STATUSES,
                        **extra,
                    )
                )
                break
            except (EsConnectionError, EsConnectionTimeout) as error:
                if attempt == max_retries:
                    raise
                delay = min(max_backoff, initial_backoff * 2**attempt)
                log.warning("bulk request failed (%s); retrying in %.1f s", error, delay)
                time.sleep(delay)
        for ok, response in responses:
            op, info = next(iter(response.items()))
            status = int(info.get("status", 500))
            result = info.get("result")
            gone = op == "delete" and status == 404
            yield BulkItem(
                op=op,
                index=info.get("_index", ""),
                id=str(info.get("_id", "")),
                ok=bool(ok) or gone,
                status=status,
                result=result,
                error=None if ok or gone else _error_text(info.get("error")),
            )


def document_actions(
    documents: ArticleDocuments | EncodedDocuments,
    articles_index: str,
    events_index: str,
    *,
    previous_event_count: int = 0,
) -> list[dict[str, Any]]:
    """Bulk actions for one article: its events, deletions of events it no longer has, then the article.

    The order matters: the article document comes last so that it only exists once its events do.
    """
    article_id = documents.article_id
    actions: list[dict[str, Any]] = [
        {
            "_op_type": "index",
            "_index": events_index,
            "_id": doc["id"] if isinstance(doc, dict) else contract.event_doc_id(article_id, n),
            "_source": doc,
        }
        for n, doc in enumerate(documents.events)
    ]
    actions += [
        {"_op_type": "delete", "_index": events_index, "_id": contract.event_doc_id(documents.article_id, n)}
        for n in range(len(documents.events), previous_event_count)
    ]
    actions.append(
        {
            "_op_type": "index",
            "_index": articles_index,
            "_id": documents.article_id,
            "_source": documents.article,
        }
    )
    return actions


def _index_family(name: str) -> str:
    return re.sub(r"-v\d+$", "", name)


class ElasticsearchWriter:
    """Where a pipeline writes: articles and events indices (aliases, or concrete indices in a rebuild)."""

    json_sources = True  # document bodies may arrive as JSON bytes (see `EncodedDocuments`)

    def __init__(
        self,
        es: Elasticsearch,
        articles_index: str,
        events_index: str,
        *,
        check_existing: bool = True,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        max_chunk_bytes: int = DEFAULT_MAX_CHUNK_BYTES,
        refresh: bool | str | None = None,
    ) -> None:
        self.es = es
        self.articles_index = articles_index
        self.events_index = events_index
        self.check_existing = check_existing
        self.chunk_size = chunk_size
        self.max_chunk_bytes = max_chunk_bytes
        self.refresh = refresh
        self._articles_family = _index_family(articles_index)

    def existing(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Stored ``content_hash`` and ``event_count`` of those of ``ids`` already indexed (real-time get)."""
        if not self.check_existing or not ids:
            return {}
        response = self.es.mget(
            index=self.articles_index, ids=list(ids), source_includes=["content_hash", "event_count"]
        )
        return {doc["_id"]: doc.get("_source") or {} for doc in response["docs"] if doc.get("found")}

    def kind_of(self, item: BulkItem) -> str:
        return contract.ARTICLES if _index_family(item.index) == self._articles_family else contract.EVENTS

    def write(self, actions: Iterable[dict[str, Any]]) -> Iterator[BulkItem]:
        return bulk_documents(
            self.es,
            actions,
            chunk_size=self.chunk_size,
            max_chunk_bytes=self.max_chunk_bytes,
            refresh=self.refresh,
        )


# --- the pipeline ----------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What happened to one input record."""

    id: str | None
    status: str
    reason: str | None = None
    path: str | None = None
    line: int | None = None
    record: Any = None
    events: int = 0

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"id": self.id, "status": self.status}
        if self.status == REJECTED:
            result["reason"] = self.reason
        else:
            result["events"] = self.events
        return result


@dataclass
class SourceItem:
    """A parsed article (or the error that replaced it) with where it came from."""

    article: Article | None
    error: str | None = None
    path: str | None = None
    line: int | None = None
    record: Any = None
    ingested_at: str | None = None


def _article_record(article: Article) -> dict[str, Any]:
    return {name: getattr(article, name, None) for name in SOURCE_FIELDS}


def _read_line(path: str | None, line: int | None) -> str | None:
    """The raw text of one input line, for the dead-letter file when the parser could not keep it."""
    if not path or not line or path == "-" or not os.path.isfile(path):
        return None
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle, start=1):
                if number == line:
                    return text.rstrip("\n")
    except OSError:
        return None
    return None


def source_items(items: Iterable[Any]) -> Iterator[SourceItem]:
    """Wrap what ``parse.iter_articles`` yields (articles and ``ParseError``s) as ``SourceItem``s."""
    from indexer.parse import ParseError

    for item in items:
        if isinstance(item, ParseError):
            path, line = getattr(item, "path", None), getattr(item, "line", None)
            record = getattr(item, "record", None)
            if record is None:
                record = _read_line(path, line)
            yield SourceItem(
                None, error=getattr(item, "reason", None) or str(item), path=path, line=line, record=record
            )
        else:
            yield SourceItem(item, path=getattr(item, "path", None), line=getattr(item, "line", None))


def default_extractor() -> Extractor:
    """The real extractor, imported on first use so that importing the loader does not load gazetteers."""
    from indexer.extract import extract_article

    return extract_article


def _batches(items: Iterable[SourceItem], size: int, max_text_chars: int) -> Iterator[list[SourceItem]]:
    """Batches bounded by article count and by text size, in which no article id repeats, so that one
    batch's lookup of stored hashes and event counts is never made stale by a write in the same batch."""
    batch: list[SourceItem] = []
    ids: set[str] = set()
    text_chars = 0
    for item in items:
        article_id = item.article.id if item.article is not None else None
        item_chars = len(item.article.text) if item.article is not None else 0
        if batch and (
            len(batch) >= size
            or text_chars + item_chars > max_text_chars
            or (article_id is not None and article_id in ids)
        ):
            yield batch
            batch, ids, text_chars = [], set(), 0
        batch.append(item)
        text_chars += item_chars
        if article_id is not None:
            ids.add(article_id)
    if batch:
        yield batch


def _stored_int(value: Any) -> int:
    return value if isinstance(value, int) and value >= 0 else 0


@dataclass
class _BatchPlan:
    """A batch after lookup and extraction: the outcomes known so far and the actions still to send."""

    batch: list[SourceItem]
    outcomes: list[Outcome | None]
    planned: dict[str, tuple[int, Documents, int]]
    actions: list[dict[str, Any]]


ExtractionResult = tuple[Mapping[str, Any] | None, str | None]
Documents = ArticleDocuments | EncodedDocuments
BuildResult = tuple[Documents | None, str | None]
# (article, ingested_at, content digest, encode the bodies as JSON): a tuple, cheap to send to a worker.
BuildJob = tuple["Article", str | None, str, bool]
# Starts building a batch's documents and returns how to collect them, in order, once they are ready.
Builder = Callable[[list[BuildJob]], Callable[[], list[BuildResult]]]

_ARTICLES_PER_TASK = 8


def _safe_extract(extractor: Extractor, article: Article) -> ExtractionResult:
    """The extraction, or the reason it failed: one bad article must not stop the others."""
    try:
        return extractor(article), None
    except Exception as error:  # reported per article and sent to the dead letter, never swallowed
        log.debug("extraction failed for %s", article.id, exc_info=True)
        return None, f"extraction failed: {type(error).__name__}: {error}"


def _build(extractor: Extractor, job: BuildJob) -> BuildResult:
    """One article's documents, or why there are none. Extraction and the documents (and, when asked,
    their JSON) are made together so that all of this per-article work runs where extraction runs: in a
    worker process when there are workers, leaving the main process free to feed Elasticsearch."""
    article, ingested_at, digest, encode = job
    extraction, failure = _safe_extract(extractor, article)
    if failure is not None:
        return None, failure
    try:
        documents = build_documents(article, extraction, ingested_at=ingested_at, digest=digest)
        return (encode_documents(documents) if encode else documents), None
    except Exception as error:  # a malformed extraction rejects this article only
        log.debug("building documents failed for %s", article.id, exc_info=True)
        return None, f"extraction failed: {type(error).__name__}: {error}"


def _build_with_default(jobs: list[BuildJob]) -> list[BuildResult]:
    """Module-level, so worker processes can run it: the default extractor on a few articles."""
    from indexer.extract import extract_article

    return [_build(extract_article, job) for job in jobs]


def _in_process_builder(extractor: Extractor) -> Builder:
    """Build in this process, lazily: the work happens when the results are collected."""

    def start(jobs: list[BuildJob]) -> Callable[[], list[BuildResult]]:
        return lambda: [_build(extractor, job) for job in jobs]

    return start


@dataclass
class _StartedBatch:
    """A batch whose stored state has been looked up and whose documents are being built."""

    batch: list[SourceItem]
    ids: set[str]
    outcomes: list[Outcome | None]
    pending: list[tuple[int, int]]  # (position in the batch, stored event count) of each job
    results: Callable[[], list[BuildResult]]


def _start_batch(batch: list[SourceItem], writer: Any, start_build: Builder) -> _StartedBatch:
    outcomes: list[Outcome | None] = [None] * len(batch)
    ids = {item.article.id for item in batch if item.article is not None}
    stored = writer.existing([item.article.id for item in batch if item.article is not None])
    encode = bool(getattr(writer, "json_sources", False))
    pending: list[tuple[int, int]] = []
    jobs: list[BuildJob] = []
    for position, item in enumerate(batch):
        article = item.article
        if article is None:
            outcomes[position] = Outcome(
                None, REJECTED, item.error or "unreadable record", item.path, item.line, item.record
            )
            continue
        previous = stored.get(article.id)
        digest = content_hash(article)
        if previous is not None and previous.get("content_hash") == digest:
            outcomes[position] = Outcome(
                article.id, UNCHANGED, events=_stored_int(previous.get("event_count"))
            )
            continue
        pending.append((position, _stored_int(previous.get("event_count")) if previous else 0))
        jobs.append((article, item.ingested_at, digest, encode))
    return _StartedBatch(batch, ids, outcomes, pending, start_build(jobs))


def _finish_batch(started: _StartedBatch, writer: Any) -> _BatchPlan:
    batch, outcomes = started.batch, started.outcomes
    planned: dict[str, tuple[int, Documents, int]] = {}
    actions: list[dict[str, Any]] = []
    for (position, previous_events), (documents, failure) in zip(
        started.pending, started.results(), strict=True
    ):
        item = batch[position]
        article = item.article
        if documents is None:
            outcomes[position] = Outcome(
                article.id, REJECTED, failure, item.path, item.line, item.record or _article_record(article)
            )
            continue
        planned[article.id] = (position, documents, previous_events)
        actions += document_actions(
            documents, writer.articles_index, writer.events_index, previous_event_count=previous_events
        )
    return _BatchPlan(batch, outcomes, planned, actions)


def _commit_batch(plan: _BatchPlan, writer: Any) -> list[Outcome]:
    batch, outcomes, planned = plan.batch, plan.outcomes, plan.planned
    article_results: dict[str, BulkItem] = {}
    failures: dict[str, str] = {}
    for result in writer.write(plan.actions):
        if writer.kind_of(result) == contract.ARTICLES:
            article_id = result.id
            article_results[article_id] = result
        else:
            article_id = result.id.rsplit(":", 1)[0]
        if not result.ok:
            failures.setdefault(article_id, f"{result.op} {result.id}: {result.error}")

    cleanup: list[dict[str, Any]] = []
    for article_id, (position, documents, previous_events) in planned.items():
        item = batch[position]
        article_result = article_results.get(article_id)
        if article_id in failures or article_result is None:
            reason = failures.get(article_id, "no response for the article document")
            outcomes[position] = Outcome(
                article_id,
                REJECTED,
                reason,
                item.path,
                item.line,
                item.record or _article_record(item.article),
            )
            if article_result is not None and article_result.ok:
                cleanup += _delete_actions(writer, article_id, max(len(documents.events), previous_events))
            continue
        status = CREATED if article_result.result == "created" else UPDATED
        outcomes[position] = Outcome(article_id, status, events=len(documents.events))
    if cleanup:
        # An article whose events did not all land must not look complete (its hash would make the next run
        # skip it), so it is removed; the dead letter keeps the record for a retry.
        for result in writer.write(cleanup):
            if not result.ok:
                log.error("could not remove half-written %s %s: %s", result.op, result.id, result.error)
    return [outcome for outcome in outcomes if outcome is not None]


def _delete_actions(writer: Any, article_id: str, event_count: int) -> list[dict[str, Any]]:
    actions = [
        {"_op_type": "delete", "_index": writer.events_index, "_id": contract.event_doc_id(article_id, n)}
        for n in range(event_count)
    ]
    actions.append({"_op_type": "delete", "_index": writer.articles_index, "_id": article_id})
    return actions


def run_pipeline(
    items: Iterable[SourceItem],
    writer: Any,
    *,
    extractor: Extractor | None = None,
    batch_articles: int = DEFAULT_BATCH_ARTICLES,
    batch_text_chars: int = DEFAULT_BATCH_TEXT_CHARS,
    overlap: bool = True,
    on_batch: Callable[[], None] | None = None,
    workers: int = 1,
) -> Iterator[Outcome]:
    """Yield one ``Outcome`` per input item, in input order, writing through ``writer`` batch by batch.

    With ``overlap``, one batch's bulk requests run in a background thread while the next batch is
    extracted, so the CPU-bound extraction does not sit idle waiting on Elasticsearch. Writes still happen
    one batch at a time and in order; a batch sharing an article id with a batch not yet written waits for
    it, so its lookup of stored hashes sees that write.

    ``writer`` needs ``articles_index``, ``events_index``, ``existing(ids)``, ``write(actions)`` and
    ``kind_of(item)``: ``ElasticsearchWriter`` in production, an in-memory stand-in in unit tests. A writer
    with a true ``json_sources`` receives document bodies already encoded as JSON bytes.
    ``on_batch`` is called once the consumer has taken all of a batch's outcomes (progress reporting).

    With ``workers`` > 1 (and the default extractor), extraction — the pipeline's bottleneck — runs in that
    many processes, forked once the extractor has loaded its lexicons, so they start warm and share them.
    The workers also build and encode the documents, and the next batch is queued to them before the
    current one is collected, so they never wait for the main process between batches.
    """
    batch_done = on_batch or (lambda: None)
    batches = _batches(items, batch_articles, batch_text_chars)
    with _extraction_pool(workers if extractor is None else 1) as pooled:
        if pooled is None and extractor is None:
            from indexer.extract import warm_up

            warm_up()
        start_build = pooled or _in_process_builder(extractor or default_extractor())
        lookahead = 1 if pooled is not None else 0
        yield from _run_batches(batches, writer, start_build, lookahead, overlap, batch_done)


@contextmanager
def _extraction_pool(workers: int) -> Iterator[Builder | None]:
    """A process pool building documents with the default extractor, or None to build in this process.

    The pool is started before any other thread exists in this pipeline (forking a threaded process is
    unsafe), after the lexicons are loaded here, so every worker inherits them instead of loading its own.
    Work is sent in small tasks so that both workers stay busy to the end of a batch.
    """
    if workers <= 1:
        yield None
        return
    from indexer.extract import warm_up

    warm_up()
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_exit_with_parent, initargs=(os.getpid(),)
    )
    try:
        list(pool.map(_noop, range(workers)))

        def start(jobs: list[BuildJob]) -> Callable[[], list[BuildResult]]:
            size = max(1, min(_ARTICLES_PER_TASK, len(jobs) // workers))
            futures = [
                pool.submit(_build_with_default, jobs[first : first + size])
                for first in range(0, len(jobs), size)
            ]
            return lambda: [result for future in futures for result in future.result()]

        yield start
    finally:
        # A consumer that stops early must not wait for batches queued ahead of it.
        pool.shutdown(wait=True, cancel_futures=True)


def _exit_with_parent(parent: int) -> None:
    """Make this worker leave when its indexer is gone.

    A killed indexer (SIGKILL, the OOM killer) cannot shut its pool down, and its workers would wait on
    their queue for ever; a daemon thread notices the new parent and ends the worker."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-indexer", daemon=True).start()


def _noop(_: int) -> None:
    return None


def _run_batches(
    batches: Iterable[list[SourceItem]],
    writer: Any,
    start_build: Builder,
    lookahead: int,
    overlap: bool,
    batch_done: Callable[[], None],
) -> Iterator[Outcome]:
    """Start each batch (lookup, then building), keep up to ``lookahead`` more started behind the oldest,
    and commit batches in order, the bulk requests of one overlapping the building of the next."""
    if not overlap:
        for batch in batches:
            yield from _commit_batch(_finish_batch(_start_batch(batch, writer, start_build), writer), writer)
            batch_done()
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="conflictwire-bulk") as committer:
        started: deque[_StartedBatch] = deque()
        in_flight: Future[list[Outcome]] | None = None
        in_flight_ids: set[str] = set()

        def wait_in_flight() -> Iterator[Outcome]:
            nonlocal in_flight, in_flight_ids
            if in_flight is not None:
                yield from in_flight.result()
                batch_done()
            in_flight, in_flight_ids = None, set()

        def commit_oldest() -> Iterator[Outcome]:
            nonlocal in_flight, in_flight_ids
            oldest = started.popleft()
            plan = _finish_batch(oldest, writer)
            yield from wait_in_flight()
            in_flight, in_flight_ids = committer.submit(_commit_batch, plan, writer), oldest.ids

        for batch in batches:
            ids = {item.article.id for item in batch if item.article is not None}
            if ids & in_flight_ids or any(ids & other.ids for other in started):
                while started:
                    yield from commit_oldest()
                yield from wait_in_flight()
            started.append(_start_batch(batch, writer, start_build))
            if len(started) > lookahead:
                yield from commit_oldest()
        while started:
            yield from commit_oldest()
        yield from wait_in_flight()


# --- API entry points ------------------------------------------------------------------------------------


def ingest_records(
    es: Elasticsearch,
    records: Iterable[Mapping[str, Any]],
    *,
    prefix: str | None = None,
    refresh: bool | str | None = None,
    default_source: str | None = None,
    default_published: str | None = None,
    extractor: Extractor | None = None,
) -> list[dict[str, Any]]:
    """Ingest JSON records (as posted to ``POST /v1/articles``); one result per record, in order.

    Each result is ``{"id", "status", "events"}`` with status created, updated or unchanged, or
    ``{"id", "status": "rejected", "reason"}``. Pass ``refresh="wait_for"`` to return only once the
    articles are searchable. The indices are expected to exist (``contract.ensure_indices``).
    """
    from indexer.parse import ParseError, parse_record

    def parsed() -> Iterator[SourceItem]:
        for number, record in enumerate(records, start=1):
            if not isinstance(record, Mapping):
                yield SourceItem(None, error="record is not a JSON object", line=number, record=record)
                continue
            try:
                article = parse_record(
                    dict(record), default_source=default_source, default_published=default_published
                )
            except ParseError as error:
                yield SourceItem(None, error=error.reason, line=number, record=dict(record))
                continue
            yield SourceItem(article, line=number, record=dict(record))

    writer = ElasticsearchWriter(
        es, contract.articles_alias(prefix), contract.events_alias(prefix), refresh=refresh
    )
    results = []
    for outcome in run_pipeline(parsed(), writer, extractor=extractor):
        result = outcome.as_dict()
        if outcome.id is None and outcome.record is not None and isinstance(outcome.record, Mapping):
            result["id"] = outcome.record.get("id")
        results.append(result)
    return results


def delete_article(
    es: Elasticsearch, article_id: str, prefix: str | None = None, *, refresh: bool | str | None = None
) -> bool:
    """Remove an article and all its events; True when the article (or any event of it) existed.

    The events to delete are the numbered ids the article document records (visible in real time) plus
    whatever a search by ``article_id`` finds, which also catches events left over by an interrupted run.
    ``delete_by_query`` would be simpler but lives in Elasticsearch's reindex module, which some
    deployments (the local node among them) do not ship. Events go first, so an interruption never leaves
    events without their article.
    """
    articles, events = contract.articles_alias(prefix), contract.events_alias(prefix)
    stored = es.options(ignore_status=404).get(index=articles, id=article_id, source_includes=["event_count"])
    found = bool(stored.get("found"))
    event_ids = {
        contract.event_doc_id(article_id, n)
        for n in range(_stored_int((stored.get("_source") or {}).get("event_count")))
    }
    event_ids |= set(_event_ids_of(es, events, article_id))
    actions = [{"_op_type": "delete", "_index": events, "_id": event_id} for event_id in sorted(event_ids)]
    actions.append({"_op_type": "delete", "_index": articles, "_id": article_id})
    for item in bulk_documents(es, actions, refresh=refresh):
        if not item.ok:
            raise RuntimeError(f"could not delete {item.id}: {item.error}")
        if item.status == 200:
            found = True
    return found


def _event_ids_of(es: Elasticsearch, events_index: str, article_id: str) -> Iterator[str]:
    """Ids of the searchable event documents of one article, paged by the ``id`` keyword field."""
    after: list[Any] | None = None
    while True:
        page = es.search(
            index=events_index,
            query={"term": {"article_id": article_id}},
            sort=[{"id": "asc"}],
            size=500,
            source=False,
            search_after=after,
        )
        hits = page["hits"]["hits"]
        yield from (hit["_id"] for hit in hits)
        if len(hits) < 500:
            return
        after = hits[-1]["sort"]


# --- reporting -------------------------------------------------------------------------------------------


@dataclass
class Summary:
    """Counts for the final report, plus the rejection reasons grouped by their leading words."""

    read: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)

    def add(self, outcome: Outcome) -> None:
        self.read += 1
        self.statuses[outcome.status] += 1
        if outcome.status == REJECTED:
            self.reasons[_reason_group(outcome.reason or "")] += 1

    @property
    def rejected(self) -> int:
        return self.statuses[REJECTED]

    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.read / elapsed if elapsed > 0 else 0.0

    def lines(self, *, dry_run: bool = False) -> list[str]:
        elapsed = time.monotonic() - self.started
        if dry_run:
            counts = f"would index {self.statuses[CREATED]}"
        else:
            counts = (
                f"indexed {self.statuses[CREATED]}, updated {self.statuses[UPDATED]}, "
                f"unchanged {self.statuses[UNCHANGED]}"
            )
        lines = [
            f"read {self.read} records in {elapsed:.1f} s ({self.rate():.1f} articles/s): "
            f"{counts}, rejected {self.rejected}"
        ]
        lines += [f"  rejected {count}: {reason}" for reason, count in self.reasons.most_common(10)]
        return lines


def _reason_group(reason: str) -> str:
    """Collapse ids and numbers out of a reason so that similar rejections are counted together."""
    first = reason.split(": ", 2)
    head = ": ".join(first[:2]) if len(first) > 1 else reason
    return re.sub(r"\d+", "N", head)[:160]


class DeadLetter:
    """The JSONL file of rejected records, created (and emptied) only when the run rejects something."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._handle: Any = None
        self.count = 0

    def write(self, outcome: Outcome) -> None:
        if self.path is None:
            return
        if self._handle is None:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.path, "w", encoding="utf-8")
        entry = {
            "file": outcome.path,
            "line": outcome.line,
            "id": outcome.id,
            "reason": outcome.reason,
            "record": outcome.record,
        }
        self._handle.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
        self._handle.flush()
        self.count += 1

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


class Progress:
    """A tqdm bar (articles/s, ETA) on a terminal; otherwise a log line every few seconds, written between
    batches so that its counts are not caught halfway through a burst of outcomes."""

    def __init__(
        self,
        summary: Summary,
        total: int | None,
        *,
        description: str = "indexing",
        interactive: bool | None = None,
    ) -> None:
        self.summary = summary
        self.total = total
        self.description = description
        self._bar = None
        if sys.stderr.isatty() if interactive is None else interactive:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=description, unit=" articles", dynamic_ncols=True)
        self._started = time.monotonic()
        self._last_log = self._started

    def set_total(self, total: int | None) -> None:
        self.total = total
        if self._bar is not None:
            self._bar.total = total
            self._bar.refresh()

    def update(self) -> None:
        if self._bar is not None:
            self._bar.update(1)

    def batch_done(self) -> None:
        now = time.monotonic()
        if self._bar is not None or now - self._last_log < PROGRESS_LOG_SECONDS:
            return
        self._last_log = now
        count = self.summary.read
        rate = count / (now - self._started)
        eta = ""
        if self.total and rate > 0:
            eta = f", ETA {max(0.0, (self.total - count) / rate):.0f} s"
        log.info(
            "%s: %d%s articles, %.1f articles/s%s, rejected %d",
            self.description,
            count,
            f"/{self.total}" if self.total else "",
            rate,
            eta,
            self.summary.rejected,
        )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def estimate_total(paths: Sequence[str]) -> int | None:
    """Roughly how many articles the paths hold (JSONL lines, one per HTML/text file), or None if unknown.

    Used only for the ETA; counting lines is a fast byte scan compared with extraction.
    """
    from glob import glob

    total = 0
    for raw in paths:
        if raw == "-":
            return None
        candidates = glob(raw) if any(ch in raw for ch in "*?[") else [raw]
        for candidate in candidates:
            path = Path(candidate)
            files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
            for file in files:
                suffix = file.suffix.lower()
                if suffix in (".jsonl", ".ndjson"):
                    with open(file, "rb") as handle:
                        total += sum(
                            chunk.count(b"\n") for chunk in iter(lambda h=handle: h.read(1 << 20), b"")
                        )
                elif suffix in (".html", ".htm", ".txt"):
                    total += 1
                elif suffix in (".json", ".xml", ".rss", ".atom"):
                    return None
    return total or None


# --- rebuild ---------------------------------------------------------------------------------------------


def _stored_items(
    es: Elasticsearch, index: str, query: Mapping[str, Any] | None = None
) -> Iterator[SourceItem]:
    """Articles re-parsed from their stored source fields, keeping their original ``ingested_at``."""
    from indexer.parse import ParseError, parse_record

    for hit in helpers.scan(
        es,
        index=index,
        query={"query": query or {"match_all": {}}},
        _source_includes=[*SOURCE_FIELDS, "ingested_at"],
        size=500,
        scroll="5m",
    ):
        document = hit["_source"]
        record = source_record(document)
        record.setdefault("id", hit["_id"])
        try:
            article = parse_record(record)
        except ParseError as error:
            yield SourceItem(None, error=f"stored article {hit['_id']}: {error.reason}", record=record)
            continue
        yield SourceItem(article, record=record, ingested_at=document.get("ingested_at"))


def rebuild(
    es: Elasticsearch,
    *,
    prefix: str | None = None,
    paths: Sequence[str] = (),
    default_source: str | None = None,
    default_published: str | None = None,
    extractor: Extractor | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_batch: Callable[[], None] | None = None,
) -> dict[str, str]:
    """Re-extract every stored article into a new index version, swap the aliases, delete the old version.

    Articles posted while the rebuild runs land in the old index; they are copied over after the new
    index is filled and once more after the swap. If any stored article cannot be re-extracted the new
    index is dropped and the aliases are left alone, because swapping would lose that article.
    Returns alias → new concrete index.
    """
    from indexer.parse import iter_articles

    report = on_outcome or (lambda outcome: None)
    old = contract.ensure_indices(es, prefix)
    old_articles = old[contract.articles_alias(prefix)]
    old_events = old[contract.events_alias(prefix)]
    new_articles = contract.create_versioned_index(es, contract.ARTICLES, prefix)
    new_events = contract.create_versioned_index(es, contract.EVENTS, prefix)
    extract = extractor or default_extractor()
    try:
        es.indices.put_settings(
            index=[new_articles, new_events], settings={"index": {"refresh_interval": "-1"}}
        )
        writer = ElasticsearchWriter(
            es, new_articles, new_events, check_existing=False, chunk_size=chunk_size
        )
        started = utc_now()
        # Whatever was written before `started` must be visible to the scan; later writes are copied after.
        es.indices.refresh(index=old_articles)
        failed = 0
        stored = _stored_items(es, old_articles)
        for outcome in run_pipeline(stored, writer, extractor=extract, on_batch=on_batch):
            failed += outcome.status == REJECTED
            report(outcome)
        if failed:
            raise RebuildError(
                f"{failed} stored article(s) could not be re-extracted; aliases left unchanged"
            )
        if paths:
            files = iter_articles(
                list(paths), default_source=default_source, default_published=default_published
            )
            writer.check_existing = True
            for outcome in run_pipeline(source_items(files), writer, extractor=extract, on_batch=on_batch):
                report(outcome)
        caught_up_at = utc_now()
        _copy_recent(es, old_articles, writer, started, extract)
        es.indices.put_settings(
            index=[new_articles, new_events],
            settings={"index": {"refresh_interval": contract.index_settings()["refresh_interval"]}},
        )
        es.indices.refresh(index=[new_articles, new_events])
    except BaseException:
        try:
            es.indices.delete(index=[new_articles, new_events])
        except (ApiError, EsConnectionError, EsConnectionTimeout) as cleanup_error:
            log.error("could not drop the unfinished %s and %s: %s", new_articles, new_events, cleanup_error)
        raise
    es.indices.update_aliases(
        actions=[
            {"remove": {"index": old_articles, "alias": contract.articles_alias(prefix)}},
            {"add": {"index": new_articles, "alias": contract.articles_alias(prefix)}},
            {"remove": {"index": old_events, "alias": contract.events_alias(prefix)}},
            {"add": {"index": new_events, "alias": contract.events_alias(prefix)}},
        ]
    )
    after_swap = ElasticsearchWriter(es, contract.articles_alias(prefix), contract.events_alias(prefix))
    _copy_recent(es, old_articles, after_swap, caught_up_at, extract)
    # Searches resolved against the old index just before the swap get a moment to finish.
    time.sleep(ALIAS_SWAP_GRACE_SECONDS)
    es.indices.delete(index=[old_articles, old_events])
    return {contract.articles_alias(prefix): new_articles, contract.events_alias(prefix): new_events}


class RebuildError(RuntimeError):
    """A rebuild that stopped before the alias swap; the live indices are untouched."""


def _copy_recent(
    es: Elasticsearch, old_index: str, writer: ElasticsearchWriter, since: str, extract: Extractor
) -> int:
    es.indices.refresh(index=old_index)
    recent = _stored_items(es, old_index, {"range": {"ingested_at": {"gte": since}}})
    copied = 0
    for outcome in run_pipeline(recent, writer, extractor=extract):
        copied += outcome.status in (CREATED, UPDATED)
        if outcome.status == REJECTED:
            log.error("article %s posted during the rebuild was not copied: %s", outcome.id, outcome.reason)
    if copied:
        log.info("copied %d article(s) written during the rebuild", copied)
    return copied


# --- command line ----------------------------------------------------------------------------------------


def _configure_logging() -> None:
    if not logging.getLogger().handlers:
        level = os.environ.get("CONFLICTWIRE_LOG_LEVEL", "INFO").upper()
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
        # The transport logs every request at INFO; progress lines are what a user wants to see.
        logging.getLogger("elastic_transport").setLevel(max(logging.WARNING, logging.getLogger().level))


def main(args: Namespace) -> int:
    """``conflictwire index``: exit 0 when every record was indexed, 1 when any was rejected, 2 on usage
    errors, 3 when Elasticsearch cannot be reached or refuses a request."""
    _configure_logging()
    paths: list[str] = list(args.paths)
    if not paths and not args.rebuild:
        print("conflictwire index: give at least one file, folder or glob (or - for stdin)", file=sys.stderr)
        return 2
    if args.chunk_size < 1:
        print("conflictwire index: --chunk-size must be at least 1", file=sys.stderr)
        return 2
    dead_letter_path = args.dead_letter or (None if args.dry_run else DEFAULT_DEAD_LETTER)
    dead_letter = DeadLetter(dead_letter_path)
    summary = Summary()

    def record(outcome: Outcome) -> None:
        summary.add(outcome)
        progress.update()
        if outcome.status == REJECTED:
            dead_letter.write(outcome)
            if outcome.path:
                log.warning("rejected %s:%s: %s", outcome.path, outcome.line, outcome.reason)
            else:
                log.warning("rejected %s: %s", outcome.id or "record", outcome.reason)

    progress = Progress(summary, estimate_total(paths) if paths else None)
    exit_code = 0
    try:
        if args.dry_run:
            _dry_run(paths, args, record, progress.batch_done)
        else:
            es = contract.es_client_from_env()
            if args.rebuild:
                alias = contract.articles_alias()
                if es.indices.exists_alias(name=alias):
                    progress.set_total(es.count(index=alias)["count"] + (progress.total or 0))
                swapped = rebuild(
                    es,
                    paths=paths,
                    default_source=args.source,
                    default_published=args.published,
                    chunk_size=args.chunk_size,
                    on_outcome=record,
                    on_batch=progress.batch_done,
                )
                for alias, index in swapped.items():
                    print(f"{alias} -> {index}")
            else:
                contract.ensure_indices(es)
                _index_paths(es, paths, args, record, progress.batch_done)
    except (EsConnectionError, EsConnectionTimeout) as error:
        print(f"conflictwire index: cannot reach Elasticsearch: {error}", file=sys.stderr)
        return 3
    except ApiError as error:
        print(f"conflictwire index: Elasticsearch refused a request: {error}", file=sys.stderr)
        return 3
    except RebuildError as error:
        print(f"conflictwire index: rebuild stopped: {error}", file=sys.stderr)
        exit_code = 1
    finally:
        progress.close()
        dead_letter.close()
    for line in summary.lines(dry_run=args.dry_run):
        print(line)
    if dead_letter.count:
        print(f"rejected records written to {dead_letter.path}")
    return 1 if summary.rejected else exit_code


def _index_paths(
    es: Elasticsearch,
    paths: list[str],
    args: Namespace,
    record: Callable[[Outcome], None],
    on_batch: Callable[[], None],
) -> None:
    from indexer.parse import iter_articles

    writer = ElasticsearchWriter(
        es, contract.articles_alias(), contract.events_alias(), chunk_size=args.chunk_size
    )
    items = source_items(iter_articles(paths, default_source=args.source, default_published=args.published))
    workers = args.workers if getattr(args, "workers", None) else (os.cpu_count() or 1)
    for outcome in run_pipeline(items, writer, on_batch=on_batch, workers=workers):
        record(outcome)


class _DryRunWriter:
    """Accepts every action without sending it, so a dry run exercises the whole pipeline but the network."""

    articles_index = "dry-run-articles"
    events_index = "dry-run-events"

    def existing(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        return {}

    def kind_of(self, item: BulkItem) -> str:
        return contract.ARTICLES if item.index == self.articles_index else contract.EVENTS

    def write(self, actions: Iterable[dict[str, Any]]) -> Iterator[BulkItem]:
        for action in actions:
            yield BulkItem(action["_op_type"], action["_index"], action["_id"], True, 201, "created")


def _dry_run(
    paths: list[str], args: Namespace, record: Callable[[Outcome], None], on_batch: Callable[[], None]
) -> None:
    from indexer.parse import iter_articles

    items = source_items(iter_articles(paths, default_source=args.source, default_published=args.published))
    for outcome in run_pipeline(items, _DryRunWriter(), on_batch=on_batch):
        record(outcome)
