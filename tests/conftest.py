"""Shared fixtures. Integration tests talk to the real node named by ELASTICSEARCH_URL (default the local one).

When no node answers, integration tests are skipped on a developer machine and fail under CI=true, where
`make test` always starts one.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_EVAL = REPO_ROOT.parent / "shared" / "eval"


def _es_url() -> str:
    return os.environ.get("ELASTICSEARCH_URL", "http://127.0.0.1:9200")


@pytest.fixture(scope="session")
def es_url() -> str:
    return _es_url()


@pytest.fixture(scope="session")
def es(es_url):
    """A client for the real node; integration tests only."""
    from elasticsearch import Elasticsearch
    from elasticsearch import exceptions as es_exc

    client = Elasticsearch(es_url, request_timeout=30)
    try:
        client.info()
    except (es_exc.ConnectionError, es_exc.TransportError) as exc:
        client.close()
        if os.environ.get("CI") == "true":
            pytest.fail(f"no Elasticsearch at {es_url} under CI: {exc}")
        pytest.skip(f"no Elasticsearch at {es_url} (start one with `conflictwire es start`)")
    yield client
    client.close()


@pytest.fixture
def index_prefix(es):
    """A throwaway index prefix; every index under it is deleted afterwards."""
    prefix = f"cwtest-{uuid.uuid4().hex[:10]}"
    yield prefix
    es.options(ignore_status=404).indices.delete(index=f"{prefix}-*", expand_wildcards="all")
    es.options(ignore_status=404).indices.delete_index_template(name=f"{prefix}-*")


@pytest.fixture(scope="session")
def shared_eval() -> Path:
    if not (SHARED_EVAL / "dev").is_dir():
        pytest.skip("evaluation data ../shared/eval is absent")
    return SHARED_EVAL
