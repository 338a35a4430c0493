"""Conflict actors: who fights, protests, governs, reports or is harmed in an article.

Two sources of actors, both kept as data under ``indexer/data/actors/`` (see the README there):

* a curated lexicon of named actors (armed groups, state forces with names of their own, international
  bodies, NGOs, news agencies) with their aliases, category and country;
* general patterns, so that countries and groups the lexicon never lists still work: "<demonym or
  country> <head noun>" ("Nigerian troops", "Chile's police", "Lebanese protesters"), "<noun> of|in
  <country>", capitals and country names acting as their governments ("Ankara said", "Turkey and
  Russia back rival groups"), bare head nouns whose country comes from context ("gunmen", "police"),
  communal militias named after an identity group ("Fulani gunmen"), and protest or riot reports
  with nobody named (ACLED gives each such event a Protesters/Rioters actor).

All matching runs over an accent-folded copy of the text with the same length, so offsets stay
valid; lexicon aliases go through two prefix-factored regular expressions (case-insensitive words,
case-sensitive acronyms, so "IS", "AP" and "PDF" never match "is", "ap" or "pdf"), built once on first
use. Overlapping candidates are settled longest first.

A country's government and armed forces are one actor (the "state actor"): news rarely separates
them ("Turkey retaliated", "Turkey's Defense Ministry said", "Turkish troops") and ACLED's category
comparison treats them alike.  Its ``type`` is ``government`` when every mention is political (a
ministry, a capital, the country acting) and ``state_forces`` otherwise; with a context country
(``country_hint`` or the places found in the text) a foreign state's forces become
``external_forces``.  Police is a separate actor.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from pathlib import Path

import pycountry

from indexer.contract import ACTOR_TYPES
from indexer.datafiles import load_yaml
from indexer.regexscan import MultiPattern, ascii_marks, encode_ascii, scan_text

DATA_DIR = Path(__file__).resolve().parent / "data" / "actors"


_FOLD_SPECIAL = {
    "\u2019": "'",
    "\u2018": "'",
    "\u02bc": "'",
    "\u00b4": "'",
    "`": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u0131": "i",
    "\u0142": "l",
    "\u0141": "L",
    "\u00f8": "o",
    "\u00d8": "O",
    "\u0111": "d",
    "\u0110": "D",
    "\u00e6": "a",
    "\u00c6": "A",
    "\u0153": "o",
    "\u0152": "O",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u00a0": " ",
    "\u202f": " ",
}


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _FOLD_SPECIAL:
        return _FOLD_SPECIAL[char]
    base = unicodedata.normalize("NFKD", char)
    return base[0] if base and base[0].isascii() else char


def _fold_run(error: UnicodeEncodeError) -> tuple[bytes, int]:
    """The characters `fold` cannot encode as ASCII, folded, in UTF-8."""
    run = error.object[error.start : error.end]
    return "".join(map(_fold_char, run)).encode("utf-8", "surrogatepass"), error.end


_FOLD_RUN_ERRORS = "conflictwire-fold"  # the codec error handler `_fold_run`, by its registered name
codecs.register_error(_FOLD_RUN_ERRORS, _fold_run)
_FOLD_MARKS = ascii_marks(_fold_char)  # the curly apostrophes and the dashes, for `encode_ascii`


def fold(text: str) -> str:
    """Strip accents and unify apostrophes and dashes, one character for one, so offsets survive.

    A text with any non-ASCII character is encoded as ASCII with `_fold_run` writing the rest, and decoded
    again: the encoder copies ASCII in C and stops only at the non-ASCII runs, where a regex substitution
    would visit every character."""
    if text.isascii():
        return text
    return encode_ascii(text, _FOLD_RUN_ERRORS, _FOLD_MARKS).decode("utf-8", "surrogatepass")


@lru_cache(maxsize=8)
def fold_article(text: str) -> str:
    """`fold` of a whole article text, kept for the last few texts: the actor and the people extractors
    both fold the same article, and news copy is seldom pure ASCII (curly quotes, dashes)."""
    return fold(text)


@lru_cache(maxsize=65536)
def normalize_key(value: str) -> str:
    """Lookup key: accent- and case-insensitive, hyphens and spacing unified ("Al-Shabaab" = "al shabaab").

    Cached: every article looks up the same aliases, nouns and qualifiers again."""
    folded = fold(value).lower().replace("-", " ")
    return " ".join(folded.split())


def slugify(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(value).lower()).strip("-")


def _is_acronym(alias: str) -> bool:
    """Upper-case abbreviations ("IS", "PDF", "M23") and their plurals ("PDFs") match case-sensitively, and
    so do short mixed-case ones ("JeM", "LeT", "FAMa"): read without case they are words ("let") or other
    groups' abbreviations ("JEM", Sudan's Justice and Equality Movement)."""
    if len(alias) <= 5 and alias.isalpha() and sum(c.isupper() for c in alias) >= 2:
        return True
    if len(alias) > 2 and alias.endswith("s") and alias[-2].isupper():
        alias = alias[:-1]
    letters = [c for c in alias if c.isalpha()]
    return bool(letters) and not any(c.islower() for c in letters)


# ---------------------------------------------------------------------------------------------------- regex tries

_SEP = object()
_SEP_PATTERN = r"[\s\-]+"


def _atoms(alias: str, lower: bool) -> list:
    text = fold(alias.strip())
    if lower:
        text = text.lower()
    atoms: list = []
    for char in text:
        if char in " -":
            if atoms and atoms[-1] is not _SEP:
                atoms.append(_SEP)
        else:
            atoms.append(char)
    while atoms and atoms[-1] is _SEP:
        atoms.pop()
    return atoms


def _trie_pattern(phrases: Iterable[str], lower: bool) -> str | None:
    """One regular expression for many phrases, factored by common prefixes so matching stays fast.

    Spaces and hyphens inside a phrase match any run of spaces or hyphens, so "al-Shabaab" also
    finds "al Shabaab".  At each node the longer continuations are tried first (greedy optional
    groups), which gives the longest phrase starting at a position.
    """
    root: dict = {}
    end = "__end__"
    count = 0
    for phrase in phrases:
        atoms = _atoms(phrase, lower)
        if not atoms:
            continue
        node = root
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[end] = True
        count += 1
    if not count:
        return None

    def emit(node: dict) -> str:
        branches = []
        for atom, child in node.items():
            if atom == end:
                continue
            piece = _SEP_PATTERN if atom is _SEP else re.escape(atom)
            branches.append(piece + emit(child))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end in node:
            return "(?:" + body + ")?"
        return body

    return emit(root)


def _word_regex(phrases: Iterable[str], *, case_sensitive: bool = False) -> re.Pattern | None:
    """Whole-word matches; a hyphenated modifier may follow ("Taliban-planted", "Houthi-controlled")."""
    pattern = _trie_pattern(phrases, lower=not case_sensitive)
    if pattern is None:
        return None
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(r"(?<![\w\-])(?:" + pattern + r")(?!\w|-(?![a-z]))", flags)


def _group(phrases: Iterable[str]) -> str:
    """A non-capturing group matching any of the phrases; acronyms stay case-sensitive inside it."""
    phrases = sorted(set(phrases))
    plain = [p for p in phrases if not _is_acronym(p)]
    acronyms = [p for p in phrases if _is_acronym(p)]
    parts = []
    if plain:
        parts.append(_trie_pattern(plain, lower=True))
    if acronyms:
        parts.append("(?-i:" + _trie_pattern(acronyms, lower=False) + ")")
    return "(?:" + "|".join(parts) + ")"


# ---------------------------------------------------------------------------------------------------- lexicon


@dataclass
class ActorEntry:
    """One canonical actor: curated, generated for a country, or a generic class actor."""

    id: str
    name: str
    type: str
    country: str | None
    aliases: list[str] = field(default_factory=list)
    weak: list[str] = field(default_factory=list)
    exact: list[str] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)
    state_of: str | None = None
    police_of: str | None = None
    class_of: tuple[str, str | None] | None = None
    note: str | None = None
    curated: bool = True
    _listed: list[str] | None = field(default=None, init=False, repr=False, compare=False)
    _listed_at: dict[str, int] | None = field(default=None, init=False, repr=False, compare=False)

    def all_aliases(self) -> list[str]:
        """Curated aliases, then the ones derived from the country tables (listed, never matched)."""
        return [*self.aliases, *self.exact, *self.weak, *self.derived]

    def listed_aliases(self) -> list[str]:
        """`all_aliases` without repeats or the name itself, worked out once: every article that mentions
        an actor lists them, and an entry does not change once the lexicon is loaded. Do not modify."""
        if self._listed is None:
            self._listed = _dedupe(self.all_aliases(), exclude=self.name)
        return self._listed

    def aliases_with(self, surfaces: Sequence[str]) -> list[str]:
        """``_dedupe([*surfaces, *all_aliases()], exclude=name)``: the article's spellings of the actor, then
        its listed aliases. The listed ones are already distinct and apart from the name, so only a surface
        can repeat one, and then only one each. Where each listed key stands is worked out once, not for every
        article that mentions the actor, and the repeated ones are deleted by position: a state actor lists
        dozens of aliases, and a written one often repeats one of them ("Syrian government")."""
        listed = self.listed_aliases()
        if self._listed_at is None:
            self._listed_at = {normalize_key(value): position for position, value in enumerate(listed)}
        written = _dedupe(surfaces, exclude=self.name)
        if not written:
            return list(listed)
        at = self._listed_at
        repeated = sorted({at[key] for key in map(normalize_key, written) if key in at}, reverse=True)
        aliases = written + listed
        for position in repeated:  # from the last, so the positions before it stay where they were
            del aliases[len(written) + position]
        return aliases

    def as_dict(self) -> dict:
        aliases = list(self.listed_aliases())
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "country": self.country,
            "aliases": aliases,
        }


@dataclass(frozen=True)
class CountryInfo:
    code: str
    display: str
    the: bool
    names: tuple[str, ...]
    demonyms: tuple[str, ...]
    capitals: tuple[str, ...]
    ambiguous_name: bool

    @property
    def display_with_article(self) -> str:
        return f"the {self.display}" if self.the else self.display

    @property
    def adjective(self) -> str:
        return self.demonyms[0] if self.demonyms else self.display


@dataclass(frozen=True)
class NounInfo:
    klass: str
    kind: str | None
    bare: bool
    weak: bool


@dataclass
class Lexicon:
    entries: dict[str, ActorEntry]
    countries: dict[str, CountryInfo]
    state_ids: dict[str, str]
    police_ids: dict[str, str]
    class_ids: dict[tuple[str, str | None], str]
    classes: dict[str, dict]
    nouns: dict[str, NounInfo]
    identity_groups: dict[str, tuple[str | None, str]]
    identity_display: dict[str, str]
    qualifiers: dict[str, tuple[str, str | None]]
    metonyms: dict[str, str]
    patterns: dict
    index: dict[str, str]
    # Class and identity actors made on demand ("Protesters (Chile)"), each once: see `_class_entry`.
    made: dict[tuple[str, str, str | None], ActorEntry] = field(default_factory=dict)


def _dedupe(values: Iterable[str], exclude: str | None = None) -> list[str]:
    seen = {normalize_key(exclude)} if exclude else set()
    out = []
    for value in values:
        key = normalize_key(value)
        if value and key not in seen:
            seen.add(key)
            out.append(value)
    return out


def _load_yaml(name: str) -> dict:
    path = DATA_DIR / name
    with path.open(encoding="utf-8") as handle:
        data = load_yaml(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


def _country_table() -> dict[str, CountryInfo]:
    curated = _load_yaml("countries.yaml").get("countries") or {}
    table: dict[str, CountryInfo] = {}
    codes = {c.alpha_2 for c in pycountry.countries} | set(curated)
    for code in sorted(codes):
        record = pycountry.countries.get(alpha_2=code)
        extra = curated.get(code) or {}
        official = []
        if record is not None:
            official = [getattr(record, a, None) for a in ("common_name", "name", "official_name")]
        official = [n for n in official if n and "," not in n and "(" not in n]
        display = extra.get("name") or (official[0] if official else code)
        names = _dedupe([display, *(extra.get("names") or []), *official])
        table[code] = CountryInfo(
            code=code,
            display=display,
            the=bool(extra.get("the")),
            names=tuple(names),
            demonyms=tuple(extra.get("demonyms") or ()),
            capitals=tuple(extra.get("capitals") or ()),
            ambiguous_name=bool(extra.get("ambiguous_name")) or code not in curated,
        )
    return table


def _state_aliases(country: CountryInfo) -> list[str]:
    adjectives = [d for d in country.demonyms if not d.endswith("s") or d in ("Swiss", "Congolese")][:2]
    heads = [
        "government",
        "military",
        "army",
        "armed forces",
        "forces",
        "troops",
        "soldiers",
        "security forces",
    ]
    aliases = [
        f"Government of {country.display_with_article}",
        f"Armed Forces of {country.display_with_article}",
    ]
    aliases += [f"Military Forces of {country.display_with_article}"]
    for adjective in adjectives:
        aliases += [f"{adjective} {head}" for head in heads]
    aliases += [f"{country.display} government", f"{country.display} military"]
    aliases += list(country.names) + list(country.capitals)
    return aliases


def _police_aliases(country: CountryInfo) -> list[str]:
    adjectives = [d for d in country.demonyms if not d.endswith("s") or d in ("Swiss", "Congolese")][:2]
    aliases = [f"Police Forces of {country.display_with_article}", f"{country.display} police"]
    aliases += [f"{adjective} police" for adjective in adjectives]
    return aliases


def _class_name(classes: dict[str, dict], klass: str, country: CountryInfo | None) -> str:
    spec = classes[klass]
    return spec["name"].format(country=country.display) if country else spec["bare"]


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Read the actor data files once and derive every table the matcher needs."""
    raw = _load_yaml("lexicon.yaml")
    patterns = _load_yaml("patterns.yaml")
    people = _load_yaml("people.yaml")
    countries = _country_table()
    classes = patterns["classes"]

    entries: dict[str, ActorEntry] = {}
    state_ids: dict[str, str] = {}
    police_ids: dict[str, str] = {}
    class_ids: dict[tuple[str, str | None], str] = {}
    for position, item in enumerate(raw.get("actors") or []):
        where = f"{DATA_DIR / 'lexicon.yaml'}: actor #{position + 1}"
        for key in ("id", "name", "type"):
            if not item.get(key):
                raise ValueError(f"{where}: missing {key!r}")
        if item["type"] not in ACTOR_TYPES:
            raise ValueError(f"{where} ({item['id']}): unknown type {item['type']!r}")
        if item["id"] in entries:
            raise ValueError(f"{where}: duplicate id {item['id']!r}")
        country = item.get("country")
        if country is not None and country not in countries:
            raise ValueError(f"{where} ({item['id']}): unknown country {country!r}")
        class_of = item.get("class_of")
        entry = ActorEntry(
            id=item["id"],
            name=item["name"],
            type=item["type"],
            country=country,
            aliases=[str(a) for a in item.get("aliases") or []],
            weak=[str(a) for a in item.get("weak") or []],
            exact=[str(a) for a in item.get("exact") or []],
            state_of=item.get("state_of"),
            police_of=item.get("police_of"),
            class_of=(class_of["class"], class_of.get("country")) if class_of else None,
            note=item.get("note"),
        )
        entries[entry.id] = entry
        if entry.state_of:
            state_ids[entry.state_of] = entry.id
            entry.derived = _state_aliases(countries[entry.state_of])
        if entry.police_of:
            police_ids[entry.police_of] = entry.id
        if entry.class_of:
            class_ids[entry.class_of] = entry.id

    for code, country in countries.items():
        if code not in state_ids:
            name = f"Military Forces of {country.display_with_article}"
            entry = ActorEntry(
                slugify(name), name, "state_forces", code, derived=_state_aliases(country), curated=False
            )
            entry.state_of = code
            entries[entry.id] = entry
            state_ids[code] = entry.id
        if code not in police_ids:
            name = f"Police Forces of {country.display_with_article}"
            entry = ActorEntry(
                slugify(name), name, "state_forces", code, derived=_police_aliases(country), curated=False
            )
            entry.police_of = code
            entries[entry.id] = entry
            police_ids[code] = entry.id
    for generic_id, generic_name in (
        ("military-forces", "Military Forces"),
        ("police-forces", "Police Forces"),
    ):
        entries[generic_id] = ActorEntry(generic_id, generic_name, "state_forces", None, [], curated=False)
    for klass, spec in classes.items():
        if klass in ("state", "police"):
            continue
        entry = ActorEntry(slugify(spec["bare"]), spec["bare"], spec["type"], None, [], curated=False)
        entry.class_of = (klass, None)
        entries.setdefault(entry.id, entry)
        class_ids.setdefault((klass, None), entry.id)

    nouns = {
        normalize_key(text): NounInfo(
            spec["class"], spec.get("kind"), bool(spec.get("bare")), bool(spec.get("weak"))
        )
        for text, spec in (patterns.get("nouns") or {}).items()
    }
    identity_groups = {
        normalize_key(name): (spec.get("country"), spec.get("kind", "ethnic"))
        for name, spec in (raw.get("identity_groups") or {}).items()
    }
    identity_display = {normalize_key(name): name for name in raw.get("identity_groups") or {}}

    qualifiers: dict[str, tuple[str, str | None]] = {}
    metonyms: dict[str, str] = {}
    for code, country in countries.items():
        for name in country.names:
            qualifiers.setdefault(normalize_key(name), ("country", code))
            if not country.ambiguous_name:
                metonyms.setdefault(normalize_key(name), code)
        for demonym in country.demonyms:
            qualifiers.setdefault(normalize_key(demonym), ("country", code))
        for capital in country.capitals:
            qualifiers.setdefault(normalize_key(capital), ("country", code))
            metonyms.setdefault(normalize_key(capital), code)
    for phrase in patterns.get("non_country_qualifiers") or []:
        qualifiers[normalize_key(phrase)] = ("none", None)
    for person in people.get("people") or []:
        target = person.get("leader_of")
        if not target:
            continue
        kind = "country" if target in countries else "actor"
        if kind == "actor" and target not in entries:
            raise ValueError(f"{DATA_DIR / 'people.yaml'}: {person['name']}: unknown leader_of {target!r}")
        for name in [person["name"], *(person.get("aliases") or []), *(person.get("surnames") or [])]:
            qualifiers[normalize_key(name)] = ("leader", target)

    index: dict[str, str] = {}
    for entry in entries.values():
        for value in (entry.id, entry.name, *entry.all_aliases()):
            index.setdefault(normalize_key(value), entry.id)
    for entry in entries.values():
        index[normalize_key(entry.id)] = entry.id
        index[normalize_key(entry.name)] = entry.id

    return Lexicon(
        entries=entries,
        countries=countries,
        state_ids=state_ids,
        police_ids=police_ids,
        class_ids=class_ids,
        classes=classes,
        nouns=nouns,
        identity_groups=identity_groups,
        identity_display=identity_display,
        qualifiers=qualifiers,
        metonyms=metonyms,
        patterns=patterns,
        index=index,
    )


# ---------------------------------------------------------------------------------------------------- matchers


@dataclass
class _Matchers:
    alias_words: re.Pattern | None
    alias_acronyms: re.Pattern | None
    alias_lookup: dict[str, tuple[str, bool]]
    acronym_lookup: dict[str, tuple[str, bool]]
    qualified: re.Pattern
    qualifier: re.Pattern
    noun_of: re.Pattern
    metonym: re.Pattern
    metonym_name: re.Pattern
    bare: re.Pattern
    identity: re.Pattern
    extension: re.Pattern
    implicit: dict[str, re.Pattern]
    numbered_unit: re.Pattern
    protest_subject: re.Pattern
    place_lookahead: re.Pattern
    place_prepositions: frozenset[str]
    # The alias patterns' phrases (see `_atoms`) as (characters, separators), each such pair once.
    alias_shapes: frozenset[tuple[int, int]]


def _exact_key(text: str) -> str:
    return " ".join(fold(text).replace("-", " ").split())


@lru_cache(maxsize=1)
def _matchers() -> _Matchers:
    lex = load_lexicon()
    words: dict[str, tuple[str, bool]] = {}
    acronyms: dict[str, tuple[str, bool]] = {}
    for entry in lex.entries.values():
        if not entry.curated:
            continue
        strong = [entry.name, *entry.aliases]
        for alias in strong:
            if _is_acronym(alias):
                acronyms.setdefault(_exact_key(alias), (entry.id, False))
            else:
                words.setdefault(normalize_key(alias), (entry.id, False))
        for alias in entry.exact:
            acronyms.setdefault(_exact_key(alias), (entry.id, alias in entry.weak))
        for alias in entry.weak:
            if alias in entry.exact:
                continue
            if _is_acronym(alias):
                acronyms.setdefault(_exact_key(alias), (entry.id, True))
            else:
                words.setdefault(normalize_key(alias), (entry.id, True))
    # An alias that is also a generic head noun ("regime forces") is read as the noun; the noun's
    # resolution consults the weak aliases itself.
    for key in list(words):
        if key in lex.nouns:
            del words[key]

    patterns = lex.patterns
    quals = _group(_display_qualifiers(lex))
    noun_group = _group(lex.nouns)
    qual_item = quals + r"(?:'s?)?"
    qual_list = (
        r"(?P<quals>"
        + qual_item
        + r"(?:\s*,\s*"
        + qual_item
        + r")*(?:\s*,?\s+(?:and|or|&)\s+"
        + qual_item
        + r")?)"
    )
    qualified = re.compile(
        r"(?<![\w\-.])" + qual_list + r"\s+(?P<noun>" + noun_group + r")(?![\w\-])", re.IGNORECASE
    )
    qualifier = re.compile(r"(?<![\w\-])" + quals + r"(?![\w\-])", re.IGNORECASE)
    country_names = _group(
        [name for c in lex.countries.values() for name in c.names]
        + [d for c in lex.countries.values() for d in c.demonyms]
    )
    country_or_capital = _group([name for c in lex.countries.values() for name in (*c.names, *c.capitals)])
    noun_of = re.compile(
        r"(?<![\w\-])(?P<noun>"
        + noun_group
        + r")\s+of\s+(?:the\s+)?(?P<country>"
        + country_names
        + r")(?![\w\-])",
        re.IGNORECASE,
    )
    metonym_names = _group(_display_metonyms(lex))
    verbs = _group(patterns.get("metonym_verbs") or [])
    adverbs = _group(patterns.get("metonym_adverbs") or [])
    metonym = re.compile(
        r"(?<![\w\-])(?P<names>"
        + metonym_names
        + r"(?:\s*(?:,|and|&)\s*"
        + metonym_names
        + r")*)\s+(?:"
        + adverbs
        + r"\s+){0,3}(?P<verb>"
        + verbs
        + r")(?![\w\-'])",
        re.IGNORECASE,
    )
    bare_nouns = [n for n, info in lex.nouns.items() if info.bare or info.weak]
    bare = re.compile(r"(?<![\w\-])" + _group(bare_nouns) + r"(?![\w\-])", re.IGNORECASE)
    identity_heads = (
        r"(?:(?:ethnic|communal|tribal|clan|sub-clan|community)\s+)?"
        r"(?:militia|militias|militiamen|gunmen|herders|herdsmen|fighters|youths|vigilantes|attackers|assailants|"
        r"men|community members|armed men|self-defen[cs]e group|self-defen[cs]e groups|community|communities|"
        r"groups|raiders|pastoralists|individuals|members|clansmen|tribesmen)"
    )
    identity = re.compile(
        r"(?<![\w\-])(?P<group>"
        + _group(lex.identity_groups)
        + r")\s+(?P<head>"
        + identity_heads
        + r")(?![\w\-])",
        re.IGNORECASE,
    )
    extension = re.compile(
        r"\s+(?:(?:rebel|special|armed|anti-terror|elite)\s+)?"
        r"(?:militants|fighters|forces|rebels|insurgents|members|militiamen|gunmen|jihadists|elements|operatives|"
        r"troops|soldiers|units|supporters|loyalists|militia|militias|guerrillas|combatants|cadres|paramilitaries|"
        r"mercenaries|commanders|cells|detachments|personnel)(?![\w\-])",
        re.IGNORECASE,
    )
    implicit = {
        klass: re.compile(r"(?<![\w\-])" + _group(words) + r"(?![\w\-])", re.IGNORECASE)
        for klass, words in (patterns.get("implicit_actors") or {}).items()
    }
    place_lookahead = re.compile(
        r"\s+(?:in|from|across|throughout|of|near|outside)\s+(?:the\s+)?(?P<country>"
        + country_or_capital
        + r")(?![\w\-])",
        re.IGNORECASE,
    )
    return _Matchers(
        alias_words=_word_regex(words),
        alias_acronyms=_word_regex(acronyms, case_sensitive=True),
        alias_lookup=words,
        acronym_lookup=acronyms,
        qualified=qualified,
        qualifier=qualifier,
        noun_of=noun_of,
        metonym=metonym,
        metonym_name=re.compile(r"(?<![\w\-])" + metonym_names + r"(?![\w\-])", re.IGNORECASE),
        bare=bare,
        identity=identity,
        extension=extension,
        implicit=implicit,
        protest_subject=_protest_subject_regex(lex),
        numbered_unit=re.compile(r"(?<![\w\-])" + patterns["numbered_unit"] + r"(?![\w\-])"),
        place_lookahead=place_lookahead,
        place_prepositions=frozenset(w.lower() for w in patterns.get("place_prepositions") or []),
        alias_shapes=frozenset(
            _shape(_atoms(key, lower)) for keys, lower in ((words, True), (acronyms, False)) for key in keys
        ),
    )


def _shape(atoms: list) -> tuple[int, int]:
    """How many characters and how many separators a phrase's atoms hold."""
    separators = atoms.count(_SEP)
    return len(atoms) - separators, separators


def _protest_subjects(lex: Lexicon) -> list[str]:
    """The group nouns that protest ("residents", "students") and the plural demonyms ("Syrians")."""
    plurals = [
        d for c in lex.countries.values() for d in c.demonyms if d.endswith("s") and d[:-1] in c.demonyms
    ]
    return [*(lex.patterns.get("protest_subjects") or []), *plurals]


def _protest_subject_regex(lex: Lexicon) -> re.Pattern:
    """A group noun followed in the same clause by a protest or riot phrase ("residents marched")."""
    subjects = _group(_protest_subjects(lex))
    actions = _group([w for k in _ACTIONS for w in lex.patterns["implicit_actors"][k]])
    return re.compile(
        r"(?<![\w\-])(?P<subject>" + subjects + r")(?![\w\-])"
        r"(?P<between>[^.;:!?\n]{0,70}?)(?<![\w\-])(?P<action>" + actions + r")(?![\w\-])",
        re.IGNORECASE,
    )


def _display_qualifiers(lex: Lexicon) -> list[str]:
    out = []
    for country in lex.countries.values():
        out += [*country.names, *country.demonyms, *country.capitals]
    out += lex.patterns.get("non_country_qualifiers") or []
    people = _load_yaml("people.yaml").get("people") or []
    for person in people:
        if person.get("leader_of"):
            out += [person["name"], *(person.get("aliases") or []), *(person.get("surnames") or [])]
    return out


def _display_metonyms(lex: Lexicon) -> list[str]:
    out = []
    for country in lex.countries.values():
        if not country.ambiguous_name:
            out += list(country.names)
        out += list(country.capitals)
    return out


# ---------------------------------------------------------------------------------------------------- extraction


@dataclass
class _Candidate:
    start: int
    end: int
    kind: str  # alias | identity | subject | qualified | noun_of | metonym | bare | weak
    priority: int
    payload: dict


_PRIORITY = {
    "alias": 0,
    "identity": 1,
    "subject": 1,
    "qualified": 2,
    "noun_of": 2,
    "metonym": 3,
    "bare": 4,
    "weak": 5,
}


@dataclass
class _Found:
    entry: ActorEntry
    mentions: list[tuple[int, int]] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in spans)


# Compiled once, not looked up in the `re` module's cache at each call. The word before a name is matched
# on the reversed piece: searched for forwards, ``([\w']+)[^\w']*$`` is tried at every position of the
# piece and runs each word to its end before failing (some 40 K instructions a call, ten times this match).
_LAST_WORD_REVERSED = re.compile(r"[^\w']*([\w']+)")
_PLACE_PREPOSITION = re.compile(r"\s+(?:in|from|across|throughout|of|near|outside)\s+(?:the\s+)?")


def _previous_word(folded: str, start: int) -> str:
    match = _LAST_WORD_REVERSED.match(folded[max(0, start - 40) : start][::-1])
    return match.group(1)[::-1] if match else ""


def _at_sentence_start(folded: str, start: int) -> bool:
    before = folded[max(0, start - 4) : start].rstrip(" \t\"'(")
    return not before or before[-1] in ".!?:;\n"


def _class_entry(lex: Lexicon, klass: str, country: str | None) -> ActorEntry:
    """The class actor of `country`: listed in the lexicon, or made the first time an article needs it and
    kept (`Lexicon.made`), so it is named and its aliases listed once, not for each article."""
    if (klass, country) in lex.class_ids:
        return lex.entries[lex.class_ids[(klass, country)]]
    entry = lex.made.get(("class", klass, country))
    if entry is None:
        info = lex.countries.get(country) if country else None
        name = _class_name(lex.classes, klass, info)
        entry = ActorEntry(slugify(name), name, lex.classes[klass]["type"], country, [], curated=False)
        entry.class_of = (klass, country)
        lex.made["class", klass, country] = entry
    return entry


def _identity_entry(lex: Lexicon, group: str, country: str | None) -> ActorEntry:
    """The militia of an identity group in `country` (else the group's own), made once like `_class_entry`'s."""
    key = normalize_key(group)
    default_country, kind = lex.identity_groups[key]
    country = country or default_country
    entry = lex.made.get(("identity", key, country))
    if entry is None:
        label = {"clan": "Clan Militia", "tribal": "Tribal Militia"}.get(kind, "Ethnic Militia")
        name = f"{lex.identity_display[key]} {label}"
        if country:
            name += f" ({lex.countries[country].display})"
        entry = ActorEntry(slugify(name), name, "identity_militia", country, [], curated=False)
        lex.made["identity", key, country] = entry
    return entry


def _context_country(country_hint: str | None, places: Sequence[dict] | None) -> str | None:
    if country_hint:
        return country_hint.upper()
    if not places:
        return None
    counts: Counter[str] = Counter()
    for place in places:
        # Places without coordinates (sites, roads, unlisted villages) take their country from the places
        # around them, so they would only count those twice.
        if place.get("country") and place.get("lat") is not None:
            counts[place["country"]] += max(1, len(place.get("mentions") or []))
    return counts.most_common(1)[0][0] if counts else None


def _place_country_after(end: int, text: str, places: Sequence[dict] | None) -> str | None:
    """Country of a place mention that follows "<noun> in|from|of ..." directly."""
    if not places:
        return None
    match = _PLACE_PREPOSITION.match(text, end, end + 40)
    if not match:
        return None
    target = match.end()
    for place in places:
        for mention in place.get("mentions") or []:
            if mention.get("start") == target and place.get("country"):
                return place["country"]
    return None


def find_actors(
    text: str,
    *,
    skip_spans: Sequence[tuple[int, int]] = (),
    country_hint: str | None = None,
    places: Sequence[dict] | None = None,
) -> list[dict]:
    """Every actor the text mentions, one dict per canonical actor, in order of first mention.

    ``country_hint`` (ISO2) or ``places`` (the output of ``find_places``) give the country of the
    events, used for generic mentions ("police", "protesters", "gunmen") and to mark foreign state
    forces as ``external_forces``.  Spans in ``skip_spans`` are ignored.
    """
    if not text:
        return []
    lex = load_lexicon()
    m = _matchers()
    folded = fold_article(text)
    context = _context_country(country_hint, places)
    scanned = _scan(folded)
    hits = dict(zip(_SCANNED, scanned, strict=False))
    implicit_hits = dict(zip(m.implicit, scanned[len(_SCANNED) :], strict=True))
    candidates = _collect_candidates(text, folded, lex, m, hits)
    chosen = _select(candidates, skip_spans)
    found = _resolve(text, folded, chosen, lex, m, context, places, skip_spans, implicit_hits)
    return _render(text, found, context)


def _scan(folded: str) -> list[list[re.Match[str]]]:
    """``_scanner().finditer_each(folded)``, but the protest subjects ("residents marched") are looked for
    after the other patterns and only in the clauses of a protest or riot phrase.

    A subject's action is one of the phrases of the implicit protester and rioter patterns, with the same
    word boundaries, so one of those patterns matches where an action starts. Every such place is a hit of
    its ``finditer`` or lies inside one (the search skips the rest of a hit). Neither the subject (its
    phrases hold no `_CLAUSE_MARKS`, and its separators are spaces and hyphens) nor the gap after it (which
    excludes them) holds a clause mark, so a subject starts after the last mark before such a hit and
    before the hit's end: in most articles, which have no hit, subjects are not tried at all, and in the
    others only near their hits. (The subject pattern tries every action over its gap after each subject,
    and few of them pass.) `finditer_each` tries a pattern only at the positions it is given, so leaving
    out those where no subject can start leaves its hits as they are."""
    scanner = _scanner()
    view = scan_text(folded)
    positions = scanner.positions(view, 0, len(folded))
    others = {number: 0 for number in range(len(scanner.patterns)) if number != _SUBJECTS_AT}
    scanned = scanner.finditer_each(folded, view, only=others, positions=positions)
    implicit = scanned[len(_SCANNED) :]
    near: set[int] = set()
    for klass, hits in zip(_matchers().implicit, implicit, strict=True):
        if klass not in _ACTIONS:
            continue
        for hit in hits:
            begin = 1 + max(folded.rfind(mark, 0, hit.start()) for mark in _CLAUSE_MARKS)
            near.update(positions[bisect_left(positions, begin) : bisect_left(positions, hit.end())])
    if near:
        subjects = scanner.finditer_each(folded, view, only=_SUBJECTS, positions=sorted(near))
        scanned[_SUBJECTS_AT] = subjects[_SUBJECTS_AT]
    return scanned


def _pro_sites(scanned: str) -> list[int]:
    """Where a "pro-" prefix ("pro-Houthi") starts: the hits of ``(?<![\\w\\-])pro-(?=\\w)`` without case on
    the folded text, found on its `scan_text` (`scanned`) with ``str.find``. That view writes "p", "r" and "o"
    of any case as the lower-case letter and no other character as one of them, and keeps word characters
    word characters and the hyphen a hyphen; the regex, which tries every position, took some 0.2 M
    instructions per article. "pro-" cannot overlap itself, so the hits are every such occurrence."""
    sites = []
    site = scanned.find("pro-")
    while site >= 0:
        before = scanned[site - 1 : site] if site else ""
        after = scanned[site + 4 : site + 5]
        if not (before.isalnum() or before in ("_", "-")) and (after.isalnum() or after == "_"):
            sites.append(site)
        site = scanned.find("pro-", site + 1)
    return sites


def _blanked(text: str, sites: list[int]) -> str:
    """`text` with the four characters at each of `sites` written as spaces."""
    pieces = []
    last = 0
    for site in sites:
        pieces += (text[last:site], "    ")
        last = site + 4
    pieces.append(text[last:])
    return "".join(pieces)


_SCANNED = (
    "alias_words", "alias_acronyms", "identity", "qualified", "noun_of", "metonym", "bare", "protest_subject",
    "numbered_unit",
)  # fmt: skip


_SUBJECTS_AT = _SCANNED.index("protest_subject")
_SUBJECTS = {_SUBJECTS_AT: 0}  # `MultiPattern.finditer_each`'s `only`: from the start
_ACTIONS = ("protesters", "rioters")  # the implicit actors whose phrases `_protest_subject_regex` reads
_CLAUSE_MARKS = ".;:!?"  # what the gap between a protest subject and its action never holds (but newlines)


@lru_cache(maxsize=1)
def _scanner() -> MultiPattern:
    """The candidate patterns, then the implicit-actor patterns, run together over an article (one scan
    instead of one per pattern). Which patterns to try at a place is told by its first five characters, not
    four: fewer patterns are tried at words that share only four letters with their phrases (over 40 voa
    articles 10,400 tries instead of 11,600), for some 5,000 more heads to list (0.2 s and 1 MB more)."""
    m = _matchers()
    return MultiPattern.build(
        [getattr(m, name) or _NEVER for name in _SCANNED] + list(m.implicit.values()), depth=5, scan_depth=12
    )


_NEVER = re.compile(r"(?!)")


_SPACE_RUN = re.compile(" +")


def _alias_reach(scanned: str) -> int:
    """More characters than an attempt of an alias pattern reads in a text whose `scan_text` is `scanned`.
    The attempt follows one phrase (`alias_shapes`, worked out with the matchers, so the first article with
    a "pro-" does not pay for it), a character for each of its characters and at most the text's longest
    run of spaces and hyphens for each separator, reads at most one character that leaves the phrase and two
    after it (the look-ahead). The scan view writes every space character as a space, so with its hyphens as
    spaces too the runs are runs of spaces, found with ``str`` methods rather than a regex tried at every
    position. The longest run is looked for only when some run is longer than a blanked "pro-" and the space
    before it."""
    longest_run = 5
    separators = scanned.replace("-", " ")
    if " " * (longest_run + 1) in separators:
        longest_run = max(map(len, _SPACE_RUN.findall(separators)))
    shapes = _matchers().alias_shapes
    return max((characters + separators * longest_run for characters, separators in shapes), default=0) + 3


def _after_prefixes(
    masked: str, sites: list[int], hits: dict[str, list[re.Match[str]]]
) -> dict[str, list[re.Match[str]]]:
    """For each alias pattern, the hits of its ``finditer(masked)`` that start where a blanked "pro-" at one
    of `sites` ends (the only ones the caller keeps), without running the patterns over the whole text.
    `hits` are the hits on the text before blanking.

    An attempt to match reads less than `reach` characters (see `_alias_reach`). Both texts
    are the same before the first site, so the attempts that start `reach` before it or earlier give the
    same results on both, and the search over the blanked text can resume from there, where the hits on
    the original say it stood. It can stop `reach` after the last site: no attempt that starts by then
    reads that far, so none sees the end put there. In between, the article's scanner tries the patterns
    where they can start (`MultiPattern`), not at every position.
    """
    scanned = scan_text(masked)
    reach = _alias_reach(scanned)
    resume_from = max(0, sites[0] - reach)
    resume: dict[int, int] = {}
    for name in _ALIASES:
        position = resume_from
        for hit in hits[name]:
            if hit.start() >= resume_from:
                break
            position = max(position, hit.end())
        resume[_SCANNED.index(name)] = position
    end = min(len(masked), sites[-1] + 4 + reach)
    found = _scanner().finditer_each(masked, scanned, min(resume.values()), end, only=resume)
    wanted = {site + 4 for site in sites}
    return {
        name: [match for match in found[_SCANNED.index(name)] if match.start() in wanted] for name in _ALIASES
    }


_ALIASES = ("alias_words", "alias_acronyms")


def _collect_candidates(
    text: str, folded: str, lex: Lexicon, m: _Matchers, hits: dict[str, list[re.Match[str]]]
) -> list[_Candidate]:
    out: list[_Candidate] = []
    # "pro-Houthi forces" are the Houthis' side: the aliases are also matched with "pro-" blanked out,
    # and such a match keeps the prefix in its span.
    sites = _pro_sites(scan_text(folded))
    masked = _blanked(folded, sites) if sites else None
    masked_hits = _after_prefixes(masked, sites, hits) if masked is not None else {}
    # A case-blind alias's key is `normalize_key`, whose cache serves the lexicon and the words of texts alike.
    for regex, lookup, key_of, source in (
        (m.alias_words, m.alias_lookup, normalize_key, folded),
        (m.alias_acronyms, m.acronym_lookup, _exact_key, folded),
        (m.alias_words, m.alias_lookup, normalize_key, masked),
        (m.alias_acronyms, m.acronym_lookup, _exact_key, masked),
    ):
        if regex is None or source is None:
            continue
        name = "alias_words" if regex is m.alias_words else "alias_acronyms"
        matches = hits[name] if source is folded else masked_hits[name]
        for match in matches:
            actor_id, weak = lookup.get(key_of(match.group(0)), (None, False))
            if actor_id is None:
                continue
            start = match.start()
            if source is masked:
                if folded[max(0, start - 4) : start].lower() != "pro-":
                    continue
                start -= 4
            entry = lex.entries[actor_id]
            end = match.end()
            if entry.type not in ("media", "ngo", "international_organization"):
                ext = m.extension.match(folded, end)
                if ext:
                    end = ext.end()
            kind = "weak" if weak else "alias"
            out.append(_Candidate(start, end, kind, _PRIORITY[kind], {"id": actor_id}))
    for match in hits["identity"]:
        out.append(
            _Candidate(
                match.start(), match.end(), "identity", _PRIORITY["identity"], {"group": match.group("group")}
            )
        )
    for match in hits["qualified"]:
        quals = []
        span_start, span_end = match.span("quals")
        for q in m.qualifier.finditer(folded, span_start, span_end):
            kind, target = lex.qualifiers.get(normalize_key(q.group(0)), ("none", None))
            quals.append((q.start(), q.end(), kind, target))
        noun = lex.nouns[normalize_key(match.group("noun"))]
        if not any(kind == "country" for _, _, kind, _ in quals) and (
            noun.klass in _UNARMED_CLASSES or not any(kind == "leader" for _, _, kind, _ in quals)
        ):
            continue
        out.append(
            _Candidate(
                match.start(),
                match.end(),
                "qualified",
                _PRIORITY["qualified"],
                {"quals": quals, "noun": noun},
            )
        )
    for match in hits["noun_of"]:
        noun = lex.nouns[normalize_key(match.group("noun"))]
        kind, target = lex.qualifiers.get(normalize_key(match.group("country")), ("none", None))
        if kind != "country":
            continue
        quals = [(match.start("country"), match.end("country"), kind, target)]
        out.append(
            _Candidate(
                match.start(), match.end(), "noun_of", _PRIORITY["noun_of"], {"quals": quals, "noun": noun}
            )
        )
    for match in hits["metonym"]:
        if not _metonym_context_ok(folded, match.start(), m.place_prepositions):
            continue
        names_start, names_end = match.span("names")
        for name in m.metonym_name.finditer(folded, names_start, names_end):
            code = lex.metonyms.get(normalize_key(name.group(0)))
            if code:
                payload = {"country": code}
                out.append(_Candidate(name.start(), name.end(), "metonym", _PRIORITY["metonym"], payload))
    for match in hits["bare"]:
        noun = lex.nouns[normalize_key(match.group(0))]
        out.append(_Candidate(match.start(), match.end(), "bare", _PRIORITY["bare"], {"noun": noun}))
    riot_words = _riot_keys()
    for match in hits["protest_subject"]:
        if re.search(r"\b(?:by|against|at|on|with)\s*$", match.group("between")):
            continue
        klass = "rioters" if normalize_key(match.group("action")) in riot_words else "protesters"
        kind, target = lex.qualifiers.get(normalize_key(match.group("subject")), ("none", None))
        payload = {
            "noun": NounInfo(klass, None, True, False),
            "country": target if kind == "country" else None,
        }
        out.append(
            _Candidate(match.start("subject"), match.end("subject"), "subject", _PRIORITY["subject"], payload)
        )
    unit = NounInfo("state", "military", True, False)
    for match in hits["numbered_unit"]:
        out.append(_Candidate(match.start(), match.end(), "bare", _PRIORITY["bare"], {"noun": unit}))
    return out


@lru_cache(maxsize=1)
def _riot_keys() -> frozenset[str]:
    """Lookup keys of the rioting phrases, made once rather than for every article."""
    return frozenset(normalize_key(w) for w in load_lexicon().patterns["implicit_actors"]["rioters"])


def _metonym_context_ok(folded: str, start: int, blockers: frozenset[str]) -> bool:
    """A capital or country acts only if no preposition or longer capitalised name comes before it."""
    previous = _previous_word(folded, start)
    if previous.lower() in blockers:
        return False
    if previous and previous[0].isupper() and not _at_sentence_start(folded, start):
        gap = folded[max(0, start - 3) : start]
        if not re.search(r"[,;:\"']\s*$", gap):
            return False
    return True


_START = attrgetter("start")  # a key read in C, not by a function called per item


def _select(candidates: list[_Candidate], skip_spans: Sequence[tuple[int, int]]) -> list[_Candidate]:
    """Non-overlapping candidates, longest first, then by reliability of the pattern that found them.

    The characters of chosen candidates are marked, so a candidate costs one lookup rather than a pass
    over all those chosen before it (an empty span, which marks nothing, is kept apart and compared)."""
    chosen: list[_Candidate] = []
    taken: list[tuple[int, int]] = []
    marks = bytearray(max([c.end for c in candidates], default=0))
    empty: list[tuple[int, int]] = []
    # Sorted on keys made in one comprehension rather than by a key function called per candidate; the
    # candidate's index breaks ties as the stable sort did, so candidates themselves are never compared.
    ordered = sorted([(c.start - c.end, c.priority, c.start, n, c) for n, c in enumerate(candidates)])
    for _length, _priority, _start, _index, cand in ordered:
        start, end = cand.start, cand.end
        if skip_spans and _overlaps(start, end, skip_spans):
            continue
        if start < end:
            if marks.find(1, start, end) >= 0 or (empty and _overlaps(start, end, empty)):
                continue
            marks[start:end] = b"\x01" * (end - start)
        elif _overlaps(start, end, taken):
            continue
        else:
            empty.append((start, end))
        chosen.append(cand)
        taken.append((start, end))
    chosen.sort(key=_START)
    return chosen


def _resolve(
    text: str,
    folded: str,
    chosen: list[_Candidate],
    lex: Lexicon,
    m: _Matchers,
    context: str | None,
    places: Sequence[dict] | None,
    skip_spans: Sequence[tuple[int, int]],
    implicit_hits: dict[str, list[re.Match[str]]],
) -> dict[str, _Found]:
    found: dict[str, _Found] = {}
    # The countries whose state or police actor is found so far, kept up to date as actors are added rather
    # than gathered from `found` each time they are asked for (read at once, before the next `add`).
    states: set[str] = set()

    def add(entry: ActorEntry, start: int, end: int, kind: str) -> None:
        item = found.get(entry.id)
        if item is None:  # made only for a new actor, not for each mention as a default of ``setdefault``
            item = found[entry.id] = _Found(entry)
            if (entry.state_of or entry.police_of) and entry.country:
                states.add(entry.country)
        item.mentions.append((start, end))
        item.kinds.add(kind)

    def state_entry(code: str, noun: NounInfo | None) -> tuple[ActorEntry, str]:
        if noun is not None and noun.klass == "police":
            return lex.entries[lex.police_ids[code]], "police"
        kind = noun.kind if noun is not None and noun.kind else "military"
        return lex.entries[lex.state_ids[code]], kind

    deferred: list[_Candidate] = []
    for cand in chosen:
        if cand.kind == "alias":
            entry = lex.entries[cand.payload["id"]]
            add(entry, cand.start, cand.end, "military" if entry.state_of else "alias")
        elif cand.kind == "identity":
            country = _explicit_country_after(text, folded, cand.end, lex, m, places) or context
            add(_identity_entry(lex, cand.payload["group"], country), cand.start, cand.end, "identity")
        elif cand.kind in ("qualified", "noun_of"):
            _resolve_qualified(cand, lex, add, state_entry)
        elif cand.kind == "metonym":
            add(lex.entries[lex.state_ids[cand.payload["country"]]], cand.start, cand.end, "government")
        else:
            deferred.append(cand)

    for cand in deferred:
        if cand.kind == "weak":
            entry = lex.entries[cand.payload["id"]]
            if entry.id in found or (context is not None and context == entry.country):
                add(entry, cand.start, cand.end, "military" if entry.state_of else "alias")
            continue
        noun: NounInfo = cand.payload["noun"]
        surface = normalize_key(folded[cand.start : cand.end])
        if noun.klass in ("state", "police"):
            target = _resolve_state_noun(noun, surface, found, context, states)
            if target is None:
                if noun.kind == "government" or noun.weak or states:
                    continue
                generic = lex.entries["police-forces" if noun.klass == "police" else "military-forces"]
                add(generic, cand.start, cand.end, noun.kind or "police")
                continue
            entry, kind = state_entry(target, noun) if isinstance(target, str) else (target, "military")
            add(entry, cand.start, cand.end, kind)
            continue
        explicit = cand.payload.get("country") or _explicit_country_after(
            text, folded, cand.end, lex, m, places
        )
        if explicit:
            add(_class_entry(lex, noun.klass, explicit), cand.start, cand.end, "class")
            continue
        same_class = [f for f in found.values() if f.entry.class_of and f.entry.class_of[0] == noun.klass]
        with_country = {f.entry.id: f.entry for f in same_class if f.entry.country}
        if len(with_country) == 1:
            add(next(iter(with_country.values())), cand.start, cand.end, "class")
        elif noun.weak or len(with_country) > 1:
            continue
        elif context:
            add(_class_entry(lex, noun.klass, context), cand.start, cand.end, "class")
        elif len(states) == 1:
            add(_class_entry(lex, noun.klass, next(iter(states))), cand.start, cand.end, "class")
        else:
            add(_class_entry(lex, noun.klass, None), cand.start, cand.end, "class")

    for klass, matches in implicit_hits.items():
        if klass == "armed_group":
            blocking = _ARMED_TYPES | {"protesters", "rioters"}
            present = any(f.entry.type in blocking for f in found.values())
        elif klass == "communal":
            present = any(f.entry.type == "identity_militia" for f in found.values())
        else:
            present = any(f.entry.class_of and f.entry.class_of[0] == klass for f in found.values())
        if present:
            continue
        match = next((x for x in matches if not _overlaps(x.start(), x.end(), skip_spans)), None)
        if match:
            country = context or (next(iter(states)) if len(states) == 1 else None)
            add(_class_entry(lex, klass, country), match.start(), match.end(), "implicit")
    return found


_ARMED_TYPES = frozenset(
    {"state_forces", "rebel_group", "political_militia", "identity_militia", "external_forces"}
)
_UNARMED_CLASSES = frozenset({"protesters", "rioters", "civilians"})


def _resolve_qualified(cand: _Candidate, lex: Lexicon, add, state_entry) -> None:
    """Each qualifier of "<qualifiers> <noun>" names one actor: its state, police or class actor."""
    noun: NounInfo = cand.payload["noun"]
    quals = [q for q in cand.payload["quals"] if q[2] in ("country", "leader")]
    for position, (q_start, q_end, kind, target) in enumerate(quals):
        start, end = q_start, (cand.end if position == len(quals) - 1 else q_end)
        if kind == "leader":
            if target in lex.countries:
                entry, mention_kind = state_entry(target, noun if noun.klass in ("state", "police") else None)
            else:
                entry, mention_kind = lex.entries[target], "alias"
            add(entry, start, end, mention_kind)
            continue
        if noun.klass in ("state", "police"):
            entry, mention_kind = state_entry(target, noun)
            add(entry, start, end, mention_kind)
        else:
            add(_class_entry(lex, noun.klass, target), start, end, "class")


def _resolve_state_noun(
    noun: NounInfo,
    surface: str,
    found: dict[str, _Found],
    context: str | None,
    states: set[str],
) -> str | ActorEntry | None:
    """Which country's state (or police) a bare noun like "troops" or "the regime" refers to.

    A weak alias of a state actor already named wins ("regime forces" after "the Syrian army").
    Government words follow the context country first; force words follow the one state the text
    names, else the context.  None when the reading stays ambiguous.
    """
    for item in found.values():
        if not item.entry.state_of or context not in (None, item.entry.country):
            continue
        if any(normalize_key(w) == surface for w in item.entry.weak):
            return item.entry
    if noun.kind == "government":
        return context or (next(iter(states)) if len(states) == 1 else None)
    if len(states) == 1:
        return next(iter(states))
    return context


def _explicit_country_after(
    text: str, folded: str, end: int, lex: Lexicon, m: _Matchers, places: Sequence[dict] | None
) -> str | None:
    match = m.place_lookahead.match(folded, end)
    if match:
        kind, target = lex.qualifiers.get(normalize_key(match.group("country")), ("none", None))
        if kind == "country":
            return target
    return _place_country_after(end, text, places)


def _render(text: str, found: dict[str, _Found], context: str | None) -> list[dict]:
    out = []
    # By the first start: that of the least (start, end) pair.
    for item in sorted(found.values(), key=lambda f: min(f.mentions)[0]):
        entry = item.entry
        actor_type = entry.type
        if entry.state_of:
            political = item.kinds <= {"government"}
            actor_type = "government" if political else "state_forces"
            if not political and context and entry.country and entry.country != context:
                actor_type = "external_forces"
        elif entry.police_of and context and entry.country and entry.country != context:
            actor_type = "external_forces"
        mentions = [{"start": s, "end": e, "text": text[s:e]} for s, e in sorted(set(item.mentions))]
        surfaces = [mention["text"] for mention in mentions]
        implicit = item.kinds == {"implicit"}
        # The same as de-duplicating the surfaces followed by all of `all_aliases`: an alias repeated
        # there, or equal to the name, would be dropped either way.
        aliases = entry.aliases_with([] if implicit else surfaces)
        actor = {
            "id": entry.id,
            "name": entry.name,
            "type": actor_type,
            "country": entry.country,
            "aliases": aliases,
            "mentions": mentions,
        }
        if implicit:
            actor["implicit"] = True
        out.append(actor)
    return out


# ---------------------------------------------------------------------------------------------------- lookup


def iter_lexicon() -> Iterator[dict]:
    """Every canonical actor: the curated lexicon, each country's state and police actors, and the
    generic class actors without a country ("Protesters", "Unidentified Armed Group", ...).

    Class actors of a given country ("Protesters (Chile)") are made on demand by ``find_actors`` and
    ``lookup_actor`` rather than listed for every country.
    """
    for entry in load_lexicon().entries.values():
        yield entry.as_dict()


def lookup_actor(name_or_alias_or_id: str) -> dict | None:
    """The canonical actor for an id, a name or any alias; case- and accent-insensitive.

    Also understands the generated names ("Military Forces of Nigeria", "Protesters (Chile)",
    "Fulani Ethnic Militia (Mali)") and phrases the general patterns read ("Nigerian troops").
    """
    if not name_or_alias_or_id or not name_or_alias_or_id.strip():
        return None
    lex = load_lexicon()
    key = normalize_key(name_or_alias_or_id)
    for candidate in (key, key[4:] if key.startswith("the ") else None):
        if candidate and candidate in lex.index:
            return lex.entries[lex.index[candidate]].as_dict()
    generated = _lookup_generated(name_or_alias_or_id.strip(), lex)
    if generated is not None:
        return generated
    phrase = name_or_alias_or_id.strip()
    actors = find_actors(phrase)
    if len(actors) == 1 and len(actors[0]["mentions"]) == 1:
        mention = actors[0]["mentions"][0]
        if mention["start"] == 0 and mention["end"] == len(phrase):
            result = {k: actors[0][k] for k in ("id", "name", "type", "country", "aliases")}
            if actors[0]["id"] in lex.entries:
                result = lex.entries[actors[0]["id"]].as_dict()
            return result
    return None


def _country_code(name: str, lex: Lexicon) -> str | None:
    key = normalize_key(name)
    if key.startswith("the "):
        key = key[4:]
    kind, target = lex.qualifiers.get(key, ("none", None))
    if kind == "country":
        return target
    if len(name) == 2 and name.upper() in lex.countries:
        return name.upper()
    return None


def _lookup_generated(value: str, lex: Lexicon) -> dict | None:
    match = re.fullmatch(r"(.+?)\s*\((.+)\)", value)
    if not match:
        return None
    head, country_name = match.group(1).strip(), match.group(2).strip()
    code = _country_code(country_name, lex)
    if code is None:
        return None
    head_key = normalize_key(head)
    for klass, spec in lex.classes.items():
        if "bare" in spec and normalize_key(spec["bare"]) == head_key:
            return _class_entry(lex, klass, code).as_dict()
    for suffix in (" ethnic militia", " clan militia", " tribal militia"):
        if head_key.endswith(suffix) and head_key[: -len(suffix)] in lex.identity_groups:
            group = lex.identity_display[head_key[: -len(suffix)]]
            return _identity_entry(lex, group, code).as_dict()
    return None
