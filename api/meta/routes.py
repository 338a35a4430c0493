"""Operational endpoints: liveness, readiness, Prometheus metrics, the OpenAPI document and its reference UI.

The interactive reference at /docs is Swagger UI served from the `flask-swagger-ui` package's bundled
files, never from a CDN, so it works on an offline deployment.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import flask
from flask import Response, current_app, send_from_directory, url_for
from flask.views import MethodView

from api import API_VERSION, service
from api.meta.schemas import HealthSchema, ReadySchema
from api.parsing import Blueprint

blp = Blueprint("meta", __name__, url_prefix="", description="Health, metrics and the API description")
docs_assets = flask.Blueprint("docs_assets", __name__, url_prefix="/docs/assets")
undocumented = (docs_assets,)

DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
_DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>conflictwire API reference</title>
  <link rel="stylesheet" href="{css}">
</head>
<body>
  <div id="swagger-ui" data-spec-url="{spec}"></div>
  <script src="{bundle}"></script>
  <script src="{preset}"></script>
  <script src="{init}"></script>
</body>
</html>
"""
_DOCS_INIT = """window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "StandaloneLayout"
  });
});
"""
SWAGGER_ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js")


@lru_cache(maxsize=1)
def swagger_ui_dir() -> Path:
    """Where the installed flask-swagger-ui package keeps Swagger UI's distribution files."""
    return Path(str(resources.files("flask_swagger_ui") / "dist"))


def _spec() -> Any:
    return current_app.extensions["conflictwire"]["api"].spec


@blp.route("/health")
class Health(MethodView):
    @blp.doc(
        summary="Liveness",
        operationId="health",
        description="Answers while the process can serve; does not touch Elasticsearch.",
    )
    @blp.response(200, HealthSchema)
    def get(self) -> Any:
        return {"status": "ok", "version": API_VERSION}


@blp.route("/ready")
class Ready(MethodView):
    @blp.doc(
        summary="Readiness",
        operationId="ready",
        description="Ready when Elasticsearch answers with a usable cluster and both index aliases exist.",
    )
    @blp.response(200, ReadySchema)
    @blp.alt_response(503, schema=ReadySchema, description="Not ready")
    def get(self) -> Any:
        state = service().ping()
        ready = state["status"] in ("green", "yellow") and all(state["aliases"].values())
        body = {
            "status": "ready" if ready else "not_ready",
            "elasticsearch": state["status"],
            "indices": state["aliases"],
        }
        if ready:
            return body
        return body, 503, {"Retry-After": "5"}


@blp.route("/metrics")
class Metrics(MethodView):
    @blp.doc(
        summary="Prometheus metrics",
        operationId="metrics",
        description="Request counts and latencies by route and status; Elasticsearch call latencies.",
        responses={
            200: {
                "description": "Prometheus text exposition",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            }
        },
    )
    def get(self) -> Any:
        body, content_type = current_app.extensions["conflictwire"]["metrics"].render()
        return Response(body, content_type=content_type)


@blp.route("/openapi.json")
class OpenApiJson(MethodView):
    @blp.doc(
        summary="OpenAPI document (JSON)",
        operationId="openapiJson",
        description="This API's OpenAPI 3.1 description, generated from its schemas.",
        responses={
            200: {
                "description": "OpenAPI 3.1 document",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        },
    )
    def get(self) -> Any:
        return flask.jsonify(_spec().to_dict())


@blp.route("/openapi.yaml")
class OpenApiYaml(MethodView):
    @blp.doc(
        summary="OpenAPI document (YAML)",
        operationId="openapiYaml",
        description="The same document as /openapi.json, as YAML (identical to the committed openapi.yaml).",
        responses={
            200: {
                "description": "OpenAPI 3.1 document",
                "content": {"application/yaml": {"schema": {"type": "string"}}},
            }
        },
    )
    def get(self) -> Any:
        return Response(_spec().to_yaml(), content_type="application/yaml; charset=utf-8")


@blp.route("/docs")
class Docs(MethodView):
    @blp.doc(
        summary="Interactive API reference",
        operationId="docs",
        description="Swagger UI for this API, served from locally installed files (no CDN).",
        responses={
            200: {"description": "HTML page", "content": {"text/html": {"schema": {"type": "string"}}}}
        },
    )
    def get(self) -> Any:
        page = _DOCS_PAGE.format(
            css=url_for("docs_assets.asset", name="swagger-ui.css"),
            bundle=url_for("docs_assets.asset", name="swagger-ui-bundle.js"),
            preset=url_for("docs_assets.asset", name="swagger-ui-standalone-preset.js"),
            init=url_for("docs_assets.init_script"),
            spec=url_for("meta.OpenApiJson"),
        )
        response = Response(page, content_type="text/html; charset=utf-8")
        response.headers["Content-Security-Policy"] = DOCS_CSP
        return response


@docs_assets.route("/init.js")
def init_script() -> Response:
    return Response(_DOCS_INIT, content_type="text/javascript; charset=utf-8")


@docs_assets.route("/<any(" + ", ".join(f'"{name}"' for name in SWAGGER_ASSETS) + "):name>")
def asset(name: str) -> Response:
    return send_from_directory(swagger_ui_dir(), name, max_age=86400)
