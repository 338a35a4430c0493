"""Schemas of the operational endpoints (health, readiness)."""

from __future__ import annotations

import marshmallow as ma


class HealthSchema(ma.Schema):
    status = ma.fields.String(required=True, metadata={"description": "Always `ok` while the process serves"})
    version = ma.fields.String(required=True, metadata={"description": "API version"})


class ReadySchema(ma.Schema):
    status = ma.fields.String(required=True, metadata={"description": "`ready`, or `not_ready` with a 503"})
    elasticsearch = ma.fields.String(
        allow_none=True, metadata={"description": "Cluster health: green, yellow or red"}
    )
    indices = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Boolean(),
        metadata={"description": "Whether each alias (articles, events) exists"},
    )
