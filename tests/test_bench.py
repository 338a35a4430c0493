"""The benchmark's own arithmetic and its replay of the API's Elasticsearch calls."""

from __future__ import annotations

import json
import os

import pytest

from indexer import bench


def test_percentiles_pick_the_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert bench.percentile(values, 50) in (50.0, 51.0)
    assert bench.percentile(values, 99) == 99.0
    assert bench.percentile(values, 100) == 100.0


def test_query_string_repeats_list_arguments():
    assert bench._query_string({"event_type": ["ASSAULT", "PROTEST"], "limit": 20}) == (
        "event_type=ASSAULT&event_type=PROTEST&limit=20"
    )


class _FakeClient:
    """Records what the replay sends; hands out a new point-in-time id on every open."""

    def __init__(self):
        self.sent = []
        self.opened = 0

    def open_point_in_time(self, **kwargs):
        self.opened += 1
        self.sent.append(("open", kwargs))
        return {"id": f"pit-{self.opened}"}

    def close_point_in_time(self, **kwargs):
        self.sent.append(("close", kwargs))

    def search(self, **kwargs):
        self.sent.append(("search", kwargs))
        return {"hits": {"hits": []}}


def test_replay_sends_the_recorded_calls_with_fresh_point_in_time_ids():
    recorded = [
        ("open_point_in_time", {"index": "a", "keep_alive": "5m"}),
        ("search", {"body": {"query": {"match_all": {}}, "pit": {"id": "stale", "keep_alive": "5m"}}}),
        ("close_point_in_time", {"id": "stale"}),
    ]
    client = _FakeClient()
    run = bench._replayer(client, recorded)
    run()
    run()
    searches = [kwargs for name, kwargs in client.sent if name == "search"]
    closes = [kwargs for name, kwargs in client.sent if name == "close"]
    assert [s["body"]["pit"]["id"] for s in searches] == ["pit-1", "pit-2"]
    assert [c["id"] for c in closes] == ["pit-1", "pit-2"]
    assert recorded[1][1]["body"]["pit"]["id"] == "stale"


def test_bench_extract_scores_the_same_extraction_against_the_generated_truth(tmp_path):
    from indexer.generate import write_corpus

    write_corpus(tmp_path, 12, 3)
    records = bench.read_records(tmp_path / "articles.jsonl", limit=8)
    result = bench.bench_extract(records, truth=tmp_path / "truth.jsonl")
    quality = result["quality_against_truth"]
    assert quality["articles"] == 8, "only the articles extracted are scored"
    assert quality["missing"] == 0
    assert 0.5 < quality["place_recall"] <= 1.0
    assert "quality_against_truth" not in bench.bench_extract(records[:2])


def test_bench_extract_on_given_articles_cycles_them_and_counts_tokens(tmp_path):
    given = tmp_path / "given.jsonl"
    given.write_text(
        '{"id": "a", "text": "Troops shelled Saraqib on Tuesday, killing two civilians."}\n'
        '{"id": "b", "text": "Police arrested 12 protesters in Lagos."}\n',
        encoding="utf-8",
    )
    records = bench.cycled(bench.read_records(given), 5)
    assert [r["id"] for r in records] == ["a", "b", "a", "b", "a"]
    result = bench.bench_extract(records)
    assert result["articles"] == 5
    assert result["tokens"] == 3 * 8 + 2 * 6
    assert result["tokens_per_article"] == round(result["tokens"] / 5, 1)
    assert result["words_per_article"] == round((3 * 8 + 2 * 6) / 5, 1)
    # articles per CPU-second scaled to the 600-word length the speed target is stated for
    scaled = result["extract_articles_per_cpu_s"] * result["words_per_article"] / 600
    assert result["articles_per_cpu_s_at_600_words"] == pytest.approx(scaled, rel=0.02, abs=0.2)
    assert "first_round" not in result  # not told the records repeat
    first = bench.bench_extract(records, distinct=2)["first_round"]
    assert first["articles"] == 2 and first["articles_per_cpu_s_at_600_words"] > 0
    with pytest.raises(ValueError):
        bench.cycled([], 3)


def test_priming_records_that_share_text_with_the_timed_articles_are_named():
    timed = [{"id": "a", "text": "Troops shelled Saraqib on Tuesday. Two civilians were killed in the town."}]
    prime = [
        {"id": "own-sentence", "text": "Two civilians were killed in the town."},
        {"id": "a", "text": "Another text under the same id."},
        {"id": "other", "text": "Police arrested 12 protesters in Lagos."},
        {"id": "empty", "text": ""},
    ]
    assert bench.shared_text(prime, timed) == ["own-sentence", "a"]


def test_bench_extract_primes_before_the_clock_and_refuses_shared_text(tmp_path, capsys):
    from indexer.cli import main as cli_main

    timed = tmp_path / "timed.jsonl"
    timed.write_text('{"id": "a", "text": "Troops shelled Saraqib on Tuesday, killing two civilians."}\n')
    other = tmp_path / "other.jsonl"
    other.write_text(
        '{"id": "b", "text": "Police arrested 12 protesters in Lagos."}\n' * 3 + '{"id": "c", "text": ""}\n'
    )
    records = bench.read_records(timed)
    result = bench.bench_extract(bench.cycled(records, 2), distinct=1, prime=bench.read_records(other))
    assert result["primed"]["records"] == 3 and result["primed"]["unreadable"] == 1
    assert result["articles"] == 2 and result["first_round"]["articles"] == 1
    assert "primed" not in bench.bench_extract(records)

    out = str(tmp_path / "bench")
    args = ["bench", "extract", "--input", str(timed), "--articles", "2", "--out", out]
    assert cli_main([*args, "--prime", str(timed)]) == 2
    assert "share text with the timed articles (first: a)" in capsys.readouterr().err
    assert cli_main([*args, "--prime", str(tmp_path / "missing.jsonl")]) == 2
    assert "missing.jsonl: no such file" in capsys.readouterr().err
    assert cli_main([*args, "--prime", str(other)]) == 0
    assert '"records": 3' in capsys.readouterr().out


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked first rounds need os.fork")
def test_forked_first_rounds_meet_the_articles_unseen_and_leave_the_process_as_it_was(tmp_path, capsys):
    from indexer.cli import main as cli_main
    from indexer.extract import warm_up
    from indexer.places import _words_lookup

    records = [{"id": "a", "text": "Gunmen attacked Wadi Qandil Zarifa on Tuesday, killing two farmers."}]
    warm_up()
    names_known = _words_lookup.cache_info().currsize
    assert bench._forked_first_round(records)["cpu"] > 0
    # the child looked the new names up; the parent, whose own first round comes next, has not met them
    assert _words_lookup.cache_info().currsize == names_known

    timed = tmp_path / "timed.jsonl"
    timed.write_text(json.dumps(records[0]) + "\n")
    args = ["bench", "extract", "--input", str(timed), "--articles", "2", "--out", str(tmp_path / "b")]
    assert cli_main([*args, "--fork-rounds", "3"]) == 0
    forked = json.loads(capsys.readouterr().out)["first_round"]["forked"]
    assert forked["rounds"] == 3 and len(forked["articles_per_cpu_s_at_600_words"]) == 3
    assert min(forked["articles_per_cpu_s_at_600_words"]) <= forked["median"]
    assert forked["median"] <= max(forked["articles_per_cpu_s_at_600_words"])
    assert forked["median_minor_faults"] > 0  # the child's first writes to the parent's pages
    assert cli_main([*args, "--fork-rounds", "-1"]) == 2
    assert "--fork-rounds must be 0 or more" in capsys.readouterr().err
    assert cli_main(["bench", "extract", "--fork-rounds", "2", "--out", str(tmp_path / "b")]) == 2
    assert "--fork-rounds is for `bench extract --input` only" in capsys.readouterr().err


def test_fresh_first_rounds_time_the_articles_in_a_new_interpreter_and_report_its_failure(tmp_path, capsys):
    from indexer.cli import main as cli_main

    timed, other = tmp_path / "timed.jsonl", tmp_path / "other.jsonl"
    timed.write_text(
        json.dumps({"id": "a", "text": "Gunmen attacked Wadi Qandil Zarifa, killing two."}) + "\n"
    )
    other.write_text(
        json.dumps({"id": "b", "text": "Police dispersed protesters in Lagos on Monday."}) + "\n"
    )
    args = ["bench", "extract", "--input", str(timed), "--articles", "2", "--out", str(tmp_path / "b")]
    assert cli_main([*args, "--prime", str(other), "--fresh-rounds", "1"]) == 0
    fresh = json.loads(capsys.readouterr().out)["first_round"]["fresh"]
    assert fresh["rounds"] == 1 and fresh["articles_per_cpu_s_at_600_words"][0] == fresh["median"] > 0
    assert cli_main([*args, "--fresh-rounds", "-2"]) == 2
    assert "--fresh-rounds must be 0 or more, not -2" in capsys.readouterr().err
    assert cli_main(["bench", "extract", "--fresh-rounds", "1", "--out", str(tmp_path / "b")]) == 2
    assert "--fresh-rounds is for `bench extract --input` only" in capsys.readouterr().err
    # a round that fails in the new interpreter (an empty article) is an error, not a figure
    with pytest.raises(RuntimeError, match="new interpreter failed"):
        bench._fresh_first_round([], [{"id": "empty", "text": ""}])
