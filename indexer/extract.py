"""`conflictwire extract`: run every extractor on articles and write one JSON object per article.

The output object is the extraction contract of the evaluation (``id``, ``title``, ``published``,
``language``, ``actors``, ``people``, ``places``, ``events``), so the same command feeds the scorer, the
indexer and anyone who wants the structured data without Elasticsearch. Extractors run on
``article.text`` (the exact text whose offsets every mention refers to) and skip what
``article.skip_spans`` marks (captions, embedded headlines) when they look for entities.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import IO, Any

from indexer.actors import find_actors
from indexer.dates import compile_forms, find_dates
from indexer.events import build_searches, code_events
from indexer.parse import Article, ParseError, article_id, iter_articles, normalise_date
from indexer.people import find_people
from indexer.places import find_places, load_tables


def extract_article(article: Article) -> dict[str, Any]:
    """The extraction output for one parsed article."""
    text = article.text or ""
    skip_spans = list(article.skip_spans or ())
    places = find_places(text, skip_spans=skip_spans)
    actors = find_actors(text, skip_spans=skip_spans, places=places)
    people = find_people(text, actors=actors, skip_spans=skip_spans, places=places)
    dates = find_dates(text, article.published)
    events = code_events(
        text,
        published=article.published,
        actors=actors,
        places=places,
        dates=dates,
        people=people,
        skip_spans=skip_spans,
        title=article.title,
    )
    return {
        "id": article.id,
        "title": article.title,
        "published": article.published,
        "language": article.language,
        "actors": actors,
        "people": people,
        "places": places,
        "events": events,
    }


@cache
def warm_up() -> None:
    """Load every lexicon and gazetteer the extractor uses, then take them out of the cyclic collector.
    Once per process (the API's ingest calls it for every request); forked workers inherit it done.

    Loading happens on first use, so one short article is extracted here; it reports casualties and an
    arrest, so that the figure scanners are built too (the first real article took some 60 ms more without),
    and the date forms' alternations and the event coder's word-start searches are built (the first 40 voa
    articles built 29 of the one, 59 ms, and 12 of the other, some 0.14 s).
    The loaded tables are a few hundred thousand objects that live as long as the process; left in the
    collector, every full collection walks all of them (about 4 % of extraction time on 600-word articles),
    and in forked indexing workers that walk writes to every page holding them, so the pages stop being
    shared with the parent.
    `gc.freeze` moves what is alive now to a generation the collector never visits. It runs once, at
    start-up and after a full collection, so what it pins is the tables and little else.
    """
    from indexer.parse import parse_record

    sample = {
        "id": "warm-up",
        "title": "Warm-up",
        "published": "2020-02-27",
        "text": "Shelling killed three people and wounded 12 in Idlib on Monday; police arrested two men.",
    }
    extract_article(parse_record(sample))
    load_tables()  # the sample may name no place of several words, which would build them
    compile_forms()
    build_searches()
    gc.collect()
    gc.freeze()


def _textless_record(error: ParseError) -> dict[str, Any] | None:
    """The record behind a parse error when its only fault is having no text.

    Such a record is well formed (an event note whose text was withheld, an empty feed entry): it gets an
    extraction with nothing in it, so every input line still has its output line, rather than an error.
    """
    record = error.record
    if not isinstance(record, dict):
        return None
    for key in ("text", "html"):
        value = record.get(key)
        if value is not None and (not isinstance(value, str) or value.strip()):
            return None
    for key in ("id", "url", "title", "source", "language"):
        if record.get(key) is not None and not isinstance(record.get(key), str | int):
            return None
    return record


def _empty_extraction(record: dict[str, Any]) -> dict[str, Any]:
    def text(key: str) -> str | None:
        value = record.get(key)
        return str(value).strip() or None if value is not None else None

    try:
        published = normalise_date(record.get("published"))
    except ValueError:
        published = None
    return {
        "id": text("id") or article_id(text("url"), text("source"), text("title"), ""),
        "title": text("title"),
        "published": published,
        "language": text("language") or "en",
        "actors": [],
        "people": [],
        "places": [],
        "events": [],
    }


def iter_extractions(paths: list[str]) -> Iterator[dict[str, Any] | ParseError]:
    """Extraction outputs for every article in `paths`, and the parse errors, in input order. A record
    that only lacks text yields an empty extraction, not an error."""
    for item in iter_articles(paths):
        if isinstance(item, ParseError):
            record = _textless_record(item)
            yield _empty_extraction(record) if record is not None else item
        else:
            yield extract_article(item)


def _write_all(paths: list[str], out: IO[str], errors: IO[str]) -> tuple[int, int]:
    written = failed = 0
    for item in iter_extractions(paths):
        if isinstance(item, ParseError):
            failed += 1
            print(f"conflictwire extract: {item}", file=errors)
            continue
        out.write(json.dumps(item, ensure_ascii=False) + "\n")
        written += 1
    return written, failed


def main(args: argparse.Namespace) -> int:
    """Extract `args.input` into `args.output` (JSONL; "-" for stdin/stdout).

    A file output is written to a temporary file beside it and moved into place only when the run ends, so
    an interrupted run never leaves a half-written or truncated file where a good one was. Records that
    cannot be parsed are reported on stderr as ``path:line: reason`` and skipped; the exit status is then 1.
    """
    source = args.input
    if source != "-" and not Path(source).exists():
        print(f"conflictwire extract: {source}: no such file or folder", file=sys.stderr)
        return 2
    warm_up()
    if args.output == "-":
        written, failed = _write_all([source], sys.stdout, sys.stderr)
        sys.stdout.flush()
    else:
        target = Path(args.output)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                written, failed = _write_all([source], out, sys.stderr)
            os.replace(temporary, target)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    print(f"conflictwire extract: {written} articles written, {failed} rejected", file=sys.stderr)
    return 1 if failed else 0
