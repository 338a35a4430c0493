"""Running many large regular expressions over a text without paying for each one at every position.

Python's regex engine tries a pattern at every position of the text unless the pattern starts with a
literal; the lexicon patterns here start with a word-boundary assertion and an alternation of hundreds of
phrases, so scanning an article once per pattern dominated extraction time. `MultiPattern` reads each
pattern's possible first characters from its parsed form, finds the positions where any of them occur with
one scan over the lower-cased text, and tries each pattern only there. The hits are exactly those of
``pattern.finditer(text)``: the first characters are an over-approximation, and a pattern is never tried
inside its own previous hit, as ``finditer`` never does. A case-insensitive pattern is tried only where a
case-sensitive "sieve" derived from it matches the lower-cased text (`case_sensitive_sieve`), since the
regex engine runs case-insensitive alternations several times slower.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

# The only non-ASCII characters that match an ASCII letter case-insensitively (checked over all of Unicode
# for Python 3.11); mapping them keeps `scan_text` a faithful lower-cased view for ignore-case patterns.
_CASE_TWINS = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
_ASCII_SPACE = bytes.maketrans(b"\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f", b" " * 9)  # for ``bytes.translate``


class UnknownSyntax(ValueError):
    """A regex construct `regex_prefixes` does not model, or too many prefixes to list."""


_MAX_PREFIXES = 20_000


def _scan_char(char: str) -> str:
    """One character as `scan_text` writes it: what `\\s`, `\\d` and case-insensitive letters match is
    written one way (space, ASCII digit, lower-case letter); anything else stays as it is."""
    if char.isspace():
        return " "
    if char.isdecimal():
        return str(unicodedata.decimal(char))
    if char.isascii():
        return char.lower()
    return _CASE_TWINS.get(char, char)


@lru_cache(maxsize=16)
def scan_text(text: str) -> str:
    """The view of `text` the scan runs on (see `_scan_char`); same length, so offsets are unchanged.
    Kept for the last few texts: one article is scanned by several extractors."""
    return scan_view(text)


def scan_view(text: str) -> str:
    """`scan_text` without the cache, for short pieces: character by character the same view, so
    ``scan_view(text[a:b]) == scan_text(text)[a:b]``.

    A text with any non-ASCII character is encoded as ASCII, each run of other characters written by
    `_scan_run` (in UTF-8), and the bytes lower-cased and decoded again: the encoder copies ASCII in C and
    stops only at the few non-ASCII runs of news copy (curly quotes, dashes), where ``str.translate`` or a
    regex substitution would visit every character. (``bytes.translate`` is also faster than
    ``str.translate`` on ASCII.)"""
    encoded = text.encode("ascii") if text.isascii() else text.encode("ascii", _SCAN_RUN_ERRORS)
    return encoded.lower().translate(_ASCII_SPACE).decode("utf-8", "surrogatepass")


def _scan_run(error: UnicodeEncodeError) -> tuple[bytes, int]:
    """The characters `scan_view` cannot encode as ASCII, as `_scan_char` writes them, in UTF-8."""
    run = error.object[error.start : error.end]
    return "".join(map(_scan_char, run)).encode("utf-8", "surrogatepass"), error.end


_SCAN_RUN_ERRORS = "conflictwire-scan-view"  # the codec error handler `_scan_run`, by its registered name
codecs.register_error(_SCAN_RUN_ERRORS, _scan_run)

# The non-ASCII characters news copy is full of: curly quotation marks and apostrophes, en and em dashes.
_TYPOGRAPHIC_MARKS = "\u2018\u2019\u201c\u201d\u2013\u2014"


def ascii_marks(write: Callable[[str], str]) -> tuple[tuple[str, str], ...]:
    """The typographic marks of news copy that `write` (how a codec error handler writes one character)
    writes in ASCII, each with what it writes: for `encode_ascii`."""
    pairs = ((mark, write(mark)) for mark in _TYPOGRAPHIC_MARKS)
    return tuple((mark, written) for mark, written in pairs if written.isascii())


def encode_ascii(text: str, errors: str, marks: Sequence[tuple[str, str]]) -> bytes:
    """``text.encode("ascii", errors)``, where the error handler `errors` writes each character on its own and
    the `marks` as `ascii_marks` gives them. Those are replaced first, in C: the handler is a Python call
    for each run of non-ASCII characters, and news copy has one at nearly every quotation mark."""
    for mark, written in marks:
        if mark in text:
            text = text.replace(mark, written)
    return text.encode("ascii") if text.isascii() else text.encode("ascii", errors)


def _as_spaces(kept: str) -> bytes:
    """A table for ``bytes.translate`` (faster than ``str.translate`` even on ASCII) that writes every ASCII
    character but letters, digits and `kept` as a space."""
    return bytes(
        code if code >= 128 or chr(code).isalnum() or chr(code) in kept else ord(" ") for code in range(256)
    )


_SEPARATORS_AS_SPACES = _as_spaces("_-")  # word characters and the hyphen stay
_NON_WORD_AS_SPACES = _as_spaces("_")  # word characters (``\w``) stay


# How patterns that start at a word start (not after a word character or hyphen) begin.
_WORD_START = ("(?<![\\w\\-])", "(?<![\\w-])", "(?<![\\w\\-.])", "(?<![\\w.\\-])")


def _spaced(text: str) -> str:
    """`text` with every non-ASCII character and every ASCII one that is not a word character or hyphen
    written as a space; same length. A non-ASCII word character ("é") turns into a space too: too many
    word starts are then found, never too few."""
    # "?" (a separator) for each non-ASCII character
    return text.encode("ascii", "replace").translate(_SEPARATORS_AS_SPACES).decode("ascii")


def word_view(text: str) -> str:
    """`text` with every character but an ASCII word character written as a space (same length): a word
    starts after each space of it, which the regex engine skips to far faster than to a word boundary. A
    non-ASCII letter becomes a space too ("?" once encoded), so too many word starts are found, never too
    few. Unlike `_spaced`, the hyphen is a space here: a word after a hyphen starts a word too."""
    return text.encode("ascii", "replace").translate(_NON_WORD_AS_SPACES).decode("ascii")


@lru_cache(maxsize=16)
def separators_as_spaces(scanned: str) -> str:
    """`_spaced` of a `scan_text`: where words start in it is found by searching for a space, which the
    regex engine skips to far faster than to a member of a character class (that search tries the class
    at every character). Kept for the last few texts: several scanners run over one article."""
    return _spaced(scanned)


@lru_cache(maxsize=8)
def _parsed(pattern: str):
    """`pattern` parsed by the parser `re` itself uses, kept for a moment: building a `MultiPattern` reads
    each (long) pattern twice, for its prefixes and for its sieve."""
    from re import _parser

    return _parser.parse(pattern)


def regex_prefixes(
    pattern: str, depth: int, *, from_required: bool = False, digits: bool = False, runs: bool = False
) -> set[str]:
    """The first `depth` characters, lower-cased, of every string `pattern` can match (shorter ones whole).

    An over-approximation, made for skipping text before running an expensive pattern on `scan_text` of
    it: assertions count as empty, and a non-ASCII character or a class that is not a short list of
    characters cuts a prefix short (an empty prefix means "could start anywhere"). With `from_required`,
    optional parts at the start are left out ("(?:the )?bodies of" gives "bod"), so the result says what
    every match must contain somewhere rather than how it starts. With `digits`, ``\\d`` counts as the ten
    ASCII digits (which is how `scan_text` writes every decimal digit) rather than cutting a prefix short;
    prefixes of numbers multiply quickly, so that is for callers that fall back to a smaller depth. With
    `runs`, the prefixes are those of `runs_view` of the matches: a hyphen counts as a space and a run of
    spaces as one, and a prefix ends at a repeat (an optional part included) of anything but spaces and
    hyphens when that repeat could start many ways; so prefixes stay few at depths where listing every
    spelling of the separators and every way through the optional parts would run to tens of thousands.
    Raises `UnknownSyntax` for constructs it does not model.
    """
    from re import _constants as sre  # the parser `re` itself uses (stable within a Python release)

    cut = "\x00"

    def char(code: int) -> str:
        character = chr(code)
        if runs and character == "-":
            return " "
        if code < 128 or character.isspace() or character.isdecimal():
            return _scan_char(character)
        uncased = character.lower() == character == character.upper() and character not in _CASE_TWINS
        return character if uncased else cut

    def finished(head: str) -> bool:
        return len(head) >= depth or head.endswith(cut)

    def join(heads: set[str], tails: set[str]) -> set[str]:
        out = set()
        for head in heads:
            if finished(head):
                out.add(head)
            elif runs:
                out.update(_one_space_per_run(head + tail)[:depth] for tail in tails)
            else:
                out.update((head + tail)[:depth] for tail in tails)
        if len(out) > _MAX_PREFIXES:
            raise UnknownSyntax(f"more than {_MAX_PREFIXES} prefixes of length {depth} in {pattern!r}")
        return out

    def sequence(items, leading: bool) -> set[str]:
        heads = {""}
        for op, argument in items:
            if all(finished(h) for h in heads):
                break
            here = single(op, argument, leading)
            if leading and "" in here:
                continue
            heads = join(heads, here)
            leading = False
        return heads

    def plain(items) -> bool:
        """Whether `items` are characters and repeats of them only (no alternation or group)."""
        return all(
            op in (sre.LITERAL, sre.IN)
            or (op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and plain(argument[2]))
            for op, argument in items
        )

    def single(op, argument, leading: bool) -> set[str]:
        if op is sre.LITERAL:
            return {char(argument)}
        if op is sre.IN:
            chars = set()
            for kind, value in argument:
                if kind is sre.LITERAL:
                    chars.add(char(value))
                elif kind is sre.RANGE and value[1] - value[0] < 64:
                    chars.update(char(code) for code in range(value[0], value[1] + 1))
                elif kind is sre.CATEGORY and value in (sre.CATEGORY_SPACE, sre.CATEGORY_UNI_SPACE):
                    chars.add(" ")
                elif (
                    kind is sre.CATEGORY and value in (sre.CATEGORY_DIGIT, sre.CATEGORY_UNI_DIGIT) and digits
                ):
                    chars.update("0123456789")
                else:
                    return {cut}
            return chars
        if op in (sre.NOT_LITERAL, sre.ANY):
            return {cut}
        if op is sre.BRANCH:
            return set().union(*(sequence(branch, leading) for branch in argument[1]))
        if op is sre.SUBPATTERN:
            return sequence(argument[3], leading)
        if op is sre.ATOMIC_GROUP:
            return sequence(argument, leading)
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, high, item = argument
            if runs and not plain(item):
                return join(sequence(item, False), {cut}) if low else {cut}
            body = sequence(item, False)
            if runs and not body <= {" "} and (high > 1 or len(body) > _FEW_PREFIXES):
                return join(body, {cut}) if low else {cut}
            out = set()
            for count in range(min(low, depth), min(high, depth) + 1):
                heads = {""}
                for _ in range(count):
                    heads = join(heads, body)
                out |= heads
            return out
        if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
            return {""}
        raise UnknownSyntax(f"{op} in {pattern!r}")

    heads = sequence(_parsed(pattern), from_required)
    return {head.split(cut, 1)[0] for head in heads}


_FEW_PREFIXES = 16


def _one_space_per_run(text: str) -> str:
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def runs_view(text: str) -> str:
    """`text` (a `scan_text`) with hyphens as spaces and each run of spaces as one: what
    ``regex_prefixes(..., runs=True)`` lists prefixes of."""
    return _one_space_per_run(text.replace("-", " "))


_SIEVE_FLAGS = re.IGNORECASE | re.UNICODE | re.VERBOSE | re.DOTALL | re.MULTILINE
_ANY_CHAR = r"[\s\S]"


def case_sensitive_sieve(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A case-sensitive pattern that matches `scan_text(text)` at a position wherever the case-insensitive
    `pattern` matches `text` there; None when no such pattern is derived (or `pattern` is case-sensitive).

    The regex engine tries a case-insensitive alternation branch by branch, several times slower than a
    case-sensitive one, whose branches it skips on their first character. As `scan_text` writes every
    case of an ASCII letter as its lower case, the sieve is `pattern` spelled in lower case and widened
    where the scan view is not faithful (a character of unknown case, a negated class: any character;
    a negative lookaround or a line anchor: dropped). It may match where `pattern` does not, never the
    other way round, so trying `pattern` only where the sieve matches finds the same hits.
    """
    if not pattern.flags & re.IGNORECASE or pattern.flags & ~_SIEVE_FLAGS:
        return None
    from re import _parser

    try:
        parsed = (
            _parser.parse(pattern.pattern, pattern.flags)
            if pattern.flags & re.VERBOSE
            else _parsed(pattern.pattern)
        )
        return re.compile(_sieve_sequence(parsed))
    except (UnknownSyntax, re.error, RecursionError):
        return None


def _sieve_chars(code: int) -> set[str] | None:
    """How `scan_text` writes the characters that match character `code` case-insensitively; None when
    they cannot be listed cheaply (a cased non-ASCII letter)."""
    character = chr(code)
    if code < 128:
        return {character.lower() if character.isalpha() else _scan_char(character)}
    if character.lower() == character == character.upper() and character not in _CASE_TWINS:
        return {_scan_char(character)}
    return None


def _sieve_class(items) -> str:
    from re import _constants as sre

    categories = {
        sre.CATEGORY_DIGIT: r"\d",
        sre.CATEGORY_NOT_DIGIT: r"\D",
        sre.CATEGORY_SPACE: r"\s",
        sre.CATEGORY_NOT_SPACE: r"\S",
        sre.CATEGORY_WORD: r"\w",
        sre.CATEGORY_NOT_WORD: r"\W",
    }
    chars: set[str] = set()
    parts: list[str] = []
    for kind, value in items:
        if kind is sre.LITERAL:
            listed = _sieve_chars(value)
        elif kind is sre.RANGE and value[1] < 128:
            listed = set().union(*(_sieve_chars(code) for code in range(value[0], value[1] + 1)))
        elif kind is sre.CATEGORY and value in categories:
            parts.append(categories[value])
            continue
        else:
            listed = None
        if listed is None:
            return _ANY_CHAR
        chars |= listed
    parts += (re.escape(char) if char.isascii() else f"\\U{ord(char):08x}" for char in sorted(chars))
    return "[" + "".join(parts) + "]"


def _sieve_sequence(items) -> str:
    return "".join(_sieve_item(op, argument) for op, argument in items)


def _sieve_item(op, argument) -> str:
    from re import _constants as sre

    if op is sre.LITERAL:
        listed = _sieve_chars(argument)
        return _ANY_CHAR if listed is None else re.escape(listed.pop())
    if op is sre.IN:
        return _sieve_class(argument)
    if op in (sre.NOT_LITERAL, sre.ANY):
        return _ANY_CHAR
    if op is sre.BRANCH:
        return "(?:" + "|".join(_sieve_sequence(branch) for branch in argument[1]) + ")"
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, items = argument
        if (add_flags | del_flags) & ~_SIEVE_FLAGS:
            raise UnknownSyntax(f"flags {add_flags}/{del_flags} in a group")
        return "(?:" + _sieve_sequence(items) + ")"
    if op is sre.ATOMIC_GROUP:
        return "(?:" + _sieve_sequence(argument) + ")"
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, high, items = argument
        if (low, high) == (0, 1):
            # The same strings, longest first as well, but a branch: the engine runs a group's repeat
            # through its general repeat loop (which allocates), several times slower.
            return "(?:" + _sieve_sequence(items) + "|)"
        return (
            "(?:"
            + _sieve_sequence(items)
            + ")"
            + (f"{{{low},}}" if high == sre.MAXREPEAT else f"{{{low},{high}}}")
        )
    if op is sre.ASSERT:
        direction, items = argument
        return ("(?=" if direction == 1 else "(?<=") + _sieve_sequence(items) + ")"
    if op is sre.ASSERT_NOT:
        return ""
    if op is sre.AT:
        return {sre.AT_BOUNDARY: r"\b", sre.AT_NON_BOUNDARY: r"\B"}.get(argument, "")
    raise UnknownSyntax(f"{op} in a sieve")


def prefix_alternation(heads: Iterable[str], *, space: str = r"\ ") -> str:
    """A regex alternation of literal `heads`, factored by first character so every branch starts with a
    literal: the regex engine then skips to candidate characters in C. "" if some head is empty. A space
    of a head is written as `space`."""
    by_first: dict[str, list[str]] = {}
    for head in heads:
        by_first.setdefault(head[:1], []).append(head[1:])
    branches = []
    for first, tails in sorted(by_first.items()):
        if not first:
            return ""
        rest = prefix_alternation(tails, space=space)
        branches.append((space if first == " " else re.escape(first)) + (f"(?:{rest})" if rest else ""))
    return "|".join(branches)


def _first_character_alternation(heads: Iterable[str]) -> str:
    """Like `prefix_alternation`, but each branch consumes only its first character and looks ahead for
    the rest, so that consecutive matches never hide a start inside an earlier one."""
    by_first: dict[str, list[str]] = {}
    for head in heads:
        by_first.setdefault(head[:1], []).append(head[1:])
    branches = []
    for first, tails in sorted(by_first.items()):
        rest = prefix_alternation(tails)
        branches.append(re.escape(first) + (f"(?={rest})" if rest else ""))
    return "|".join(branches)


def word_alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal `words` as a trie (shared prefixes written once, longest first), which
    the regex engine tries far faster than a flat list of hundreds of words."""
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


def required_words(pattern: re.Pattern[str], depth: int = 6) -> re.Pattern[str] | None:
    """A literal alternation that finds something in `scan_text(text)[start:end]` whenever `pattern`
    matches in text[start:end]; None when no such cheap condition can be derived."""
    try:
        heads = regex_prefixes(pattern.pattern, depth, from_required=True)
    except UnknownSyntax:
        return None
    return None if "" in heads else re.compile(prefix_alternation(heads))


@dataclass(frozen=True)
class PrefixSearch:
    """``pattern.search`` for a pattern with no literal start, such as a long alternation, which the regex
    engine would try at every position. Where a match can begin is found first with a literal alternation
    of its possible first characters (skipped to in C, on `scan_text`), and the pattern is tried only
    there, left to right, so the first success is the match ``pattern.search`` returns."""

    pattern: re.Pattern[str]
    starts: re.Pattern[str] | None  # None when a match could begin anywhere

    @classmethod
    def build(cls, pattern: re.Pattern[str], depth: int = 3) -> PrefixSearch:
        try:
            heads = regex_prefixes(pattern.pattern, depth)
        except (UnknownSyntax, re.error):
            heads = {""}
        return cls(pattern, None if "" in heads else re.compile(prefix_alternation(heads)))

    def search_piece(self, text: str, scanned: str, start: int, end: int) -> re.Match[str] | None:
        """``pattern.search(text[start:end])``: the piece's edges are what anchors and lookarounds see, and
        the match's offsets are relative to the piece. Short pieces (the clause before a trigger) are
        searched this way, the start positions still found on `scanned`, the whole text's `scan_text`."""
        if self.starts is None or start >= end:
            return self.pattern.search(text[start:end])
        position = start
        piece = None  # cut only once a start is found: most pieces have none
        while (found := self.starts.search(scanned, position, end)) is not None:
            if piece is None:
                piece = text[start:end]
            match = self.pattern.match(piece, found.start() - start)
            if match is not None:
                return match
            position = found.start() + 1
        return None

    def search(
        self, text: str, scanned: str | None = None, start: int = 0, end: int | None = None
    ) -> re.Match[str] | None:
        """``pattern.search(text, start, end)``; `scanned` is `scan_text(text)` when the caller has it."""
        end = len(text) if end is None else end
        if self.starts is None:
            return self.pattern.search(text, start, end)
        scanned = scan_text(text) if scanned is None else scanned
        position = start
        while True:
            found = self.starts.search(scanned, position, end)
            if found is None:
                return None
            match = self.pattern.match(text, found.start(), end)
            if match is not None:
                return match
            position = found.start() + 1


@dataclass(frozen=True)
class WordStartSearch:
    """``pattern.search(text[start:end])`` for a pattern whose matches start at a word start, that is after
    a character that is not a word character (or at the piece's edge, where a look-behind sees nothing).
    Such a position follows a space of `word_view` of the text, so the pattern is tried only after the
    spaces that a head of it follows there and at the piece's start: fewer places than `PrefixSearch`
    tries (it also tries the heads inside words), found faster (the engine skips from space to space)."""

    pattern: re.Pattern[str]
    after_space: re.Pattern[str]  # a space followed by a head of the pattern, on the word view
    at_start: re.Pattern[str]  # a head of the pattern

    _WORD_START_ASSERTIONS = (r"(?<![\w-])", r"\b")
    _DEPTH = 6

    @classmethod
    def build(cls, pattern: re.Pattern[str]) -> WordStartSearch | None:
        """The search, or None when `pattern` does not start every match at a word start: it must open with
        one of `_WORD_START_ASSERTIONS` that no top-level alternative escapes, and after ``\\b`` every
        head must begin with a word character (which makes the boundary one where a word starts)."""
        source = pattern.pattern
        opening = next((a for a in cls._WORD_START_ASSERTIONS if source.startswith(a)), None)
        if opening is None or len(top_level_alternatives(source)) != 1:
            return None
        heads = regex_prefixes(source, cls._DEPTH)
        if "" in heads:
            return None
        if opening == r"\b" and not all(head[0].isalnum() or head[0] == "_" for head in heads):
            return None
        alternation = prefix_alternation({word_view(head) for head in heads})
        return cls(pattern, re.compile(f" (?={alternation})"), re.compile(alternation))

    def search_piece(self, text: str, words: str, start: int, end: int) -> re.Match[str] | None:
        """`words` is `word_view` of `scan_text(text)`; offsets of the match are relative to the piece."""
        if start >= end:
            return self.pattern.search(text[start:end])
        piece = None  # cut only once a place to try is found
        if self.at_start.match(words, start, end) is not None:
            piece = text[start:end]
            match = self.pattern.match(piece)
            if match is not None:
                return match
        position = start
        while (found := self.after_space.search(words, position, end)) is not None:
            position = found.end()
            if piece is None:
                piece = text[start:end]
            match = self.pattern.match(piece, position - start)
            if match is not None:
                return match
        return None

    def finditer_piece(self, text: str, words: str, start: int, end: int) -> list[re.Match[str]]:
        """``list(pattern.finditer(text[start:end]))``: tried at the same places as in `search_piece`, left
        to right, never inside the previous hit (no match is empty: every head has a character)."""
        if start >= end:
            return list(self.pattern.finditer(text[start:end]))
        piece = text[start:end]
        hits = []
        resume = start  # where `finditer` would look next
        if self.at_start.match(words, start, end) is not None:
            match = self.pattern.match(piece)
            if match is not None:
                hits.append(match)
                resume = start + match.end()
        position = start
        while (found := self.after_space.search(words, position, end)) is not None:
            position = found.end()
            if position < resume:
                continue
            match = self.pattern.match(piece, position - start)
            if match is not None:
                hits.append(match)
                resume = start + match.end()
        return hits

    def finditer_text(self, text: str, words: str, start: int, end: int) -> list[re.Match[str]]:
        """``list(pattern.finditer(text, start, end))``: tried where `search_text` tries it, never inside
        the previous hit."""
        hits = []
        resume = start
        if start == 0 and self.at_start.match(words, 0, end) is not None:
            match = self.pattern.match(text, 0, end)
            if match is not None:
                hits.append(match)
                resume = match.end()
        position = max(0, start - 1)
        while (found := self.after_space.search(words, position, end)) is not None:
            position = found.end()
            if position < resume:
                continue
            match = self.pattern.match(text, position, end)
            if match is not None:
                hits.append(match)
                resume = match.end()
        return hits

    def search_text(self, text: str, words: str, start: int, end: int) -> re.Match[str] | None:
        """``pattern.search(text, start, end)``: unlike in `search_piece`, a look-behind at `start` sees the
        text before it, so a match there needs a word start there too (a space of `words` before it)."""
        if start == 0 and self.at_start.match(words, 0, end) is not None:
            match = self.pattern.match(text, 0, end)
            if match is not None:
                return match
        position = max(0, start - 1)
        while (found := self.after_space.search(words, position, end)) is not None:
            position = found.end()
            match = self.pattern.match(text, position, end)
            if match is not None:
                return match
        return None


def top_level_alternatives(pattern: str) -> list[str]:
    """`pattern` split at each ``|`` outside every group and character class; an alternative that is one
    whole non-capturing group ``(?:...)`` is opened and split in turn."""
    parts, _ = _split_alternatives(pattern)
    if len(parts) > 1:
        return [piece for part in parts for piece in top_level_alternatives(part)]
    if pattern.startswith("(?:") and pattern.endswith(")"):
        inner_parts, lowest_depth = _split_alternatives(pattern[3:-1])
        if lowest_depth >= 0:
            return [piece for part in inner_parts for piece in top_level_alternatives(part)]
    return [pattern]


def _split_alternatives(pattern: str) -> tuple[list[str], int]:
    """The top-level alternatives of `pattern`, and the lowest group depth reached (below 0 when a ``)``
    closes a group opened before `pattern`)."""
    parts: list[str] = []
    depth = lowest = 0
    begin = index = 0
    in_class = False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            index += 1
            if pattern[index : index + 1] == "^":
                index += 1
            if pattern[index : index + 1] == "]":  # a "]" first in a class is a literal
                index += 1
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            lowest = min(lowest, depth)
        elif char == "|" and depth == 0:
            parts.append(pattern[begin:index])
            begin = index + 1
        index += 1
    parts.append(pattern[begin:])
    return parts, lowest


@dataclass(frozen=True)
class AnyOf:
    """Whether any of several patterns matches somewhere in text[start:end], without running their whole
    alternation at every position: the alternatives whose first characters are known go through one
    `PrefixSearch`; each other one is tried only when `scan_text` contains a word all its matches contain
    (`required_words`). The answer is exactly ``bool(re.compile("|".join(patterns)).search(...))``."""

    prefixed: PrefixSearch | None
    others: tuple[tuple[re.Pattern[str] | None, re.Pattern[str]], ...]

    @classmethod
    def build(cls, patterns: Sequence[str], depth: int = 3) -> AnyOf:
        known: list[str] = []
        others: list[tuple[re.Pattern[str] | None, re.Pattern[str]]] = []
        for alternative in (part for pattern in patterns for part in top_level_alternatives(pattern)):
            try:
                heads = regex_prefixes(alternative, depth)
            except UnknownSyntax:
                heads = {""}
            if "" not in heads:
                known.append(alternative)
                continue
            compiled = re.compile(alternative)
            others.append((required_words(compiled), compiled))
        prefixed = (
            PrefixSearch.build(re.compile("|".join(f"(?:{p})" for p in known)), depth) if known else None
        )
        return cls(prefixed, tuple(others))

    def found(self, text: str, scanned: str | None = None, start: int = 0, end: int | None = None) -> bool:
        """`scanned` is `scan_text(text)` when the caller has it."""
        end = len(text) if end is None else end
        scanned = scan_text(text) if scanned is None else scanned
        if self.prefixed is not None and self.prefixed.search(text, scanned, start, end) is not None:
            return True
        return any(
            (required is None or required.search(scanned, start, end) is not None)
            and pattern.search(text, start, end) is not None
            for required, pattern in self.others
        )


def _scan_prefixes(pattern: str, depth: int) -> set[str]:
    """`regex_prefixes` of `pattern` at `depth`, or at the largest smaller depth that works. A pattern that
    could start anywhere but for leading digits gets its digit prefixes instead, at a depth where they
    stay few (so that numbers are found by the scan rather than by running the pattern everywhere)."""
    heads = _deepest_prefixes(pattern, depth, digits=False)
    if "" not in heads:
        return heads
    for shorter in range(depth, 0, -1):
        try:
            with_digits = regex_prefixes(pattern, shorter, digits=True)
        except UnknownSyntax:
            continue
        if "" not in with_digits and len(with_digits) <= _MAX_DIGIT_PREFIXES:
            return with_digits
    return heads


def _deepest_prefixes(pattern: str, depth: int, *, digits: bool) -> set[str]:
    for shorter in range(depth, 0, -1):
        try:
            return regex_prefixes(pattern, shorter, digits=digits)
        except UnknownSyntax:
            continue
    return {""}


def _run_prefixes(pattern: str, depth: int, heads: set[str]) -> set[str]:
    """``regex_prefixes(pattern, depth, runs=True)``, or else `heads` (its prefixes at a smaller depth)
    read the same way."""
    try:
        deep = regex_prefixes(pattern, depth, runs=True)
    except UnknownSyntax:
        deep = {""}
    return {runs_view(head) for head in heads} if "" in deep else deep


# In `separators_as_spaces` of a text, what one space of `runs_view` stands for: possessive, as the next
# character of a head is neither.
_SEPARATOR_RUN = r"[\ \-]++"
_MAX_DIGIT_PREFIXES = 200
_WINDOW_CACHE_SIZE = 50_000


def after_space_scan(heads: Iterable[str]) -> re.Pattern[str]:
    """A scan for the spaces of `separators_as_spaces` of a text after which one of `heads` (words and
    spaces, as `runs_view` writes them) starts, each space of a head standing for a run of spaces and
    hyphens; its matches end where the heads start. On `word_view` of the text (the hyphens spaces too)
    it finds those spaces and the hyphens after which a head starts."""
    return re.compile(f" (?={prefix_alternation(set(map(_one_space_per_run, heads)), space=_SEPARATOR_RUN)})")


@dataclass(frozen=True)
class MultiPattern:
    """Several patterns whose `finditer` hits are found together (see the module docstring). A pattern
    that could start anywhere (its first characters are not known) is simply run with `finditer`.

    The scan is written so that the regex engine skips in C to where it can match: when every pattern
    starts at a word start, it matches the space before each candidate position in
    `separators_as_spaces` of the text and `at_start` checks the first position on its own; otherwise it
    matches the first character of each candidate, followed by the rest of a possible start."""

    patterns: tuple[re.Pattern[str], ...]
    scan: re.Pattern[str]
    at_start: re.Pattern[str] | None
    by_prefix: dict[str, tuple[int, ...]]
    everywhere: tuple[int, ...]
    depth: int
    sieves: tuple[re.Pattern[str] | None, ...]  # see `case_sensitive_sieve`
    # With `scan_depth`, the heads the scan looks for after a space (as `runs_view` writes them), for a
    # caller that finds the candidates of several scanners with one scan (see `positions`); else empty.
    scan_heads: frozenset[str] = frozenset()
    windows: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)
    # The patterns' and sieves' bound `match` methods, taken once: a scanner runs once per sentence.
    matchers: tuple = field(init=False, compare=False, repr=False)
    sieve_matchers: tuple = field(init=False, compare=False, repr=False)
    # Each head's patterns with those of the heads it starts with, in order (see `_numbers_for`).
    with_shorter: dict[str, tuple[int, ...]] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "matchers", tuple(pattern.match for pattern in self.patterns))
        by_prefix = self.by_prefix
        with_shorter = {
            head: tuple(sorted({n for end in range(1, len(head) + 1) for n in by_prefix.get(head[:end], ())}))
            for head in by_prefix
        }
        object.__setattr__(self, "with_shorter", with_shorter)
        sieve_matchers = tuple(sieve.match if sieve is not None else None for sieve in self.sieves)
        object.__setattr__(self, "sieve_matchers", sieve_matchers)

    @classmethod
    def build(
        cls, patterns: Sequence[re.Pattern[str]], depth: int = 3, scan_depth: int | None = None
    ) -> MultiPattern:
        """With `scan_depth`, patterns that all start at a word start are looked for where the text starts
        with one of their `scan_depth` first characters (spaces and hyphens read as in `runs_view`), not
        just `depth`: fewer places to try them (see `positions`). Which of them to try at such a place is
        still told by the `depth` first characters."""
        by_prefix: dict[str, list[int]] = {}
        everywhere = []
        sieves: list[re.Pattern[str] | None] = [None] * len(patterns)
        deep_heads: set[str] = set()
        for number, pattern in enumerate(patterns):
            heads = _scan_prefixes(pattern.pattern, depth)
            if "" in heads:
                everywhere.append(number)
                continue
            for head in heads:
                by_prefix.setdefault(head, []).append(number)
            sieves[number] = case_sensitive_sieve(pattern)
            if scan_depth is not None:
                deep_heads |= _run_prefixes(pattern.pattern, scan_depth, heads)
        _parsed.cache_clear()
        # Patterns that all start with "not after a word character or hyphen" can only match at such
        # positions, which the scan then requires too.
        prefixed = [p for n, p in enumerate(patterns) if n not in everywhere]
        boundary = r"(?<![\w-])" if all(p.pattern.startswith(_WORD_START) for p in prefixed) else ""
        at_start = None
        scan_heads: frozenset[str] = frozenset()
        if not by_prefix:
            scan = re.compile(r"(?!)")
        elif boundary and deep_heads:
            scan_heads = frozenset(_one_space_per_run(_spaced(head)) for head in deep_heads)
            scan = after_space_scan(scan_heads)
            at_start = re.compile(rf"{boundary}(?={prefix_alternation(by_prefix)})")
        elif boundary:
            scan = re.compile(f" (?={prefix_alternation({_spaced(head) for head in by_prefix})})")
            at_start = re.compile(rf"{boundary}(?={prefix_alternation(by_prefix)})")
        else:
            scan = re.compile(_first_character_alternation(by_prefix))
        return cls(
            tuple(patterns),
            scan,
            at_start,
            {k: tuple(v) for k, v in by_prefix.items()},
            tuple(everywhere),
            depth,
            tuple(sieves),
            scan_heads,
        )

    def positions(self, scanned: str, start: int, end: int) -> list[int]:
        """Where some pattern may start in scanned[start:end], in order.

        Patterns that all start at a word start are looked for after each space of
        `separators_as_spaces(scanned)`, their first characters spelled there the same way (`_spaced`).
        That finds every position where one of them can match, and possibly a few more ("u s" where a head
        reads "u.s.", or after an "é"), where none does."""
        if self.at_start is None:
            return [found.start() for found in self.scan.finditer(scanned, start, end)]
        spaced = separators_as_spaces(scanned)
        positions = [found.end() for found in self.scan.finditer(spaced, start, end)]
        if self.at_start.match(scanned, start, end) is not None:
            positions.insert(0, start)
        return positions

    def _numbers_for(self, window: str) -> tuple[int, ...]:
        """The patterns that may start where the text reads `window` (remembered: windows recur): those of
        every head that `window` starts with. Such heads start one another, so they are those of the
        longest one, listed with it by `build` (`with_shorter`)."""
        found: tuple[int, ...] = ()
        for length in range(len(window), 0, -1):
            numbers = self.with_shorter.get(window[:length])
            if numbers is not None:
                found = numbers
                break
        if len(self.windows) >= _WINDOW_CACHE_SIZE:
            self.windows.clear()
        self.windows[window] = found
        return found

    def finditer_each(
        self,
        text: str,
        scanned: str | None = None,
        start: int = 0,
        end: int | None = None,
        only: Mapping[int, int] | None = None,
        positions: Sequence[int] | None = None,
    ) -> list[list[re.Match[str]]]:
        """For each pattern, the list ``list(pattern.finditer(text, start, end))``. With `only`, the patterns
        numbered by its keys get ``list(pattern.finditer(text, only[number], end))`` (no earlier than
        `start`) and the others an empty list: they are not tried at all.

        `scanned` is `scan_text(text)` when the caller has it, and `positions` its ``positions(scanned,
        start, end)``, or the first of them when the caller knows no hit starts after those, or those with
        more in order (no pattern matches at a position that is not one of them)."""
        scanned = scan_text(text) if scanned is None else scanned
        end = len(text) if end is None else end
        depth = self.depth
        windows = self.windows
        matchers = self.matchers
        sieves = self.sieve_matchers
        hits: list[list[re.Match[str]]] = [[] for _ in self.patterns]
        # Where each pattern may be tried next: `finditer` never tries a pattern inside its previous hit. A
        # pattern left out by `only` is to be tried from `end` on, which is never.
        resume = [0] * len(self.patterns)
        if only is not None:
            resume = [only.get(number, end) for number in range(len(self.patterns))]
        if positions is None:
            positions = self.positions(scanned, start, end)
        for position in positions:
            window = scanned[position : position + depth]
            numbers = windows.get(window)
            if numbers is None:
                numbers = self._numbers_for(window)
            for number in numbers:
                if position < resume[number]:
                    continue
                sieve = sieves[number]
                if sieve is not None and sieve(scanned, position, end) is None:
                    continue
                match = matchers[number](text, position, end)
                if match is not None:
                    hits[number].append(match)
                    resume[number] = max(match.end(), position + 1)
        for number in self.everywhere:
            if only is None or number in only:
                first = start if only is None else only[number]
                hits[number] = list(self.patterns[number].finditer(text, first, end))
        return hits
