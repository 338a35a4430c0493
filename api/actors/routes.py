"""/v1/actors: which actors the index knows, by name prefix, and one actor's profile."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api import service
from api.actors.schemas import ActorDetailSchema, ActorListArgs, ActorListSchema
from api.parsing import Blueprint
from api.views import QUERY_ARGS

blp = Blueprint("actors", __name__, url_prefix="/v1/actors", description="Actors found in the articles")

ACTOR_ID_PARAM = {
    "in": "path",
    "name": "actor_id",
    "required": True,
    "description": "Actor id, as in search results or /v1/actors",
    "schema": {"type": "string"},
    "example": "syrian-government-forces",
}


@blp.route("")
class Actors(MethodView):
    @blp.doc(
        summary="Suggest actors",
        operationId="suggestActors",
        description=(
            "Actors whose name or an alias has a word starting with `q`, most mentioned first, with article "
            "and event counts. Without `q`, the most mentioned actors."
        ),
    )
    @blp.arguments(ActorListArgs(), **QUERY_ARGS)
    @blp.response(200, ActorListSchema)
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self, args: dict[str, Any]) -> Any:
        return service().actors(args)


@blp.route("/<path:actor_id>", parameters=[ACTOR_ID_PARAM])
class ActorById(MethodView):
    @blp.doc(
        summary="Get an actor",
        operationId="getActor",
        description="Name, category, country, aliases, counts and first/last mention.",
    )
    @blp.response(200, ActorDetailSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self, actor_id: str) -> Any:
        return service().actor(actor_id)
