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
    drop_prefix(es, prefix)


def drop_prefix(es, prefix: str) -> None:
    """Delete every index and index template under a test prefix, by exact name.

    The local node sets action.destructive_requires_name, as production clusters should, so wildcard
    deletes are refused.
    """
    names = list(es.indices.get(index=f"{prefix}-*", expand_wildcards="all"))
    if names:
        es.indices.delete(index=",".join(names))
    found = es.options(ignore_status=404).indices.get_index_template(name=f"{prefix}*")
    templates = found.get("index_templates", [])
    for template in templates:
        es.indices.delete_index_template(name=template["name"])


@pytest.fixture(scope="session")
def shared_eval() -> Path:
    if not (SHARED_EVAL / "dev").is_dir():
        pytest.skip("evaluation data ../shared/eval is absent")
    return SHARED_EVAL
