"""Schemas of /v1/articles: summaries in lists, the full article with its extraction in detail, and the
record accepted by POST (the same fields as a JSON line for `conflictwire index`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma
from marshmallow import validate

from api import config
from api.common import (
    AcledSchema,
    ActorRefSchema,
    ListArgs,
    ListEnvelopeSchema,
    MentionSchema,
    PlaceRefSchema,
    PointSchema,
    highlight_field,
)


class ArticleListArgs(ListArgs):
    """Filters, paging, facets and export format for articles (dates filter the publication date)."""


def _strings(description: str) -> ma.fields.List:
    return ma.fields.List(ma.fields.String(), metadata={"description": description})


class ArticleSummarySchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"description": "Article id (stable across re-ingests)"})
    url = ma.fields.String(allow_none=True, metadata={"description": "Where it was published"})
    title = ma.fields.String(allow_none=True, metadata={"description": "Headline"})
    source = ma.fields.String(allow_none=True, metadata={"description": "Publisher or feed"})
    published = ma.fields.String(allow_none=True, metadata={"description": "Publication date (ISO)"})
    language = ma.fields.String(allow_none=True, metadata={"description": "ISO 639-1 code"})
    countries = _strings("Countries of the places mentioned (ISO alpha-2)")
    actor_ids = _strings("Ids of the actors mentioned")
    actor_names = _strings("Canonical names of the actors mentioned")
    actor_types = _strings("Categories of the actors mentioned")
    people = _strings("People mentioned")
    place_ids = _strings("Places mentioned with their regions and countries")
    place_names = _strings("Names of the places mentioned")
    event_types = _strings("PLOVER types of the coded events")
    event_modes = _strings("PLOVER modes of the coded events")
    acled_event_types = _strings("ACLED event types of the coded events")
    acled_sub_event_types = _strings("ACLED sub-event types of the coded events")
    fatalities = ma.fields.Integer(allow_none=True, metadata={"description": "Deaths over the coded events"})
    event_count = ma.fields.Integer(allow_none=True, metadata={"description": "Number of coded events"})
    ingested_at = ma.fields.String(allow_none=True, metadata={"description": "When it was indexed"})
    locations = ma.fields.List(
        ma.fields.Nested(PointSchema), metadata={"description": "Coordinates of its places"}
    )
    highlight = highlight_field()


class ActorEntitySchema(ma.Schema):
    id = ma.fields.String(allow_none=True, metadata={"description": "Actor id"})
    name = ma.fields.String(allow_none=True, metadata={"description": "Canonical name"})
    type = ma.fields.String(allow_none=True, metadata={"description": "Actor category"})
    country = ma.fields.String(allow_none=True, metadata={"description": "ISO alpha-2"})
    aliases = ma.fields.List(ma.fields.String(), metadata={"description": "Other names"})
    mentions = ma.fields.List(ma.fields.Nested(MentionSchema), metadata={"description": "Where it is named"})


class PersonEntitySchema(ma.Schema):
    name = ma.fields.String(allow_none=True, metadata={"description": "Full name"})
    role = ma.fields.String(allow_none=True, metadata={"description": "Title or role"})
    affiliation = ma.fields.String(allow_none=True, metadata={"description": "Country or organisation"})
    mentions = ma.fields.List(
        ma.fields.Nested(MentionSchema), metadata={"description": "Where they are named"}
    )


class PlaceEntitySchema(PlaceRefSchema):
    admin1_id = ma.fields.String(allow_none=True, metadata={"description": "Id of its first-level region"})
    country_id = ma.fields.String(allow_none=True, metadata={"description": "Id of its country"})
    mentions = ma.fields.List(ma.fields.Nested(MentionSchema), metadata={"description": "Where it is named"})


class EntitiesSchema(ma.Schema):
    actors = ma.fields.List(ma.fields.Nested(ActorEntitySchema), metadata={"description": "Actors"})
    people = ma.fields.List(ma.fields.Nested(PersonEntitySchema), metadata={"description": "People"})
    places = ma.fields.List(ma.fields.Nested(PlaceEntitySchema), metadata={"description": "Places"})


class CodedEventSchema(ma.Schema):
    type = ma.fields.String(allow_none=True, metadata={"description": "PLOVER event type"})
    mode = ma.fields.String(allow_none=True, metadata={"description": "PLOVER mode"})
    acled = ma.fields.Nested(AcledSchema, allow_none=True, metadata={"description": "ACLED types"})
    date = ma.fields.String(allow_none=True, metadata={"description": "Event date"})
    date_to = ma.fields.String(allow_none=True, metadata={"description": "End of the date window"})
    date_precision = ma.fields.String(allow_none=True, metadata={"description": "day, week, month or year"})
    place = ma.fields.Nested(PlaceRefSchema, allow_none=True, metadata={"description": "Where"})
    actor1 = ma.fields.Nested(ActorRefSchema, allow_none=True, metadata={"description": "Initiator"})
    actor2 = ma.fields.Nested(ActorRefSchema, allow_none=True, metadata={"description": "Target"})
    fatalities = ma.fields.Integer(allow_none=True, metadata={"description": "Deaths"})
    injured = ma.fields.Integer(allow_none=True, metadata={"description": "Injuries"})
    flags = ma.fields.List(
        ma.fields.String(), metadata={"description": "negated, hypothetical, future, threatened"}
    )
    sentence = ma.fields.String(allow_none=True, metadata={"description": "Sentence stating the event"})
    start = ma.fields.Integer(allow_none=True, metadata={"description": "Its offset in `text`"})
    end = ma.fields.Integer(allow_none=True, metadata={"description": "Its end offset in `text`"})
    confidence = ma.fields.Float(allow_none=True, metadata={"description": "Coder confidence"})


class ArticleDetailSchema(ArticleSummarySchema):
    body = ma.fields.String(
        allow_none=True, metadata={"description": "Text for display (boilerplate removed)"}
    )
    text = ma.fields.String(
        allow_none=True, metadata={"description": "The exact text extraction read; every offset refers to it"}
    )
    captions = ma.fields.List(
        ma.fields.String(), metadata={"description": "Photo captions found in the text"}
    )
    entities = ma.fields.Nested(
        EntitiesSchema, metadata={"description": "Actors, people and places with mentions"}
    )
    events = ma.fields.List(ma.fields.Nested(CodedEventSchema), metadata={"description": "Coded events"})


class ArticleListSchema(ListEnvelopeSchema):
    items = ma.fields.List(
        ma.fields.Nested(ArticleSummarySchema), required=True, metadata={"description": "This page"}
    )


def _iso_date_or_datetime(value: str) -> None:
    try:
        if len(value) == 10:
            dt.date.fromisoformat(value)
        else:
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise ma.ValidationError("Expected an ISO date (YYYY-MM-DD) or date-time.") from error


def _at_most_bytes(limit: int, what: str) -> Any:
    def check(value: str) -> None:
        if len(value.encode("utf-8")) > limit:
            raise ma.ValidationError(f"{what} exceeds the {limit // (1024 * 1024)} MB article limit.")

    return check


class ArticleInputSchema(ma.Schema):
    """One article to ingest: `text` (plain) or `html` (main text is extracted), plus metadata."""

    class Meta:
        unknown = ma.RAISE

    id = ma.fields.String(
        validate=validate.Length(min=1, max=400),
        metadata={
            "description": "Your id for the article; else derived from the URL or the text",
            "example": "a-1",
        },
    )
    url = ma.fields.String(
        validate=[validate.Length(max=2048), validate.URL(schemes={"http", "https"}, require_tld=False)],
        metadata={
            "description": "Canonical URL (also the basis of the id)",
            "example": "https://example.org/news/1",
        },
    )
    title = ma.fields.String(
        validate=validate.Length(max=1000),
        metadata={"description": "Headline", "example": "Air strikes hit Idlib"},
    )
    text = ma.fields.String(
        validate=[validate.Length(min=1), _at_most_bytes(config.MAX_ARTICLE_TEXT_BYTES, "text")],
        metadata={
            "description": "Plain text (at most 1 MB)",
            "example": "Syrian government forces shelled Saraqib on Monday.",
        },
    )
    html = ma.fields.String(
        validate=[validate.Length(min=1), _at_most_bytes(config.MAX_ARTICLE_TEXT_BYTES, "html")],
        metadata={"description": "HTML page (at most 1 MB) instead of text", "example": "<html>...</html>"},
    )
    published = ma.fields.String(
        validate=_iso_date_or_datetime,
        metadata={"description": "Publication date, ISO 8601", "example": "2020-02-27"},
    )
    source = ma.fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Publisher", "example": "Example News"},
    )
    language = ma.fields.String(
        validate=validate.Regexp(r"^[A-Za-z]{2,3}$"),
        metadata={"description": "ISO 639-1 code", "example": "en"},
    )

    @ma.validates_schema
    def _text_or_html(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data.get("text") and not data.get("html"):
            raise ma.ValidationError("Give the article as `text` or `html`.", field_name="text")
        if data.get("text") and data.get("html"):
            raise ma.ValidationError("Give either `text` or `html`, not both.", field_name="html")


class IngestResultSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"description": "The article's id"})
    status = ma.fields.String(
        required=True,
        validate=validate.OneOf(("created", "updated", "unchanged")),
        metadata={"description": "created, updated or unchanged (same content as stored)"},
    )
    events = ma.fields.Integer(required=True, metadata={"description": "Events coded from it"})
