"""The single list of blueprints, and the flask-smorest `Api` adapted to the problem+json envelope.

Adding a resource means adding its module to `BLUEPRINT_MODULES`; nothing else registers routes. Each
module exposes `blp` (documented in the spec) and may expose `undocumented` plain blueprints (static assets).
"""

from __future__ import annotations

import http
import importlib
from typing import Any

from apispec.ext.marshmallow import MarshmallowPlugin
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from api.auth import SECURITY_SCHEMES
from api.errors import PROBLEM_CONTENT_TYPE, ProblemSchema, http_exception_problem

BLUEPRINT_MODULES = (
    "api.articles.routes",
    "api.events.routes",
    "api.actors.routes",
    "api.places.routes",
    "api.stats.routes",
    "api.event_types.routes",
    "api.meta.routes",
)


def _example_to_parameter(self: Any, field: Any, ret: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Lift a field's example from the parameter schema to the parameter, where OpenAPI 3.1 wants it."""
    schema = ret.get("schema") or {}
    if "example" in schema:
        return {"example": schema.pop("example")}
    return {}


def _schema_name_resolver(schema: Any) -> str:
    from apispec.ext.marshmallow.common import resolve_schema_cls

    cls = resolve_schema_cls(schema)
    name = cls.__name__
    return name[: -len("Schema")] if name.endswith("Schema") else name


class ConflictwireApi(Api):
    """flask-smorest's Api with our error schema, problem+json error responses and security schemes."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        self._app.register_error_handler(HTTPException, self.handle_http_exception)

    def handle_http_exception(self, error: HTTPException) -> Any:
        return http_exception_problem(error)

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Error", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_CONTENT_TYPE)
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)


def build_api(app: Any) -> ConflictwireApi:
    api = ConflictwireApi(
        spec_kwargs={"marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=_schema_name_resolver)}
    )
    api.init_app(app)
    api.ma_plugin.converter.add_parameter_attribute_function(_example_to_parameter)
    for name, scheme in SECURITY_SCHEMES.items():
        api.spec.components.security_scheme(name, scheme)
    for module_name in BLUEPRINT_MODULES:
        module = importlib.import_module(module_name)
        api.register_blueprint(module.blp)
        for blueprint in getattr(module, "undocumented", ()):
            app.register_blueprint(blueprint)
    return api
