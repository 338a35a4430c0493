"""Schemas of /v1/events: one row per coded event, with its article as provenance."""

from __future__ import annotations

import marshmallow as ma

from api.common import (
    AcledSchema,
    ActorRefSchema,
    ListArgs,
    ListEnvelopeSchema,
    PlaceRefSchema,
    highlight_field,
)


class EventListArgs(ListArgs):
    """Filters, paging, facets and export format for events (dates filter the event date)."""


class EventSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"description": "Event id: <article id>:<n>"})
    type = ma.fields.String(allow_none=True, metadata={"description": "PLOVER event type"})
    mode = ma.fields.String(allow_none=True, metadata={"description": "PLOVER mode (aerial, arrest, ...)"})
    acled = ma.fields.Nested(AcledSchema, metadata={"description": "ACLED event and sub-event type"})
    date = ma.fields.String(
        allow_none=True, metadata={"description": "Event date (ISO; may be a month or year)"}
    )
    date_to = ma.fields.String(allow_none=True, metadata={"description": "End of the date window, if any"})
    date_precision = ma.fields.String(allow_none=True, metadata={"description": "day, week, month or year"})
    place = ma.fields.Nested(PlaceRefSchema, allow_none=True, metadata={"description": "Where it happened"})
    actor1 = ma.fields.Nested(ActorRefSchema, allow_none=True, metadata={"description": "Initiating actor"})
    actor2 = ma.fields.Nested(ActorRefSchema, allow_none=True, metadata={"description": "Target actor"})
    fatalities = ma.fields.Integer(allow_none=True, metadata={"description": "Deaths reported"})
    injured = ma.fields.Integer(allow_none=True, metadata={"description": "Injuries reported"})
    flags = ma.fields.List(
        ma.fields.String(), metadata={"description": "negated, hypothetical, future or threatened"}
    )
    article_id = ma.fields.String(
        allow_none=True, metadata={"description": "Article the event was coded from"}
    )
    article_title = ma.fields.String(allow_none=True, metadata={"description": "Its title"})
    article_url = ma.fields.String(allow_none=True, metadata={"description": "Its URL"})
    source = ma.fields.String(allow_none=True, metadata={"description": "Its publisher"})
    published = ma.fields.String(allow_none=True, metadata={"description": "Its publication date"})
    language = ma.fields.String(allow_none=True, metadata={"description": "Its language"})
    sentence = ma.fields.String(allow_none=True, metadata={"description": "The sentence stating the event"})
    start = ma.fields.Integer(
        allow_none=True, metadata={"description": "Offset of the sentence in the article `text`"}
    )
    end = ma.fields.Integer(allow_none=True, metadata={"description": "End offset of the sentence"})
    confidence = ma.fields.Float(allow_none=True, metadata={"description": "Coder confidence, 0 to 1"})
    highlight = highlight_field()


class EventListSchema(ListEnvelopeSchema):
    items = ma.fields.List(
        ma.fields.Nested(EventSchema), required=True, metadata={"description": "This page"}
    )
