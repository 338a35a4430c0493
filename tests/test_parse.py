"""Parsing plain text, JSON/JSONL, HTML and RSS/Atom into Articles (inputs written for these tests)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from indexer.parse import Article, ParseError, article_id, iter_articles, normalise_date, parse_record

SHARED_DEV = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "dev"

SCRAPED = """Rebels retake key town in northwest

Rebels retake key town in northwest

Smoke rises over the town of Binnish on Feb. 26, 2020, after air strikes. (AFP Photo)

Rebel fighters said on Thursday they had pushed government forces out of the town.

Residents began returning to their homes as the shelling eased, a local official said.

Ceasefire talks stall in Moscow

The fighting has displaced hundreds of thousands of people since December.

Share this article
"""


def skipped(article: Article) -> list[str]:
    return [article.text[start:end] for start, end in article.skip_spans]


def test_plain_text_layout_marks_what_extractors_skip():
    article = parse_record({"text": SCRAPED, "published": "2020-02-27"})
    assert article.text == SCRAPED, "the text is kept verbatim so offsets stay valid"
    assert article.title == "Rebels retake key town in northwest"
    assert skipped(article) == [
        "Rebels retake key town in northwest",
        "(AFP Photo)",
        "Ceasefire talks stall in Moscow",
        "Share this article",
    ]
    first_title_line = SCRAPED.index("Rebels")
    assert all(start > first_title_line for start, _ in article.skip_spans), "the first title line is read"
    assert article.captions == ["Smoke rises over the town of Binnish on Feb. 26, 2020, after air strikes."]
    assert article.body.startswith("Smoke rises")
    assert "Ceasefire talks" not in article.body and "(AFP Photo)" not in article.body
    assert "since December." in article.body


def test_given_title_and_repeated_lines():
    text = "Headline here\nHeadline here\nA first sentence of the story.\n"
    article = parse_record({"title": "Headline here", "text": text})
    assert skipped(article) == ["Headline here"]
    assert article.title == "Headline here"


def test_record_fields_and_deterministic_ids():
    record = {"url": "HTTPS://Example.COM/news/1/?utm_source=feed#top", "text": "Body.", "source": "Wire"}
    article = parse_record(record)
    same = parse_record({"url": "https://example.com/news/1", "text": "Other body.", "source": "Wire"})
    assert article.id == same.id == article_id("https://example.com/news/1?utm_medium=x", None, None, None)
    assert article.url == record["url"] and article.source == "Wire" and article.language == "en"
    no_url = parse_record({"title": "T", "text": "Body.", "source": "Wire"})
    assert no_url.id == parse_record({"title": "T", "text": "Body.", "source": "Wire"}).id
    assert no_url.id != parse_record({"title": "T", "text": "Body!", "source": "Wire"}).id
    assert parse_record({"id": 42, "text": "x"}).id == "42"
    with_defaults = parse_record({"text": "x"}, default_source="Desk", default_published="2020-01-02")
    assert (with_defaults.source, with_defaults.published) == ("Desk", "2020-01-02")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-02-27", "2020-02-27"),
        ("2020-02-27T23:30:00Z", "2020-02-27"),
        ("2020-02-27T01:00:00+03:00", "2020-02-27"),
        ("2020-02-27 08:15", "2020-02-27"),
        ("Thu, 27 Feb 2020 01:30:00 +0300", "2020-02-27"),
        ("Thu, 27 Feb 2020 21:30:00 GMT", "2020-02-27"),
        (None, None),
    ],
)
def test_publication_dates_are_normalised(value, expected):
    assert normalise_date(value) == expected


def test_bad_records_raise_parse_errors():
    with pytest.raises(ParseError, match="no text"):
        parse_record({"title": "only a title"})
    with pytest.raises(ParseError, match="'text' must be a string"):
        parse_record({"text": ["a", "list"]})
    with pytest.raises(ParseError, match="published"):
        parse_record({"text": "x", "published": "last Tuesday-ish"})
    with pytest.raises(ParseError, match="JSON object"):
        parse_record(["not", "a", "dict"])


def test_jsonl_bad_lines_are_reported_with_file_and_line_and_do_not_stop_the_rest(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(
        '{"id": "a", "text": "First."}\n{broken\n\n{"id": "c", "text": ""}\n{"id": "d", "text": "Last."}\n',
        encoding="utf-8",
    )
    items = list(iter_articles([str(path)]))
    assert [getattr(i, "id", None) for i in items] == ["a", None, None, "d"]
    errors = [i for i in items if isinstance(i, ParseError)]
    assert [(e.path, e.line) for e in errors] == [(str(path), 2), (str(path), 4)]
    assert str(errors[0]).startswith(f"{path}:2: invalid JSON")
    assert items[3].line == 5


def test_json_array_html_feed_and_text_files_from_a_folder(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps([{"id": "j1", "text": "One."}, {"id": "j2", "text": "Two."}]))
    (tmp_path / "b.html").write_text(
        "<html><head><title>Clashes near Saraqib</title></head><body><nav>Home | World</nav>"
        "<article><h1>Clashes near Saraqib</h1><p>Heavy fighting broke out near the town of Saraqib in "
        "northwestern Syria on Wednesday, residents said, as government forces pushed north toward the "
        "highway.</p><p>The fighting followed days of air strikes on villages in the south of the province, "
        "according to a monitoring group.</p></article><footer>Copyright 2020</footer></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "c.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Example Wire</title>'
        "<item><title>Shelling hits Hama</title><link>https://example.com/a</link>"
        "<pubDate>Thu, 27 Feb 2020 01:30:00 +0300</pubDate>"
        "<description>&lt;p&gt;Shelling hit Hama.&lt;/p&gt;&lt;p&gt;Two people died.&lt;/p&gt;</description>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    (tmp_path / "d.txt").write_text("Plain headline\n\nPlain body sentence.\n", encoding="utf-8")
    (tmp_path / "ignored.csv").write_text("a,b\n", encoding="utf-8")
    items = list(iter_articles([str(tmp_path)]))
    assert not [i for i in items if isinstance(i, ParseError)]
    by_file = {Path(i.path).name: i for i in items if i.path and not Path(i.path).name.startswith("a.")}
    assert [i.id for i in items if Path(i.path).name == "a.json"] == ["j1", "j2"]
    html = by_file["b.html"]
    assert "Heavy fighting broke out near the town of Saraqib" in html.text
    assert "Home | World" not in html.text and "Copyright" not in html.text
    assert html.title == "Clashes near Saraqib"
    feed = by_file["c.xml"]
    assert (feed.title, feed.source, feed.published) == ("Shelling hits Hama", "Example Wire", "2020-02-27")
    assert feed.text == "Shelling hit Hama.\n\nTwo people died."
    assert by_file["d.txt"].title == "Plain headline"


def test_globs_missing_paths_and_unsupported_files(tmp_path):
    (tmp_path / "x.jsonl").write_text('{"text": "A."}\n', encoding="utf-8")
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    items = list(
        iter_articles(
            [str(tmp_path / "*.jsonl"), str(tmp_path / "missing.jsonl"), str(tmp_path / "notes.csv")]
        )
    )
    assert isinstance(items[0], Article)
    assert isinstance(items[1], ParseError) and "no such file" in items[1].reason
    assert isinstance(items[2], ParseError) and "unsupported file type" in items[2].reason


def test_stdin_is_sniffed(monkeypatch):
    monkeypatch.setattr(
        "sys.stdin", io.StringIO('{"id": "s1", "text": "From stdin."}\n{"id": "s2", "text": "x"}\n')
    )
    assert [a.id for a in iter_articles(["-"])] == ["s1", "s2"]
    monkeypatch.setattr("sys.stdin", io.StringIO("A headline\n\nSome text.\n"))
    (article,) = iter_articles(["-"], default_source="Desk")
    assert (article.title, article.source) == ("A headline", "Desk")


@pytest.mark.skipif(not (SHARED_DEV / "seed.input.jsonl").exists(), reason="../shared/eval is absent")
def test_seed_article_layout():
    record = json.loads((SHARED_DEV / "seed.input.jsonl").read_text(encoding="utf-8").splitlines()[0])
    article = parse_record(record)
    assert article.text == record["text"]
    spans = skipped(article)
    assert spans.count(article.title) == 2, "the title appears three times; the two repeats are skipped"
    assert "(AFP Photo)" in spans
    assert len(article.captions) == 1 and "Binnish" in article.captions[0]
    assert article.body.count(article.title) == 0
