"""/v1/articles: search and export, one article in full, ingest (POST) and removal (DELETE)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView

from api import service
from api.articles.schemas import (
    ArticleDetailSchema,
    ArticleInputSchema,
    ArticleListArgs,
    ArticleListSchema,
    IngestResultSchema,
)
from api.auth import require_api_key
from api.errors import ProblemError
from api.parsing import Blueprint
from api.views import QUERY_ARGS, export_responses, list_or_export

blp = Blueprint(
    "articles", __name__, url_prefix="/v1/articles", description="News articles and their extraction"
)

WRITE_SECURITY = [{"bearerAuth": []}, {"apiKeyHeader": []}]
ARTICLE_ID_PARAM = {
    "in": "path",
    "name": "article_id",
    "required": True,
    "description": "Article id as returned by search or ingest",
    "schema": {"type": "string"},
    "example": "sample-maarat-al-numan-captured-2020-01-29",
}


@blp.route("")
class Articles(MethodView):
    @blp.doc(
        summary="Search articles",
        operationId="searchArticles",
        description=(
            "Full-text and filtered search over articles, newest first unless `q` ranks by relevance. "
            "Walk every page with `next_cursor`; `facets` adds top counts; `format=csv|geojson|ndjson` "
            "streams every match instead of one page."
        ),
        responses={200: {"content": export_responses()}},
    )
    @blp.arguments(ArticleListArgs(), **QUERY_ARGS)
    @blp.response(200, ArticleListSchema)
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self, args: dict[str, Any]) -> Any:
        return list_or_export("articles", args)

    @require_api_key
    @blp.doc(
        summary="Ingest an article",
        operationId="ingestArticle",
        description=(
            "Parse, extract and index one article through the same pipeline as `conflictwire index`. "
            "Re-posting the same article (same id, URL, or text) updates it instead of adding a copy. "
            "Needs an API key. The article is searchable about a second later."
        ),
        security=WRITE_SECURITY,
    )
    @blp.arguments(ArticleInputSchema(), location="json", error_status_code=400, description="The article")
    @blp.response(201, IngestResultSchema, description="Created")
    @blp.alt_response(200, schema=IngestResultSchema, description="Updated or unchanged", success=True)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def post(self, record: dict[str, Any]) -> Any:
        result = service().ingest(record)
        if result.get("status") == "rejected":
            raise ProblemError(422, f"The article could not be ingested: {result.get('reason')}")
        status = 201 if result["status"] == "created" else 200
        location = url_for("articles.ArticleById", article_id=result["id"])
        return result, status, {"Location": location}


@blp.route("/<path:article_id>", parameters=[ARTICLE_ID_PARAM])
class ArticleById(MethodView):
    @blp.doc(
        summary="Get an article",
        operationId="getArticle",
        description=(
            "The article with its display body, the exact `text` every offset refers to, its entities "
            "(actors, people, places with mentions) and its coded events."
        ),
    )
    @blp.response(200, ArticleDetailSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self, article_id: str) -> Any:
        return service().get_document("articles", article_id)

    @require_api_key
    @blp.doc(
        summary="Delete an article",
        operationId="deleteArticle",
        description="Remove the article and every event coded from it. Needs an API key.",
        security=WRITE_SECURITY,
    )
    @blp.response(204, description="Deleted")
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def delete(self, article_id: str) -> Any:
        if not service().delete_article(article_id):
            raise ProblemError(404, f"No article with id {article_id!r}")
        return None
