"""The committed openapi.yaml is exactly what the app generates and serves, and it is a valid, fully
documented OpenAPI 3.1 description (every operation summarised, every parameter described with an
example)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import validate

from api import create_app

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "openapi.yaml"
REGENERATE = "regenerate it with: conflictwire openapi --output openapi.yaml"
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def app():
    return create_app({"RATELIMIT_ENABLED": False, "CONFLICTWIRE_USE_LEXICONS": False})


@pytest.fixture(scope="module")
def served(app):
    return app.test_client().get("/openapi.json").get_json()


def _operations(spec):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_committed_spec_matches_the_generated_one(served):
    assert COMMITTED.exists(), f"openapi.yaml is missing; {REGENERATE}"
    committed = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    assert committed == served, f"openapi.yaml is out of date; {REGENERATE}"


def test_yaml_endpoint_serves_the_committed_text(app):
    response = app.test_client().get("/openapi.yaml")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == COMMITTED.read_text(encoding="utf-8")


def test_spec_is_valid_openapi_3_1(served):
    assert served["openapi"] == "3.1.0"
    validate(served)


def test_every_operation_has_a_summary_and_an_operation_id(served):
    missing = [f"{m.upper()} {p}" for p, m, op in _operations(served) if not op.get("summary")]
    assert not missing, f"operations without a summary: {missing}"
    ids = [op.get("operationId") for _, _, op in _operations(served)]
    assert all(ids) and len(ids) == len(set(ids))


def test_every_parameter_has_a_description_and_an_example(served):
    problems = []
    for path, method, operation in _operations(served):
        for parameter in [*served["paths"][path].get("parameters", []), *operation.get("parameters", [])]:
            if not parameter.get("description"):
                problems.append(f"{method.upper()} {path} {parameter['name']}: no description")
            if "example" not in parameter and "examples" not in parameter:
                problems.append(f"{method.upper()} {path} {parameter['name']}: no example")
    assert not problems, "\n".join(problems)


def test_list_endpoints_document_the_whole_filter_contract(served):
    contract = {
        "q", "actor", "actor_type", "person", "place", "country", "event_type", "acled_event_type",
        "acled_sub_event_type", "from", "to", "near", "radius", "bbox", "min_fatalities", "source", "lang",
        "sort", "limit", "cursor", "facets", "format",
    }  # fmt: skip
    for path in ("/v1/articles", "/v1/events"):
        names = {p["name"] for p in served["paths"][path]["get"]["parameters"]}
        assert names == contract, path
        content = served["paths"][path]["get"]["responses"]["200"]["content"]
        assert {"application/json", "text/csv", "application/geo+json", "application/x-ndjson"} <= set(
            content
        )
    timeline = {p["name"] for p in served["paths"]["/v1/stats/timeline"]["get"]["parameters"]}
    assert timeline == (contract - {"sort", "limit", "cursor", "facets", "format"}) | {"interval", "metric"}


def test_errors_are_documented_as_problem_json(served):
    problem = served["components"]["responses"]["BAD_REQUEST"]["content"]
    assert list(problem) == ["application/problem+json"]
    assert set(served["components"]["schemas"]["Problem"]["required"]) == {"type", "title", "status"}
    write = served["paths"]["/v1/articles"]["post"]
    assert write["security"] == [{"bearerAuth": []}, {"apiKeyHeader": []}]
    assert {"401", "403", "413"} <= set(write["responses"])


def test_every_documented_route_exists_in_the_app(app, served):
    rules = {
        rule.rule.replace("<path:", "{").replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
    }
    for path in served["paths"]:
        assert path in rules, path


def test_openapi_command_writes_the_committed_document(tmp_path):
    from argparse import Namespace

    from api.spec import main

    target = tmp_path / "nested" / "openapi.yaml"
    assert main(Namespace(output=str(target))) == 0
    assert target.read_text(encoding="utf-8") == COMMITTED.read_text(encoding="utf-8")
