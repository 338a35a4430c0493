"""Sentence splitting with offsets, tuned for news copy.

Events are coded sentence by sentence and every coded event carries the offsets of its sentence, so the
splitter must never lose or shift characters: it returns spans of the original text. News copy breaks
naive splitters in known ways, which this one handles:

- line breaks end sentences (headlines, captions and paragraphs carry no final full stop);
- abbreviations and initials ("Feb. 26", "Lt. Col.", "U.S.", "J. Smith") do not end sentences;
- a full stop inside a number ("1.5") is not a boundary;
- text that was lower-cased by its publisher still splits at ". " after an ordinary word;
- spans the caller marks as skipped (repeated titles, photo credits) are cut out and never returned.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof gen lt col maj capt cpt sgt cpl pvt adm cmdr cmdt brig gov sen rep rev fr st mt ft
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri sat sun
    no nos vol inc ltd co corp jr sr vs approx est dept univ hon pres amb insp supt dist govt
    u.s u.k u.n e.g i.e a.m p.m d.c u.s.a etc al
    """.split()
)


@dataclass(eq=True, unsafe_hash=True)
class Sentence:
    """A sentence of a text: text[start:end] == sentence.text. Never changed once made, but not frozen: a
    frozen dataclass sets each field through ``object.__setattr__``, some 3 K instructions per sentence
    made (a thousand per 40 articles)."""

    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _boundary_pattern() -> re.Pattern[str]:
    """A run of final punctuation (with closing quotes or brackets) before white space, or a line break.
    Written to open with one character class (the punctuation or the line break, then checked for which
    it was) so that the regex engine skips to the candidates in C instead of trying two alternatives at
    every position of the text."""
    return re.compile(r"[.!?\n](?:(?<=\n)|(?<=[.!?])[.!?]*[\"'”’)\]]*(?=\s))")


_WORD_CHARS = re.compile(r"[\w.]*")
_INITIALISM = re.compile(r"(?:[a-z]\.)+[a-z]")
_ALPHANUMERIC = re.compile(r"[^\W_]")  # what str.isalnum accepts: \w without the underscore


def _keep_segments(length: int, skip_spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of [0, length) outside every skip span."""
    segments = []
    position = 0
    for skip_start, skip_end in sorted((max(0, s), min(length, e)) for s, e in skip_spans if e > s):
        if skip_start > position:
            segments.append((position, skip_start))
        position = max(position, skip_end)
    if position < length:
        segments.append((position, length))
    return segments


def _marks(text: str, start: int, end: int) -> list[int]:
    """Where text[start:end] holds a character that can open a sentence boundary (see `_boundary_pattern`),
    in order. Substring searches find them far faster than the regex engine, which tests every character
    of the text against the class."""
    marks = []
    for mark in ".!?\n":
        position = text.find(mark, start, end)
        while position >= 0:
            marks.append(position)
            position = text.find(mark, position + 1, end)
    marks.sort()
    return marks


def split_sentences(text: str, skip_spans: Iterable[tuple[int, int]] = ()) -> list[Sentence]:
    """The sentences of `text` as spans of it, leaving out anything inside `skip_spans`.

    Boundaries are the matches of `_boundary_pattern` that `finditer` would find: every one opens with one
    of the `_marks`, so the pattern is tried there only, left to right, never inside the previous match
    (none is empty). A mark before a space (most of them) is a whole match without trying it: no final
    punctuation, quote or bracket follows, and white space does. Whether a full stop closes a sentence
    is told here rather than in a function of its own (a call per full stop)."""
    pattern = _boundary_pattern()
    pieces = []  # (start, end) of each sentence before trimming
    for segment_start, segment_end in _keep_segments(len(text), skip_spans):
        start = resume = segment_start
        for mark in _marks(text, segment_start, segment_end):
            if mark < resume:
                continue
            if mark + 1 < segment_end and text[mark + 1] == " ":
                resume = mark + 1
            else:
                match = pattern.match(text, mark, segment_end)
                if match is None:
                    continue
                resume = match.end()
            if text[mark] != ".":  # a line break, an exclamation or a question mark
                pieces.append((start, mark if text[mark] == "\n" else resume))
                start = resume
                continue
            # The word before the full stop: the run of word characters and full stops that ends the 20
            # characters before it, or ends them but for a final line break (what ``re.search(r"([\w.]+)$",
            # piece)`` finds). Mostly it is what follows the last space there, all letters and digits
            # (``str.isalnum``: word characters but the underscore); otherwise it is read backwards with one
            # match anchored at the end rather than a search that tries every position of the piece.
            window_start = mark - 20 if mark > 20 else 0  # (no call to max)
            space = text.rfind(" ", window_start, mark)
            word = text[space + 1 : mark]
            if space < 0 or not word.isalnum():
                piece = text[window_start:mark]
                if piece.endswith("\n"):
                    piece = piece[:-1]
                word = piece[len(piece) - _WORD_CHARS.match(piece[::-1]).end() :]
            word = word.lower()
            if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            if "." in word and (word.rstrip(".") in ABBREVIATIONS or _INITIALISM.fullmatch(word)):
                continue
            # The first character after the white space that follows, within 10 characters (``str.lstrip``
            # strips what ``\s`` matches), must open a sentence; a lower-case one does after a plain word.
            following = text[resume : resume + 10].lstrip()
            if following:
                next_char = following[0]
                if not (next_char.isupper() or next_char.isdigit() or next_char in "\"'“‘(["):
                    if not (next_char.islower() and word.isalpha() and len(word) > 1):
                        continue
            pieces.append((start, resume))
            start = resume
        pieces.append((start, segment_end))
    # Each piece without the white space around it, unless nothing alphanumeric is left. (``str.strip``
    # removes what ``str.isspace`` calls white space.)
    sentences = []
    for start, end in pieces:
        piece = text[start:end]
        body = piece.strip()
        # A body nearly always opens with a letter or digit, which ``str.isalnum`` (what `_ALPHANUMERIC`
        # matches) tells without a search.
        if body and (body[0].isalnum() or _ALPHANUMERIC.search(body) is not None):
            start += len(piece) - len(piece.lstrip())
            sentences.append(Sentence(start, start + len(body), body))
    return sentences
