"""Schemas of /v1/actors: autocomplete over indexed actor names and aliases, and one actor's profile."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from api import config
from api.common import ACTOR_TYPES, CountryField


class ActorListArgs(ma.Schema):
    q = ma.fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Prefix of a word in the actor's name or an alias", "example": "regi"},
    )
    type = ma.fields.String(
        validate=validate.OneOf(ACTOR_TYPES),
        metadata={"description": "Only actors of this category", "example": "state_forces"},
    )
    country = CountryField(
        metadata={"description": "Only actors of this country (ISO alpha-2/alpha-3 or name)", "example": "SY"}
    )
    limit = ma.fields.Integer(
        load_default=config.DEFAULT_PAGE_SIZE,
        validate=validate.Range(min=1, max=config.MAX_PAGE_SIZE),
        metadata={"description": f"How many suggestions, 1 to {config.MAX_PAGE_SIZE}", "example": 10},
    )


class ActorSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"description": "Actor id; usable as `actor=`"})
    name = ma.fields.String(allow_none=True, metadata={"description": "Canonical name"})
    type = ma.fields.String(allow_none=True, metadata={"description": "Actor category"})
    country = ma.fields.String(allow_none=True, metadata={"description": "ISO alpha-2"})
    aliases = ma.fields.List(ma.fields.String(), metadata={"description": "Other names it is known by"})
    article_count = ma.fields.Integer(required=True, metadata={"description": "Articles mentioning it"})
    event_count = ma.fields.Integer(required=True, metadata={"description": "Events it takes part in"})


class ActorDetailSchema(ActorSchema):
    first_seen = ma.fields.String(
        allow_none=True, metadata={"description": "Earliest publication mentioning it"}
    )
    last_seen = ma.fields.String(
        allow_none=True, metadata={"description": "Latest publication mentioning it"}
    )


class ActorListSchema(ma.Schema):
    items = ma.fields.List(
        ma.fields.Nested(ActorSchema), required=True, metadata={"description": "Most mentioned first"}
    )
