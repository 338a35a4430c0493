"""A client nobody here wrote: generate a Python SDK from the committed openapi.yaml with
openapi-python-client, then use it over real HTTP against a live server for a filtered search, a cursor
walk and a lookup by id. If the spec and the server disagree, the generated code fails to parse answers."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from api_corpus import live_server, shared_corpus

from api import create_app

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "conflictwire_sdk_under_test"


@pytest.fixture(scope="module")
def sdk(tmp_path_factory):
    generator = shutil.which("openapi-python-client", path=os.path.dirname(sys.executable)) or shutil.which(
        "openapi-python-client"
    )
    if generator is None:
        pytest.skip("openapi-python-client is not installed (pip install -e '.[test]')")
    root = tmp_path_factory.mktemp("sdk")
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}
    result = subprocess.run(
        [generator, "generate", "--path", str(REPO / "openapi.yaml"), "--output-path", str(root / PACKAGE)]
        + ["--meta", "none"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def base_url(es, request):
    corpus = shared_corpus(request.config)
    app = create_app({"CONFLICTWIRE_INDEX_PREFIX": corpus.prefix, "RATELIMIT_ENABLED": False})
    with live_server(app) as url:
        yield url


def test_generated_sdk_searches_walks_and_fetches(sdk, base_url):
    client_module = importlib.import_module(f"{PACKAGE}.client")
    search_events = importlib.import_module(f"{PACKAGE}.api.events.search_events")
    get_event = importlib.import_module(f"{PACKAGE}.api.events.get_event")
    models = importlib.import_module(f"{PACKAGE}.models")

    with client_module.Client(base_url=base_url, raise_on_unexpected_status=True) as client:
        assault = models.SearchEventsEventTypeItem("ASSAULT")
        page = search_events.sync(client=client, event_type=[assault], country=["SY"], limit=5)
        assert isinstance(page, models.EventList)
        assert page.total > 5 and len(page.items) == 5
        for item in page.items:
            assert item.type_ == "ASSAULT"
            assert item.place.country == "SY"

        seen: list[str] = []
        cursor = None
        while True:
            kwargs = {"cursor": cursor} if cursor else {}
            page = search_events.sync(client=client, event_type=[assault], country=["SY"], limit=4, **kwargs)
            seen += [item.id for item in page.items]
            cursor = page.next_cursor
            if not isinstance(cursor, str):
                break
        assert len(seen) == len(set(seen)) == page.total

        one = get_event.sync(client=client, event_id=seen[0])
        assert isinstance(one, models.Event) and one.id == seen[0]

        invalid = search_events.sync_detailed(client=client, cursor="not-a-cursor")
        assert invalid.status_code == 400
        assert isinstance(invalid.parsed, models.Problem) and invalid.parsed.status == 400
