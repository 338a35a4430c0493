"""Numbers as news text writes them: "two", "at least 18", "more than 900,000", "1.5 million", "dozens".

Event coding needs counts (killed, injured, displaced, arrested) and those counts are written in words
as often as in digits, usually behind a hedge ("at least", "nearly"). This module turns such phrases into
integers and says how exact they are, so the caller can follow ACLED's convention: a stated number is
taken at its lower bound ("at least 18" -> 18, "20-30" -> 20) and a vague one is coded with a fixed
estimate ("dozens" -> 12, "hundreds" -> 100, "several" -> 10) and flagged as estimated.

Everything here is plain regular expressions compiled once; no gazetteer or model is loaded.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from indexer.regexscan import (
    prefix_alternation,
    regex_prefixes,
    scan_text,
    top_level_alternatives,
    word_view,
)

UNITS = {
    "zero": 0, "no": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
SCALE_ABBREVIATIONS = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000}

# ACLED codes vague counts with fixed estimates; they are marked estimated so a caller can tell.
VAGUE = {
    "a few": 3, "few": 3, "a couple of": 2, "a couple": 2, "a pair of": 2, "both": 2,
    "several": 10, "many": 10, "numerous": 10, "scores of": 20, "scores": 20, "a number of": 10,
    "dozens of": 12, "dozens": 12, "a dozen": 12, "half a dozen": 6, "hundreds of": 100,
    "hundreds": 100, "thousands of": 1000, "thousands": 1000, "tens of thousands of": 10_000,
    "hundreds of thousands of": 100_000, "millions of": 1_000_000,
}  # fmt: skip
# "a dozen" and "half a dozen" are exact words even though they live in the vague table.
EXACT_VAGUE = {"a dozen", "half a dozen", "both", "a couple of", "a couple", "a pair of"}

QUALIFIERS = {
    "at least": "at_least", "at the least": "at_least", "no fewer than": "at_least",
    "no less than": "at_least", "more than": "more_than", "over": "more_than", "upwards of": "more_than",
    "in excess of": "more_than", "nearly": "about", "almost": "about", "about": "about",
    "around": "about", "approximately": "about", "roughly": "about", "some": "about",
    "an estimated": "about", "close to": "about", "up to": "up_to", "as many as": "up_to",
    "fewer than": "up_to", "less than": "up_to", "at most": "up_to",
}  # fmt: skip


@dataclass(frozen=True)
class Quantity:
    """One number phrase found in a text; `start`/`end` are offsets into that text."""

    value: int
    start: int
    end: int
    text: str
    qualifier: str | None = None
    estimated: bool = False


def lower_ascii(text: str) -> str:
    """`text` with A-Z lower-cased and every other character kept, so offsets stay valid. Scanning lowered
    text with case-sensitive patterns is about twice as fast as case-insensitive matching.

    ``bytes.lower`` changes ASCII letters only, so the UTF-8 round trip keeps every other character as is."""
    if text.isascii():
        return text.lower()
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


# The non-ASCII letters that match an ASCII letter when case is ignored (dotted and dotless i, long s, the
# Kelvin sign): the only ones for which IGNORECASE matters on text lowered by `lower_ascii`.
_CASE_TWINS = ("\u0130", "\u0131", "\u017f", "\u212a")


def no_case_twins(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether text[start:end] is free of `_CASE_TWINS`. On such text lowered by `lower_ascii`, a pattern
    whose letters are all lower-case ASCII finds the same matches with or without IGNORECASE, and is about
    twice as fast without it, so callers may swap in the case-sensitive twin of such a pattern."""
    if text.isascii():  # (told from the string's header, without reading it)
        return True
    end = len(text) if end is None else end
    return all(text.find(twin, start, end) < 0 for twin in _CASE_TWINS)


def _word_alternation(words) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    unit = _word_alternation(k for k in UNITS if k != "no")
    tens = _word_alternation(TENS)
    scale = _word_alternation(SCALES)
    word_number = (
        rf"(?:(?:{tens})(?:[\s-](?:{unit}))?|(?:{unit})|a|an)"
        rf"(?:[\s-](?:{scale})(?:(?:\s+and)?[\s-](?:(?:{tens})(?:[\s-](?:{unit}))?|(?:{unit})))?)*"
    )
    digits = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"
    digit_number = rf"(?:{digits})(?:\s*(?:{scale})\b|(?:k|mn|m|bn)\b)?"
    qualifier = _word_alternation(QUALIFIERS)
    vague = _word_alternation(VAGUE)
    number = (
        rf"(?P<qual>(?:{qualifier})\s+)?"
        rf"(?P<num>(?P<vague>{vague})|(?P<digit>{digit_number})(?:\s*(?:-|–|to)\s*(?P<upper>{digits}))?"
        rf"|(?P<word>{word_number})(?:\s*(?:-|–|or|to)\s*(?P<upperword>{word_number}))?)"
    )
    return {
        "number": re.compile(rf"(?<![\w.,:-])(?:{number})(?![\w])"),
        "whole": re.compile(rf"^\s*(?:{number})\s*$", re.IGNORECASE),
    }


_WORD_SEPARATORS = re.compile(r"[\s-]+")


def _words_value(phrase: str) -> int | None:
    """Value of a number written in words: "twenty-five", "one hundred and two", "a million"."""
    total = 0
    current = 0
    seen = False
    for token in _WORD_SEPARATORS.split(phrase.lower().strip()):
        if not token or token == "and":
            continue
        if token in ("a", "an"):
            current = 1
            seen = True
        elif token in UNITS:
            current += UNITS[token]
            seen = True
        elif token in TENS:
            current += TENS[token]
            seen = True
        elif token in SCALES:
            scale = SCALES[token]
            current = max(current, 1) * scale
            if scale >= 1000:
                total += current
                current = 0
            seen = True
        else:
            return None
    return total + current if seen else None


_DIGITS_AND_SCALE = re.compile(r"\s*([\d,]*\d(?:\.\d+)?)\s*([a-z]*)", re.IGNORECASE)


def _digits_value(phrase: str) -> int | None:
    match = _DIGITS_AND_SCALE.match(phrase)
    if not match:
        return None
    number = float(match.group(1).replace(",", ""))
    suffix = match.group(2).lower()
    multiplier = SCALES.get(suffix) or SCALE_ABBREVIATIONS.get(suffix) or 1
    return int(round(number * multiplier))


def _quantity_from_match(match: re.Match[str], offset: int = 0) -> Quantity | None:
    qualifier_text = (match.group("qual") or "").strip().lower()
    qualifier = QUALIFIERS.get(" ".join(qualifier_text.split())) if qualifier_text else None
    estimated = False
    if match.group("digit"):
        value = _digits_value(match.group("digit"))
        if match.group("upper"):
            qualifier = qualifier or "range"
    elif match.group("word"):
        word = match.group("word")
        if word.lower() in ("a", "an"):
            return None
        value = _words_value(word)
        if match.group("upperword"):
            qualifier = qualifier or "range"
    else:
        vague = " ".join(match.group("vague").lower().split())
        value = VAGUE[vague]
        estimated = vague not in EXACT_VAGUE
        qualifier = qualifier or ("vague" if estimated else None)
    if value is None:
        return None
    return Quantity(
        value=value,
        start=match.start() + offset,
        end=match.end() + offset,
        text=match.group(0),
        qualifier=qualifier,
        estimated=estimated,
    )


def parse_number(phrase: str) -> int | None:
    """The integer a whole phrase stands for ("two" -> 2, "at least 18" -> 18, "1.5 million" ->
    1500000, "dozens" -> 12), or None when the phrase is not a number."""
    if not phrase or not phrase.strip():
        return None
    stripped = " ".join(phrase.split())
    if stripped.lower() in ("a", "an", "one"):
        return 1
    match = _patterns()["whole"].match(stripped)
    if not match:
        return None
    quantity = _quantity_from_match(match)
    return quantity.value if quantity else None


def parse_quantity(phrase: str) -> Quantity | None:
    """Like parse_number, but keeps the qualifier and the estimated flag."""
    stripped = " ".join((phrase or "").split())
    match = _patterns()["whole"].match(stripped) if stripped else None
    return _quantity_from_match(match) if match else None


_YEAR = re.compile(r"(19|20)\d\d")
_CLOCK_AFTER = re.compile(r"\s?(a\.?m|p\.?m)\b")
_UNIT_AFTER = re.compile(r"\s?(mm|km|kg|cm|m|%)\b")


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Every number phrase in text[start:end], left to right, offsets into `text`.

    Years and clock times are skipped: a four-digit number from 1900 to 2099 standing alone, and
    digits followed by a colon or by am/pm, are dates, not counts.
    """
    end = len(text) if end is None else end
    original, text = text, lower_ascii(text)
    found: list[Quantity] = []
    for match in _patterns()["number"].finditer(text, start, end):
        if match.group("digit") and not match.group("qual") and not match.group("upper"):
            raw = match.group("digit")
            if _YEAR.fullmatch(raw):
                continue
            tail = text[match.end() : match.end() + 4].lower()
            if tail.startswith(":") or _CLOCK_AFTER.match(tail):
                continue
            if _UNIT_AFTER.match(tail) or tail.startswith("%"):
                continue
        quantity = _quantity_from_match(match)
        if quantity is not None:
            written = original[quantity.start : quantity.end]
            # Mostly the text is lowered already (figure reading), so the phrase as written is the match.
            if written != quantity.text:
                quantity = Quantity(**{**quantity.__dict__, "text": written})
            found.append(quantity)
    return found


# --- figures: counts of people killed, injured, displaced, arrested ----------------------------------------

FIGURE_KINDS = ("killed", "injured", "displaced", "arrested", "kidnapped")


@dataclass(frozen=True)
class Figure:
    """A count of people affected in one way (`kind`), found at text[start:end].

    `summary` marks a coder's explicit total such as "3 fatalities", which replaces any sum of the clauses
    that report deaths one by one. `estimated` marks values from vague words ("dozens") or from deaths
    reported without any count, which are coded as the lower bound of one.
    """

    kind: str
    value: int
    start: int
    end: int
    estimated: bool = False
    summary: bool = False


MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)

# Trigger words per kind. Passive or intransitive forms take their count from the phrase before them
# ("two soldiers were killed"); active forms from the phrase after them ("killing 5 civilians").
_PASSIVE_TRIGGERS = {
    "killed": r"killed|dead|died|slain|murdered|executed|beheaded|assassinated|gunned down|lynched|perished|"
    r"lost (?:their|his|her) lives?|succumbed(?: to (?:his|her|their) (?:injuries|wounds))?|to death|"
    r"shot dead|found dead|bodies (?:were|have been) (?:found|recovered|discovered)",
    "injured": r"injured|wounded|hurt|hospitali[sz]ed",
    "displaced": r"displaced(?=\s+(?:from|by|in|to|after|since|following|due|as|during|because|over|across)\b|\s*[,.;]|$)|"
    r"fled (?:their|the) homes?|made homeless|evacuated",
    "arrested": r"arrested|detained|apprehended|taken into custody|held in custody",
    "kidnapped": r"kidnapped|abducted|taken hostage|taken captive",
}
_ACTIVE_TRIGGERS = {
    "killed": r"kill(?:ed|ing|s)|left|leaving|claimed the lives of|claiming the lives of|(?:shot|stabbed|beat|hacked|"
    r"burned|burnt) dead|assassinat(?:ed|ing)|murder(?:ed|ing)|execut(?:ed|ing)|behead(?:ed|ing)|"
    r"gunn(?:ed|ing) down|lynch(?:ed|ing)|fatally (?:shot|shooting|stabbed|stabbing|wounded|wounding|injured|"
    r"injuring|beat|beating|hit)|(?:led|leading|resulted|resulting) (?:to|in) the deaths? of|the deaths? of|"
    r"(?:the |a )?(?:\w+ )?(?:body|bodies|corpses?|remains) of",
    "injured": r"injur(?:ed|ing)|wound(?:ed|ing)|hurt(?:ing)?",
    "displaced": r"displac(?:ed|ing)(?=\s+(?:at least|more than|over|about|nearly|some|an estimated|\d|one|two|three|"
    r"four|five|six|seven|eight|nine|ten|hundreds|thousands|dozens|tens))",
    "arrested": r"arrest(?:ed|ing)|detain(?:ed|ing)|apprehend(?:ed|ing)|nabbed|rounded up",
    "kidnapped": r"kidnapp(?:ed|ing)|abduct(?:ed|ing)|seiz(?:ed|ing)",
}
_NOUN_FIGURES = {
    "killed": r"fatalit(?:y|ies)|deaths?|dead|bodies|corpses",
    "injured": r"injur(?:y|ies)|injured|wounded|casualt(?:y|ies) injured",
    "displaced": r"displaced(?: people| persons| residents| civilians)?|(?:internally displaced|idps)",
    "arrested": r"arrests",
}
_CLAUSE_BREAK = re.compile(
    r",(?!\d{3}\b)|[;:()\[\]—–]|\b(?:which|who|whom|when|while|whereas|after|before|as|that|because|since|but|following|"
    r"during|including|among them|of whom|in which|where|said|says|reported|according)\b",
    re.IGNORECASE,
)
_RIGHT_STOP = re.compile(
    r",(?!\d{3}\b)|\.(?!\d)|[;:()\[\]—–]|\b(?:in|at(?! least| most)|near|on|during|while|when|after|before|with|as|by|from|"
    r"inside|outside|"
    r"including|since|who|which|that|because|and (?=\w+(?:ed|ing)\b)|and (?:seriously |critically )?"
    r"(?:injur|wound|hurt|stole|rustl|burn|loot|abduct|kidnap)\w*)\b",
    re.IGNORECASE,
)
# Words that may come between a count and a passive trigger ("two soldiers were reportedly killed").
_AUXILIARY_TAIL_WORDS = (
    "were|was|have|has|had|been|being|are|is|reportedly|allegedly|also|all|both|later|"
    "subsequently|reported|confirmed|found|got|get|shot|and|feared|believed|presumed|left|leaving|people|"
    "seriously|critically|fatally|badly|lightly|slightly|severely"
).split("|")
_AUXILIARY_TAIL = re.compile(rf"(?:\s+(?:{'|'.join(_AUXILIARY_TAIL_WORDS)}))+\s*$", re.IGNORECASE)
_AUXILIARY_TAIL_SET = frozenset(_AUXILIARY_TAIL_WORDS)
_AUXILIARY = re.compile(r"\b(?:were|was|are|is|have|has|had|been|will|would)\b", re.IGNORECASE)
# The patterns above without IGNORECASE, for lowered text that `no_case_twins` clears (same matches there).
_CLAUSE_BREAK_LOWER = re.compile(_CLAUSE_BREAK.pattern)
_RIGHT_STOP_LOWER = re.compile(_RIGHT_STOP.pattern)
_AUXILIARY_LOWER = re.compile(_AUXILIARY.pattern)
_SUBSET_BREAKS = frozenset({"including", "among them", "of whom"})
_SINGULAR_DETERMINER = re.compile(
    r"^(?:a|an|one|the|his|her|its|this|that|another|each|every)\s+(?:[\w'’-]+\s+){0,5}([\w'’-]+)$",
    re.IGNORECASE,
)
_SINGULAR_PRONOUN = re.compile(r"^(?:him|her|himself|herself|he|she|the victim|the deceased)$", re.IGNORECASE)
# What "no" must be followed by (after white space) to deny deaths or injuries; a word of its own, which
# `figure_openings` relies on.
_NO_COUNT_OBJECT = (
    r"(?:fatalit(?:y|ies)|deaths?|casualt(?:y|ies)|"
    r"injur(?:y|ies)|one (?:was|were|has been|had been) (?:killed|injured|hurt|wounded)|"
    r"(?:one|body|anyone) (?:was |were )?(?:killed|injured|hurt|wounded))"
)
_NO_COUNT = re.compile(
    r"\b(?:no|zero|neither|nor|without)\b(?:\s+\w+){0,3}?\s+" + _NO_COUNT_OBJECT, re.IGNORECASE
)
# `_NO_COUNT` without IGNORECASE, for lowered text free of case twins (see `no_case_twins`).
_NO_COUNT_LOWER = re.compile(_NO_COUNT.pattern)
# On such text every match of `_NO_COUNT` contains one of its denying words ("nor" contains "no") and one
# of the words its denied objects end in, so a sentence lacking either (most do) skips the pattern, which
# has no literal start and would be tried at every position.
_NO_COUNT_DENIALS = ("no", "zero", "neither", "without")
_NO_COUNT_OBJECT_WORDS = ("injur", "killed", "death", "wounded", "hurt", "fatalit", "casualt")
_PLURAL_EXCEPTIONS = frozenset({"boss", "bus", "police", "personnel", "people", "staff", "crew"})


@lru_cache(maxsize=1)
def _figure_patterns() -> dict[str, re.Pattern[str]]:
    compiled: dict[str, re.Pattern[str]] = {}
    for kind in FIGURE_KINDS:
        compiled["passive:" + kind] = re.compile(rf"\b(?:{_PASSIVE_TRIGGERS[kind]})\b")
        compiled["active:" + kind] = re.compile(rf"\b(?:{_ACTIVE_TRIGGERS[kind]})\s+")
    for kind, nouns in _NOUN_FIGURES.items():
        compiled["noun:" + kind] = re.compile(rf"\b(?:{nouns})\b")
    compiled["toll"] = re.compile(
        r"\b(?:death|casualty|fatality) toll\b(?:\s+\w+){0,4}?\s+(?:to|at|of|reached|is|was|stands at|hit)\s+",
        re.IGNORECASE,
    )
    compiled["date_word"] = re.compile(rf"^\s*(?:{MONTHS})\b", re.IGNORECASE)
    compiled["date_before"] = re.compile(rf"\b(?:{MONTHS}|on|since|in)\s*$", re.IGNORECASE)
    return compiled


_NOT_A_COUNT_AFTER = re.compile(
    r"\s*(?:st|nd|rd|th|years?[- ]old|-year-old|km|kilomet|percent|per cent|%)", re.IGNORECASE
)
_OF_BEFORE = re.compile(r"\bof\s*$", re.IGNORECASE)
_ONE_MORE = re.compile(r"(?:another|one other|the other|a third|a second)(?: \w+)?", re.IGNORECASE)
_LIST_SEPARATORS = re.compile(r"\s*(?:,|\band\b|&)\s*")
_OF_BETWEEN = re.compile(r"\s+of\s+")


def _count_quantities(phrase: str) -> tuple[int | None, bool]:
    """Total of the counts in a noun phrase such as "three CRPF personnel and one civilian" (4) or
    "a man and a woman" (2); None when it names people without saying how many."""
    phrase = phrase.strip(" ,.'\"")
    if not phrase:
        return None, False
    patterns = _figure_patterns()
    total = 0
    estimated = False
    found = False
    for quantity in find_quantities(phrase):
        after = phrase[quantity.end :]
        before = phrase[: quantity.start]
        if patterns["date_word"].match(after) or patterns["date_before"].search(before):
            continue
        if _NOT_A_COUNT_AFTER.match(after):
            continue
        if _OF_BEFORE.search(before) and found:
            continue
        total += quantity.value
        estimated = estimated or quantity.estimated
        found = True
    if found:
        return total, estimated
    if _ONE_MORE.fullmatch(phrase):
        return 1, False
    pieces = [p.strip() for p in _LIST_SEPARATORS.split(phrase) if p.strip()]
    singles = 0
    for piece in pieces:
        if _SINGULAR_PRONOUN.match(piece):
            singles += 1
            continue
        head_part = _OF_BETWEEN.split(piece, maxsplit=1)[0]
        match = _SINGULAR_DETERMINER.match(head_part)
        if not match:
            return None, False
        head = match.group(1).lower()
        if head.endswith("s") and not head.endswith("ss") and head not in _PLURAL_EXCEPTIONS:
            return None, False
        if head in ("people", "police", "personnel", "staff", "crew", "others"):
            return None, False
        singles += 1
    return (singles, False) if singles else (None, False)


_LEADING_CONJUNCTION = re.compile(r"^\s*(?:and|or|but|then)\s+", re.IGNORECASE)
_SHORT_PARENTHESIS = re.compile(r"\([^()]{0,60}\)")


def _strip_auxiliaries(window: str, plain: bool = False) -> str:
    """`window` without a leading conjunction and the auxiliaries and adverbs that end it. `plain` says that
    `window` is lowered text free of case twins (see `no_case_twins`)."""
    window = _LEADING_CONJUNCTION.sub("", window)
    if plain:
        return _without_auxiliary_tail(window).strip(" ,")
    previous = None
    while previous != window:
        previous = window
        window = _AUXILIARY_TAIL.sub("", window)
    return window.strip(" ,")


def _without_auxiliary_tail(window: str) -> str:
    """``_AUXILIARY_TAIL.sub("", window)`` for lowered `window` free of case twins, word by word from the
    end: the pattern, tried at every position of the window, matches only the white space before the last
    words when each of them is one of `_AUXILIARY_TAIL_WORDS` (the first word only when white space precedes
    it) and takes those words and the white space after them. What is left then ends in another word, so
    the pattern finds nothing more."""
    words = window.split()
    removable = len(words) if window[:1].isspace() else len(words) - 1
    count = 0
    while count < removable and words[-1 - count] in _AUXILIARY_TAIL_SET:
        count += 1
    if count == 0:
        return window
    if count == len(words):
        return ""
    return window.rsplit(None, count)[0]


def _left_phrase(text: str, start: int, limit: int, plain: bool = False) -> str:
    """The noun phrase that ends where a passive trigger begins, auxiliaries removed.

    The phrase stops at the previous clause break; when that leaves nothing but auxiliaries, the phrase is
    an apposition set off by commas ("The mayor's bodyguards, two police agents, were also killed") and the
    segment before the comma is used instead. `plain` says that `text` is lowered and text[limit:start] free
    of case twins (see `no_case_twins`).
    """
    window = text[limit:start]
    if "(" in window:  # the common case, no parenthesis, skips the pattern
        window = _SHORT_PARENTHESIS.sub(lambda m: " " * len(m.group(0)), window)
    breaks = list((_CLAUSE_BREAK_LOWER if plain else _CLAUSE_BREAK).finditer(window))
    segment_end = len(window)
    for index in range(len(breaks) - 1, -2, -1):
        segment_start = breaks[index].end() if index >= 0 else 0
        if index >= 0 and breaks[index].group(0).lower() in _SUBSET_BREAKS:
            segment_end = breaks[index].start()
            continue
        phrase = _strip_auxiliaries(window[segment_start:segment_end], plain)
        if phrase:
            return phrase
        if index < 0 or breaks[index].group(0) != ",":
            return ""
        segment_end = breaks[index].start()
    return ""


def _right_phrase(text: str, start: int, limit: int, plain: bool = False) -> str:
    """The object phrase after an active trigger; a following clause ("and 30 were detained") is cut off.
    `plain` says that `text` is lowered and text[start:limit] free of case twins (see `no_case_twins`)."""
    window = text[start:limit]
    stop = (_RIGHT_STOP_LOWER if plain else _RIGHT_STOP).search(window)
    if stop is not None:
        window = window[: stop.start()]
    auxiliary = (_AUXILIARY_LOWER if plain else _AUXILIARY).search(window)
    if auxiliary is not None:
        window = window[: auxiliary.start()]
        conjunctions = list(re.finditer(r"\band\b", window))
        if conjunctions:
            window = window[: conjunctions[-1].start()]
    return window.strip()


_SCANNED_FIGURES = (
    *(f"{voice}:{kind}" for voice in ("passive", "active") for kind in FIGURE_KINDS),
    *(f"noun:{kind}" for kind in _NOUN_FIGURES),
)
# Where the hits of each voice lie in a list ordered as `_SCANNED_FIGURES`.
_PASSIVE_SLICE = slice(0, len(FIGURE_KINDS))
_ACTIVE_SLICE = slice(len(FIGURE_KINDS), 2 * len(FIGURE_KINDS))
_NOUN_SLICE = slice(2 * len(FIGURE_KINDS), None)


@dataclass(frozen=True)
class _Openings:
    """Where the patterns `find_figures` takes figures from can match (see `figure_openings`).

    Every match of them contains, starting at a word start, the first characters (a "head", written as
    `word_view` writes `scan_text`) of one of their phrases, or one of `anywhere`. `by_head` tells which
    of the `_SCANNED_FIGURES` patterns may start where the word view reads a head's first
    `_DISPATCH_DEPTH` characters, and `loose` which of them have a phrase that could start anywhere, with
    the words such a phrase contains."""

    after_space: re.Pattern[str]  # a space and the head after it, on the word view
    at_start: re.Pattern[str]  # a head, for a word at the very start of the text
    heads: frozenset[str]
    anywhere: tuple[str, ...]
    by_head: dict[str, tuple[int, ...]]
    loose: dict[int, tuple[str, ...]]
    # The patterns that may start where the word view reads a window (`_DISPATCH_DEPTH` characters).
    windows: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)

    def numbers_at(self, window: str) -> tuple[int, ...]:
        numbers = self.windows.get(window)
        if numbers is None:
            found = {n for length in range(1, len(window) + 1) for n in self.by_head.get(window[:length], ())}
            if len(self.windows) >= _MAX_WINDOWS:
                self.windows.clear()
            numbers = self.windows[window] = tuple(sorted(found))
        return numbers


# How many characters of each trigger are looked for before a sentence is read for figures: long enough that
# few sentences without a figure pass ("the d" is everywhere, "the death" is not). The patterns to try at
# an opening are told apart by fewer, so that the same few openings recur from article to article.
_OPENING_DEPTH = 12
_DISPATCH_DEPTH = 5
_MAX_WINDOWS = 20_000


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


@lru_cache(maxsize=1)
def figure_openings() -> _Openings | None:
    """The openings of every pattern `find_figures` takes a figure from; None when some phrase could start
    anywhere with no word every match of it contains, so that no sentence can be ruled out.

    Each of those patterns starts with ``\\b`` before an alternation of trigger phrases (the toll and the
    `_SCANNED_FIGURES`) or has the denied noun right after white space (`_NO_COUNT_OBJECT`). A phrase whose
    first characters (`regex_prefixes`, as `scan_text` writes them) are known and start with a word
    character therefore starts a word: a character before it that is not a word character is a space in
    `word_view`. A phrase that could start anywhere ("(?:\\w+ )?bodies of") gives the words every match
    of it contains instead (``from_required``), looked for anywhere."""
    sources = {
        "passive": _PASSIVE_TRIGGERS,
        "active": _ACTIVE_TRIGGERS,
        "noun": _NOUN_FIGURES,
    }
    phrases: list[tuple[int | None, str]] = []
    for number, name in enumerate(_SCANNED_FIGURES):
        voice, kind = name.split(":")
        phrases += [(number, phrase) for phrase in top_level_alternatives(sources[voice][kind])]
    phrases += [(None, _figure_patterns()["toll"].pattern)]
    phrases += [(None, phrase) for phrase in top_level_alternatives(_NO_COUNT_OBJECT)]
    heads: set[str] = set()
    anywhere: set[str] = set()
    by_head: dict[str, set[int]] = {}
    loose: dict[int, set[str]] = {}
    for number, phrase in phrases:
        starts = regex_prefixes(phrase, _OPENING_DEPTH)
        if "" not in starts and all(_is_word_char(head[0]) for head in starts):
            heads.update(word_view(head) for head in starts)
            if number is not None:
                for head in starts:
                    by_head.setdefault(word_view(head)[:_DISPATCH_DEPTH], set()).add(number)
            continue
        contained = regex_prefixes(phrase, _OPENING_DEPTH, from_required=True)
        if "" in contained:
            return None
        anywhere.update(contained)
        if number is not None:
            loose.setdefault(number, set()).update(contained)
    alternation = prefix_alternation(heads)
    return _Openings(
        after_space=re.compile(f" (?:{alternation})"),
        at_start=re.compile(alternation),
        heads=frozenset(heads),
        anywhere=tuple(sorted(anywhere)),
        by_head={head: tuple(sorted(numbers)) for head, numbers in by_head.items()},
        loose={number: tuple(sorted(words)) for number, words in loose.items()},
    )


class FigureReader:
    """`find_figures` for many spans of one text (the sentences of an article).

    The lowered text, its `scan_text` and the openings where a figure pattern can match at all
    (`figure_openings`) are worked out once for the whole text. A span without an opening (nearly every
    sentence) is passed over with one bisection, and in the others each trigger pattern is tried at the
    openings only, as `finditer` would find its hits (`MultiPattern` does the same, but would look for
    where they can start in every sentence again)."""

    def __init__(
        self,
        text: str,
        scanned: str | None = None,
        words: str | None = None,
        *,
        lowered: bool = False,
        after_spaces: Iterable[int] | None = None,
    ):
        """`scanned` is `scan_text(text)` when the caller has it (that is also `scan_text` of the lowered
        text the patterns run on), and `words` its `word_view`; `lowered` says that `text` already is
        `lower_ascii` of the text. `after_spaces` are positions just after a space of `words` that hold
        every one where an `_Openings.heads` starts, and maybe others: where the caller's own scan of the
        word view for more heads than these found them (see `events._word_starts`), so that this one need
        not scan it again."""
        self.text = text if lowered else lower_ascii(text)
        self.scanned = scan_text(self.text) if scanned is None else scanned
        self.no_case_twins = no_case_twins(self.text)
        self.openings = figure_openings()
        if self.openings is None:
            return
        self.view = word_view(self.scanned) if words is None else words
        # The patterns' bound `match` methods, taken once: a reader reads many spans.
        patterns = _figure_patterns()
        self.matchers = tuple(patterns[name].match for name in _SCANNED_FIGURES)
        # A search that consumes the head and starts again just after the space it matched finds every
        # such space, as a lookahead that consumes nothing would, with less work per space tried.
        found: set[int] = set()
        if after_spaces is None:
            search = self.openings.after_space.search
            match = search(self.view)
            while match is not None:
                position = match.start() + 1
                found.add(position)
                match = search(self.view, position)
        else:
            at_head = self.openings.at_start.match
            found.update(position for position in after_spaces if at_head(self.view, position) is not None)
        if self.openings.at_start.match(self.view) is not None:
            found.add(0)
        for word in self.openings.anywhere:
            position = self.scanned.find(word)
            while position >= 0:
                found.add(position)
                position = self.scanned.find(word, position + 1)
        self.positions = sorted(found)

    def find(self, start: int = 0, end: int | None = None) -> list[Figure]:
        """`find_figures` of text[start:end]."""
        end = len(self.text) if end is None else end
        if self.openings is None:
            patterns = _figure_patterns()
            hits = [list(patterns[name].finditer(self.text, start, end)) for name in _SCANNED_FIGURES]
            plain = self.no_case_twins or no_case_twins(self.text, start, end)
            return _read_figures(self.text, start, end, plain, hits)
        positions = self.positions
        low = bisect.bisect_left(positions, start)
        if low == len(positions) or positions[low] >= end:  # no opening in the span (most sentences)
            return []
        high = bisect.bisect_left(positions, end, low)
        plain = self.no_case_twins or no_case_twins(self.text, start, end)
        return _read_figures(
            self.text, start, end, plain, self._trigger_hits(positions[low:high], start, end)
        )

    def _trigger_hits(self, positions: list[int], start: int, end: int) -> list[list[re.Match[str]]]:
        """``list(pattern.finditer(text, start, end))`` for each of the `_SCANNED_FIGURES`, given the
        openings in text[start:end]: a pattern is tried at the openings its heads allow, left to right, and
        never inside its previous hit, as `finditer` tries it. A pattern with a phrase that could start
        anywhere is run with `finditer` when a word that phrase needs is in the span."""
        patterns = _figure_patterns()
        openings = self.openings
        matchers = self.matchers
        hits: list[list[re.Match[str]]] = [[] for _ in _SCANNED_FIGURES]
        resume = [start] * len(_SCANNED_FIGURES)
        for number, words in openings.loose.items():
            if any(self.scanned.find(word, start, end) >= 0 for word in words):
                hits[number] = list(patterns[_SCANNED_FIGURES[number]].finditer(self.text, start, end))
                resume[number] = end + 1
        view = self.view
        for position in positions:
            for number in openings.numbers_at(view[position : position + _DISPATCH_DEPTH]):
                if position < resume[number]:
                    continue
                match = matchers[number](self.text, position, end)
                if match is not None:
                    hits[number].append(match)
                    resume[number] = max(match.end(), position + 1)
        return hits


def find_figures(
    text: str, start: int = 0, end: int | None = None, *, scanned: str | None = None
) -> list[Figure]:
    """Counts of people killed, injured, displaced, arrested or kidnapped in text[start:end].

    Each clause that reports a count yields one Figure; callers add up the clauses of one event
    ("three soldiers and one civilian were killed ... another seven persons were injured"), except that a
    `summary` figure ("2 fatalities.") states the total itself. "No fatalities were reported" yields an
    explicit zero. `scanned` is `scan_text(text)` when the caller has it. A caller reading many spans of
    one text uses a `FigureReader`.
    """
    return FigureReader(text, scanned).find(start, end)


_INJURY_WORD = re.compile(r"injur|hurt|wound")
_COUNT_BEFORE_NOUN = re.compile(
    r"((?:at least |more than |over |about |around |nearly |some |up to )?"
    r"[\w,.-]+(?:[ -][\w,-]+){0,3}?)\s+(?:(?:more|other|additional|confirmed|reported|civilian|"
    r"military|people|persons|people's)\s+)?$"
)
_COORDINATED_VERB = re.compile(r"and (?:\w+ly )?\w+(?:ed|ing)\s+", re.IGNORECASE)
_NOT_AN_OBJECT = re.compile(r"(?:and|or|but|in|at(?! least| most)|on|to|the attack|with)\b", re.IGNORECASE)


def _read_figures(
    text: str, start: int, end: int, plain: bool, trigger_hits: list[list[re.Match[str]]]
) -> list[Figure]:
    """`find_figures` of text[start:end] for lowered `text`. `plain` says that text[start:end] is free of
    case twins (see `no_case_twins`); `trigger_hits` are the `finditer` hits there of each of the
    `_SCANNED_FIGURES` patterns."""
    patterns = _figure_patterns()
    figures: list[Figure] = []
    taken: list[tuple[int, int]] = []
    passive = dict(zip(FIGURE_KINDS, trigger_hits[_PASSIVE_SLICE], strict=True))
    active = dict(zip(FIGURE_KINDS, trigger_hits[_ACTIVE_SLICE], strict=True))
    noun_hits = dict(zip(_NOUN_FIGURES, trigger_hits[_NOUN_SLICE], strict=True))

    def overlaps(a: int, b: int) -> bool:
        return any(a < t_end and t_start < b for t_start, t_end in taken)

    if not plain:
        denials = _NO_COUNT.finditer(text, start, end)
    elif any(text.find(word, start, end) >= 0 for word in _NO_COUNT_DENIALS) and any(
        text.find(word, start, end) >= 0 for word in _NO_COUNT_OBJECT_WORDS
    ):
        denials = _NO_COUNT_LOWER.finditer(text, start, end)
    else:
        denials = ()
    for match in denials:
        phrase = match.group(0).lower()
        kind = "injured" if _INJURY_WORD.search(phrase) else "killed"
        if "casualt" in phrase:
            figures.append(Figure("injured", 0, match.start(), match.end()))
        figures.append(Figure(kind, 0, match.start(), match.end()))
        taken.append((match.start(), match.end()))

    # Every toll phrase contains "toll" as written here ("t", "o" and "l" have no case twins), which a
    # substring test finds far faster than the pattern, which has no literal start.
    tolls = patterns["toll"].finditer(text, start, end) if text.find("toll", start, end) >= 0 else ()
    for match in tolls:
        quantities = find_quantities(text, match.end(), min(end, match.end() + 40))
        if quantities and quantities[0].start - match.end() <= 1:
            q = quantities[0]
            figures.append(Figure("killed", q.value, match.start(), q.end, q.estimated, summary=True))
            taken.append((match.start(), q.end))

    for kind in _NOUN_FIGURES:
        for match in noun_hits[kind]:
            if overlaps(match.start(), match.end()):
                continue
            before = text[max(start, match.start() - 40) : match.start()]
            quantity_match = _COUNT_BEFORE_NOUN.search(before)
            if not quantity_match:
                continue
            candidates = find_quantities(before, quantity_match.start(1))
            if not candidates:
                continue
            q = candidates[-1]
            if before[q.end :].strip().lower() not in (
                "",
                "more",
                "other",
                "additional",
                "confirmed",
                "reported",
                "civilian",
                "military",
                "people",
                "persons",
            ):
                continue
            if patterns["date_before"].search(before[: q.start]):
                continue
            summary = kind == "killed" and bool(re.match(r"fatalit", match.group(0), re.IGNORECASE))
            abs_start = match.start() - len(before) + q.start
            figures.append(Figure(kind, q.value, abs_start, match.end(), q.estimated, summary=summary))
            taken.append((abs_start, match.end()))

    for kind in FIGURE_KINDS:
        for match in active[kind]:
            if overlaps(match.start(), match.end()):
                continue
            phrase = _right_phrase(text, match.end(), end, plain)
            coordinated = _COORDINATED_VERB.match(text, match.end(), end)
            if not phrase and coordinated:
                phrase = _right_phrase(text, coordinated.end(), end, plain)
            if not phrase or _NOT_AN_OBJECT.match(phrase):
                continue
            trigger = match.group(0).lower().strip()
            if trigger.startswith(("left", "leaving")) and not re.search(
                r"\b(?:dead|killed|injured|wounded|hurt|homeless|displaced)\b",
                text[match.end() : end][:60],
                re.I,
            ):
                continue
            if trigger.startswith(("left", "leaving")):
                phrase = re.sub(
                    r"\s+(?:dead|killed|injured|wounded|hurt|homeless|displaced)\b.*$", "", phrase
                )
                after_phrase = text[match.end() : end][:60].lower()
                kind_here = (
                    "injured"
                    if re.match(r"[^.]*?\b(?:injured|wounded|hurt)\b", after_phrase)
                    and not re.match(r"[^.]*?\b(?:dead|killed)\b", after_phrase)
                    else kind
                )
            else:
                kind_here = kind
            if (
                kind == "kidnapped"
                and trigger.startswith("seiz")
                and not re.search(
                    r"\b(?:people|persons|civilians|men|women|children|hostages|workers|passengers)\b",
                    phrase,
                    re.I,
                )
            ):
                continue
            value, estimated = _count_quantities(phrase)
            if value is None:
                continue
            figures.append(Figure(kind_here, value, match.start(), match.end() + len(phrase), estimated))
            taken.append((match.start(), match.end() + len(phrase)))

    trigger_ends = sorted(m.end() for matches in (*passive.values(), *active.values()) for m in matches)
    for kind in FIGURE_KINDS:
        for match in passive[kind]:
            if overlaps(match.start(), match.end()):
                continue
            limit = max(
                [start]
                + [t_end for _, t_end in taken if t_end <= match.start()]
                + [t_end for t_end in trigger_ends if t_end <= match.start()]
            )
            phrase = _left_phrase(text, match.start(), limit, plain)
            if not phrase:
                continue
            if kind == "killed" and match.group(0).lower() in ("to death", "dead", "shot dead", "found dead"):
                object_match = re.search(
                    r"\b(?:shot|stabbed|beat|beaten|hacked|burned|burnt|stoned|tortured|found|left|leaving|"
                    r"clubbed|lynched|kicked|strangled)\s+(.+)$",
                    phrase,
                    re.IGNORECASE,
                )
                if object_match:
                    phrase = object_match.group(1)
            value, estimated = _count_quantities(phrase)
            if value is None:
                continue
            figures.append(Figure(kind, value, match.start() - len(phrase), match.end(), estimated))
            taken.append((match.start(), match.end()))
    figures.sort(key=lambda f: (f.start, f.kind))
    return figures
