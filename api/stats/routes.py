"""/v1/stats/timeline: a date histogram over articles or events, under the same filters as search."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.views import MethodView

from api import service
from api.parsing import Blueprint
from api.stats.schemas import TimelineArgs, TimelineSchema
from api.views import QUERY_ARGS

blp = Blueprint("stats", __name__, url_prefix="/v1/stats", description="Aggregate statistics")


@blp.route("/timeline")
class Timeline(MethodView):
    @blp.doc(
        summary="Timeline of articles, events or fatalities",
        operationId="getTimeline",
        description=(
            "Buckets per day, week or month. Bucket values plus `undated` add up to `total`. Empty buckets "
            "are included between `from` and `to` when both are given."
        ),
    )
    @blp.arguments(TimelineArgs(), **QUERY_ARGS)
    @blp.response(200, TimelineSchema)
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self, args: dict[str, Any]) -> Any:
        interval, metric = args.pop("interval"), args.pop("metric")
        # The service returns the documented shape already; a Response skips flask-smorest's marshmallow
        # dump of every bucket (most of this endpoint's own time). A test holds the body to TimelineSchema.
        return jsonify(service().timeline(args, interval=interval, metric=metric))
