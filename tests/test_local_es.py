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


def test_start_status_stop_lifecycle_on_its_own_port(tmp_path, capsys):
    """A second node started by the command answers, reports itself, and is gone after stop."""
    from indexer import local_es

    data = str(tmp_path / "es")
    port = 9287
    assert cli.main(["es", "start", "--port", str(port), "--heap", "256m", "--data", data]) == 0
    try:
        state = local_es.read_state(local_es.data_dir(data))
        assert state is not None and state.port == port
        assert cli.main(["es", "status", "--data", data]) == 0
        out = capsys.readouterr().out
        assert f"127.0.0.1:{port}" in out and "8." in out
    finally:
        assert cli.main(["es", "stop", "--data", data]) == 0
    assert local_es.read_state(local_es.data_dir(data)) is None
    assert cli.main(["es", "status", "--data", data]) == 1
