"""Schemas of /v1/places: autocomplete over indexed place names, and one place with its parents."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from api import config
from api.common import PLACE_KINDS, CountryField


class PlaceListArgs(ma.Schema):
    q = ma.fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Prefix of a word in the place name", "example": "Sar"},
    )
    kind = ma.fields.String(
        validate=validate.OneOf(PLACE_KINDS),
        metadata={"description": "Only places of this kind", "example": "city"},
    )
    country = CountryField(
        metadata={"description": "Only places in this country (ISO alpha-2/alpha-3 or name)", "example": "SY"}
    )
    limit = ma.fields.Integer(
        load_default=config.DEFAULT_PAGE_SIZE,
        validate=validate.Range(min=1, max=config.MAX_PAGE_SIZE),
        metadata={"description": f"How many suggestions, 1 to {config.MAX_PAGE_SIZE}", "example": 10},
    )


class PlaceSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"description": "Place id; usable as `place=`"})
    name = ma.fields.String(allow_none=True, metadata={"description": "Name"})
    kind = ma.fields.String(allow_none=True, metadata={"description": "country, admin1, city, ..."})
    country = ma.fields.String(allow_none=True, metadata={"description": "ISO alpha-2"})
    admin1 = ma.fields.String(allow_none=True, metadata={"description": "First-level region"})
    lat = ma.fields.Float(allow_none=True, metadata={"description": "Latitude"})
    lon = ma.fields.Float(allow_none=True, metadata={"description": "Longitude"})
    article_count = ma.fields.Integer(
        required=True, metadata={"description": "Articles mentioning it or a place inside it"}
    )
    event_count = ma.fields.Integer(
        required=True, metadata={"description": "Events in it or a place inside it"}
    )


class PlaceParentSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"description": "Parent place id"})
    name = ma.fields.String(allow_none=True, metadata={"description": "Its name"})
    kind = ma.fields.String(allow_none=True, metadata={"description": "admin1 or country"})


class PlaceDetailSchema(PlaceSchema):
    parents = ma.fields.List(
        ma.fields.Nested(PlaceParentSchema), metadata={"description": "Region, then country, containing it"}
    )
    first_seen = ma.fields.String(
        allow_none=True, metadata={"description": "Earliest publication mentioning it"}
    )
    last_seen = ma.fields.String(
        allow_none=True, metadata={"description": "Latest publication mentioning it"}
    )


class PlaceListSchema(ma.Schema):
    items = ma.fields.List(
        ma.fields.Nested(PlaceSchema), required=True, metadata={"description": "Most mentioned first"}
    )
