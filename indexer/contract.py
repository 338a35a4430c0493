"""The index contract shared by the indexer and the API: names, settings, mappings and document ids.

Both sides import this module and nothing else from each other, so it must stay free of NLP imports and
of any connection made at import time. Every name is derived from a prefix read from the environment at
call time (``CONFLICTWIRE_INDEX_PREFIX``), which lets tests work in throwaway indices next to real ones.

Layout: two aliases, ``<prefix>-articles`` and ``<prefix>-events``, each pointing at exactly one concrete
index ``<alias>-v<N>``. Concrete indices get their settings and mappings from an index template whose
pattern is ``<alias>-v*``, so a rebuild only has to create the next version and swap the alias.
"""

from __future__ import annotations

import copy
import hashlib
import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from elasticsearch import ApiError, Elasticsearch

DEFAULT_PREFIX = "conflictwire"
DEFAULT_ELASTICSEARCH_URL = "http://127.0.0.1:9200"
REQUEST_TIMEOUT_SECONDS = 10.0

ARTICLES = "articles"
EVENTS = "events"
KINDS = (ARTICLES, EVENTS)

# Bumped whenever documents.py changes what it derives from an article, so that a re-ingest of unchanged
# input after such a change is rewritten instead of being reported as "unchanged".
SCHEMA_VERSION = 1

TEMPLATE_PRIORITY = 500

_PREFIX_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,150}$")
_VERSION_SUFFIX = re.compile(r"-v(\d+)$")
MAX_ARTICLE_ID_BYTES = 400
_TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref_src"})


# --- the vocabulary of document values, shared by the coder that writes them and the API that filters on them

ACTOR_TYPES = (  # ACLED's eight actor categories, then the rest
    "state_forces",
    "rebel_group",
    "political_militia",
    "identity_militia",
    "rioters",
    "protesters",
    "civilians",
    "external_forces",
    "government",
    "international_organization",
    "media",
    "ngo",
    "other",
)

# ACLED sub-event type → the PLOVER type (and mode, where one fits) the coder gives such events.
ACLED_TO_PLOVER: dict[str, tuple[str | None, str | None]] = {
    "Armed clash": ("ASSAULT", "firearms"),
    "Government regains territory": ("ASSAULT", None),
    "Non-state actor overtakes territory": ("ASSAULT", None),
    "Chemical weapon": ("ASSAULT", "chemical"),
    "Air/drone strike": ("ASSAULT", "aerial"),
    "Suicide bomb": ("ASSAULT", "suicide-attack"),
    "Shelling/artillery/missile attack": ("ASSAULT", "heavy-weapons"),
    "Remote explosive/landmine/IED": ("ASSAULT", "explosives"),
    "Grenade": ("ASSAULT", "explosives"),
    "Sexual violence": ("ASSAULT", "sexual"),
    "Attack": ("ASSAULT", None),
    "Abduction/forced disappearance": ("ASSAULT", "abduct"),
    "Peaceful protest": ("PROTEST", "demo"),
    "Protest with intervention": ("PROTEST", "demo"),
    "Excessive force against protesters": ("PROTEST", "demo"),
    "Violent demonstration": ("PROTEST", "riot"),
    "Mob violence": ("ASSAULT", "beat"),
    "Agreement": ("AGREE", None),
    "Arrests": ("COERCE", "arrest"),
    "Change to group/activity": ("MOBILIZE", "troops"),
    "Disrupted weapons use": ("COERCE", "confiscate"),
    "Headquarters or base established": ("MOBILIZE", "troops"),
    "Looting/property destruction": ("ASSAULT", "destroy"),
    "Non-violent transfer of territory": ("RETREAT", "withdraw"),
    "Other": ("COERCE", None),
}


def index_prefix(prefix: str | None = None) -> str:
    """Return the index name prefix: the argument, else ``CONFLICTWIRE_INDEX_PREFIX``, else the default."""
    value = prefix if prefix is not None else os.environ.get("CONFLICTWIRE_INDEX_PREFIX") or DEFAULT_PREFIX
    if not _PREFIX_PATTERN.match(value):
        raise ValueError(
            f"invalid index prefix {value!r}: use lowercase letters, digits, '-', '_' or '.', "
            "starting with a letter or digit"
        )
    return value


def alias_name(kind: str, prefix: str | None = None) -> str:
    """The alias readers and writers use for ``kind`` ("articles" or "events")."""
    if kind not in KINDS:
        raise ValueError(f"unknown index kind {kind!r}; expected one of {KINDS}")
    return f"{index_prefix(prefix)}-{kind}"


def articles_alias(prefix: str | None = None) -> str:
    return alias_name(ARTICLES, prefix)


def events_alias(prefix: str | None = None) -> str:
    return alias_name(EVENTS, prefix)


def versioned_index_name(kind: str, version: int, prefix: str | None = None) -> str:
    """The concrete index behind an alias, e.g. ``conflictwire-articles-v3``."""
    if version < 1:
        raise ValueError("index versions start at 1")
    return f"{alias_name(kind, prefix)}-v{version}"


def index_version(index_name: str) -> int | None:
    """The version number of a concrete index name, or None when the name carries none."""
    match = _VERSION_SUFFIX.search(index_name)
    return int(match.group(1)) if match else None


def template_name(kind: str, prefix: str | None = None) -> str:
    return f"{alias_name(kind, prefix)}-template"


# --- settings and mappings -------------------------------------------------------------------------------

_ANALYSIS: dict[str, Any] = {
    "analyzer": {
        # The built-in "english" analyzer does not fold accents (Erdoğan would not match Erdogan) and is not
        # available on the local node, so the same chain is spelled out with folding added before stemming.
        "english_folded": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["english_possessive", "lowercase", "asciifolding", "english_stop", "porter_stem"],
        },
    },
    "filter": {
        "english_stop": {"type": "stop", "stopwords": "_english_"},
    },
    "normalizer": {
        "folded": {"type": "custom", "filter": ["lowercase", "asciifolding"]},
    },
}

_SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    # One replica where the cluster has a second node, none on a single local node (which stays green).
    "auto_expand_replicas": "0-1",
    "refresh_interval": "1s",
    "analysis": _ANALYSIS,
}

_KEYWORD = {"type": "keyword", "ignore_above": 512}
_NAME = {
    "type": "keyword",
    "ignore_above": 512,
    "fields": {"norm": {"type": "keyword", "normalizer": "folded", "ignore_above": 512}},
}
_TEXT = {"type": "text", "analyzer": "english_folded"}
_DATE = {"type": "date", "format": "strict_date_optional_time||yyyy-MM||yyyy"}
_STORED_ONLY = {"type": "object", "enabled": False}

_ARTICLE_PROPERTIES: dict[str, Any] = {
    "id": _KEYWORD,
    "url": {"type": "keyword", "ignore_above": 2048},
    "source": _NAME,
    "published": _DATE,
    "language": _KEYWORD,
    "title": {**_TEXT, "fields": {"raw": {"type": "keyword", "ignore_above": 1024}}},
    "body": _TEXT,
    "captions": _TEXT,
    # The exact text the extractors saw; kept (not indexed) so a rebuild can re-extract from the index alone.
    "text": {"type": "text", "index": False},
    "actor_ids": _KEYWORD,
    "actor_names": _NAME,
    "actor_aliases": _NAME,
    "actor_types": _KEYWORD,
    "people": _NAME,
    "place_ids": _KEYWORD,
    "place_names": _NAME,
    "countries": _KEYWORD,
    "locations": {"type": "geo_point"},
    "event_types": _KEYWORD,
    "event_modes": _KEYWORD,
    "acled_event_types": _KEYWORD,
    "acled_sub_event_types": _KEYWORD,
    "fatalities": {"type": "integer"},
    "event_count": {"type": "integer"},
    "ingested_at": {"type": "date"},
    "content_hash": _KEYWORD,
    "schema_version": {"type": "integer"},
    "entities": _STORED_ONLY,
    "events": _STORED_ONLY,
}

_ACTOR_OBJECT = {
    "properties": {"id": _KEYWORD, "name": _NAME, "type": _KEYWORD, "country": _KEYWORD},
}

_EVENT_PROPERTIES: dict[str, Any] = {
    "id": _KEYWORD,
    "article_id": _KEYWORD,
    "article_title": {**_TEXT, "fields": {"raw": {"type": "keyword", "ignore_above": 1024}}},
    "article_url": {"type": "keyword", "ignore_above": 2048},
    "source": _NAME,
    "published": _DATE,
    "language": _KEYWORD,
    "type": _KEYWORD,
    "mode": _KEYWORD,
    "acled_event_type": _KEYWORD,
    "acled_sub_event_type": _KEYWORD,
    "date": _DATE,
    "date_to": _DATE,
    "date_precision": _KEYWORD,
    "place": {
        "properties": {
            "id": _KEYWORD,
            "name": _NAME,
            "kind": _KEYWORD,
            "country": _KEYWORD,
            "admin1": _NAME,
            "location": {"type": "geo_point"},
        }
    },
    "place_ids": _KEYWORD,
    "place_names": _NAME,
    "countries": _KEYWORD,
    "location": {"type": "geo_point"},
    "actor1": _ACTOR_OBJECT,
    "actor2": _ACTOR_OBJECT,
    "actor_ids": _KEYWORD,
    "actor_names": _NAME,
    "actor_types": _KEYWORD,
    "people": _NAME,
    "fatalities": {"type": "integer"},
    "injured": {"type": "integer"},
    "figures": _STORED_ONLY,
    "flags": _KEYWORD,
    "sentence": _TEXT,
    "start": {"type": "integer"},
    "end": {"type": "integer"},
    "confidence": {"type": "float"},
    "ingested_at": {"type": "date"},
    "schema_version": {"type": "integer"},
}

_PROPERTIES = {ARTICLES: _ARTICLE_PROPERTIES, EVENTS: _EVENT_PROPERTIES}


# The order a list shows when no relevance is asked for: newest first, ties by id (api/query.build_sort).
# Stored in this order, a newest-first page that does not count its matches reads a few documents per
# segment and stops, instead of visiting every match.
_NEWEST_FIRST: dict[str, Any] = {
    ARTICLES: {"field": ["published", "id"], "order": ["desc", "asc"], "missing": ["_last", "_last"]},
    EVENTS: {"field": ["date", "id"], "order": ["desc", "asc"], "missing": ["_last", "_last"]},
}


def index_settings(kind: str | None = None) -> dict[str, Any]:
    """Index settings (shards, replicas, refresh, analysis), a fresh copy each call; with ``kind``, also
    the index sort of that kind's concrete indices."""
    settings = copy.deepcopy(_SETTINGS)
    if kind is not None:
        if kind not in KINDS:
            raise ValueError(f"unknown index kind {kind!r}; expected one of {KINDS}")
        settings["sort"] = copy.deepcopy(_NEWEST_FIRST[kind])
    return settings


def index_mappings(kind: str) -> dict[str, Any]:
    """Mappings for ``kind``. Strict, so a field the document builder forgot to map fails loudly."""
    if kind not in KINDS:
        raise ValueError(f"unknown index kind {kind!r}; expected one of {KINDS}")
    return {
        "dynamic": "strict",
        "_meta": {"schema_version": SCHEMA_VERSION},
        "properties": copy.deepcopy(_PROPERTIES[kind]),
    }


def index_template(kind: str, prefix: str | None = None) -> dict[str, Any]:
    """The body of the index template for ``kind``: keyword arguments for ``indices.put_index_template``.

    The template carries no alias: a freshly created version must stay invisible to readers until a
    rebuild has filled it and swapped the alias over.
    """
    return {
        "name": template_name(kind, prefix),
        "index_patterns": [f"{alias_name(kind, prefix)}-v*"],
        "priority": TEMPLATE_PRIORITY,
        "template": {"settings": index_settings(kind), "mappings": index_mappings(kind)},
        "meta": {"managed_by": "conflictwire", "schema_version": SCHEMA_VERSION},
    }


# --- installation ----------------------------------------------------------------------------------------


def install_templates(es: Elasticsearch, prefix: str | None = None) -> None:
    """Create or update both index templates. Affects only indices created afterwards."""
    for kind in KINDS:
        es.indices.put_index_template(**index_template(kind, prefix))


def alias_indices(es: Elasticsearch, alias: str) -> list[str]:
    """Concrete indices the alias points at (normally exactly one); empty when the alias does not exist."""
    if not es.indices.exists_alias(name=alias):
        return []
    return sorted(es.indices.get_alias(name=alias).body)


def existing_versions(es: Elasticsearch, kind: str, prefix: str | None = None) -> list[int]:
    """Versions of concrete indices present for ``kind`` (behind the alias or not), ascending."""
    pattern = f"{alias_name(kind, prefix)}-v*"
    names = es.indices.get(index=pattern, expand_wildcards="open,closed", features="settings").body
    return sorted(v for v in (index_version(name) for name in names) if v is not None)


def create_versioned_index(es: Elasticsearch, kind: str, prefix: str | None = None) -> str:
    """Create the next unused version of ``kind`` (settings from the template) and return its name."""
    versions = existing_versions(es, kind, prefix)
    name = versioned_index_name(kind, (versions[-1] + 1) if versions else 1, prefix)
    es.indices.create(index=name)
    return name


def _already_exists(error: ApiError) -> bool:
    body = error.body if isinstance(error.body, dict) else {}
    cause = body.get("error") if isinstance(body.get("error"), dict) else {}
    return error.status_code == 400 and cause.get("type") == "resource_already_exists_exception"


def ensure_indices(es: Elasticsearch, prefix: str | None = None) -> dict[str, str]:
    """Install the templates and make sure each alias points at a concrete index; return alias → index.

    Idempotent and safe to run from several processes at once: it never deletes, and when another process
    wins the race to create the first version, its index is used. An index already occupying an alias's
    name is an error, not something to delete.
    """
    install_templates(es, prefix)
    resolved: dict[str, str] = {}
    for kind in KINDS:
        alias = alias_name(kind, prefix)
        indices = alias_indices(es, alias)
        if not indices:
            if es.indices.exists(index=alias):
                raise RuntimeError(
                    f"{alias!r} exists as a concrete index, not an alias; move its data to "
                    f"{alias}-v1 and point the alias at it"
                )
            first = versioned_index_name(kind, 1, prefix)
            try:
                es.indices.create(index=first, aliases={alias: {}})
            except ApiError as error:
                if not _already_exists(error):
                    raise
            indices = alias_indices(es, alias)
            if not indices:
                raise RuntimeError(f"{first} exists but alias {alias!r} does not point at it")
        if len(indices) > 1:
            raise RuntimeError(f"alias {alias!r} points at several indices: {', '.join(indices)}")
        resolved[alias] = indices[0]
    return resolved


# --- document ids ----------------------------------------------------------------------------------------


def canonical_url(url: str) -> str:
    """A stable form of an article URL: lowercase scheme and host, no default port, fragment, tracking
    parameters or trailing slash, and query parameters sorted, so trivially different links to one article
    give one document id."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port, host = None, parts.netloc.lower()
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in _TRACKING_PARAMS
    )
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def _digest(*parts: str) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8")
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()[:32]


def article_doc_id(
    *,
    record_id: str | None = None,
    url: str | None = None,
    source: str | None = None,
    title: str | None = None,
    text: str | None = None,
) -> str:
    """The deterministic ``_id`` of an article, so a re-ingest updates instead of duplicating.

    A record's own id wins; else a digest of the canonical URL ("u-…"); else a digest of source, title and
    text ("h-…"). Record ids are kept verbatim but bounded, since event ids append ":<n>" and Elasticsearch
    caps ids at 512 bytes.
    """
    if record_id is not None and str(record_id).strip():
        value = str(record_id).strip()
        if len(value.encode("utf-8")) > MAX_ARTICLE_ID_BYTES:
            raise ValueError(f"article id is longer than {MAX_ARTICLE_ID_BYTES} bytes")
        return value
    if url and url.strip():
        return "u-" + _digest(canonical_url(url))
    if not (title or text):
        raise ValueError("an article needs an id, a url, or a title or text to derive one from")
    return "h-" + _digest(source or "", title or "", text or "")


def event_doc_id(article_id: str, n: int) -> str:
    """The ``_id`` of an article's n-th event (0-based), e.g. ``u-3f2a…:0``."""
    if n < 0:
        raise ValueError("event numbers start at 0")
    return f"{article_id}:{n}"


# --- client ----------------------------------------------------------------------------------------------


def es_client_from_env(environ: Mapping[str, str] | None = None, **options: Any) -> Elasticsearch:
    """Build a client from ``ELASTICSEARCH_URL`` and either ``ELASTICSEARCH_API_KEY`` or
    ``ELASTICSEARCH_USERNAME``/``ELASTICSEARCH_PASSWORD``.

    Requests time out after at most 10 s and timeouts are retried, so a stalled node yields an error
    quickly instead of hanging a web worker. Extra keyword arguments override the defaults, except that a
    longer timeout is refused.
    """
    env = os.environ if environ is None else environ
    url = env.get("ELASTICSEARCH_URL") or DEFAULT_ELASTICSEARCH_URL
    kwargs: dict[str, Any] = {
        "request_timeout": REQUEST_TIMEOUT_SECONDS,
        "retry_on_timeout": True,
        "max_retries": 3,
    }
    api_key = env.get("ELASTICSEARCH_API_KEY")
    username = env.get("ELASTICSEARCH_USERNAME")
    if api_key:
        kwargs["api_key"] = api_key
    elif username:
        kwargs["basic_auth"] = (username, env.get("ELASTICSEARCH_PASSWORD", ""))
    kwargs.update(options)
    if kwargs["request_timeout"] is None or kwargs["request_timeout"] > REQUEST_TIMEOUT_SECONDS:
        raise ValueError(f"request_timeout must be at most {REQUEST_TIMEOUT_SECONDS} seconds")
    return Elasticsearch(url, **kwargs)
