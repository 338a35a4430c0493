"""/v1/event-types: the vocabularies accepted by `event_type`, `acled_event_type`, `acled_sub_event_type`."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.event_types.schemas import EventTypesSchema
from api.event_types.vocabulary import vocabulary
from api.parsing import Blueprint

blp = Blueprint("event_types", __name__, url_prefix="/v1/event-types", description="Event vocabularies")


@blp.route("")
class EventTypes(MethodView):
    @blp.doc(
        summary="List event types",
        operationId="listEventTypes",
        description="PLOVER types with their modes, ACLED types with their sub-types, and the correspondence.",
    )
    @blp.response(200, EventTypesSchema)
    def get(self) -> Any:
        return vocabulary()
