"""The indexed corpus the API's integration tests (test_api_integration.py, test_sdk.py) query.

The sample corpus (data/sample/articles.jsonl) and, when ../shared/eval is present, the seed article are
ingested once per test session through the real pipeline (`indexer.loader.ingest_records`: parse →
extract → documents → bulk) into indices under a throwaway prefix, which is deleted when the session ends.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample" / "articles.jsonl"
SEED = REPO.parent / "shared" / "eval" / "dev" / "seed.input.jsonl"


@dataclass
class Corpus:
    prefix: str
    sample_ids: list[str]
    seed_ids: list[str] = field(default_factory=list)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _drop(es: Elasticsearch, prefix: str) -> None:
    """Delete the corpus's indices and templates by name (clusters refuse wildcard deletes by default)."""
    from indexer import contract

    try:
        names = list(es.indices.get(index=f"{prefix}-*", expand_wildcards="all").body)
        if names:
            es.indices.delete(index=names)
        for kind in contract.KINDS:
            es.options(ignore_status=404).indices.delete_index_template(
                name=contract.template_name(kind, prefix)
            )
    finally:
        es.close()


class _Session:
    """Holds the one corpus of this test process; built on first use."""

    corpus: Corpus | None = None
    lock = threading.Lock()


def shared_corpus(config: Any) -> Corpus:
    """Index the corpus once per session and schedule its deletion at the session's end.

    Uses a client of its own (from ELASTICSEARCH_URL), since the deletion runs after session fixtures,
    including conftest's `es`, have been torn down."""
    from indexer import contract
    from indexer.loader import ingest_records

    with _Session.lock:
        if _Session.corpus is not None:
            return _Session.corpus
        es = contract.es_client_from_env()
        prefix = f"cwtest-api-{uuid.uuid4().hex[:10]}"
        config.add_cleanup(lambda: _drop(es, prefix))
        contract.ensure_indices(es, prefix)
        sample = _read_jsonl(SAMPLE)
        results = ingest_records(es, sample, prefix=prefix, refresh="wait_for")
        rejected = [r for r in results if r["status"] == "rejected"]
        assert not rejected, f"sample articles rejected by the pipeline: {rejected}"
        seed_ids: list[str] = []
        if SEED.exists():
            seed_results = ingest_records(es, _read_jsonl(SEED), prefix=prefix, refresh="wait_for")
            seed_ids = [r["id"] for r in seed_results if r["status"] != "rejected"]
        es.indices.refresh(index=f"{prefix}-*")
        _Session.corpus = Corpus(prefix=prefix, sample_ids=[r["id"] for r in results], seed_ids=seed_ids)
        return _Session.corpus


@contextmanager
def live_server(app: Any) -> Iterator[str]:
    """Serve `app` over real HTTP on a free local port; yields the base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="api-under-test", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
