"""Event coding: find event mentions in an article and code each one in PLOVER and ACLED terms.

The approach is a weighted trigger lexicon plus ACLED's coding conventions written as ordered rules, chosen
over a trained classifier because it is fast (well over a hundred articles a second per core), needs no
training data we could not ship, and every decision can be traced to a line of the lexicon
(``indexer/data/events/triggers.yaml``) or a rule below.

How an article is coded:

1. The text is split into sentences (``indexer.sentences``); skipped spans (repeated titles, photo credits)
   are never coded. Captions stay in and are coded like any sentence.
2. Every trigger family's pattern is run once over the text; each hit is a *cue* in its sentence. A cue is
   set aside when it only refers back to an event already reported ("following the attack", "displaced by
   the latest fighting") or names what people complain about ("protested against the killing of ...").
3. Each sentence with live cues yields at most one event mention. When families compete, ACLED's precedence
   decides: weapons that define a sub-event (air strike, chemical, suicide bomb) first; then demonstrations
   (a protest that police break up is still a protest, refined by intervention words); then explosives,
   abductions, territory, clashes, generic attacks; then strategic developments; then PLOVER-only political
   interactions (talks, threats, aid).
4. A sentence that only reports an outcome ("4 QSD fighters were killed.", "2 fatalities.") or how police
   responded to a protest continues the previous event of its paragraph instead of starting a new one, so
   the figures land on the event they belong to.
5. Each event gets its actors (who acted, on whom), place, date and figures. ACLED's actor conventions fill
   gaps: protest events are by protesters, riots by rioters, unnamed gunmen are an unidentified armed group,
   victims of one-sided violence are civilians. Violence against armed people is an armed clash; against
   unarmed people it is violence against civilians.
6. Negation, hypothetical, future and threat words in front of a trigger become flags; a threatened attack
   is coded THREATEN, not ASSAULT, and flagged events carry no ACLED type and no fatalities.
7. Mentions of one event within the article (a caption and the body reporting the same strike) are merged:
   same type, compatible place, date and actors.
8. ``confidence`` ranks the principal event first: the cue's specificity, discounted for events after the
   first and for flagged events.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from operator import itemgetter
from typing import Any

from indexer.actors import load_lexicon as load_actor_lexicon
from indexer.contract import ACLED_TO_PLOVER
from indexer.datafiles import load_yaml
from indexer.numbers import Figure, FigureReader, figure_openings, lower_ascii, no_case_twins
from indexer.places import ROAD_QUALIFIERS, UNLISTED_PREFIX, distance_km
from indexer.regexscan import (
    MultiPattern,
    PrefixSearch,
    WordStartSearch,
    after_space_scan,
    prefix_alternation,
    regex_prefixes,
    scan_text,
    word_view,
)
from indexer.sentences import Sentence, split_sentences

ACLED_EVENT_TYPES = {
    "Armed clash": "Battles",
    "Government regains territory": "Battles",
    "Non-state actor overtakes territory": "Battles",
    "Chemical weapon": "Explosions/Remote violence",
    "Air/drone strike": "Explosions/Remote violence",
    "Suicide bomb": "Explosions/Remote violence",
    "Shelling/artillery/missile attack": "Explosions/Remote violence",
    "Remote explosive/landmine/IED": "Explosions/Remote violence",
    "Grenade": "Explosions/Remote violence",
    "Sexual violence": "Violence against civilians",
    "Attack": "Violence against civilians",
    "Abduction/forced disappearance": "Violence against civilians",
    "Peaceful protest": "Protests",
    "Protest with intervention": "Protests",
    "Excessive force against protesters": "Protests",
    "Violent demonstration": "Riots",
    "Mob violence": "Riots",
    "Agreement": "Strategic developments",
    "Arrests": "Strategic developments",
    "Change to group/activity": "Strategic developments",
    "Disrupted weapons use": "Strategic developments",
    "Headquarters or base established": "Strategic developments",
    "Looting/property destruction": "Strategic developments",
    "Non-violent transfer of territory": "Strategic developments",
    "Other": "Strategic developments",
}
# PLOVER type and mode for sub-event types reached by a rule rather than by a family of their own.
SUB_EVENT_PLOVER = {
    name: ACLED_TO_PLOVER[name]
    for name in (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
        "Attack",
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
        "Violent demonstration",
        "Mob violence",
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    )
}
ARMED_TYPES = frozenset(
    {"state_forces", "rebel_group", "political_militia", "identity_militia", "external_forces"}
)
STATE_TYPES = frozenset({"state_forces", "government", "external_forces"})
VIOLENT_FAMILIES = frozenset(
    {"chemical", "suicide", "air", "grenade", "ied", "shelling", "abduct", "sexual", "territory", "clash", "attack",
     "outcome", "mob"}
)  # fmt: skip
PROTEST_SUBTYPES = frozenset(
    {"Peaceful protest", "Protest with intervention", "Excessive force against protesters"}
)
FLAGS_ORDER = ("negated", "hypothetical", "future", "threatened")
PLACE_KIND_RANK = {
    "country": 0,
    "continent": 0,
    "region": 0,
    "water": 0,
    "admin1": 1,
    "admin2": 2,
    "admin3": 3,
}
LATER_EVENT_FACTOR = 0.76
FLAGGED_FACTOR = 0.5
REFERENCE_FACTOR = 0.8


# --- lexicon -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    """One trigger family of the lexicon (see triggers.yaml for what the fields mean)."""

    name: str
    tier: int
    weight: float
    acled: str | None
    plover_type: str
    plover_mode: str | None
    pattern: re.Pattern[str]
    weak: re.Pattern[str] | None
    exclude_before: re.Pattern[str] | None


@dataclass(frozen=True)
class Lexicon:
    families: dict[str, Family]
    modifiers: dict[str, re.Pattern[str]]
    reference_before: re.Pattern[str]
    complement_before: re.Pattern[str]
    negation: re.Pattern[str]
    hypothetical: re.Pattern[str]
    future: re.Pattern[str]
    threat: re.Pattern[str]
    armed: re.Pattern[str]
    civilian: re.Pattern[str]
    generic_actors: tuple[tuple[str, str, re.Pattern[str]], ...]
    note_tag: re.Pattern[str]
    note_tags: tuple[tuple[re.Pattern[str], str], ...]


def _alternation(patterns: Iterable[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


def _words(patterns: Iterable[str]) -> re.Pattern[str]:
    """One pattern for a list of lexicon entries, matched as whole words. Lexicon patterns are compiled
    lower-cased and case-sensitive and run on text lowered by `lower_ascii` (same offsets), which is about
    twice as fast as case-insensitive matching."""
    return re.compile(rf"(?<![\w-])(?:{_alternation(patterns)})(?!\w)".lower())


def _load_yaml(name: str) -> dict[str, Any]:
    with resources.files("indexer").joinpath("data", "events", name).open(encoding="utf-8") as handle:
        return load_yaml(handle)


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The compiled trigger and role lexicons, loaded on first use and kept for the process."""
    triggers = _load_yaml("triggers.yaml")
    roles = _load_yaml("roles.yaml")
    families = {}
    for name, spec in triggers["families"].items():
        plover_type, plover_mode = spec["plover"]
        families[name] = Family(
            name=name,
            tier=int(spec["tier"]),
            weight=float(spec["weight"]),
            acled=spec.get("acled"),
            plover_type=plover_type,
            plover_mode=plover_mode,
            pattern=_words(spec["patterns"]),
            weak=re.compile(rf"^(?:{_alternation(spec['weak'])})$", re.IGNORECASE)
            if spec.get("weak")
            else None,
            exclude_before=re.compile(rf"(?:{spec['exclude_before']})$", re.IGNORECASE)
            if spec.get("exclude_before")
            else None,
        )
    modifiers = triggers["modifiers"]

    def before(name: str) -> re.Pattern[str]:
        return re.compile(rf"(?<![\w-])(?:{_alternation(modifiers[name])})\s*$", re.IGNORECASE)

    def within(name: str, words: int) -> re.Pattern[str]:
        return re.compile(
            rf"(?<![\w-])(?:{_alternation(modifiers[name])})(?![\w-])(?:\W+[\w'’-]+){{0,{words}}}\W*$",
            re.IGNORECASE,
        )

    generic = tuple(
        (spec["name"], spec["type"], _words(spec["patterns"])) for spec in roles["generic_actors"]
    )
    note_tags = tuple(
        (re.compile(rf"^(?:{pattern})$", re.IGNORECASE), sub) for pattern, sub in roles["note_tags"].items()
    )
    return Lexicon(
        families=families,
        modifiers={
            name: _words(modifiers[name])
            for name in ("intervention", "excessive", "protest_context", "small_arms", "crowd_violence")
        },
        reference_before=before("reference_before"),
        complement_before=re.compile(
            rf"(?<![\w-])(?:{_alternation(modifiers['complement_before'])})(?:\W+[\w'’-]+){{0,5}}\W*$",
            re.IGNORECASE,
        ),
        negation=within("negation", 2),
        hypothetical=within("hypothetical", 5),
        future=within("future", 4),
        threat=within("threat", 12),
        armed=_words(roles["armed"]),
        civilian=_words(roles["civilian"]),
        generic_actors=generic,
        note_tag=re.compile(r"^\s*([A-Z][A-Za-z/ -]{2,40}?)\s*:\s"),
        note_tags=note_tags,
    )


# --- cues --------------------------------------------------------------------------------------------------


@dataclass
class Cue:
    """One trigger hit: family, offsets into the article text, and how it is used."""

    family: str
    start: int
    end: int
    text: str
    weak: bool = False
    reference: bool = False
    definite: bool = False
    complement: bool = False
    negated: bool = False
    flags: frozenset[str] | None = field(default=None, compare=False)  # see `_flags`
    clause: int | None = field(default=None, compare=False)  # `_clause_start` of the cue in its sentence
    # Where the patterns searched before the cue may start, found once for all of them (see `_cue_searches`),
    # and whether a head of any of them is at `clause` itself (where most of them start: see `_before`).
    starts: list[int] | None = field(default=None, compare=False)
    head_at_clause: bool = field(default=True, compare=False)


_CLAUSE_BREAKS = (";", ":", "—", " – ")


def _clause_breaks(text: str) -> tuple[list[int], list[int]]:
    """Where each of the `_CLAUSE_BREAKS` of `text` ends, in order, and where each starts, in the same
    order (two breaks overlap only in " – – ", which keeps it), for `_clause_start`. A few searches per
    article, where each clause would take four."""
    found = []
    for mark in _CLAUSE_BREAKS:
        at = text.find(mark)
        while at >= 0:
            found.append((at + len(mark), at))
            at = text.find(mark, at + 1)
    found.sort()
    return [end for end, _ in found], [start for _, start in found]


def _clause_start(
    text: str, sentence: Sentence, position: int, breaks: tuple[list[int], list[int]] | None = None
) -> int:
    """Where the clause holding `position` starts: after the last ";", ":" or dash of the sentence, at most
    120 characters back (after the start of the last of them, as ``text.rfind`` of each finds it).
    `breaks` is `_clause_breaks(text)` when the caller has it: the break that ends last by `position`
    also starts last."""
    window_start = max(sentence.start, position - 120)
    if breaks is not None:
        ends, starts = breaks
        index = bisect.bisect_right(ends, position) - 1
        return starts[index] + 1 if index >= 0 and starts[index] >= window_start else window_start
    cut = max(text.rfind(mark, window_start, position) for mark in _CLAUSE_BREAKS)
    return cut + 1 if cut >= 0 else window_start


def _clause_before(text: str, sentence: Sentence, position: int) -> str:
    """Text from the start of the clause holding `position` up to it."""
    return text[_clause_start(text, sentence, position) : position]


# Built searches and scanners, by the identity of their patterns (see `_piece_search`). Each entry holds
# its patterns, so their ids cannot pass to other objects while it exists.
_PIECE_SEARCHES: dict[int, PrefixSearch] = {}
_SCANNERS: dict[tuple[int, ...], MultiPattern] = {}
_MAX_BUILT = 64


def _piece_search(pattern: re.Pattern[str]) -> PrefixSearch:
    """`PrefixSearch` of `pattern`, built once. Looked up by the pattern's identity, not with lru_cache:
    hashing a compiled pattern hashes its whole program, which cost more than many of the searches."""
    search = _PIECE_SEARCHES.get(id(pattern))
    if search is None:
        if len(_PIECE_SEARCHES) >= _MAX_BUILT:
            _PIECE_SEARCHES.clear()
        search = _PIECE_SEARCHES[id(pattern)] = PrefixSearch.build(pattern)
    return search


_WORD_SEARCHES: dict[int, tuple[re.Pattern[str], WordStartSearch | None]] = {}


def _search_before(
    pattern: re.Pattern[str], text: str, scanned: str, words: str | None, start: int, end: int
) -> re.Match[str] | None:
    """``pattern.search(text[start:end])``, the piece before a trigger or a name: by `WordStartSearch` when
    the pattern allows it and the caller has `words` (`word_view` of `scanned`), else by `PrefixSearch`.
    Built searches are found by the pattern's identity (see `_piece_search`)."""
    if words is not None:
        known = _WORD_SEARCHES.get(id(pattern))  # looked up here: this runs for every trigger and name
        built = _word_search(pattern) if known is None else known[1]
        if built is not None:
            return built.search_piece(text, words, start, end)
    return _piece_search(pattern).search_piece(text, scanned, start, end)


def _finditer_piece(
    pattern: re.Pattern[str], text: str, words: str | None, start: int, end: int
) -> list[re.Match[str]]:
    """``list(pattern.finditer(text[start:end]))``, by `WordStartSearch` when the pattern allows it and the
    caller has `words` (`word_view` of `scan_text(text)`)."""
    built = _word_search(pattern) if words is not None else None
    if built is None:
        return list(pattern.finditer(text[start:end]))
    return built.finditer_piece(text, words, start, end)


def _finditer_text(
    pattern: re.Pattern[str], text: str, words: str | None, start: int, end: int
) -> list[re.Match[str]]:
    """``list(pattern.finditer(text, start, end))``, by `WordStartSearch` when the pattern allows it and the
    caller has `words` (`word_view` of `scan_text(text)`)."""
    built = _word_search(pattern) if words is not None else None
    if built is None:
        return list(pattern.finditer(text, start, end))
    return built.finditer_text(text, words, start, end)


def _word_search(pattern: re.Pattern[str]) -> WordStartSearch | None:
    """`WordStartSearch.build(pattern)`, built once (found by the pattern's identity, see `_piece_search`)."""
    built = _WORD_SEARCHES.get(id(pattern))
    if built is None:
        if len(_WORD_SEARCHES) >= _MAX_BUILT:
            _WORD_SEARCHES.clear()
        built = _WORD_SEARCHES[id(pattern)] = (pattern, WordStartSearch.build(pattern))
    return built[1]


# The `Lexicon` fields of the patterns searched for in the text before every cue (by `_find_cues`) and every
# cue asked about (by `_flags`): all of them in pieces that end at the cue and start no earlier than its
# clause.
_BEFORE_CUE = ("reference_before", "complement_before", "negation", "threat", "hypothetical", "future")
_NO_HEADS: dict[str, None] = dict.fromkeys(_BEFORE_CUE)  # `_before` then searches by `_search_before`


@dataclass(frozen=True)
class _CueSearches:
    """How the `_BEFORE_CUE` patterns of a lexicon are searched for (see `_cue_searches`)."""

    lexicon: Lexicon  # held so that its id stays its own while the entry exists
    # A space of `word_view` followed by a head of any of the patterns (their first characters, as
    # `WordStartSearch` lists them).
    scan: re.Pattern[str]
    # A head of any of the patterns.
    any_head: re.Pattern[str]
    # For each pattern, by the name of its `Lexicon` field: its `WordStartSearch`'s ``at_start.match``.
    heads: dict[str, Callable[..., re.Match[str] | None]]


_CUE_SEARCHES: dict[int, _CueSearches | None] = {}


def _cue_searches(lexicon: Lexicon) -> _CueSearches | None:
    """The searches before a cue, built once; None when one of the `_BEFORE_CUE` patterns has no word-start
    search. One scan over a cue's clause finds every place each of the searches would try after a space,
    so that each search no longer scans the clause itself (see `_before`)."""
    if id(lexicon) in _CUE_SEARCHES:
        return _CUE_SEARCHES[id(lexicon)]
    patterns = [getattr(lexicon, name) for name in _BEFORE_CUE]
    built = None
    if all(_word_search(pattern) is not None for pattern in patterns):
        heads = prefix_alternation(
            {word_view(head) for pattern in patterns for head in regex_prefixes(pattern.pattern, 6)}
        )
        built = _CueSearches(
            lexicon,
            re.compile(f" (?={heads})"),
            re.compile(heads),
            {name: _word_search(getattr(lexicon, name)).at_start.match for name in _BEFORE_CUE},
        )
    _CUE_SEARCHES[id(lexicon)] = built
    return built


def _before(
    pattern: re.Pattern[str],
    head: Callable[..., re.Match[str] | None] | None,
    text: str,
    scanned: str,
    words: str | None,
    cue: Cue,
    start: int,
) -> bool:
    """Whether ``pattern.search(text[start:cue.start])`` finds anything, for one of the `_BEFORE_CUE`
    patterns; `head` is its entry in `_cue_searches(...).heads` when `_find_cues` found the cue's `starts`
    (else `_search_before` searches). The search tries `start` itself (where `head` matches, unless `start`
    is the cue's `clause` and no head of any pattern is there) and, after each space from `start` on, the
    places where a head of `pattern` ends by the cue (`head` matches there): those of `starts` (a space
    found by `_cue_searches(...).scan` at `clause` or after it, `clause <= start`) after `start` that
    `head` accepts, the places `WordStartSearch.search_piece` tries, in the same order."""
    end = cue.start
    starts = cue.starts
    if starts is None or head is None or words is None:
        return _search_before(pattern, text, scanned, words, start, end) is not None
    if start >= end:
        return pattern.search(text[start:end]) is not None
    piece = None
    if (start != cue.clause or cue.head_at_clause) and head(words, start, end) is not None:
        piece = text[start:end]
        if pattern.match(piece) is not None:
            return True
    for position in starts:
        if position <= start or head(words, position, end) is None:
            continue
        if piece is None:
            piece = text[start:end]
        if pattern.match(piece, position - start) is not None:
            return True
    return False


def _find_cues(
    text: str,
    sentences: Sequence[Sentence],
    lexicon: Lexicon,
    lowered: str | None = None,
    scanned: str | None = None,
    family_hits: Sequence[list[re.Match[str]]] | None = None,
    words: str | None = None,
) -> list[list[Cue]]:
    """The trigger hits of every sentence; `lowered` is `lower_ascii(text)`, `scanned` is `scan_text(text)`,
    `family_hits` the first part of `_lexicon_hits` and `words` `word_view(scanned)` when the caller has
    them."""
    lowered = lower_ascii(text) if lowered is None else lowered
    scanned = scan_text(text) if scanned is None else scanned
    starts = [s.start for s in sentences]
    searches = _cue_searches(lexicon) if words is not None else None
    heads = _NO_HEADS if searches is None else searches.heads
    by_sentence: list[list[Cue]] = [[] for _ in sentences]
    breaks = _clause_breaks(text)
    for family, match in _family_matches(lowered, lexicon, scanned, family_hits):
        position, match_end = match.span()
        index = bisect.bisect_right(starts, position) - 1
        if index < 0 or match_end > sentences[index].end:
            continue
        sentence = sentences[index]
        if family.exclude_before and family.exclude_before.search(text[max(0, position - 30) : position]):
            continue
        cue = Cue(family.name, position, match_end, text[position:match_end])
        cue.weak = bool(family.weak and family.weak.match(cue.text))
        clause = cue.clause = _clause_start(text, sentence, position, breaks)
        if searches is not None:
            cue.starts = [found.end() for found in searches.scan.finditer(words, clause, position)]
            cue.head_at_clause = searches.any_head.match(words, clause, position) is not None
        cue.reference = not _is_verb(cue.text) and _before(
            lexicon.reference_before, heads["reference_before"], text, scanned, words, cue, clause
        )
        cue.definite = cue.reference and _ends_with(DEFINITE_BEFORE_REVERSED, text, clause, position)
        cue.complement = _before(
            lexicon.complement_before, heads["complement_before"], text, scanned, words, cue, clause
        )
        cue.negated = family.name != "transfer" and _before(
            lexicon.negation, heads["negation"], text, scanned, words, cue, max(clause, position - 40)
        )
        by_sentence[index].append(cue)
    for cues in by_sentence:
        if len(cues) > 1:
            cues.sort(key=lambda c: (c.start, -c.end))
    return by_sentence


def _trigger_scanner(patterns: tuple[re.Pattern[str], ...]) -> MultiPattern:
    """Lexicon patterns (lower-case, run on lowered text) run together by one scan; see `MultiPattern`.
    Built once, and found again by the patterns' identities (see `_piece_search`)."""
    key = tuple(map(id, patterns))
    scanner = _SCANNERS.get(key)
    if scanner is None:
        if len(_SCANNERS) >= _MAX_BUILT:
            _SCANNERS.clear()
        scanner = _SCANNERS[key] = MultiPattern.build(patterns, depth=6, scan_depth=12)
    return scanner


def _lexicon_scanner(lexicon: Lexicon) -> MultiPattern:
    """The trigger families' patterns, in lexicon order, then the generic actors', run by one scanner."""
    families = tuple(family.pattern for family in lexicon.families.values())
    return _trigger_scanner(families + tuple(pattern for _, _, pattern in lexicon.generic_actors))


def _lexicon_hits(
    lowered: str, lexicon: Lexicon, scanned: str | None = None, starts: list[int] | None = None
) -> tuple[list[list[re.Match[str]]], list[list[re.Match[str]]]]:
    """The `finditer` hits on `lowered` of each trigger family's pattern, in lexicon order, and of each
    generic actor's (see `_actor_spans`). `scanned` is `scan_text` of the text (the same for the text and
    its lowered form) and `starts` its `_word_starts` when the caller has them.

    Scanning the text once per pattern dominated the cost of coding an article, so all of them are run
    together by one `MultiPattern` (same hits, one scan for where any of them can start).
    """
    # The first position has no space before it, so it is not among `starts`; tried anyway (no pattern
    # matches where none of them starts).
    positions = None if starts is None else [0, *starts]
    hits = _lexicon_scanner(lexicon).finditer_each(lowered, scanned, positions=positions)
    families = len(lexicon.families)
    return hits[:families], hits[families:]


_WORD_START_SCANS: dict[int, tuple[MultiPattern, re.Pattern[str] | None]] = {}


def _word_starts(lexicon: Lexicon, words: str) -> list[int] | None:
    """The positions just after a space of `words` (`word_view` of the text) where a trigger or generic
    actor (`_lexicon_scanner`) or a figure's trigger phrase (`figure_openings`) may start, found by one
    scan for either; None when one of the two does not start at word starts.

    The scanner and `FigureReader` would each scan the whole text for their own (a regex engine's trial at
    every space, some 1 K instructions each); one scan for all of their heads finds them with about half
    of that work. The lexicon's heads are written for `separators_as_spaces` of the text, whose spaces
    are all spaces of the word view (which turns hyphens into spaces as well), and after a hyphen no
    lexicon pattern matches: more positions, where its patterns are tried and none matches, and none
    fewer. The figure openings, read on the word view, are picked out of these by `FigureReader`."""
    scanner = _lexicon_scanner(lexicon)
    built = _WORD_START_SCANS.get(id(scanner))
    if built is None or built[0] is not scanner:
        openings = figure_openings()
        scan = None
        if scanner.scan_heads and openings is not None:
            scan = after_space_scan(scanner.scan_heads | openings.heads)
        if len(_WORD_START_SCANS) >= _MAX_BUILT:
            _WORD_START_SCANS.clear()
        built = _WORD_START_SCANS[id(scanner)] = (scanner, scan)
    scan = built[1]
    return None if scan is None else [found.end() for found in scan.finditer(words)]


def _family_matches(
    lowered: str,
    lexicon: Lexicon,
    scanned: str | None = None,
    family_hits: Sequence[list[re.Match[str]]] | None = None,
) -> list[tuple[Family, re.Match[str]]]:
    """Every family's `finditer` hits on `lowered`, grouped by family in lexicon order. `scanned` is
    `scan_text` of the text and `family_hits` the first part of `_lexicon_hits` when the caller has them."""
    if family_hits is None:
        family_hits = _lexicon_hits(lowered, lexicon, scanned)[0]
    hits: list[tuple[Family, re.Match[str]]] = []
    for family, matches in zip(lexicon.families.values(), family_hits, strict=True):
        if matches:  # most families have no hit in an article
            hits.extend((family, match) for match in matches)
    return hits


_DEFINITE_WORDS = ("the", "this", "that", "these", "those", "its", "their", "his", "her", "such", "same")
DEFINITE_BEFORE = re.compile(rf"\b(?:{'|'.join(_DEFINITE_WORDS)})(?:\s+[\w'’-]+){{0,3}}\s*$", re.IGNORECASE)
# DEFINITE_BEFORE written backwards (see `_ends_with`): the same words, each spelled backwards.
DEFINITE_BEFORE_REVERSED = re.compile(
    rf"\s*(?:[\w'’-]+\s+){{0,3}}(?:{'|'.join(w[::-1] for w in _DEFINITE_WORDS)})\b", re.IGNORECASE
)


def _ends_with(reversed_pattern: re.Pattern[str], text: str, start: int, end: int) -> bool:
    """Whether ``pattern.search(text[start:end])`` finds anything, for a pattern whose every match ends at
    the end of the piece (`DEFINITE_BEFORE`, `PASSIVE_BEFORE`), given `reversed_pattern`, the pattern
    written backwards: it matches at the start of the reversed piece exactly when the pattern matches
    somewhere in the piece. (A match that ``$`` lets end before a final line break could take that white
    space in as well; a word boundary reads the same both ways.) One match at one place, where the search
    tries every word start of the piece."""
    return reversed_pattern.match(text[start:end][::-1]) is not None


@lru_cache(maxsize=4096)
def _is_verb(word: str) -> bool:
    """Past-tense triggers ("clashed", "shelled") report an action even after "the" ("the army shelled"),
    and so do phrases led by one ("marched through", "members of the union marched through the city").
    Cached: the same trigger words come back in every article."""
    words = word.lower().split()
    return any(
        w.endswith("ed") or w in ("fought", "shot", "struck", "took", "overran", "retook", "met")
        for w in (words[0], words[-1])
    )


def _modifier_hits(
    text: str, sentence: Sentence, pattern: re.Pattern[str], lexicon: Lexicon, words: str | None = None
) -> list[re.Match]:
    """Modifier words of a sentence that are not themselves what people complain about. `words` is
    `word_view` of `scan_text(text)` when the caller has it."""
    hits = []
    for match in _finditer_text(pattern, text, words, sentence.start, sentence.end):
        clause = _clause_before(text, sentence, match.start())
        if lexicon.complement_before.search(clause):
            continue
        if lexicon.reference_before.search(clause[-40:]) and not _is_verb(match.group(0)):
            continue
        if lexicon.negation.search(clause[-25:]):
            continue
        hits.append(match)
    return hits


# --- mentions ----------------------------------------------------------------------------------------------


@dataclass
class Mention:
    """An event as it is assembled from one sentence and the sentences that continue it."""

    family: str
    sub_event: str | None
    plover_type: str
    plover_mode: str | None
    weight: float
    sentence: Sentence
    sentence_index: int
    paragraph: int
    trigger: Cue
    flags: set[str] = field(default_factory=set)
    figures: list[Figure] = field(default_factory=list)
    extra_sentences: list[Sentence] = field(default_factory=list)
    forced: bool = False
    reference: bool = False
    actor1: dict[str, Any] | None = None
    actor2: dict[str, Any] | None = None
    place: dict[str, Any] | None = None
    date: str | None = None
    date_to: str | None = None
    date_precision: str | None = None
    confidence: float = 0.0
    merged: int = 0
    assumed_actor1: bool = False


def _live(cues: Sequence[Cue]) -> list[Cue]:
    """Cues that report an event of their own: not back-references, not grievances, not "no deaths"."""
    return [
        c
        for c in cues
        if not c.reference and not c.complement
        and not (c.negated and c.family == "outcome")
    ]  # fmt: skip


def _choose_family(
    cues: Sequence[Cue], lexicon: Lexicon, flagged: Sequence[bool] | None = None
) -> Cue | None:
    """The cue that decides the sentence's event: lowest tier, then highest weight, then earliest.

    Weak cues (a bare "explosion", a "raid") give way to any specific cue in the same sentence, and a cue
    under negation, threat or condition gives way to one that reports something that happened.
    """
    if not cues:
        return None
    families = lexicon.families
    pool = list(cues)
    if flagged is not None and not all(flagged):
        pool = [c for c, f in zip(cues, flagged, strict=True) if not f]
    strong = [c for c in pool if not c.weak and c.family != "outcome"]
    if strong:
        pool = [c for c in pool if not c.weak]
    return min(pool, key=lambda c: (families[c.family].tier, -families[c.family].weight, c.start))


def _note_tag_sub_event(text: str, sentence: Sentence, lexicon: Lexicon) -> str | None:
    match = lexicon.note_tag.match(text, sentence.start, sentence.end)
    if not match:
        return None
    tag = match.group(1).strip()
    for pattern, sub_event in lexicon.note_tags:
        if pattern.match(tag):
            return sub_event
    return None


def _flags(
    text: str,
    sentence: Sentence,
    cue: Cue,
    lexicon: Lexicon,
    scanned: str | None = None,
    words: str | None = None,
) -> set[str]:
    """The negation, threat, condition and future words in front of a cue (worked out once per cue: the
    same cue is asked about more than once). `scanned` is `scan_text(text)` and `words` its `word_view`
    when the caller has them."""
    if cue.flags is None:
        scanned = scan_text(text) if scanned is None else scanned
        position = cue.start
        # (Lowering the text moves none of the marks a clause starts after.)
        clause = _clause_start(text, sentence, position) if cue.clause is None else cue.clause
        flags = set()
        if cue.negated:
            flags.add("negated")
        searches = _cue_searches(lexicon) if cue.starts is not None else None
        heads = _NO_HEADS if searches is None else searches.heads
        if cue.family not in ("threaten",) and _before(
            lexicon.threat, heads["threat"], text, scanned, words, cue, clause
        ):
            flags.add("threatened")
        if _before(
            lexicon.hypothetical,
            heads["hypothetical"],
            text,
            scanned,
            words,
            cue,
            max(clause, position - 60),
        ):
            flags.add("hypothetical")
        if _before(lexicon.future, heads["future"], text, scanned, words, cue, max(clause, position - 45)):
            flags.add("future")
        cue.flags = frozenset(flags)
    return set(cue.flags)


def _sentence_mention(
    text: str,
    sentence: Sentence,
    index: int,
    paragraph: int,
    cues: Sequence[Cue],
    lexicon: Lexicon,
    forced: str | None,
    figures: Sequence[Figure] = (),
    scanned: str | None = None,
    words: str | None = None,
) -> Mention | None:
    """The event a sentence reports, if any; `scanned` is `scan_text(text)` and `words` its `word_view` when
    the caller has them."""
    scanned = scan_text(text) if scanned is None else scanned
    live = _live(cues)
    references = [c for c in cues if c.reference and not c.complement]
    fallback = False
    if not live or (all(c.family == "outcome" for c in live) and references):
        casualties = any(f.kind in ("killed", "injured") and f.value > 0 for f in figures)
        if not live and not casualties and all(c.definite for c in references):
            return None
        live = references or live
        fallback = bool(references)
    flagged = [bool(_flags(text, sentence, c, lexicon, scanned, words)) for c in live]
    cue = _choose_family(live, lexicon, flagged)
    if cue is None:
        return None
    family = lexicon.families[cue.family]
    mention = Mention(
        family=family.name,
        sub_event=family.acled,
        plover_type=family.plover_type,
        plover_mode=family.plover_mode,
        weight=family.weight * (0.85 if cue.weak else 1.0),
        sentence=sentence,
        sentence_index=index,
        paragraph=paragraph,
        trigger=cue,
        reference=fallback,
    )
    if forced:
        mention.sub_event = forced
        mention.forced = True
        mention.plover_type, mention.plover_mode = SUB_EVENT_PLOVER.get(forced, (family.plover_type, None))
    mention.flags = _flags(text, sentence, cue, lexicon, scanned, words)
    if cue.family == "threaten" and any(
        "threatened" in _flags(text, sentence, other, lexicon, scanned, words)
        for other in cues
        if other.start > cue.start and lexicon.families[other.family].tier < lexicon.families["threaten"].tier
    ):
        mention.flags.add("threatened")
    return mention


# --- refinement: ACLED rules that need the whole event -----------------------------------------------------


def _event_sentences(mention: Mention) -> list[Sentence]:
    return [mention.sentence, *mention.extra_sentences]


def _has_modifier(text: str, mention: Mention, name: str, lexicon: Lexicon, words: str | None = None) -> bool:
    return any(
        _modifier_hits(text, s, lexicon.modifiers[name], lexicon, words) for s in _event_sentences(mention)
    )


def _refine_protest(
    text: str, mention: Mention, cues_of: Mapping[int, list[Cue]], lexicon: Lexicon, words: str | None = None
) -> None:
    """Protest sub-types: violence by the crowd, lethal force against it, or an intervention."""
    sentences = _event_sentences(mention)
    crowd_violence = any(
        c.family == "riot" and not c.complement and not c.reference
        for s in sentences
        for c in cues_of.get(s.start, [])
    ) or _has_modifier(text, mention, "crowd_violence", lexicon, words)
    if crowd_violence:
        mention.sub_event = "Violent demonstration"
    elif _has_modifier(text, mention, "excessive", lexicon, words):
        mention.sub_event = "Excessive force against protesters"
    elif _intervened(text, mention, lexicon, words):
        mention.sub_event = "Protest with intervention"
    else:
        mention.sub_event = "Peaceful protest"
    mention.plover_type, mention.plover_mode = SUB_EVENT_PLOVER[mention.sub_event]
    trigger = mention.trigger.text.lower()
    if mention.sub_event != "Violent demonstration":
        if "hunger" in trigger:
            mention.plover_mode = "strike-hun"
        elif "strike" in trigger or "striking" in trigger:
            mention.plover_mode = "strike-lim"
        elif re.match(r"block|barricad", trigger):
            mention.plover_mode = "obstruct"


PARTICIPANTS = re.compile(
    r"\b(?:them|they|protesters|protestors|demonstrators|participants|marchers|strikers|crowds?|several|some|"
    r"dozens|scores|hundreds|number|people|organi[sz]ers|activists|students|workers|leaders|members|youths|"
    r"residents|\d+)\b",
    re.IGNORECASE,
)


def _intervened(text: str, mention: Mention, lexicon: Lexicon, words: str | None = None) -> bool:
    """Whether authorities acted against the protest itself. Dispersal words always count; an arrest or a
    detention counts only when it falls on participants ("detained them", "7 protesters were arrested"),
    not when it is the grievance ("protested the arrest of ...", "He was arrested in ...")."""
    for sentence in _event_sentences(mention):
        for hit in _modifier_hits(text, sentence, lexicon.modifiers["intervention"], lexicon, words):
            word = hit.group(0).lower()
            if not re.match(r"arrest|detain|detention|custody|beat", word):
                return True
            around = text[max(sentence.start, hit.start() - 40) : min(sentence.end, hit.end() + 40)]
            after = text[hit.end() : min(sentence.end, hit.end() + 30)]
            if PARTICIPANTS.search(around) or re.match(
                r"\s+by\s+(?:the\s+)?(?:\w+\s+)?(?:police|security|authorities|forces|officers|soldiers)",
                after,
                re.I,
            ):
                return True
    return False


UNARMED_GROUPS = re.compile(
    r"\b(?:supporters|groups?|workers|labou?rers|villagers|residents|students|youths?|vendors|traders|farmers|"
    r"communit(?:y|ies)|families|members of (?:the )?\w+ (?:party|community|clan|family|tribe)|"
    r"(?:party|union) members|activists|inmates|prisoners|fans|locals|people|men|women|palestinians)\b",
    re.IGNORECASE,
)
STATE_WORDS = re.compile(
    r"\b(?:police(?:m[ae]n)?|officers?|security forces|soldiers?|troops|army|military|gendarme\w*|forces)\b",
    re.IGNORECASE,
)
NON_STATE_FORCES = re.compile(
    r"\b(?:rebel|opposition|militia|insurgent|jihadist|resistance|islamist)\w*\s+forces\b", re.I
)


# The three patterns above without IGNORECASE, for a lowered sentence that `no_case_twins` clears.
UNARMED_GROUPS_LOWER = re.compile(UNARMED_GROUPS.pattern)
STATE_WORDS_LOWER = re.compile(STATE_WORDS.pattern)
NON_STATE_FORCES_LOWER = re.compile(NON_STATE_FORCES.pattern)


def _clash_sides(
    text: str,
    mention: Mention,
    mentions_in: Sequence[tuple[int, int, dict]],
    lexicon: Lexicon,
    plain_text: bool = False,
    scanned: str | None = None,
    words: str | None = None,
) -> str:
    """ACLED keeps "Armed clash" for fighting between armed, organised sides. Brawls between unarmed groups
    are mob violence, and unarmed people fighting police are a violent demonstration. `text` is lowered;
    `plain_text` says that it is free of case twins, `scanned` is its `scan_text` and `words` the `word_view`
    of that, when the caller has them."""
    sentence = text[mention.sentence.start : mention.sentence.end]
    armed_actor = any(m[2].get("type") in ARMED_TYPES and not m[2].get("generic") for m in mentions_in)
    state_actor = any(m[2].get("type") in STATE_TYPES for m in mentions_in)
    plain = plain_text or no_case_twins(sentence)
    start, end = mention.sentence.start, mention.sentence.end
    if scanned is None or words is None:
        scanned, words = scan_text(text), None
    # Each side is looked for only when the answer still depends on it: a named non-state armed group
    # settles it at once, and so does an armed actor with no state side.
    non_state_armed = any(
        not STATE_WORDS.fullmatch(m.group(0)) for m in _finditer_piece(lexicon.armed, text, words, start, end)
    ) or bool(_finditer_piece(NON_STATE_FORCES_LOWER if plain else NON_STATE_FORCES, text, words, start, end))
    if non_state_armed:
        return "Armed clash"
    state = state_actor or bool(
        _search_before(STATE_WORDS_LOWER if plain else STATE_WORDS, text, scanned, words, start, end)
    )
    if armed_actor and not state:
        return "Armed clash"
    unarmed = bool(
        _search_before(UNARMED_GROUPS_LOWER if plain else UNARMED_GROUPS, text, scanned, words, start, end)
    )
    if armed_actor and state and not unarmed:
        return "Armed clash"
    if state and unarmed:
        return "Mob violence"
    if state:
        return "Armed clash"
    return "Mob violence" if unarmed else "Armed clash"


BY_AGENT_AFTER = re.compile(r"(?:\s+[\w-]+){0,4}?\s+by\b")
TARGET_WINDOW_STOP = re.compile(r"[;.]|\b(?:in|at|near|on|during|while|after|when|who|which)\b")


def _target_kind(
    text: str,
    mention: Mention,
    mentions_in: Sequence[tuple[int, int, dict]],
    lexicon: Lexicon,
    words: str | None = None,
) -> str | None:
    """Whether the people an act of violence hit were armed or civilians, from the words next to the trigger.
    `words` is `word_view(scan_text(text))` when the caller has it."""
    sentence, cue = mention.sentence, mention.trigger
    before = text[sentence.start : cue.start]
    passive = (
        _ends_with(PASSIVE_BEFORE_REVERSED, text, sentence.start, cue.start)
        or cue.family == "outcome"
        or bool(BY_AGENT_AFTER.match(text[cue.end : sentence.end]))
    )
    after_text = text[cue.end : min(sentence.end, cue.end + 90)]
    after_stop = TARGET_WINDOW_STOP.search(after_text)
    after_window = after_text[: after_stop.start()] if after_stop else after_text

    def classify(window: str, offset: int, nearest_last: bool) -> str | None:
        hits: list[tuple[int, str]] = []
        for match in _finditer_piece(lexicon.armed, text, words, offset, offset + len(window)):
            hits.append((match.start(), "armed"))
        for match in _finditer_piece(lexicon.civilian, text, words, offset, offset + len(window)):
            hits.append((match.start(), "civilian"))
        for start, end, actor in mentions_in:
            if offset <= start and end <= offset + len(window):
                kind = actor.get("type")
                if kind in ARMED_TYPES:
                    hits.append((start - offset, "armed"))
                elif kind == "civilians":
                    hits.append((start - offset, "civilian"))
        if not hits:
            return None
        hits.sort()
        return hits[-1][1] if nearest_last else hits[0][1]

    if passive:
        clause_start = max(before.rfind(","), before.rfind(";"))
        window = before[clause_start + 1 :] if clause_start >= 0 else before
        found = classify(window, cue.start - len(window), nearest_last=True)
        if found:
            return found
        return None
    return classify(after_window, cue.end, nearest_last=False)


FIREARM_WORDS = re.compile(r"shot|shoot|fire|gun")
HAND_WEAPON_WORDS = re.compile(r"stab|hack|machete|beat|thrash|lynch|behead|decapitat")
BLADE_WORDS = re.compile(r"stab|hack|machete|behead|decapitat")


def _refine_violence(
    text: str,
    mention: Mention,
    mentions_in: Sequence[tuple[int, int, dict]],
    lexicon: Lexicon,
    scanned: str | None = None,
    plain: bool = False,
    words: str | None = None,
) -> None:
    """Attack on civilians or armed clash; explosions with ground fighting count as clashes. `plain` says
    that the whole text is free of case twins (see `no_case_twins`); `words` is `word_view(scanned)`."""
    if mention.family == "shelling" and _has_modifier(text, mention, "small_arms", lexicon, words):
        mention.sub_event = "Armed clash"
        mention.plover_mode = "firearms"
        return
    if mention.family == "clash":
        mention.sub_event = _clash_sides(text, mention, mentions_in, lexicon, plain, scanned, words)
        mention.plover_type, mention.plover_mode = SUB_EVENT_PLOVER[mention.sub_event]
        if mention.sub_event == "Armed clash":
            mention.plover_mode = "firearms"
        return
    if mention.family not in ("attack", "outcome"):
        return
    target = _target_kind(text, mention, mentions_in, lexicon, words)
    if target is None:
        actor_types = {(m[2].get("type")) for m in mentions_in}
        armed_sides = len(actor_types & ARMED_TYPES)
        target = "armed" if armed_sides >= 2 else "civilian"
    mention.sub_event = "Armed clash" if target == "armed" else "Attack"
    trigger = mention.trigger.text.lower()
    if FIREARM_WORDS.search(trigger):
        mention.plover_mode = "firearms"
    elif HAND_WEAPON_WORDS.search(trigger):
        mention.plover_mode = "primitive" if BLADE_WORDS.search(trigger) else "beat"
    elif "tortur" in trigger:
        mention.plover_mode = "torture"
    elif "assassinat" in trigger:
        mention.plover_mode = "assassinate"
    elif mention.sub_event == "Armed clash":
        mention.plover_mode = "firearms"


def _refine_territory(
    mention: Mention, text: str, mentions_in: Sequence[tuple[int, int, dict]], lexicon: Lexicon
) -> None:
    """Who gained the territory decides the sub-type: a state regains, anyone else overtakes.

    The gainer is actor1, except that the subject of "lost" is the loser, and a side named after "from"
    ("liberated from Assad's gangs", "taking back the highway from the insurgents") is the loser too.
    """
    transfer = lexicon.families["transfer"].pattern
    if any(transfer.search(text, s.start, s.end) for s in _event_sentences(mention)):
        mention.sub_event = "Non-violent transfer of territory"
        mention.plover_type, mention.plover_mode = SUB_EVENT_PLOVER[mention.sub_event]
        return
    trigger = mention.trigger.text.lower()
    cue = mention.trigger
    loser = None
    for start, _, actor in mentions_in:
        if start >= cue.end and re.search(
            r"\bfrom\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}$", text[max(cue.end, start - 40) : start]
        ):
            loser = _actor_ref(actor) if not actor.get("generic") else None
            break
    if trigger.startswith("lost"):
        loser, mention.actor1, mention.actor2 = mention.actor1, mention.actor2, mention.actor1
    elif loser is not None:
        if mention.actor1 is not None and mention.actor1.get("name") == loser.get("name"):
            mention.actor1 = (
                mention.actor2 if mention.actor2 and mention.actor2.get("name") != loser.get("name") else None
            )
        mention.actor2 = loser
    gainer_type = (mention.actor1 or {}).get("type")
    loser_type = (loser or {}).get("type")
    if gainer_type in STATE_TYPES:
        mention.sub_event = "Government regains territory"
    elif gainer_type in ARMED_TYPES:
        mention.sub_event = "Non-state actor overtakes territory"
    elif loser_type in STATE_TYPES:
        mention.sub_event = "Non-state actor overtakes territory"
    elif loser_type in ARMED_TYPES:
        mention.sub_event = "Government regains territory"
    elif re.match(r"re|liberat|took back|taken back|taking back", trigger):
        mention.sub_event = "Government regains territory"
    else:
        mention.sub_event = "Non-state actor overtakes territory"


# --- actors ------------------------------------------------------------------------------------------------


def _actor_ref(actor: Mapping[str, Any]) -> dict[str, Any]:
    ref = {"name": actor.get("name"), "type": actor.get("type"), "country": actor.get("country")}
    if actor.get("id"):
        ref = {"id": actor["id"], **ref}
    return ref


@lru_cache(maxsize=512)
def _country_name(code: str | None) -> str | None:
    if not code:
        return None
    import pycountry

    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return None
    return getattr(country, "common_name", None) or country.name


def _generic_actor(name: str, actor_type: str, country: str | None) -> dict[str, Any]:
    """An actor named the way ACLED names unnamed sides: "Protesters (Lebanon)", "Civilians (Mali)"."""
    country_name = _country_name(country)
    return {
        "name": f"{name} ({country_name})" if country_name else name,
        "type": actor_type,
        "country": country,
    }


def _actor_spans(
    text: str,
    actors: Sequence[Mapping[str, Any]],
    lexicon: Lexicon,
    scanned: str | None = None,
    generic_hits: Sequence[list[re.Match[str]]] | None = None,
) -> list[tuple[int, int, dict]]:
    """Every named actor mention of the article, plus generic role words (gunmen, protesters) outside them,
    sorted by offset. `text` is the lowered article text; `scanned` is `scan_text` of it (the same as of
    the original text) and `generic_hits` the second part of `_lexicon_hits` when the caller has them."""
    named: list[tuple[int, int, dict]] = []
    for actor in actors:
        for m in actor.get("mentions") or []:
            start, end = m.get("start"), m.get("end")
            if isinstance(start, int) and isinstance(end, int) and start < end:
                named.append((start, end, dict(actor)))
    _by_start_longest_first(named)
    starts = [item[0] for item in named]
    found = list(named)
    if generic_hits is None:
        generic_hits = _lexicon_hits(text, lexicon, scanned)[1]
    for (name, actor_type, _), matches in zip(lexicon.generic_actors, generic_hits, strict=True):
        for match in matches:
            start, end = match.span()
            index = bisect.bisect_left(starts, end)
            for s, e, _ in named[max(0, index - 8) : index]:  # a loop, not any(): once per generic hit
                if s < end and start < e:
                    break
            else:
                found.append((start, end, {"name": name, "type": actor_type, "generic": True}))
    _by_start_longest_first(found)
    return found


def _by_start_longest_first(spans: list[tuple[int, int, dict]]) -> None:
    """Sort `spans` as ``spans.sort(key=lambda span: (span[0], -span[1]))`` does: by end, last first, then
    by start (both sorts keep equal keys in their order), with C key functions instead of a Python one."""
    spans.sort(key=itemgetter(1), reverse=True)
    spans.sort(key=itemgetter(0))


def _spans_in(
    spans: Sequence[tuple[int, int, dict]], sentence: Sentence, starts: Sequence[int] | None = None
) -> list[tuple[int, int, dict]]:
    """The spans within `sentence`; `starts` are the spans' start offsets when the caller has them."""
    starts = [item[0] for item in spans] if starts is None else starts
    low = bisect.bisect_left(starts, sentence.start)
    high = bisect.bisect_left(starts, sentence.end, low)
    return [item for item in spans[low:high] if item[1] <= sentence.end]


# "between" as a whole word; written to open with a literal (the start of word checked by the look-behind
# after it) so that the regex engine skips to each "b" in C rather than trying every position.
BETWEEN = re.compile(r"b(?<!\wb)etween\b")
REPORTER_TYPES = frozenset({"media", "ngo", "international_organization"})
REPORTING_CLAUSE = re.compile(
    r"\b(?:said|says|say|reported|reports|report|stated|announced|claimed|claims|added|confirmed|told|alleged|"
    r"according to|noted|warned)\b[^.;]{0,60}?\bthat\b|;",
    re.IGNORECASE,
)
# The same without IGNORECASE, for lowered text that `no_case_twins` clears: it matches there alike, faster.
REPORTING_CLAUSE_LOWER = re.compile(REPORTING_CLAUSE.pattern)


_PASSIVE_AUXILIARIES = ("was", "were", "been", "being", "is", "are", "got")
PASSIVE_BEFORE = re.compile(rf"\b(?:{'|'.join(_PASSIVE_AUXILIARIES)})\s+(?:\w+\s+){{0,2}}$")
# PASSIVE_BEFORE written backwards (see `_ends_with`): the same words, each spelled backwards.
PASSIVE_BEFORE_REVERSED = re.compile(
    rf"(?:\s+\w+){{0,2}}\s+(?:{'|'.join(w[::-1] for w in _PASSIVE_AUXILIARIES)})\b"
)
AGENT_GAP_BREAK = re.compile(r"[,;]|\b(?:that|which|who|when|after|before|while)\b")
PRECEDED_BY = {
    word: re.compile(rf"\b{word}\s+(?:the\s+|a\s+|an\s+)?(?:[\w'’-]+\s+){{0,3}}$") for word in ("by", "from")
}


def _assign_actors(
    text: str,
    mention: Mention,
    mentions_in: Sequence[tuple[int, int, dict]],
    country: str | None,
    scanned: str | None = None,
    plain: bool = False,
    words: str | None = None,
) -> None:
    """actor1 (who acted) and actor2 (on whom) from the sentence's word order.

    A passive agent ("killed ... by regime forces") is actor1 and the passive subject actor2; "between A and
    B" gives both; otherwise the first actor of the clause holding the trigger acts on the first actor after
    it. The clause starts after a reporting verb's "that" ("the Observatory reported that regime forces
    seized ..."), and news media, NGOs and international organisations are never sides of violence: they are
    the sources reporting it. `plain` says that the text is free of case twins (see `no_case_twins`), and
    `words` is `word_view(scanned)`.
    """
    cue = mention.trigger
    sentence = mention.sentence
    if mention.family in VIOLENT_FAMILIES or mention.family in (
        "protest",
        "riot",
        "looting",
        "arrest",
        "disrupted",
    ):
        mentions_in = [m for m in mentions_in if m[2].get("type") not in REPORTER_TYPES]

    def finish(actor: dict | None) -> dict | None:
        if actor is None:
            return None
        if actor.get("generic"):
            return _generic_actor(actor["name"], actor["type"], actor.get("country") or country)
        return _actor_ref(actor)

    scanned = scan_text(text) if scanned is None else scanned

    def preceded_by(start: int, word: str) -> bool:
        # The pattern needs the word itself, as written (it ignores no case): most windows lack it.
        window_start = max(cue.end, start - 40)
        if text.find(word, window_start, start) < 0:
            return False
        return bool(_search_before(PRECEDED_BY[word], text, scanned, words, window_start, start))

    agent = None
    for start, end, actor in mentions_in:
        # The tests in order of cost: the gap is cut and searched only for an actor right after "by".
        if (
            cue.end <= start < cue.end + 70
            and preceded_by(start, "by")
            and not AGENT_GAP_BREAK.search(text[cue.end : start])
        ):
            agent = (start, end, actor)
            break
    clause_start = sentence.start
    # Every reporting clause holds "that" or is a ";" (neither letter of "that" has a case twin), which
    # substring tests find far faster than the pattern, which the regex engine tries at every position.
    if text.find("that", sentence.start, cue.start) >= 0 or text.find(";", sentence.start, cue.start) >= 0:
        plain = plain or no_case_twins(text, sentence.start, cue.start)
        reporting = REPORTING_CLAUSE_LOWER if plain else REPORTING_CLAUSE
        for match in reporting.finditer(text, sentence.start, cue.start):
            clause_start = match.end()
    passive = _ends_with(PASSIVE_BEFORE_REVERSED, text, sentence.start, cue.start)
    between = BETWEEN.search(text[clause_start : cue.end + 80])
    actor1 = actor2 = None
    before = [m for m in mentions_in if clause_start <= m[0] and m[1] <= cue.start]
    after = [m for m in mentions_in if m[0] >= cue.end]
    if agent is not None:
        actor1 = agent[2]
        before = [m for m in before if m[2] is not agent[2]]
        after = [m for m in after if m is not agent and m[2] is not agent[2]]
        victim = before[-1] if before else (after[0] if after else None)
        actor2 = victim[2] if victim else None
    elif between is not None and any(m[0] > clause_start + between.end() for m in mentions_in):
        pair = [m for m in mentions_in if m[0] > clause_start + between.end()]
        actor1 = pair[0][2]
        actor2 = next((m[2] for m in pair[1:] if m[2].get("name") != actor1.get("name")), None)
    elif passive:
        actor2 = before[-1][2] if before else next((m[2] for m in after if preceded_by(m[0], "from")), None)
    else:
        if before:
            actor1 = before[0][2]
            actor2 = next((m[2] for m in after if m[2].get("name") != actor1.get("name")), None)
            if actor2 is None and len(before) > 1:
                actor2 = next((m[2] for m in before[1:] if m[2].get("name") != actor1.get("name")), None)
        elif after:
            doers = [m for m in after if not preceded_by(m[0], "from")]
            actor1 = doers[0][2] if doers else None
            actor2 = next(
                (m[2] for m in after if actor1 is None or m[2].get("name") != actor1.get("name")), None
            )
    mention.actor1 = finish(actor1)
    mention.actor2 = finish(actor2)


def _assumed_perpetrator(mention: Mention, country: str | None) -> dict[str, Any]:
    """ACLED codes violence whose perpetrator the report does not name as an unidentified armed group. The
    mention remembers that the side was assumed, so it does not keep two reports of one event apart."""
    mention.assumed_actor1 = True
    return _generic_actor("Unidentified Armed Group", "political_militia", country)


def _home_or_abroad(mention: Mention, country: str | None) -> None:
    """A state's forces are `state_forces` in an event at home and `external_forces` in one abroad, judged by
    where this event happened. The article's list of actors judges by the country it names most, which in a
    story about a foreign army's losses ("33 Turkish soldiers killed in Idlib") is the foreign country."""
    if country is None:
        return
    entries = load_actor_lexicon().entries
    for side in ("actor1", "actor2"):
        actor = getattr(mention, side)
        if not actor or actor.get("type") not in ("state_forces", "external_forces"):
            continue
        entry = entries.get(actor.get("id") or "")
        if entry is None or not (entry.state_of or entry.police_of) or not entry.country:
            continue
        home_or_abroad = "state_forces" if entry.country == country else "external_forces"
        if actor["type"] != home_or_abroad:
            setattr(mention, side, {**actor, "type": home_or_abroad})


def _apply_actor_conventions(
    mention: Mention, mentions_in: Sequence[tuple[int, int, dict]], country: str | None
) -> None:
    """ACLED's conventions for who the sides of an event are."""
    sub = mention.sub_event

    taken = (mention.actor2 or {}).get("name")  # the name of the side acted on, if it has one

    def of_type(types: set[str]) -> dict | None:
        for _, _, actor in mentions_in:
            if actor.get("type") in types and (taken is None or actor.get("name") != taken):
                if actor.get("generic"):
                    return _generic_actor(actor["name"], actor["type"], country)
                return _actor_ref(actor)
        return None

    if sub in PROTEST_SUBTYPES or (sub is None and mention.plover_type == "PROTEST"):
        protesters = of_type({"protesters"}) or _generic_actor("Protesters", "protesters", country)
        other = (
            mention.actor1
            if mention.actor1 and mention.actor1.get("type") != "protesters"
            else mention.actor2
        )
        mention.actor1 = protesters
        mention.actor2 = None
        if sub in ("Protest with intervention", "Excessive force against protesters"):
            state = of_type(STATE_TYPES)
            mention.actor2 = state or (other if other and other.get("type") in STATE_TYPES else None)
            if mention.actor2 is None:
                mention.actor2 = _generic_actor("Police Forces", "state_forces", country)
        return
    if sub in ("Violent demonstration", "Mob violence"):
        rioters = of_type({"rioters"}) or _generic_actor("Rioters", "rioters", country)
        other = (
            mention.actor1
            if mention.actor1 and mention.actor1.get("type") not in ("rioters", "protesters")
            else None
        )
        mention.actor1 = rioters
        if mention.actor2 is None or mention.actor2.get("type") in ("rioters", "protesters"):
            mention.actor2 = other
        return
    if sub in ("Attack", "Abduction/forced disappearance", "Sexual violence"):
        if mention.actor1 is None or mention.actor1.get("type") in ("civilians", "protesters", None):
            victim = mention.actor1 if mention.actor1 and mention.actor1.get("type") == "civilians" else None
            armed = of_type(ARMED_TYPES)
            mention.actor1 = armed or _assumed_perpetrator(mention, country)
            if victim and (
                mention.actor2 is None or mention.actor2.get("name") == mention.actor1.get("name")
            ):
                mention.actor2 = victim
        if mention.actor2 is None or mention.actor2.get("type") in ARMED_TYPES:
            mention.actor2 = of_type({"civilians"}) or _generic_actor("Civilians", "civilians", country)
        return
    if sub == "Arrests":
        if mention.actor1 is None or mention.actor1.get("type") not in STATE_TYPES:
            state = of_type(STATE_TYPES)
            target = mention.actor1
            mention.actor1 = state or _generic_actor("Police Forces", "state_forces", country)
            if (
                mention.actor2 is None
                and target is not None
                and target.get("name") != mention.actor1.get("name")
            ):
                mention.actor2 = target
        return
    if (
        mention.family in VIOLENT_FAMILIES
        or sub in ACLED_EVENT_TYPES
        and ACLED_EVENT_TYPES[sub]
        in (
            "Battles",
            "Explosions/Remote violence",
        )
    ):
        if mention.actor1 is None or mention.actor1.get("type") in ("civilians", None):
            mention.actor1 = of_type(ARMED_TYPES) or _assumed_perpetrator(mention, country)
        if mention.actor2 is not None and mention.actor2.get("name") == mention.actor1.get("name"):
            mention.actor2 = None


# --- places and dates --------------------------------------------------------------------------------------


# Named sites without coordinates ("Rose Garden"): an event is placed in the town around them instead.
# Sites, roads, and settlements no gazetteer lists (`indexer.places.find_unlisted`, ids starting with
# UNLISTED_PREFIX): named, but with no coordinates to map an event to, so the town or unit around them places it.
UNPLACED_KINDS = frozenset({"facility", "road"})


def _place_rank(place: Mapping[str, Any]) -> int:
    kind = place.get("kind")
    if isinstance(kind, str) and kind in PLACE_KIND_RANK:  # the usual case: written as the table writes it
        return PLACE_KIND_RANK[kind]
    return PLACE_KIND_RANK.get(str(kind or "").lower(), 4)


def _place_ref(place: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("id", "name", "kind", "country", "admin1", "lat", "lon", "admin1_id", "country_id")
    return {k: place[k] for k in keys if k in place}


def _contains(outer: Mapping[str, Any], inner: Mapping[str, Any]) -> bool:
    """Whether place `inner` lies within place `outer` (same place counts)."""
    if outer.get("id") and outer.get("id") == inner.get("id"):
        return True
    if outer.get("name") == inner.get("name") and outer.get("country") == inner.get("country"):
        return True
    outer_rank = _place_rank(outer)
    if outer_rank == 0:
        return bool(outer.get("country")) and outer.get("country") == inner.get("country")
    if outer_rank == 1:
        same_admin1 = outer.get("id") and outer.get("id") == inner.get("admin1_id")
        return bool(same_admin1) or (
            bool(outer.get("name"))
            and outer.get("name") == inner.get("admin1")
            and outer.get("country") == inner.get("country")
        )
    return False


class _Context:
    """Article-level lookups shared by every mention: place and date mentions by offset."""

    def __init__(
        self,
        text: str,
        published: str | None,
        places: Sequence[Mapping[str, Any]],
        dates: Sequence[Mapping[str, Any]],
        scanned: str | None = None,
    ):
        self.text = text
        self.scanned = scan_text(text) if scanned is None else scanned
        self.words = word_view(self.scanned)
        # Whether the text is free of case twins, so that every piece of it is (see `no_case_twins`).
        self.plain = no_case_twins(text)
        self.actor_starts: list[int] | None = None  # start offsets of the article's actor spans
        self.published = published
        place_mentions = []
        counts: dict[int, int] = {}  # how many of the place mentions each place has, by its id
        for p in places:
            if p.get("kind") in UNPLACED_KINDS or str(p.get("id") or "").startswith(UNLISTED_PREFIX):
                continue
            before = len(place_mentions)
            for m in p.get("mentions") or []:
                start, end = m.get("start"), m.get("end")
                if isinstance(start, int) and isinstance(end, int) and end > start:
                    place_mentions.append((start, end, p))
            if len(place_mentions) > before:
                counts[id(p)] = counts.get(id(p), 0) + len(place_mentions) - before
        place_mentions.sort()
        self.place_mentions: list[tuple[int, int, Mapping[str, Any]]] = place_mentions
        self._place_starts = [start for start, _, _ in self.place_mentions]
        self.dates = sorted((d for d in dates if isinstance(d.get("start"), int)), key=lambda d: d["start"])
        self.date_starts = [d["start"] for d in self.dates]
        # Whether no date ends before it starts, so that those within a span are found by bisection.
        self._dates_in_order = all(
            isinstance(d.get("end", d["start"]), int) and d.get("end", d["start"]) >= d["start"]
            for d in self.dates
        )
        # The article's focus: its most mentioned unit or town (the more specific first, then the first
        # mentioned among equals), or its most mentioned country or region when it names neither.
        named = {id(p): p for _, _, p in self.place_mentions}  # in the order of their first mentions
        # Each place's rank by its id, worked out once: choosing a place asks for its candidates' ranks.
        self.place_ranks = ranks = {key: _place_rank(place) for key, place in named.items()}
        units = [key for key in named if ranks[key] > 0] or list(named)
        focus = min(units, key=lambda key: (-counts[key], -ranks[key]), default=None)
        self.focus = None if focus is None else named[focus]

    def places_in(self, start: int, end: int) -> list[tuple[int, int, Mapping[str, Any]]]:
        """Place mentions within [start, end): those starting there, found by bisection (every mention ends
        after it starts), that also end in time."""
        low = bisect.bisect_left(self._place_starts, start)
        high = bisect.bisect_left(self._place_starts, end, low)
        return [m for m in self.place_mentions[low:high] if m[1] <= end]

    def dates_in(self, start: int, end: int) -> list[Mapping[str, Any]]:
        """Date mentions within [start, end], in text order."""
        dates = self.dates
        if self._dates_in_order:  # then a date starting after `end` ends after it too
            low = bisect.bisect_left(self.date_starts, start)
            dates = dates[low : bisect.bisect_right(self.date_starts, end, low)]
        return [d for d in dates if start <= d["start"] and d.get("end", d["start"]) <= end]


RELATIVE_CLAUSE = re.compile(r",\s*(?:which|where|who|whose)\b", re.IGNORECASE)
# "protested in X against activists who had been detained during demonstrations in Y": a place after a
# relative pronoun or a time preposition belongs to another event that the sentence only refers to.
SUBORDINATE_BETWEEN = re.compile(
    r"\b(?:who|whom|whose|which|during|following|after|amid|since)\b", re.IGNORECASE
)
LOCATIVE = re.compile(
    r"\b(?:in|at|near|inside|into|across|within|outside|around|from|to|towards|toward|on|over)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}$",
    re.IGNORECASE,
)
# A place named as where people or things came from or went to ("migrants returned from Ecuador", "the road
# towards X"), or as a bearing ("west of Marib city"), is not where the event happened.
AWAY_FROM_PLACE = re.compile(
    r"\b(?:(?:from|towards?|linking)|(?:north|south|east|west|northeast|northwest|southeast|southwest)"
    r"(?:ern)?\s+of)\s+(?:the\s+)?(?:(?!(?:in|at|near|inside)\b)[\w'’-]+\s+){0,2}$",
    re.IGNORECASE,
)
# "Residents from X protested": a group named by where it lives acts there, so such a "from" gives no origin;
# movement ("returned from X") or fire ("shelled from X") does.
RESIDENTS_BEFORE = re.compile(
    r"\b(?:residents|citizens|villagers|people|inhabitants|locals|natives|dwellers|workers|farmers|traders|"
    r"merchants|vendors|shopkeepers|students|teachers|youths?|women|families|community|communities)\s+$",
    re.IGNORECASE,
)
# A place name that starts the name of a street or building ("Murree road", "Sanaa Street", "Belen de
# Trujillo hospital") names that feature, which lies in the town the sentence also names.
_REST_OF_NAME = r"(?:[\s-]+(?:al|el|de|del|da|do|dos|ibn|bin|[A-Z][\w'’]*)){0,4}\s+"
_ROAD_HEADS = r"street|road|avenue|boulevard|highway|motorway"
FEATURE_AFTER_PLACE = re.compile(
    rf"{_REST_OF_NAME}(?i:{_ROAD_HEADS}|bridge|roundabout|square|hospital|clinic|camp|prison|jail|airport|"
    r"airbase|base|university|school|college|mosque|church|market|mall|hotel|stadium|office|offices|"
    r"building|station|checkpoint|factory|complex|palace|park|neighbou?rhood)\b"
)

# A town that names a road or a street ("the Mumbai-Agra highway", "Sanaa Street") names where it leads, not
# where it runs: such a town gives way to any unit or town the sentence names, a building's namesake only to
# one as specific (a hospital or an airport is in the town it is named after).
ROAD_AFTER_PLACE = re.compile(
    rf"{_REST_OF_NAME}(?i:(?:{ROAD_QUALIFIERS})\s+)?(?i:{_ROAD_HEADS}|expressway)\b"
)

# Towns smaller than this that lie outside every unit their sentence names are taken for a namesake village.
NAMESAKE_TOWN_POPULATION = 100_000


def _outside_named_units_dropped(
    candidates: list[tuple[int, int, Mapping[str, Any]]],
) -> list[tuple[int, int, Mapping[str, Any]]]:
    """Candidates without the small towns that lie outside every first- or second-level unit the sentence
    names in the same country ("Alaudia village under Manpur police station in Nalanda district (Bihar)" read
    as an Alaudia of another state), and that share their unit with no other place of the sentence. Writers
    name the unit to locate the village, so a same-named village elsewhere is a misreading, and the unit
    itself places the event better."""
    named_units = {
        (p.get("country"), p.get("id") if p.get("kind") == "admin1" else p.get("admin1_id"))
        for _, _, p in candidates
        if p.get("kind") in ("admin1", "admin2")
    }
    if not named_units:
        return candidates

    def small_town(place: Mapping[str, Any]) -> bool:
        return (
            place.get("kind") in ("city", "locality")
            and (place.get("population") or 0) < NAMESAKE_TOWN_POPULATION
        )

    def stray(place: Mapping[str, Any]) -> bool:
        country, unit = place.get("country"), place.get("admin1_id")
        if not small_town(place) or (country, unit) in named_units:
            return False
        same_unit = any(p is not place and p.get("admin1_id") == unit for _, _, p in candidates)
        return not same_unit and any(named_country == country for named_country, _ in named_units)

    kept = [c for c in candidates if not stray(c[2])]
    return kept if kept else candidates


# The gap between a place and a parenthesis that locates it: "Hays district in western Yemen (Al Hudaydah)",
# "Kumbo (Bui, Nord-Ouest)". A place named there is ranked as no more specific than a district: the name of a
# province and of its namesake capital is the province there, not a venue in the capital.
LOCATOR_RANK = 2
LOCATOR_GAP = re.compile(r"\s?\((?:[^()\n]{1,40},\s?)?")


def _locators(text: str, candidates: list[tuple[int, int, Mapping[str, Any]]]) -> set[int]:
    """Where the candidates named in a parenthesis right after another one start: "(Al Hudaydah)" after
    "Hays district in western Yemen", "(Bui, Nord-Ouest)" after "Kumbo". They say where that place lies."""
    if len(candidates) < 2 or "(" not in text:
        return set()
    # Every gap opens with "(" or with a white space and "(": only a candidate followed so locates any.
    followed = [o for o in candidates if "(" in text[o[1] : o[1] + 2]]
    if not followed:
        return set()
    return {
        c[0]
        for c in candidates
        if any(o[1] <= c[0] and LOCATOR_GAP.fullmatch(text, o[1], c[0]) for o in followed if o is not c)
    }


# A town whose parenthesis names a town or district further away than this is a namesake the gazetteer read
# elsewhere: "Kwal district (Bassa LGA, Plateau)" with a Kwal 117 km from Bassa. So is a place said to lie in a
# city, town or district called so ("the Al-Saba Bahrat area in Idleb city"); a bare "in Ar-Raqqa" after a
# town more often names the province than its capital. See `_far_from_locators`.
FAR_FROM_LOCATOR_KM = 80
TOWN_KINDS = frozenset({"city", "locality"})
INSIDE_WORDS = (" city", " town", " district", " subdistrict", " tehsil", " taluka", " lga", " county")
DISTRICT_FIRST = re.compile(r"\s*,[^()\n]{1,40}\)")  # the locator is followed by ", Province)"
INSIDE_GAP = re.compile(  # "... Bahrat area in (the) ...": up to two more words of the name, a part word
    r"\s+(?:[A-Z][\w'’-]*\s+){0,2}(?:(?:area|neighbou?rhood|quarter|district|suburb|village)\s+)?"
    r"(?:in|of)\s+(?:the\s+)?"
)


def _far_from_locators(text: str, candidates: list[tuple[int, int, Mapping[str, Any]]]) -> set[int]:
    """Where the towns start that lie far from what places them (see `FAR_FROM_LOCATOR_KM`): the district a
    parenthesis names first, "(Bassa LGA, Plateau)", or a city or district they are said to lie in ("in Idleb
    city", "in Handwara subdistrict").

    A lone name in a parenthesis is as often the province, read as its namesake capital ("Hays district (Al
    Hudaydah)"), so it judges nothing; nor does a first-level unit, or a locator read in another country (that
    one is the misread name: "Panama City (Bella Vista)")."""
    far = set()
    for place_start, place_end, place in candidates:
        if place.get("lat") is None or place.get("kind") not in TOWN_KINDS:
            continue
        follower = text[place_end : place_end + 1]
        if follower != "(" and not follower.isspace():  # what both gaps open with: no locator follows
            continue
        for start, end, locator in candidates:
            if start < place_end:
                continue
            if LOCATOR_GAP.fullmatch(text, place_end, start):
                judges = locator.get("kind") == "admin2" or DISTRICT_FIRST.match(text, end) is not None
            elif INSIDE_GAP.fullmatch(text, place_end, start):
                judges = text[start:end].lower().endswith(INSIDE_WORDS)
            else:
                continue
            if (
                judges
                and _place_rank(locator) >= 2
                and locator.get("lat") is not None
                and locator.get("country") == place.get("country")
                and distance_km(place.get("lat"), place.get("lon"), locator.get("lat"), locator.get("lon"))
                > FAR_FROM_LOCATOR_KM
            ):
                far.add(place_start)
            break
    return far


def _search_between(
    pattern: re.Pattern[str], context: _Context, start: int, end: int
) -> re.Match[str] | None:
    """``pattern.search(context.text, start, end)`` (look-behinds see the text before `start`), by
    `WordStartSearch` when the pattern allows it."""
    built = _word_search(pattern)
    if built is None:
        return pattern.search(context.text, start, end)
    return built.search_text(context.text, context.words, start, end)


def _named_as_elsewhere(context: _Context, start: int) -> bool:
    """Whether the place name at `start` is an origin, a destination or a bearing rather than a venue."""
    window = max(0, start - 40)
    found = _search_before(AWAY_FROM_PLACE, context.text, context.scanned, context.words, window, start)
    if found is None:
        return False
    head = window + found.start()
    return not (
        context.text[head : head + 4].lower() == "from"
        and RESIDENTS_BEFORE.search(context.text, max(0, head - 30), head) is not None
    )


def _choose_place(
    mention: Mention,
    context: _Context,
    earlier: Sequence[Mention],
    sentences: Sequence[Sentence],
    actor_spans: Sequence[tuple[int, int, dict]] = (),
) -> Mapping[str, Any] | None:
    """The most specific place the sentence names; else the place of the last event of the same type, or of
    the paragraph's previous event; else the article's focus, since a report that names one place and then
    describes what happened there ("Perpetrators threatened the drivers") seldom repeats the name.

    A place name that the actor extractor read as an actor ("Turkey retaliated ...") is a side, not a
    location, unless a locative preposition introduces it ("in Turkey"); a place that qualifies the trigger
    noun ("Idlib talks", "the Gaza deal") is the topic, not the venue. A place named only as an origin, a
    destination or a bearing ("returned from Ecuador", "west of Marib"), or whose name starts the name of a
    street or building ("Murree road in Rawalpindi"), gives way to another place of the sentence.
    `sentences` are the mention's (`_event_sentences`), listed once by the caller.
    """
    conflict = mention.sub_event is not None
    text = context.text
    trigger_start, trigger_end = mention.trigger.start, mention.trigger.end
    candidates = []
    for sentence in sentences:
        for start, end, place in context.places_in(sentence.start, sentence.end):
            as_actor = False  # a loop, not any() over a generator: this runs for every place mention
            for a_start, a_end, _ in actor_spans:
                if a_start <= start and end <= a_end:
                    as_actor = True
                    break
            if as_actor and not _search_before(
                LOCATIVE, text, context.scanned, context.words, max(sentence.start, start - 30), start
            ):
                continue
            if (
                start > trigger_end
                and text.find(",", trigger_end, start) >= 0  # every relative clause starts with one
                and RELATIVE_CLAUSE.search(text[trigger_end:start])
            ):
                continue
            if not conflict and 0 <= trigger_start - end <= 1:
                continue
            candidates.append((start, end, place))
    locators: set[int] = set()
    if len(candidates) > 1:  # each of these only ever sets one candidate against another
        candidates = _outside_named_units_dropped(candidates)
        far = _far_from_locators(context.text, candidates)
        if far and len(far) < len(candidates):
            candidates = [c for c in candidates if c[0] not in far]
        locators = _locators(context.text, candidates)

    place_ranks = context.place_ranks
    previous = earlier[-1] if earlier else None
    if candidates and not conflict:
        nearest = min(candidates, key=lambda c: abs(c[0] - trigger_start))
        # "in Town, Province, students protested": the unit nearest the trigger only locates the town.
        nearest_rank = place_ranks[id(nearest[2])]
        inner = [
            c for c in candidates if place_ranks[id(c[2])] > nearest_rank and _contains(nearest[2], c[2])
        ]
        return min(inner or [nearest], key=lambda c: abs(c[0] - trigger_start))[2]
    if candidates:
        # Each candidate's rank (a place in a parenthesis after another one ranks no higher than
        # LOCATOR_RANK), by the candidate: the filters below ask for it again and again (the candidates
        # they keep are the same tuples).
        ranks = {
            id(c): min(place_ranks[id(c[2])], LOCATOR_RANK) if c[0] in locators else place_ranks[id(c[2])]
            for c in candidates
        }
        # Every filter below keeps a non-empty subset, so a lone candidate is chosen whatever they find.
        if len(candidates) > 1:
            here = [c for c in candidates if not _named_as_elsewhere(context, c[0])]
            if any(place_ranks[id(c[2])] > 0 for c in here):
                candidates = here
            off_road = [c for c in candidates if not ROAD_AFTER_PLACE.match(context.text, c[1], c[1] + 60)]
            if any(ranks[id(c)] > 0 for c in off_road):
                candidates = off_road
            top_rank = max(ranks[id(c)] for c in candidates)
            unnamed = [c for c in candidates if not FEATURE_AFTER_PLACE.match(context.text, c[1], c[1] + 60)]
            if any(ranks[id(c)] >= top_rank for c in unnamed):
                candidates = unnamed
        best_rank = max(ranks[id(c)] for c in candidates)
        best = [c for c in candidates if ranks[id(c)] == best_rank]
        after_trigger = next(
            (
                c
                for c in best
                if c[0] >= trigger_start
                and not _search_between(SUBORDINATE_BETWEEN, context, trigger_end, c[0])
            ),
            None,
        )
        chosen = (after_trigger or best[0])[2]
        focus = context.focus
        if conflict and best_rank == 0 and focus is not None and any(_contains(c[2], focus) for c in best):
            return focus
        if best_rank == 0 and previous is not None and previous.place and _contains(chosen, previous.place):
            return previous.place
        return chosen
    same_type = next((m for m in reversed(earlier) if m.plover_type == mention.plover_type and m.place), None)
    if same_type is not None and mention.plover_type not in ("ASSAULT", "PROTEST"):
        return same_type.place
    if previous is not None and previous.paragraph == mention.paragraph and previous.place:
        return previous.place
    if same_type is not None:
        return same_type.place
    return context.focus


def _choose_date(
    mention: Mention, context: _Context, previous: Mention | None, sentences: Sequence[Sentence]
) -> None:
    """A date stated in the sentence (nearest the trigger), else the paragraph's last, else publication.
    `sentences` are the mention's (`_event_sentences`), listed once by the caller."""
    candidates = []
    for sentence in sentences:
        candidates.extend(context.dates_in(sentence.start, sentence.end))
    chosen = None
    if candidates:
        chosen = min(candidates, key=lambda d: (abs(d["start"] - mention.trigger.start), d["start"]))
    else:
        # The dates before the sentence, found by bisection (they are sorted by where they start); the last
        # of them is in the sentence's paragraph when it starts after the paragraph's blank line ("\n\n"),
        # which is looked for back from the sentence only as far as that date, not to the text's start.
        earlier_count = bisect.bisect_left(context.date_starts, mention.sentence.start)
        last_start = context.date_starts[earlier_count - 1] if earlier_count else None
        if last_start is not None and last_start > context.text.rfind(
            "\n\n", max(0, last_start), mention.sentence.start
        ):
            chosen = context.dates[earlier_count - 1]
        elif previous is not None and previous.date and previous.paragraph == mention.paragraph:
            mention.date, mention.date_to, mention.date_precision = (
                previous.date,
                previous.date_to,
                previous.date_precision,
            )
            return
        elif earlier_count and not context.published:
            chosen = context.dates[0]
    if chosen is not None:
        mention.date = chosen.get("date")
        mention.date_to = chosen.get("date_to") or chosen.get("date")
        mention.date_precision = chosen.get("precision") or "day"
    elif context.published:
        mention.date = context.published[:10]
        mention.date_to = mention.date
        mention.date_precision = "week"


# --- figures -----------------------------------------------------------------------------------------------


def _figure_totals(mention: Mention) -> dict[str, int]:
    """Per-kind totals: clauses are added up, an explicit summary ("3 fatalities") replaces the sum."""
    totals: dict[str, int] = {}
    summaries: dict[str, int] = {}
    for figure in mention.figures:
        if figure.summary:
            summaries[figure.kind] = max(summaries.get(figure.kind, 0), figure.value)
        else:
            totals[figure.kind] = totals.get(figure.kind, 0) + figure.value
    totals.update(summaries)
    return totals


# --- merging -----------------------------------------------------------------------------------------------


def _compatible_places(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> bool:
    if not a or not b:
        return True
    return _contains(a, b) or _contains(b, a)


def _same_actor(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> bool:
    if not a or not b:
        return True
    if a.get("id") and b.get("id"):
        return a["id"] == b["id"]
    return a.get("name") == b.get("name") or a.get("type") == b.get("type")


def _same_sides(a: Mention, b: Mention) -> bool:
    """Sides agree when neither report names any, or they share one (in either role: the sides of a clash
    are often named in the opposite order by the next sentence)."""
    a_actor1 = None if a.assumed_actor1 else a.actor1
    b_actor1 = None if b.assumed_actor1 else b.actor1
    sides_a = [x for x in (a_actor1, a.actor2) if x]
    sides_b = [x for x in (b_actor1, b.actor2) if x]
    if not sides_a or not sides_b:
        return True
    if _same_actor(a_actor1, b_actor1) and _same_actor(a.actor2, b.actor2):
        return True
    if "clash" not in (a.family, b.family) or a.paragraph != b.paragraph:
        return False
    return any(_same_actor(x, y) and x.get("type") == y.get("type") for x in sides_a for y in sides_b)


def _same_event(a: Mention, b: Mention) -> bool:
    if a.plover_type != b.plover_type or a.sub_event != b.sub_event:  # most pairs part here, cheaply
        return False
    if frozenset(a.flags) != frozenset(b.flags):
        return False
    if a.date and b.date and a.date != b.date and a.date_precision == b.date_precision == "day":
        return False
    if not _compatible_places(a.place, b.place):
        return False
    return _same_sides(a, b)


def _absorb(into: Mention, other: Mention) -> None:
    """Fold a second mention of the same event into the first; keep the more specific details."""
    if other.place and (not into.place or _place_rank(other.place) > _place_rank(into.place)):
        into.place = other.place
    if into.actor1 is None or (into.assumed_actor1 and other.actor1 and not other.assumed_actor1):
        into.actor1, into.assumed_actor1 = other.actor1, other.assumed_actor1
    into.actor2 = into.actor2 or other.actor2
    if not into.date or (into.date_precision != "day" and other.date_precision == "day"):
        into.date, into.date_to, into.date_precision = other.date, other.date_to, other.date_precision
    mine, theirs = _figure_totals(into), _figure_totals(other)
    for kind, value in theirs.items():
        if value > mine.get(kind, -1):
            into.figures = [f for f in into.figures if f.kind != kind] + [
                f for f in other.figures if f.kind == kind
            ]
    if other.confidence > into.confidence:
        into.sentence, into.trigger, into.confidence = other.sentence, other.trigger, other.confidence
    into.merged += 1


# --- the public entry point ---------------------------------------------------------------------------------


def searched_patterns() -> tuple[re.Pattern[str], ...]:
    """Every pattern the coder searches pieces of text with through `_word_search` (`build_searches`
    builds their searches up front; the tests check each against the regex engine)."""
    lexicon = load_lexicon()
    return (
        lexicon.reference_before,
        lexicon.complement_before,
        lexicon.negation,
        lexicon.hypothetical,
        lexicon.future,
        lexicon.threat,
        lexicon.armed,
        lexicon.civilian,
        *lexicon.modifiers.values(),
        STATE_WORDS,
        STATE_WORDS_LOWER,
        UNARMED_GROUPS,
        UNARMED_GROUPS_LOWER,
        NON_STATE_FORCES,
        NON_STATE_FORCES_LOWER,
        *PRECEDED_BY.values(),
        LOCATIVE,
        AWAY_FROM_PLACE,
        SUBORDINATE_BETWEEN,
    )


def build_searches() -> int:
    """Build now the word-start searches of `searched_patterns`, and say how many it built. Building one
    (its heads, then a compiled alternation of them) takes 5-20 ms, which the first articles to need it
    would otherwise pay: 12 of 23 were still built during the first 40 voa articles, some 0.14 s.
    `extract.warm_up` calls this."""
    return sum(_word_search(pattern) is not None for pattern in searched_patterns())


def code_events(
    text: str,
    *,
    published: str | None,
    actors: Sequence[Mapping[str, Any]],
    places: Sequence[Mapping[str, Any]],
    dates: Sequence[Mapping[str, Any]],
    people: Sequence[Mapping[str, Any]] | None = None,
    skip_spans: Iterable[tuple[int, int]] = (),
    title: str | None = None,
) -> list[dict[str, Any]]:
    """The events reported in `text`, in text order, in the extraction output's event shape.

    `actors`, `places` and `dates` are the outputs of find_actors, find_places and find_dates on the same
    text (their mention offsets are used to tie them to sentences); `published` (ISO date) dates events the
    text gives no date for. An event placed where the `title` says ("Attack reported near Tripoli") is the
    one the story leads with, and is trusted more. Offsets in the result refer to `text`.
    """
    if not text:
        return []
    lexicon = load_lexicon()
    sentences = split_sentences(text, skip_spans)
    if not sentences:
        return []
    original, text = text, lower_ascii(text)
    scanned = scan_text(original)
    context = _Context(original, published, places, dates, scanned)
    words = context.words
    starts = _word_starts(lexicon, words)
    family_hits, generic_hits = _lexicon_hits(text, lexicon, scanned, starts)
    cues = _find_cues(original, sentences, lexicon, text, scanned, family_hits, words)
    cues_of = {s.start: c for s, c in zip(sentences, cues, strict=True)}
    paragraphs = _paragraph_numbers(text, sentences)
    figure_reader = FigureReader(text, scanned, words, lowered=True, after_spaces=starts)

    mentions: list[Mention] = []
    current: Mention | None = None
    violent: Mention | None = None
    for index, sentence in enumerate(sentences):
        sentence_cues = cues[index]
        paragraph = paragraphs[index]
        if current is not None and current.paragraph != paragraph:
            current = violent = None
        if current is None and not sentence_cues:
            # Nothing to continue and no trigger: the sentence yields no mention, so its figures (the
            # costliest part of reading a sentence) would go nowhere.
            continue
        figures = figure_reader.find(sentence.start, sentence.end)
        forced = _note_tag_sub_event(original, sentence, lexicon) if index == 0 else None
        if current is not None and _continues(current, sentence_cues, figures, lexicon):
            current.extra_sentences.append(sentence)
            _attach(current, violent, figures)
            continue
        # A sentence without a cue reports no event of its own (`_sentence_mention` finds none).
        mention = (
            _sentence_mention(
                text, sentence, index, paragraph, sentence_cues, lexicon, forced, figures, scanned, words
            )
            if sentence_cues
            else None
        )
        if mention is None:
            if current is not None:
                _attach(current, violent, figures)
            continue
        casualties = [f for f in figures if f.kind in ("killed", "injured")]
        if _bears_casualties(mention) or violent is None or not casualties:
            mention.figures = list(figures)
        else:
            mention.figures = [f for f in figures if f not in casualties]
            violent.figures.extend(casualties)
        mentions.append(mention)
        current = mention
        if _bears_casualties(mention):
            violent = mention

    if not mentions:
        return []
    actor_spans = _actor_spans(text, actors, lexicon, scanned, generic_hits)
    context.actor_starts = [span[0] for span in actor_spans]
    for index, mention in enumerate(mentions):
        _resolve(text, mention, cues_of, context, actor_spans, lexicon, mentions[:index])
    # Only the places of the events themselves are looked for in the headline: no other can raise one.
    placed = {(mention.place or {}).get("id") for mention in mentions}
    headline_places = _headline_places(title, [place for place in places if place.get("id") in placed])
    for rank, mention in enumerate(mentions):
        mention.confidence = _confidence(mention, rank)
        if headline_places and (mention.place or {}).get("id") in headline_places:
            mention.confidence *= HEADLINE_FACTOR

    merged: list[Mention] = []
    # Only mentions of one type and sub-event can be one event (`_same_event` parts the others first), so
    # each is set against the earlier ones of its kind, in the same order (`_absorb` changes neither).
    of_kind: dict[tuple[str, str | None], list[Mention]] = {}
    for mention in mentions:
        kind = of_kind.setdefault((mention.plover_type, mention.sub_event), [])
        target = next((m for m in kind if _same_event(m, mention)), None)
        if target is None:
            merged.append(mention)
            kind.append(mention)
        else:
            _absorb(target, mention)
    return [_to_output(m) for m in merged]


_BLANK_LINE = re.compile(r"\n\s*\n")


def _paragraph_numbers(text: str, sentences: Sequence[Sentence]) -> list[int]:
    """Each sentence's paragraph: a blank line between two sentences starts a new one. (Most gaps hold
    no line break at all, which a substring test rules out before the pattern is tried.)"""
    numbers = []
    paragraph = 0
    previous_end = 0
    for sentence in sentences:
        if (
            text.find("\n", previous_end, sentence.start) >= 0
            and _BLANK_LINE.search(text, previous_end, sentence.start) is not None
        ):
            paragraph += 1
        numbers.append(paragraph)
        previous_end = sentence.end
    return numbers


CASUALTY_SUB_EVENTS = frozenset({"Disrupted weapons use", "Looting/property destruction", "Other"})


def _bears_casualties(mention: Mention) -> bool:
    """Whether deaths and injuries reported with this event are its own: violence, demonstrations, and the
    strategic developments ACLED records fatalities for (a device that exploded while being planted,
    destruction that killed, unexplained deaths). Arrests, agreements, deployments and talks carry none:
    deaths mentioned beside them belong to the violent event of the same passage."""
    if mention.flags:
        return False
    return (
        mention.plover_type in ("ASSAULT", "PROTEST")
        or mention.forced
        or mention.sub_event in CASUALTY_SUB_EVENTS
    )


def _attach(current: Mention, violent: Mention | None, figures: Sequence[Figure]) -> None:
    """Figures of a sentence that only adds detail: deaths and injuries go to the passage's violent event."""
    for figure in figures:
        if figure.kind in ("killed", "injured") and violent is not None and not _bears_casualties(current):
            violent.figures.append(figure)
        else:
            current.figures.append(figure)


def _continues(current: Mention, cues: Sequence[Cue], figures: Sequence[Figure], lexicon: Lexicon) -> bool:
    """Whether a sentence adds detail to the current event instead of reporting a new one."""
    if not cues:  # half the sentences asked about: then no cue can start a new event
        return bool(figures)
    live = _live(cues)
    if not live:
        return bool(figures) or (current.family in ("protest", "riot") and bool(cues))
    if all(c.family == "outcome" for c in live):
        return current.family in VIOLENT_FAMILIES or current.family in ("looting", "riot", "protest")
    families = {c.family for c in live}
    if current.family == "protest":
        return bool(families <= {"protest", "arrest", "attack", "outcome", "riot", "clash", "accuse"})
    if current.family == "riot":
        return bool(families <= {"riot", "protest", "arrest", "attack", "outcome", "looting", "clash", "mob"})
    if current.family == "territory":
        return bool(families <= {"territory", "transfer"})
    if current.family == "mob":
        return bool(families <= {"mob", "riot", "attack", "outcome", "looting"})
    return False


def _resolve(
    text: str,
    mention: Mention,
    cues_of: Mapping[int, list[Cue]],
    context: _Context,
    actor_spans: Sequence[tuple[int, int, dict]],
    lexicon: Lexicon,
    earlier: Sequence[Mention],
) -> None:
    """Fill in place, date, actors, figures and the final sub-event type of one mention."""
    previous = earlier[-1] if earlier else None
    sentences = _event_sentences(mention)
    mentions_in = []
    for sentence in sentences:
        mentions_in.extend(_spans_in(actor_spans, sentence, context.actor_starts))
    named_spans = [m for m in mentions_in if not m[2].get("generic")]
    place = _choose_place(mention, context, earlier, sentences, named_spans)
    mention.place = _place_ref(place) if place else None
    country = (place or {}).get("country")
    _choose_date(mention, context, previous, sentences)
    if country is None:
        country = next((m[2].get("country") for m in mentions_in if m[2].get("country")), None)
    primary_mentions = [m for m in mentions_in if mention.sentence.start <= m[0] < mention.sentence.end]
    if not mention.forced:
        if mention.family == "protest":
            _refine_protest(text, mention, cues_of, lexicon, context.words)
        elif mention.family == "riot":
            mob = any(c.family == "mob" for s in sentences for c in cues_of.get(s.start, []))
            protest = _has_modifier(text, mention, "protest_context", lexicon, context.words) or any(
                c.family == "protest" for s in sentences for c in cues_of.get(s.start, [])
            )
            mention.sub_event = "Violent demonstration" if protest and not mob else "Mob violence"
            mention.plover_type, mention.plover_mode = SUB_EVENT_PLOVER[mention.sub_event]
        else:
            _refine_violence(
                text, mention, primary_mentions, lexicon, context.scanned, context.plain, context.words
            )
    _assign_actors(text, mention, primary_mentions, country, context.scanned, context.plain, context.words)
    if mention.family == "territory" and not mention.forced:
        _refine_territory(mention, text, primary_mentions, lexicon)
    totals = _figure_totals(mention)
    if (
        not mention.forced
        and mention.sub_event in ("Looting/property destruction", "Abduction/forced disappearance")
        and totals.get("killed", 0) > 0
    ):
        mention.sub_event = "Attack"
        mention.plover_type, mention.plover_mode = ("ASSAULT", None)
    _apply_actor_conventions(mention, mentions_in, country)
    _home_or_abroad(mention, (place or {}).get("country"))
    if "threatened" in mention.flags and mention.plover_type in (
        "ASSAULT",
        "COERCE",
        "MOBILIZE",
        "PROTEST",
        "RETREAT",
    ):
        mention.plover_type, mention.plover_mode = "THREATEN", "violence"
    if mention.flags:
        mention.sub_event = None


# How much more an event placed where the headline says is trusted than one placed elsewhere.
HEADLINE_FACTOR = 1.2


def _headline_places(title: str | None, places: Sequence[Mapping[str, Any]]) -> set[str]:
    """Ids of the article's towns and units that its headline names, as the text writes them or by their
    name: "Rebels retake Saraqib" names the Saraqib the text calls "Saraqeb" too. Countries and regions are
    left out: a headline naming "Syria" says nothing about which Syrian event leads."""
    if not title:
        return set()
    folded = f" {lower_ascii(title)} "
    found = set()
    for place in places:
        if place.get("kind") in ("country", "region", "water", "continent") or not place.get("id"):
            continue
        names = {
            place.get("name"),
            *(m.get("text") for m in place.get("mentions") or [] if isinstance(m, dict)),
        }
        for name in names:
            if isinstance(name, str) and len(name) > 2 and _between_non_word(folded, lower_ascii(name)):
                found.add(place["id"])
                break
    return found


def _between_non_word(text: str, part: str) -> bool:
    r"""Whether `part` occurs in `text` with a character that is not a word character (what ``\W`` matches)
    right before and right after it: ``re.search(r"\W" + re.escape(part) + r"\W", text)`` without compiling
    a pattern for every place name of every article."""
    start = text.find(part, 1)
    while start >= 0:
        end = start + len(part)
        if end >= len(text):
            return False
        before, after = text[start - 1], text[end]
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return True
        start = text.find(part, start + 1)
    return False


def _confidence(mention: Mention, rank: int) -> float:
    score = mention.weight
    if rank > 0:
        score *= LATER_EVENT_FACTOR
    if mention.reference:
        score *= REFERENCE_FACTOR
    if mention.flags and mention.plover_type != "THREATEN":
        score *= FLAGGED_FACTOR
    if mention.actor1 is not None:
        score += 0.02
    if mention.place is not None:
        score += 0.01
    return score


def _to_output(mention: Mention) -> dict[str, Any]:
    totals = _figure_totals(mention)
    if not _bears_casualties(mention):
        totals = {kind: value for kind, value in totals.items() if kind not in ("killed", "injured")}
    acled = (
        {"event_type": ACLED_EVENT_TYPES[mention.sub_event], "sub_event_type": mention.sub_event}
        if mention.sub_event
        else None
    )
    figures = dict(totals)
    confidence = min(0.99, mention.confidence + min(0.06, 0.02 * mention.merged))
    return {
        "type": mention.plover_type,
        "mode": mention.plover_mode,
        "acled": acled,
        "date": mention.date,
        "date_to": mention.date_to,
        "date_precision": mention.date_precision,
        "place": mention.place,
        "actor1": mention.actor1,
        "actor2": mention.actor2,
        "fatalities": totals.get("killed"),
        "injured": totals.get("injured"),
        "figures": figures,
        "flags": [f for f in FLAGS_ORDER if f in mention.flags] if mention.flags else [],
        "sentence": mention.sentence.text,
        "start": mention.sentence.start,
        "end": mention.sentence.end,
        "trigger": {"start": mention.trigger.start, "end": mention.trigger.end, "text": mention.trigger.text},
        "confidence": round(max(0.01, confidence), 3),
    }
