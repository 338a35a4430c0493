"""Schemas of /v1/stats/timeline: counts or fatality sums per day, week or month under any filters."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from api.common import FilterArgs
from api.query import INTERVALS, METRICS


class TimelineArgs(FilterArgs):
    interval = ma.fields.String(
        load_default="day",
        validate=validate.OneOf(INTERVALS),
        metadata={
            "description": "Bucket size: day, week (ISO weeks, from Monday) or month",
            "example": "week",
        },
    )
    metric = ma.fields.String(
        load_default="events",
        validate=validate.OneOf(METRICS),
        metadata={
            "description": "articles (by publication date), events or fatalities (both by event date)",
            "example": "events",
        },
    )


class TimelineBucketSchema(ma.Schema):
    date = ma.fields.String(required=True, metadata={"description": "First day of the bucket (ISO)"})
    count = ma.fields.Integer(required=True, metadata={"description": "Documents in the bucket"})
    value = ma.fields.Integer(required=True, metadata={"description": "The metric: count, or fatality sum"})


class TimelineSchema(ma.Schema):
    interval = ma.fields.String(required=True, metadata={"description": "Bucket size"})
    metric = ma.fields.String(required=True, metadata={"description": "What `value` measures"})
    documents = ma.fields.Integer(required=True, metadata={"description": "Documents matching the filters"})
    total = ma.fields.Integer(
        required=True, metadata={"description": "The metric over all matches (buckets plus undated)"}
    )
    undated = ma.fields.Integer(
        required=True, metadata={"description": "The metric over matches without a date (in no bucket)"}
    )
    buckets = ma.fields.List(ma.fields.Nested(TimelineBucketSchema), required=True)
