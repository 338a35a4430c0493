"""/v1/places: which places the index knows, by name prefix, and one place with coordinates and parents."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api import service
from api.parsing import Blueprint
from api.places.schemas import PlaceDetailSchema, PlaceListArgs, PlaceListSchema
from api.views import QUERY_ARGS

blp = Blueprint("places", __name__, url_prefix="/v1/places", description="Places found in the articles")

PLACE_ID_PARAM = {
    "in": "path",
    "name": "place_id",
    "required": True,
    "description": "Place id (geonames:<n>), as in search results or /v1/places",
    "schema": {"type": "string"},
    "example": "geonames:163843",
}


@blp.route("")
class Places(MethodView):
    @blp.doc(
        summary="Suggest places",
        operationId="suggestPlaces",
        description=(
            "Places whose name has a word starting with `q`, most mentioned first; counts include places "
            "inside them. Without `q`, the most mentioned places."
        ),
    )
    @blp.arguments(PlaceListArgs(), **QUERY_ARGS)
    @blp.response(200, PlaceListSchema)
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self, args: dict[str, Any]) -> Any:
        return service().places(args)


@blp.route("/<path:place_id>", parameters=[PLACE_ID_PARAM])
class PlaceById(MethodView):
    @blp.doc(
        summary="Get a place",
        operationId="getPlace",
        description="Coordinates, kind, the region and country containing it, counts.",
    )
    @blp.response(200, PlaceDetailSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self, place_id: str) -> Any:
        return service().place(place_id)
