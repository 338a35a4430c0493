"""The local node is the real Elasticsearch 8.x, reachable by curl-style HTTP and by the official client."""

from __future__ import annotations

import json
import urllib.request

import pytest

from indexer import cli

pytestmark = pytest.mark.integration


def test_root_answers_as_elasticsearch_8(es, es_url):
    with urllib.request.urlopen(es_url + "/", timeout=10) as resp:
        assert resp.status == 200
        assert resp.headers["X-Elastic-Product"] == "Elasticsearch"
        body = json.loads(resp.read())
    assert body["version"]["number"].startswith("8.")
    assert body["tagline"]


def test_official_client_connects_without_product_check_error(es):
    info = es.info()
    assert info["version"]["number"].split(".")[0] == "8"
    assert es.cluster.health(wait_for_status="yellow", timeout="30s")["status"] in ("yellow", "green")


def test_english_folding_filters_exist_on_the_node(es):
    tokens = es.indices.analyze(
        tokenizer="standard",
        filter=["english_possessive", "lowercase", "asciifolding", "porter_stem"],
        text="Erdoğan's troops shelling",
    )["tokens"]
    assert [t["token"] for t in tokens] == ["erdogan", "troop", "shell"]


def test_start_on_a_running_node_is_a_no_op(es, capsys):
    from indexer import local_es

    state = local_es.read_state(local_es.data_dir(None))
    if state is None:
        pytest.skip("the node under test was not started by `conflictwire es start` from this checkout")
    assert cli.main(["es", "start", "--port", str(state.port)]) == 0
    assert local_es.read_state(local_es.data_dir(None)).pid == state.pid
    assert "running" in capsys.readouterr().out
