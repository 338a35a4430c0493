"""Read articles from plain text, HTML, JSON/JSONL records and RSS/Atom feeds into one `Article` shape.

Every extractor works on `Article.text`, and every offset the system stores points into it, so the parser
never rewrites a text it is given: a JSON record's ``text`` is kept verbatim, and the parts of a text
extractors should not read (a title line the scraper repeated, "(AFP Photo)" credits, "related story"
headlines pasted between paragraphs, share-this boilerplate) are reported as `skip_spans` instead of
being cut out. `body` is the readable text with those spans removed, for display and full-text search.

Input errors never stop a run: `iter_articles` yields a `ParseError` (with the file and line) in place of
each bad record and carries on with the next one.
"""

from __future__ import annotations

import email.utils
import glob
import io
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from indexer import contract

MAX_TEXT_CHARS = 1_000_000
TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JSON_SUFFIXES = (".json",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
FEED_SUFFIXES = (".xml", ".rss", ".atom")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSON_SUFFIXES + JSONL_SUFFIXES + FEED_SUFFIXES

_PHOTO_CREDIT = re.compile(
    r"\((?:[A-Z][\w.&'’ -]{0,40}\s)?(?:Photo|Photograph|Picture|Image|File Photo)(?:\s?(?:by|:)\s?[^()\n]{1,60})?\)"
    r"|\((?:Photo|Photograph|Image|Picture)s?\s?(?:by|:|/|credit:?)\s?[^()\n]{1,60}\)"
    r"|(?:Photo|Photograph|Image)s?\s?(?:by|:|/|credit:?)\s?[A-Z][^\n.]{0,60}$",
    re.MULTILINE,
)
_BOILERPLATE = re.compile(
    r"^\s*(?:advertisement|share (?:this|on)\b.*|click here\b.*|read more\b.*|related(?: articles?| stories| news)?:?"
    r"|follow us\b.*|subscribe\b.*|sign up\b.*|all rights reserved\.?|©.*|copyright ©?.*|\(?reporting by\b.*"
    r"|\(?editing by\b.*)\s*$",
    re.IGNORECASE,
)
_SENTENCE_END_CHARS = frozenset(".!?:;\"”’')]")
_MAX_HEADLINE_WORDS = 16
_FUNCTION_WORDS = frozenset(
    "a an the of in on at to for and or but with by from as into over after amid vs via".split()
)


class ParseError(ValueError):
    """A record or file that cannot be read, with where it came from: ``str()`` is ``path:line: reason``."""

    def __init__(self, reason: str, path: str | None = None, line: int | None = None, record: Any = None):
        self.reason = reason
        self.path = path
        self.line = line
        self.record = record
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.reason}"


@dataclass
class Article:
    """One article as every extractor sees it. All offsets anywhere refer to `text`."""

    id: str
    url: str | None
    source: str | None
    published: str | None
    language: str
    title: str
    text: str
    body: str
    captions: list[str] = field(default_factory=list)
    skip_spans: list[tuple[int, int]] = field(default_factory=list)
    path: str | None = None
    line: int | None = None


# --------------------------------------------------------------------------------- ids and dates


def article_id(url: str | None, source: str | None, title: str | None, text: str | None) -> str:
    """The deterministic id of an article without one: its canonical URL's digest, else a digest of
    source, title and text (the index contract's rule, so the parser and the index agree)."""
    return contract.article_doc_id(url=url, source=source, title=title, text=text)


def normalise_date(value: Any) -> str | None:
    """An ISO date ('YYYY-MM-DD') from an ISO date or datetime, an RFC 2822 date (RSS) or a timestamp.

    The date is the calendar day the publisher wrote ("2020-02-27T01:00+03:00" is the 27th, not the
    26th in UTC): relative expressions in the text ("yesterday") count from the publisher's day.
    Raises ValueError for anything else, rather than guessing.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _local_day(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=UTC).date().isoformat()
    if not isinstance(value, str):
        raise ValueError(f"unreadable date {value!r}")
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text).isoformat()
    try:
        return _local_day(datetime.fromisoformat(text.replace(" ", "T", 1) if " " in text[:11] else text))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is None:
        raise ValueError(f"unreadable date {value!r} (expected ISO 8601 or RFC 2822)")
    return _local_day(parsed)


def _local_day(moment: datetime) -> str:
    return moment.date().isoformat()


# --------------------------------------------------------------------------------- text layout


@dataclass
class _Layout:
    title: str
    skip_spans: list[tuple[int, int]]
    captions: list[str]
    body: str


def _lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, stripped text) of every line, offsets into `text`, line breaks excluded."""
    lines = []
    position = 0
    for raw in text.splitlines(keepends=True):
        content = raw.rstrip("\r\n")
        stripped = content.strip()
        lead = len(content) - len(content.lstrip())
        lines.append((position + lead, position + lead + len(stripped), stripped))
        position += len(raw)
    return lines


def _normal(line: str) -> str:
    return " ".join(line.split()).casefold()


class _Key:
    """A line as compared with others: `_normal` of it, worked out only when the lines' first words agree.

    Most lines of an article are whole paragraphs that repeat nothing, and normalising each one took about
    half the time of parsing; their first words already tell them apart. (Case folding maps characters one
    by one and never to a space, so the first word of `_normal(line)` is the line's first word folded.)"""

    __slots__ = ("line", "first", "_normal")

    def __init__(self, line: str) -> None:
        head = line.split(None, 1)
        self.line = line
        self.first = head[0].casefold() if head else ""
        self._normal: str | None = None

    def normal(self) -> str:
        if self._normal is None:
            self._normal = _normal(self.line)
        return self._normal

    def same(self, other: _Key | None) -> bool:
        return other is not None and self.first == other.first and self.normal() == other.normal()


def _looks_like_headline(line: str) -> bool:
    """A short line that does not end like a sentence: a title, subheading or pasted related headline.
    (Words are counted only up to one more than a headline may have.)"""
    words = line.split(None, _MAX_HEADLINE_WORDS)
    if not words or len(words) > _MAX_HEADLINE_WORDS or line.rstrip()[-1:] in _SENTENCE_END_CHARS:
        return False
    return words[0][:1].isupper()


def _is_title_case(line: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line) if w.lower() not in _FUNCTION_WORDS]
    return bool(words) and sum(w[:1].isupper() for w in words) / len(words) >= 0.6


def layout(text: str, title: str | None = None) -> _Layout:
    """Find the title, the spans extractors skip, and the photo captions of a scraped article text.

    - The title is the given one, else the first line when it reads like a headline.
    - Later lines repeating the title, and lines repeating the line just before them, are skipped.
    - Photo credits ("(AFP Photo)", "Photo: Reuters") are skipped; the sentences they sit in are captions.
    - A headline-like line between paragraphs after the first paragraph of body text (a pasted
      "related story" link or a subheading) is skipped; so are share/subscribe/copyright lines.
    """
    lines = _lines(text)
    content = [(s, e, t) for s, e, t in lines if t]
    if title is None or not title.strip():
        title = content[0][2] if content and _looks_like_headline(content[0][2]) else ""
    title_key = _Key(title) if title and title.strip() else None
    skip: list[tuple[int, int]] = []
    captions: list[str] = []
    seen_title = False
    body_started = False
    previous_key = None
    for number, (start, end, line) in enumerate(lines):
        if not line:
            continue
        key = _Key(line)
        if key.same(title_key):
            if seen_title or not _is_first_content(lines, number):
                skip.append((start, end))
            seen_title = True
            previous_key = key
            continue
        if key.same(previous_key):
            skip.append((start, end))
            continue
        previous_key = key
        if _BOILERPLATE.match(line):
            skip.append((start, end))
            continue
        credits = list(_PHOTO_CREDIT.finditer(text, start, end))
        if credits:
            for credit in credits:
                skip.append((credit.start(), credit.end()))
            caption = _PHOTO_CREDIT.sub("", line).strip()
            if caption:
                captions.append(caption)
            body_started = True
            continue
        if body_started and _looks_like_headline(line) and _between_paragraphs(lines, number):
            skip.append((start, end))
            continue
        if not _looks_like_headline(line):
            body_started = True
    skip = _merge(skip)
    hidden = list(skip)
    if title_key and content and _Key(content[0][2]).same(title_key):
        hidden = _merge([*hidden, (content[0][0], content[0][1])])
    return _Layout(title=title or "", skip_spans=skip, captions=captions, body=_without(text, hidden))


def _is_first_content(lines: list[tuple[int, int, str]], number: int) -> bool:
    return not any(t for _, _, t in lines[:number])


def _between_paragraphs(lines: list[tuple[int, int, str]], number: int) -> bool:
    """Whether a line stands alone: a blank line (or the text's end) on both sides, or a repeat of itself."""
    before = lines[number - 1][2] if number > 0 else ""
    after = lines[number + 1][2] if number + 1 < len(lines) else ""
    here = _normal(lines[number][2])
    alone_before = not before or _normal(before) == here
    alone_after = not after or _normal(after) == here
    return alone_before and alone_after


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    parts = []
    position = 0
    for start, end in spans:
        parts.append(text[position:start])
        position = end
    parts.append(text[position:])
    kept = "".join(parts)
    if " \n" in kept or "\t\n" in kept:  # most texts have neither, and the regexes would scan them whole
        kept = re.sub(r"[ \t]+\n", "\n", kept)
    if "\n\n\n" in kept:
        kept = re.sub(r"\n{3,}", "\n\n", kept)
    return kept.strip()


# --------------------------------------------------------------------------------- records


def _html_text(html: str) -> tuple[str, dict[str, Any]]:
    """Main text and metadata (title, date, url) of an HTML page, via trafilatura."""
    import trafilatura

    document = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=False, with_metadata=True
    )
    if document is None:
        return "", {}
    as_dict = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    return as_dict.get("text") or "", as_dict


def _fragment_text(html: str) -> str:
    """Plain text of a small HTML fragment (an RSS summary), paragraphs kept apart."""
    if "<" not in html:
        return html.strip()
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return re.sub(r"<[^>]+>", " ", html).strip()
    for block in root.iter("p", "br", "div", "li", "h1", "h2", "h3", "h4"):
        block.tail = "\n\n" + (block.tail or "")
    return re.sub(r"\n{3,}", "\n\n", root.text_content()).strip()


def _optional_str(record: dict, key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and key == "id":
        return str(value)
    if not isinstance(value, str):
        raise ParseError(f"field {key!r} must be a string, not {type(value).__name__}")
    return value.strip() or None


def parse_record(
    record: dict, *, default_source: str | None = None, default_published: str | None = None
) -> Article:
    """An `Article` from one JSON record: id, url, title, text or html, published, source, language.

    A ``text`` field is kept verbatim as `Article.text` (offsets must stay valid); ``html`` is reduced to
    its main text. Raises ParseError (without a path or line: the caller knows them) for bad records.
    """
    if not isinstance(record, dict):
        raise ParseError(f"record must be a JSON object, not {type(record).__name__}")
    url = _optional_str(record, "url")
    source = _optional_str(record, "source") or default_source
    title = _optional_str(record, "title")
    language = _optional_str(record, "language") or "en"
    text = record.get("text")
    metadata: dict[str, Any] = {}
    if text is not None and not isinstance(text, str):
        raise ParseError(f"field 'text' must be a string, not {type(text).__name__}")
    if not text or not text.strip():
        html = record.get("html")
        if html is not None and not isinstance(html, str):
            raise ParseError(f"field 'html' must be a string, not {type(html).__name__}")
        if html and html.strip():
            text, metadata = _html_text(html)
        if not text or not text.strip():
            raise ParseError("record has no text (give a non-empty 'text' or 'html')")
    if len(text) > MAX_TEXT_CHARS:
        raise ParseError(f"text is longer than {MAX_TEXT_CHARS:,} characters")
    title = title or metadata.get("title")
    url = url or metadata.get("url")
    published_value = record.get("published") or metadata.get("date") or default_published
    try:
        published = normalise_date(published_value)
    except ValueError as error:
        raise ParseError(f"field 'published': {error}") from None
    article_layout = layout(text, title)
    try:
        identifier = _optional_str(record, "id") or article_id(url, source, article_layout.title, text)
    except ValueError as error:
        raise ParseError(str(error)) from None
    return Article(
        id=identifier,
        url=url,
        source=source,
        published=published,
        language=language,
        title=article_layout.title,
        text=text,
        body=article_layout.body,
        captions=article_layout.captions,
        skip_spans=article_layout.skip_spans,
    )


# --------------------------------------------------------------------------------- files and streams


def _records_from_jsonl(stream: Iterable[str], path: str, defaults: dict) -> Iterator[Article | ParseError]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield ParseError(
                f"invalid JSON: {error.msg} (column {error.colno})", path, number, line.rstrip("\n")
            )
            continue
        yield _located(record, path, number, defaults)


def _located(record: Any, path: str, line: int | None, defaults: dict) -> Article | ParseError:
    try:
        article = parse_record(record, **defaults)
    except ParseError as error:
        return ParseError(error.reason, path, line, record)
    article.path, article.line = path, line
    return article


def _records_from_json(content: str, path: str, defaults: dict) -> Iterator[Article | ParseError]:
    try:
        data = json.loads(content)
    except json.JSONDecodeError as error:
        if content.lstrip().startswith("{") and "\n{" in content:
            yield from _records_from_jsonl(io.StringIO(content), path, defaults)
            return
        yield ParseError(f"invalid JSON: {error.msg}", path, error.lineno)
        return
    records = data if isinstance(data, list) else [data]
    for number, record in enumerate(records, start=1):
        item = _located(record, path, None, defaults)
        if isinstance(item, ParseError):
            item.reason = f"record {number}: {item.reason}"
        yield item


def _articles_from_text(content: str, path: str, defaults: dict) -> Iterator[Article | ParseError]:
    yield _located({"text": content}, path, None, defaults)


def _articles_from_html(content: str, path: str, defaults: dict) -> Iterator[Article | ParseError]:
    yield _located({"html": content}, path, None, defaults)


def _articles_from_feed(content: str, path: str, defaults: dict) -> Iterator[Article | ParseError]:
    import feedparser

    feed = feedparser.parse(content)
    if feed.bozo and not feed.entries:
        yield ParseError(f"not a readable RSS/Atom feed: {feed.get('bozo_exception')}", path)
        return
    feed_source = feed.feed.get("title") or None
    for number, entry in enumerate(feed.entries, start=1):
        contents = entry.get("content") or []
        html = (
            contents[0].get("value") if contents else entry.get("summary") or entry.get("description") or ""
        )
        published = entry.get("published") or entry.get("updated")
        try:
            published = normalise_date(published)
        except ValueError:
            parsed = entry.get("published_parsed") or entry.get("updated_parsed")
            published = date(*parsed[:3]).isoformat() if parsed else None
        record = {
            "id": entry.get("id") or None,
            "url": entry.get("link") or None,
            "title": entry.get("title") or None,
            "text": _fragment_text(html or ""),
            "source": defaults.get("default_source") or feed_source,
            "published": published,
        }
        if record["id"] and record["url"] and record["id"] == record["url"]:
            record["id"] = None
        item = _located({k: v for k, v in record.items() if v is not None}, path, None, defaults)
        if isinstance(item, ParseError):
            item.reason = f"entry {number}: {item.reason}"
        yield item


def _sniff(content: str) -> str:
    """The format of unnamed input (stdin): jsonl, json, feed, html or text."""
    head = content.lstrip()[:2000].lower()
    if head.startswith("["):
        return "json"
    if head.startswith("{"):
        first_line = content.lstrip().split("\n", 1)[0]
        try:
            json.loads(first_line)
            return "jsonl"
        except json.JSONDecodeError:
            return "json"
    if head.startswith("<"):
        return "feed" if re.search(r"<(rss|feed|rdf:rdf)\b", head) else "html"
    return "text"


_READERS = {
    "jsonl": _records_from_jsonl,
    "json": _records_from_json,
    "feed": _articles_from_feed,
    "html": _articles_from_html,
    "text": _articles_from_text,
}


def _format_of(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in FEED_SUFFIXES:
        return "feed"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    return None


def _expand(paths: Iterable[str]) -> Iterator[str | ParseError]:
    """Files named by `paths`: files as given, folders walked (supported suffixes, sorted), globs expanded."""
    for raw in paths:
        if raw == "-":
            yield raw
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                str(p) for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
            yield from found
        elif path.is_file():
            yield raw
        elif glob.has_magic(raw):
            matches = sorted(m for m in glob.glob(raw, recursive=True) if os.path.isfile(m))
            if not matches:
                yield ParseError("no files match this pattern", raw)
            yield from matches
        else:
            yield ParseError("no such file or folder", raw)


def iter_articles(
    paths: list[str], *, default_source: str | None = None, default_published: str | None = None
) -> Iterator[Article | ParseError]:
    """Every article in `paths` (files, folders, globs, "-" for stdin), in order, with a ParseError in
    place of each record, entry or file that cannot be read."""
    defaults = {"default_source": default_source, "default_published": default_published}
    for item in _expand(paths):
        if isinstance(item, ParseError):
            yield item
            continue
        if item == "-":
            yield from _read_stream(sys.stdin, "<stdin>", defaults)
            continue
        fmt = _format_of(Path(item))
        if fmt is None:
            yield ParseError(f"unsupported file type (expected one of {', '.join(SUPPORTED_SUFFIXES)})", item)
            continue
        try:
            if fmt == "jsonl":
                with open(item, encoding="utf-8-sig") as handle:
                    yield from _records_from_jsonl(handle, item, defaults)
                continue
            content = Path(item).read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as error:
            yield ParseError(f"not UTF-8 text ({error.reason} at byte {error.start})", item)
            continue
        except OSError as error:
            yield ParseError(error.strerror or str(error), item)
            continue
        yield from _READERS[fmt](content, item, defaults)


def _read_stream(stream: Any, name: str, defaults: dict) -> Iterator[Article | ParseError]:
    content = stream.read()
    if not content.strip():
        return
    fmt = _sniff(content)
    if fmt == "jsonl":
        yield from _records_from_jsonl(io.StringIO(content), name, defaults)
    else:
        yield from _READERS[fmt](content, name, defaults)
