"""`conflictwire extract` and extract_article: the extraction output contract, end to end."""

from __future__ import annotations

import argparse
import gc
import json

from indexer.cli import main as cli_main
from indexer.extract import extract_article, main, warm_up
from indexer.parse import parse_record

NOTE = {
    "id": "note-1",
    "title": "Gunmen kill two police officers in Kaduna",
    "published": "2021-05-04",
    "text": (
        "On 3 May 2021, unidentified gunmen attacked a police checkpoint in Kaduna, Nigeria. "
        "Two police officers were killed and three others were injured."
    ),
}
PROTEST = {
    "id": "note-2",
    "published": "2021-05-06",
    "text": "On 5 May 2021, hundreds of teachers protested in Lagos, Nigeria, demanding unpaid salaries.",
}


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_extract_article_returns_the_contract_fields():
    output = extract_article(parse_record(NOTE))
    assert set(output) == {"id", "title", "published", "language", "actors", "people", "places", "events"}
    assert output["id"] == "note-1"
    assert output["published"] == "2021-05-04"
    assert output["language"] == "en"


def test_extract_article_codes_the_event_with_its_figures_place_and_date():
    output = extract_article(parse_record(NOTE))
    event = max(output["events"], key=lambda e: e["confidence"])
    assert event["type"] == "ASSAULT"
    assert event["acled"] == {"event_type": "Battles", "sub_event_type": "Armed clash"}
    assert (event["fatalities"], event["injured"]) == (2, 3)
    assert event["date"] == "2021-05-03"
    assert event["place"]["name"] == "Kaduna"
    assert event["place"]["country"] == "NG"
    text = NOTE["text"]
    assert text[event["start"] : event["end"]] == event["sentence"]


def test_extract_article_places_and_actors_carry_offsets_into_the_text():
    output = extract_article(parse_record(NOTE))
    for entity in output["places"] + output["actors"]:
        for mention in entity["mentions"]:
            assert NOTE["text"][mention["start"] : mention["end"]] == mention["text"]


def test_main_writes_one_object_per_record_in_input_order(tmp_path):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(source, [NOTE, PROTEST])
    assert main(argparse.Namespace(input=str(source), output=str(target))) == 0
    outputs = read_jsonl(target)
    assert [o["id"] for o in outputs] == ["note-1", "note-2"]
    protest = max(outputs[1]["events"], key=lambda e: e["confidence"])
    assert protest["acled"]["sub_event_type"] == "Peaceful protest"
    assert protest["actor1"]["type"] == "protesters"


def test_cli_runs_extract(tmp_path):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(source, [PROTEST])
    assert cli_main(["extract", "--input", str(source), "--output", str(target)]) == 0
    assert [o["id"] for o in read_jsonl(target)] == ["note-2"]


def test_main_writes_to_stdout_with_a_dash(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, [NOTE])
    assert main(argparse.Namespace(input=str(source), output="-")) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert [o["id"] for o in lines] == ["note-1"]


def test_bad_record_is_reported_with_file_and_line_and_the_rest_is_written(tmp_path, capsys):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text(json.dumps(NOTE) + "\n{not json\n" + json.dumps(PROTEST) + "\n", encoding="utf-8")
    assert main(argparse.Namespace(input=str(source), output=str(target))) == 1
    assert f"{source}:2" in capsys.readouterr().err
    assert [o["id"] for o in read_jsonl(target)] == ["note-1", "note-2"]


def test_missing_input_leaves_an_existing_output_untouched(tmp_path, capsys):
    target = tmp_path / "out.jsonl"
    target.write_text("previous results\n", encoding="utf-8")
    assert main(argparse.Namespace(input=str(tmp_path / "absent.jsonl"), output=str(target))) == 2
    assert "absent.jsonl" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "previous results\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_record_without_text_gets_an_empty_extraction_not_an_error(tmp_path):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(source, [NOTE, {"id": "withheld", "published": None, "source": "x", "text": ""}, PROTEST])
    assert main(argparse.Namespace(input=str(source), output=str(target))) == 0
    outputs = read_jsonl(target)
    assert [o["id"] for o in outputs] == ["note-1", "withheld", "note-2"]
    assert outputs[1]["events"] == [] and outputs[1]["places"] == []


def test_warm_up_leaves_the_loaded_gazetteer_and_lexicons_outside_the_cyclic_collector():
    warm_up.cache_clear()
    warm_up()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 100_000
        assert len(gc.get_objects()) < frozen
        assert extract_article(parse_record(dict(NOTE)))["places"]
    finally:
        gc.unfreeze()


def test_warm_up_builds_every_search_the_event_coder_uses(tmp_path):
    """Building a word-start search costs milliseconds; warm-up builds them all, so no article after it
    pays for one. Fails when a pattern searched with is missing from `events.build_searches`."""
    from pathlib import Path

    from indexer import events
    from indexer.parse import ParseError, iter_articles

    warm_up()
    built = set(events._WORD_SEARCHES)
    sample = Path(__file__).resolve().parents[1] / "data" / "sample" / "articles.jsonl"
    articles = [a for a in iter_articles([str(sample)]) if not isinstance(a, ParseError)]
    assert len(articles) > 40
    for article in articles:
        extract_article(article)
    assert set(events._WORD_SEARCHES) == built


def test_warm_up_builds_the_tables_places_derive_from_the_gazetteer(monkeypatch):
    """The name-word bit set takes some 0.5 s to build; warm-up builds it, whatever names its sample holds,
    so that the first article naming a place of several words does not pay for it. The sample's extraction
    is left out here, so that only warm-up's own request can build it."""
    from indexer import extract, places

    monkeypatch.setattr(extract, "extract_article", lambda article: {})
    places._name_word_bits.cache_clear()
    warm_up.cache_clear()
    warm_up()
    try:
        assert places._name_word_bits.cache_info().currsize == 1
    finally:
        gc.unfreeze()
