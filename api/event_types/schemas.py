"""Schemas of /v1/event-types: the PLOVER and ACLED vocabularies and how they correspond."""

from __future__ import annotations

import marshmallow as ma


class PloverTypeSchema(ma.Schema):
    type = ma.fields.String(required=True, metadata={"description": "PLOVER event type"})
    description = ma.fields.String(required=True, metadata={"description": "What it covers"})
    modes = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "Its modes"})


class AcledTypeSchema(ma.Schema):
    event_type = ma.fields.String(required=True, metadata={"description": "ACLED event type"})
    description = ma.fields.String(required=True, metadata={"description": "What it covers"})
    sub_event_types = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "Sub-types"})


class EventTypeMappingSchema(ma.Schema):
    acled_event_type = ma.fields.String(required=True, metadata={"description": "ACLED event type"})
    acled_sub_event_type = ma.fields.String(required=True, metadata={"description": "ACLED sub-event type"})
    plover_type = ma.fields.String(allow_none=True, metadata={"description": "Corresponding PLOVER type"})
    plover_mode = ma.fields.String(allow_none=True, metadata={"description": "Corresponding PLOVER mode"})


class EventTypesSchema(ma.Schema):
    plover = ma.fields.List(ma.fields.Nested(PloverTypeSchema), required=True)
    acled = ma.fields.List(ma.fields.Nested(AcledTypeSchema), required=True)
    mapping = ma.fields.List(ma.fields.Nested(EventTypeMappingSchema), required=True)
