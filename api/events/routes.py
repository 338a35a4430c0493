"""/v1/events: search and export coded events; one event by id."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api import service
from api.events.schemas import EventListArgs, EventListSchema, EventSchema
from api.parsing import Blueprint
from api.views import QUERY_ARGS, export_responses, list_or_export

blp = Blueprint("events", __name__, url_prefix="/v1/events", description="Coded events, one row per event")

EVENT_ID_PARAM = {
    "in": "path",
    "name": "event_id",
    "required": True,
    "description": "Event id (<article id>:<n>)",
    "schema": {"type": "string"},
    "example": "sample-maarat-al-numan-captured-2020-01-29:0",
}


@blp.route("")
class Events(MethodView):
    @blp.doc(
        summary="Search events",
        operationId="searchEvents",
        description=(
            "Filtered search over coded events (PLOVER and ACLED types, actors, places, dates, fatalities); "
            "`q` searches the sentence each event was coded from. Walk every page with `next_cursor`; "
            "`format=csv|geojson|ndjson` streams every match."
        ),
        responses={200: {"content": export_responses()}},
    )
    @blp.arguments(EventListArgs(), **QUERY_ARGS)
    @blp.response(200, EventListSchema)
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self, args: dict[str, Any]) -> Any:
        return list_or_export("events", args)


@blp.route("/<path:event_id>", parameters=[EVENT_ID_PARAM])
class EventById(MethodView):
    @blp.doc(
        summary="Get an event",
        operationId="getEvent",
        description="One coded event with its provenance (article, sentence, offsets).",
    )
    @blp.response(200, EventSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self, event_id: str) -> Any:
        return service().get_document("events", event_id)
