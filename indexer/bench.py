"""`conflictwire bench ingest|query|extract|all`: speed measured against a baseline in the same run.

This machine is shared and noisy, so absolute times drift; every figure is reported next to a baseline
measured minutes apart on the same corpus, and the ratio is the number to read:

- extract: the full extraction (parse, entities, events) against a plain tokenizer pass over the same text;
- ingest: end-to-end `index` (parse → extract → documents → bulk) against bulk-loading the very same
  documents, already extracted — the rate this Elasticsearch node can absorb;
- query: five classes of API request through gunicorn against the same Elasticsearch requests sent
  directly with the official client. "The same requests" is literal: the bench records every call the
  API's service layer makes for a request (name resolution, point in time, search) and the baseline
  replays that sequence, so the ratio measures what the HTTP layer adds, not a different query.

Each command prints a table and writes JSON to `--out` (default .data/bench). The corpus is generated
with `conflictwire generate` (seed 1) and cached under the output folder.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import re
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

CONCURRENCY = (1, 8, 32)
SECONDS_PER_CELL = float(os.environ.get("CONFLICTWIRE_BENCH_SECONDS", "4"))
TOKEN = re.compile(r"\w+")
# Characters of a priming record's text looked for in the timed articles (`shared_text`).
SHARED_TEXT_PROBE = 80


# --- corpus ---------------------------------------------------------------------------------------------


def corpus(out: Path, articles: int, seed: int = 1) -> Path:
    """A generated corpus of `articles` articles, reused when it already exists."""
    from indexer.generate import write_corpus

    folder = out / f"corpus-{articles}-seed{seed}"
    path = folder / "articles.jsonl"
    if not path.exists():
        write_corpus(folder, articles, seed)
    return path


def read_records(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    records = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                records.append(json.loads(line))
            if limit and len(records) >= limit:
                break
    return records


def cycled(records: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """`count` records, going round `records` again when there are fewer (a 40-article set timed long
    enough to read a CPU clock reliably)."""
    if not records:
        raise ValueError("no articles to time")
    return [records[i % len(records)] for i in range(count)]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def machine() -> dict[str, Any]:
    """The facts a figure depends on besides the code. The interpreter is named by the file it runs from
    (a venv's python resolves to it): builds of one CPython version differ by up to a quarter in speed,
    depending on whether they were compiled with profile-guided and link-time optimisation."""
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "python_executable": os.path.realpath(sys.executable),
        "host": platform.node(),
    }


def es_facts(es) -> dict[str, Any]:
    nodes = es.nodes.stats(metric="jvm")["nodes"]
    heaps = [n["jvm"]["mem"]["heap_max_in_bytes"] for n in nodes.values()]
    return {"es_version": es.info()["version"]["number"], "es_nodes": len(heaps), "es_heap_bytes": sum(heaps)}


# --- extract --------------------------------------------------------------------------------------------


def shared_text(prime: list[dict[str, Any]], records: list[dict[str, Any]]) -> list[str]:
    """Ids of the priming records whose text the timed articles contain (the same article, or one of its
    sentences published on its own): priming with them would time text the process has already met."""
    timed_ids = {r.get("id") for r in records}
    timed_text = "\n".join(sorted({r.get("text") or "" for r in records}))
    shared = []
    for record in prime:
        text = (record.get("text") or "").strip()
        if record.get("id") in timed_ids or text and text[:SHARED_TEXT_PROBE] in timed_text:
            shared.append(str(record.get("id")))
    return shared


def _prime(prime: list[dict[str, Any]]) -> dict[str, Any]:
    """Extract the priming records once, untimed by the caller's clock; empty records are skipped, as the
    indexer would skip them."""
    from indexer.extract import extract_article
    from indexer.parse import ParseError, parse_record

    started, unreadable = time.perf_counter(), 0
    for record in prime:
        try:
            extract_article(parse_record(dict(record)))
        except ParseError:
            unreadable += 1
    seconds = round(time.perf_counter() - started, 2)
    return {"records": len(prime) - unreadable, "unreadable": unreadable, "seconds": seconds}


def _timed_round(records: list[dict[str, Any]]) -> dict[str, float]:
    """CPU seconds of extracting `records` in this process, with the system seconds and minor page faults
    inside them: a page fault is the kernel's work on the process's behalf, e.g. copying a page shared with
    the parent of a fork at its first write."""
    from indexer.extract import extract_article
    from indexer.parse import parse_record

    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu = time.process_time()
    for record in records:
        extract_article(parse_record(dict(record)))
    cpu = time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "cpu": cpu,
        "system": after.ru_stime - before.ru_stime,
        "minor_faults": after.ru_minflt - before.ru_minflt,
    }


def _forked_first_round(records: list[dict[str, Any]]) -> dict[str, float]:
    """`_timed_round` of `records` in a child forked from this process, which has never met them.

    The child starts from this process's state (warmed up, primed) and pays for its first writes to the
    parent's pages (copy-on-write), which a long-running indexer does not: the figure errs slow, not fast,
    by the system time and page faults it reports."""
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, which reports through the pipe and exits
        os.close(reader)
        try:
            os.write(writer, json.dumps(_timed_round(records)).encode())
        except BaseException:
            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        reported = pipe.read()
    _, status = os.waitpid(child, 0)
    if status != 0 or not reported:
        raise RuntimeError("a forked first round failed (its traceback is above)")
    return json.loads(reported)


def _fresh_round(prime: list[dict[str, Any]], records: list[dict[str, Any]], report: Any) -> None:
    """Runs in a new interpreter (`_fresh_first_round`): warm up, prime, then time the first round."""
    from indexer.extract import warm_up

    warm_up()
    _prime(prime)
    report.send(_timed_round(records))
    report.close()


def _fresh_first_round(prime: list[dict[str, Any]], records: list[dict[str, Any]]) -> dict[str, float]:
    """`_timed_round` of `records` in a new interpreter, warmed up and primed with `prime` as this process
    was. Nothing is shared with a parent, so no page is copied at a first write: these rounds show what
    unseen articles cost a running indexer without the forked rounds' copy-on-write. Each one pays
    warm-up and priming again (about ten seconds) before its clock starts."""
    spawn = multiprocessing.get_context("spawn")
    receive, send = spawn.Pipe(duplex=False)
    child = spawn.Process(target=_fresh_round, args=(prime, records, send))
    child.start()
    send.close()
    try:
        reported = receive.recv()
    except EOFError:
        reported = None
    child.join()
    if child.exitcode != 0 or reported is None:
        raise RuntimeError("a first round in a new interpreter failed (its traceback is above)")
    return reported


def _rounds_summary(rounds: list[dict[str, float]], words: int) -> dict[str, Any]:
    """Articles per CPU-second at 600 words of each round (sorted), their median, and the median system
    seconds and minor page faults per round."""
    rates = sorted(round(words / r["cpu"] / 600, 1) for r in rounds)
    return {
        "rounds": len(rates),
        "articles_per_cpu_s_at_600_words": rates,
        "median": round(statistics.median(rates), 1),
        "median_system_seconds": round(statistics.median(r["system"] for r in rounds), 3),
        "median_minor_faults": round(statistics.median(r["minor_faults"] for r in rounds)),
    }


def bench_extract(
    records: list[dict[str, Any]],
    truth: Path | None = None,
    distinct: int | None = None,
    prime: list[dict[str, Any]] | None = None,
    fork_rounds: int = 0,
    fresh_rounds: int = 0,
) -> dict[str, Any]:
    """Articles/s of extraction vs a tokenizer pass; CPU time too, since the target is per core.

    With the corpus' `truth` file, the same extraction output is also scored against what the generator
    wrote into each article, so speed and quality are measured on the same text in the same run.

    When the records go round `distinct` articles more than once (`cycled`), the first round is also timed
    on its own: the extractors remember what they worked out for names and words they have met, so later
    rounds over the same text run warmer than a stream of new articles would.

    `prime` records are extracted once after warm-up and before the clock starts, as a running indexer
    has met other articles before these: the first round then measures unseen articles in a process past
    its start, not the first articles after start-up, which meet every name for the first time.

    One first round is a fraction of a second, and this machine's speed drifts by tens of percent between
    runs, so the first round can be timed again, each time from the same state and meeting the same
    articles for the first time: `fork_rounds` times in a child forked just before the clock starts
    (`_forked_first_round`, which pays copy-on-write), and `fresh_rounds` times in a new interpreter warmed up
    and primed the same way (`_fresh_first_round`, which does not). Each reports its rounds' median and
    spread, with the system time and page faults that tell the two apart."""
    from indexer.extract import extract_article, warm_up
    from indexer.parse import parse_record

    started = time.perf_counter()
    warm_up()
    warmup = time.perf_counter() - started
    primed = {"primed": _prime(prime)} if prime else {}

    wall = time.perf_counter()
    tokens = sum(len(TOKEN.findall(r.get("text") or "")) for r in records)
    base_wall = time.perf_counter() - wall
    words = sum(len((r.get("text") or "").split()) for r in records)

    first_round = distinct if distinct is not None and distinct < len(records) else None
    unseen = records[:first_round] if first_round else []
    forked = [_forked_first_round(unseen) for _ in range(fork_rounds)] if first_round else []
    fresh = [_fresh_first_round(prime or [], unseen) for _ in range(fresh_rounds)] if first_round else []
    wall, cpu = time.perf_counter(), time.process_time()
    events = 0
    outputs = []
    first_cpu = 0.0
    for number, record in enumerate(records, 1):
        output = extract_article(parse_record(dict(record)))
        events += len(output.get("events") or [])
        outputs.append(output)
        if number == first_round:
            first_cpu = time.process_time() - cpu
    full_wall, full_cpu = time.perf_counter() - wall, time.process_time() - cpu
    n = len(records)
    first = {}
    if first_round:
        first_words = sum(len((r.get("text") or "").split()) for r in unseen)
        first = {
            "first_round": {
                "articles": first_round,
                "articles_per_cpu_s_at_600_words": round(first_words / first_cpu / 600, 1),
            }
        }
        if forked:
            first["first_round"]["forked"] = _rounds_summary(forked, first_words)
        if fresh:
            first["first_round"]["fresh"] = _rounds_summary(fresh, first_words)
    quality = _quality_against_truth(outputs, truth) if truth is not None and truth.exists() else None
    return {
        "articles": n,
        "tokens": tokens,
        "tokens_per_article": round(tokens / n, 1),
        "tokens_per_cpu_s": round(tokens / full_cpu),
        "words_per_article": round(words / n, 1),
        # The speed target is stated for 600-word articles; cost grows about linearly with length.
        "articles_per_cpu_s_at_600_words": round(words / full_cpu / 600, 1),
        "events": events,
        "warmup_seconds": round(warmup, 2),
        **primed,
        "baseline_tokenizer_articles_per_s": round(n / base_wall, 1),
        "extract_articles_per_s": round(n / full_wall, 1),
        "extract_articles_per_cpu_s": round(n / full_cpu, 1),
        "ratio_extract_to_tokenizer": round(base_wall / full_wall, 5),
        **first,
        **({"quality_against_truth": quality} if quality is not None else {}),
    }


def _quality_against_truth(outputs: list[dict[str, Any]], truth: Path) -> dict[str, Any]:
    """`generate.score_against_truth` over the articles extracted (the truth file's first len(outputs))."""
    import tempfile

    from indexer.generate import score_against_truth

    with tempfile.TemporaryDirectory() as folder:
        extracted, wanted = Path(folder) / "extracted.jsonl", Path(folder) / "truth.jsonl"
        with extracted.open("w", encoding="utf-8") as handle:
            for output in outputs:
                handle.write(json.dumps(output, ensure_ascii=False) + "\n")
        ids = {str(output.get("id")) for output in outputs}
        with truth.open(encoding="utf-8") as source, wanted.open("w", encoding="utf-8") as target:
            for line in source:
                if not ids:
                    break
                if line.strip() and (key := str(json.loads(line).get("id"))) in ids:
                    ids.discard(key)
                    target.write(line)
        return score_against_truth(wanted, extracted)


# --- ingest ---------------------------------------------------------------------------------------------


def _drop(es, prefix: str) -> None:
    names = list(es.indices.get(index=f"{prefix}-*", expand_wildcards="all"))
    if names:
        es.indices.delete(index=",".join(names))
    templates = es.options(ignore_status=404).indices.get_index_template(name=f"{prefix}*")
    for template in templates.get("index_templates", []):
        es.indices.delete_index_template(name=template["name"])


def _es_cpu_seconds(es) -> float:
    """CPU time the Elasticsearch node(s) have used so far, as the nodes report it."""
    nodes = es.nodes.stats(metric="process")["nodes"]
    return sum(n["process"]["cpu"]["total_in_millis"] for n in nodes.values()) / 1000


def _client_cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the extraction workers, once joined)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def bench_ingest(es, path: Path, articles: int) -> dict[str, Any]:
    """End-to-end indexing vs raw bulk of the same pre-extracted documents, each into fresh indices.

    Both sides write through the same `ElasticsearchWriter` settings and the same `bulk_documents` path
    into indices created the same way. The raw side gets the documents already encoded as the JSON bytes
    the pipeline's workers produce, so it measures only what sending them costs: the stricter baseline.
    CPU seconds of the client (with its workers) and of Elasticsearch are reported for both sides, because
    on a shared machine they drift less than wall time.
    """
    from indexer import contract, loader
    from indexer.documents import build_documents
    from indexer.extract import extract_article, warm_up
    from indexer.parse import parse_record

    records = read_records(path, articles)
    workers = os.cpu_count() or 1  # as `conflictwire index` runs by default
    tag = uuid.uuid4().hex[:8]
    e2e_prefix, raw_prefix = f"cwbench-{tag}-e2e", f"cwbench-{tag}-raw"
    try:
        warm_up()  # load lexicons before the clock starts, as `conflictwire index` does
        contract.ensure_indices(es, e2e_prefix)
        writer = loader.ElasticsearchWriter(
            es, contract.articles_alias(e2e_prefix), contract.events_alias(e2e_prefix)
        )
        items = (loader.SourceItem(parse_record(dict(r))) for r in records)
        es_cpu, client_cpu, started = _es_cpu_seconds(es), _client_cpu_seconds(), time.perf_counter()
        statuses: dict[str, int] = {}
        for outcome in loader.run_pipeline(items, writer, workers=workers):
            statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
        e2e_seconds = time.perf_counter() - started
        e2e_cpu = {
            "client": _client_cpu_seconds() - client_cpu,
            "elasticsearch": _es_cpu_seconds(es) - es_cpu,
        }

        raw_writer = loader.ElasticsearchWriter(
            es, contract.articles_alias(raw_prefix), contract.events_alias(raw_prefix)
        )
        actions = []
        for record in records:
            article = parse_record(dict(record))
            documents = loader.encode_documents(build_documents(article, extract_article(article)))
            actions += loader.document_actions(documents, raw_writer.articles_index, raw_writer.events_index)
        contract.ensure_indices(es, raw_prefix)
        es_cpu, client_cpu, started = _es_cpu_seconds(es), _client_cpu_seconds(), time.perf_counter()
        failed = sum(not item.ok for item in raw_writer.write(actions))
        raw_seconds = time.perf_counter() - started
        raw_cpu = {
            "client": _client_cpu_seconds() - client_cpu,
            "elasticsearch": _es_cpu_seconds(es) - es_cpu,
        }
        es.indices.refresh(index=f"{e2e_prefix}-*")
        counts = {
            kind: es.count(index=contract.alias_name(kind, e2e_prefix))["count"]
            for kind in (contract.ARTICLES, contract.EVENTS)
        }
        n = len(records)
        return {
            "articles": n,
            "extraction_workers": workers,
            "statuses": statuses,
            "documents": counts,
            "raw_bulk_failures": failed,
            "end_to_end_articles_per_s": round(n / e2e_seconds, 1),
            "raw_bulk_articles_per_s": round(n / raw_seconds, 1),
            "ratio_end_to_end_to_raw": round(raw_seconds / e2e_seconds, 3),
            "cpu_ms_per_article": {
                "end_to_end": {k: round(v / n * 1000, 2) for k, v in e2e_cpu.items()},
                "raw_bulk": {k: round(v / n * 1000, 2) for k, v in raw_cpu.items()},
            },
        }
    finally:
        _drop(es, e2e_prefix)
        _drop(es, raw_prefix)


# --- query ----------------------------------------------------------------------------------------------

QUERY_CLASSES: dict[str, tuple[str, str, dict[str, Any]]] = {
    # name: (kind, path, arguments as the API validates them)
    "full_text": ("articles", "/v1/articles", {"q": '"air strike" | shelling', "limit": 20}),
    "filtered": (
        "events",
        "/v1/events",
        {
            "event_type": ["ASSAULT"],
            "country": ["SY"],
            "from": "2019-01-01",
            "to": "2023-12-31",
            "min_fatalities": 1,
            "sort": "-date",
            "limit": 20,
        },
    ),
    "faceted": (
        "events",
        "/v1/events",
        {
            "event_type": ["ASSAULT", "PROTEST"],
            "facets": ["actor", "place", "country", "event_type", "source"],
            "limit": 20,
        },
    ),
    "timeline": (
        "timeline",
        "/v1/stats/timeline",
        {"interval": "month", "metric": "events", "country": ["SY"]},
    ),
    "geo": ("events", "/v1/events", {"near": "36.20,37.16", "radius": "100km", "limit": 20}),
}


def _query_string(arguments: Mapping[str, Any]) -> str:
    from urllib.parse import urlencode

    pairs = []
    for key, value in arguments.items():
        for one in value if isinstance(value, list) else [value]:
            pairs.append((key, str(one)))
    return urlencode(pairs)


class _Recorder:
    """Stands in for the Elasticsearch client inside the API's service and notes every call it makes."""

    def __init__(self, es) -> None:
        self._es = es
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._es, name)
        if name in ("indices", "cluster"):
            return target

        def call(**kwargs: Any) -> Any:
            self.calls.append((name, json.loads(json.dumps(kwargs, default=str))))
            return target(**kwargs)

        return call


def _replayer(es, calls: list[tuple[str, dict[str, Any]]]) -> Callable[[], None]:
    """One raw request sequence: the recorded calls, with fresh point-in-time ids where they appear."""

    def run() -> None:
        pit = None
        for name, kwargs in calls:
            kwargs = json.loads(json.dumps(kwargs))
            if name == "open_point_in_time":
                pit = es.open_point_in_time(**kwargs)["id"]
                continue
            if name == "close_point_in_time":
                es.close_point_in_time(id=pit)
                continue
            body = kwargs.get("body")
            if isinstance(body, dict) and "pit" in body:
                body["pit"]["id"] = pit
            response = getattr(es, name)(**kwargs)
            pit = (response.body if hasattr(response, "body") else response).get("pit_id", pit)

    return run


def record_calls(es, prefix: str, cls: str) -> list[tuple[str, dict[str, Any]]]:
    """The Elasticsearch calls the API makes for one request of a class, taken from its own service.

    The request is made twice and the second one recorded: that is what a warm worker sends for every
    request of the benchmark (the first also fills the worker's label and name caches, a one-off)."""
    from api import create_app

    kind, path, arguments = QUERY_CLASSES[cls]
    recorder = _Recorder(es)
    app = create_app({"ES_CLIENT": recorder, "CONFLICTWIRE_INDEX_PREFIX": prefix, "RATELIMIT_ENABLED": False})
    with app.test_client() as client:
        for _ in range(2):
            recorder.calls.clear()
            response = client.get(f"{path}?{_query_string(arguments)}")
            if response.status_code != 200:
                raise RuntimeError(
                    f"{cls}: the API answered {response.status_code}: {response.get_data(as_text=True)}"
                )
    return recorder.calls


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _load(fn: Callable[[], None], clients: int, seconds: float) -> dict[str, Any]:
    """Run `fn` from `clients` threads for `seconds`; latency percentiles (ms) and throughput."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    stop_at = time.perf_counter() + seconds

    def worker(slot: int) -> None:
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                fn()
            except Exception:  # counted and reported: a benchmark must finish to say what failed
                errors[slot] += 1
                continue
            latencies[slot].append(time.perf_counter() - started)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    flat = [x * 1000 for slot in latencies for x in slot]
    return {
        "requests": len(flat),
        "errors": sum(errors),
        "p50_ms": round(percentile(flat, 50), 2),
        "p95_ms": round(percentile(flat, 95), 2),
        "p99_ms": round(percentile(flat, 99), 2),
        "mean_ms": round(statistics.fmean(flat), 2) if flat else None,
        "throughput_rps": round(len(flat) / elapsed, 1),
    }


def bench_query(
    es, path: Path | None, articles: int, seconds: float = SECONDS_PER_CELL, reuse_prefix: str | None = None
) -> dict[str, Any]:
    """With `reuse_prefix`, query indices already loaded (e.g. by `conflictwire index` at 100k articles)."""
    import urllib3

    from indexer import contract, loader

    prefix = reuse_prefix or f"cwbench-{uuid.uuid4().hex[:8]}-q"
    port = _free_port()
    server = None
    try:
        if reuse_prefix is None:
            from indexer.parse import parse_record

            contract.ensure_indices(es, prefix)
            writer = loader.ElasticsearchWriter(
                es, contract.articles_alias(prefix), contract.events_alias(prefix)
            )
            items = (loader.SourceItem(parse_record(r)) for r in read_records(path, articles))
            for _ in loader.run_pipeline(items, writer, workers=os.cpu_count() or 1):
                pass
            es.indices.refresh(index=f"{prefix}-*")
            es.indices.forcemerge(index=f"{prefix}-*", max_num_segments=1)
        counts = {k: es.count(index=contract.alias_name(k, prefix))["count"] for k in ("articles", "events")}

        env = {**os.environ, "CONFLICTWIRE_INDEX_PREFIX": prefix, "CONFLICTWIRE_RATE_LIMIT": "1000000/minute"}
        server = subprocess.Popen(
            [sys.executable, "-m", "indexer.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        http = urllib3.PoolManager(maxsize=max(CONCURRENCY), block=True)
        deadline = time.monotonic() + 180
        while True:
            try:
                if http.request("GET", f"http://127.0.0.1:{port}/health", timeout=2).status == 200:
                    break
            except urllib3.exceptions.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the API did not come up for the query benchmark")
            time.sleep(0.5)

        from elasticsearch import Elasticsearch

        from api.jsonio import es_serializer

        # The same client library, JSON codec and keep-alive pooling as the API's own client, so the
        # baseline does all the work the API must do for the same calls, and no more.
        serializer = es_serializer()
        raw_client = Elasticsearch(
            es.transport.node_pool.get().base_url,
            connections_per_node=max(CONCURRENCY),
            request_timeout=30,
            serializer=serializer,
        )
        results: dict[str, Any] = {}
        for cls, (_kind, api_path, arguments) in QUERY_CLASSES.items():
            calls = record_calls(es, prefix, cls)
            url = f"http://127.0.0.1:{port}{api_path}?{_query_string(arguments)}"

            def api_request(url: str = url) -> None:
                response = http.request("GET", url, timeout=30)
                if response.status != 200:
                    raise RuntimeError(response.status)
                serializer.loads(response.data)

            raw_request = _replayer(raw_client, calls)
            api_request()
            raw_request()
            row: dict[str, Any] = {"es_calls_per_request": [name for name, _ in calls]}
            for clients in CONCURRENCY:
                raw = _load(raw_request, clients, seconds)
                api = _load(api_request, clients, seconds)
                row[str(clients)] = {
                    "raw": raw,
                    "api": api,
                    "p50_ratio": round(api["p50_ms"] / raw["p50_ms"], 3) if raw["p50_ms"] else None,
                    "throughput_ratio": round(api["throughput_rps"] / raw["throughput_rps"], 3)
                    if raw["throughput_rps"]
                    else None,
                }
            results[cls] = row
        raw_client.close()
        return {
            "articles": counts["articles"],
            "documents": counts,
            "store_bytes": _store_bytes(es, prefix),
            "gunicorn_workers": 2,
            "classes": results,
        }
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if reuse_prefix is None:
            _drop(es, prefix)


def _store_bytes(es, prefix: str) -> dict[str, int]:
    """Primary store size on disk of each index family, for bytes per article and per event."""
    stats = es.indices.stats(index=f"{prefix}-*", metric="store")["indices"]
    sizes: dict[str, int] = {}
    for name, entry in stats.items():
        kind = "articles" if "-articles-" in name else "events"
        sizes[kind] = sizes.get(kind, 0) + entry["primaries"]["store"]["size_in_bytes"]
    return sizes


# --- reporting ------------------------------------------------------------------------------------------


def print_query_table(result: Mapping[str, Any]) -> None:
    print(f"query benchmark: {result['articles']} articles, {result['documents']}")
    print(
        f"{'class':10} {'clients':>7} {'raw p50':>8} {'api p50':>8} {'raw p95':>8} {'api p95':>8} "
        f"{'api p99':>8} {'raw rps':>8} {'api rps':>8} {'p50 x':>6} {'rps x':>6}"
    )
    for cls, row in result["classes"].items():
        for clients in CONCURRENCY:
            cell = row[str(clients)]
            raw, api = cell["raw"], cell["api"]
            print(
                f"{cls:10} {clients:>7} {raw['p50_ms']:>8} {api['p50_ms']:>8} {raw['p95_ms']:>8} "
                f"{api['p95_ms']:>8} {api['p99_ms']:>8} {raw['throughput_rps']:>8} {api['throughput_rps']:>8} "
                f"{cell['p50_ratio']:>6} {cell['throughput_ratio']:>6}"
            )


def _write(out: Path, name: str, result: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(result, indent=1, sort_keys=True))


def main(args: argparse.Namespace) -> int:
    out = Path(args.out)
    reuse = getattr(args, "prefix", None)
    given = Path(args.input) if getattr(args, "input", None) else None
    if given is not None and args.what != "extract":
        print("conflictwire bench: --input is for `bench extract` only", file=sys.stderr)
        return 2
    primers = [Path(p) for p in getattr(args, "prime", None) or ()]
    if primers and args.what != "extract":
        print("conflictwire bench: --prime is for `bench extract` only", file=sys.stderr)
        return 2
    repeats = {
        "--fork-rounds": getattr(args, "fork_rounds", 0) or 0,
        "--fresh-rounds": getattr(args, "fresh_rounds", 0) or 0,
    }
    for option, count in repeats.items():
        if count < 0:
            print(f"conflictwire bench: {option} must be 0 or more, not {count}", file=sys.stderr)
            return 2
        if count and (given is None or args.what != "extract"):
            print(f"conflictwire bench: {option} is for `bench extract --input` only", file=sys.stderr)
            return 2
    if repeats["--fork-rounds"] and not hasattr(os, "fork"):
        print("conflictwire bench: --fork-rounds needs os.fork, which this platform lacks", file=sys.stderr)
        return 2
    for file in ([given] if given is not None else []) + primers:
        if not file.is_file():
            print(f"conflictwire bench: {file}: no such file", file=sys.stderr)
            return 2
    path = None if (reuse and args.what == "query") or given else corpus(out, args.articles)
    what = ["extract", "ingest", "query"] if args.what == "all" else [args.what]
    facts = {"machine": machine(), "corpus": str(given or path)}
    es = None
    if any(w in ("ingest", "query") for w in what):
        from indexer.contract import es_client_from_env

        es = es_client_from_env()
        facts.update(es_facts(es))
    for name in what:
        if name == "extract":
            articles = (
                read_records(given) if given is not None else read_records(path, min(args.articles, 2000))
            )
            prime = [record for file in primers for record in read_records(file)]
            shared = shared_text(prime, articles)
            if shared:
                print(
                    f"conflictwire bench: {len(shared)} --prime records share text with the timed articles "
                    f"(first: {shared[0]}); priming with them would time text already met",
                    file=sys.stderr,
                )
                return 2
            if given is not None:
                records = cycled(articles, args.articles)
                result = {
                    **facts,
                    **bench_extract(
                        records,
                        distinct=len(articles),
                        prime=prime,
                        fork_rounds=repeats["--fork-rounds"],
                        fresh_rounds=repeats["--fresh-rounds"],
                    ),
                }
            else:
                result = {**facts, **bench_extract(articles, truth=path.parent / "truth.jsonl", prime=prime)}
            print(json.dumps(result, indent=1))
        elif name == "ingest":
            result = {**facts, **bench_ingest(es, path, args.articles)}
            print(json.dumps(result, indent=1))
        else:
            result = {**facts, **bench_query(es, path, args.articles, reuse_prefix=reuse)}
            print_query_table(result)
        _write(out, name, result)
    return 0


def iter_cells(result: Mapping[str, Any]) -> Iterator[tuple[str, int, Mapping[str, Any]]]:
    for cls, row in result["classes"].items():
        for clients in CONCURRENCY:
            yield cls, clients, row[str(clients)]
