"""`conflictwire openapi --output openapi.yaml`: write the OpenAPI document generated from the code.

The committed openapi.yaml is this command's output; tests/test_openapi.py fails when they differ.
"""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path


def spec_yaml() -> str:
    """The spec the app serves at /openapi.yaml (building an app connects to nothing)."""
    from api import create_app

    app = create_app({"RATELIMIT_ENABLED": False})
    return app.extensions["conflictwire"]["api"].spec.to_yaml()


def main(args: Namespace) -> int:
    text = spec_yaml()
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    output = Path(args.output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = output.with_name(output.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(output)
    except OSError as error:
        print(f"conflictwire openapi: cannot write {output}: {error}", file=sys.stderr)
        return 1
    print(f"wrote {output}")
    return 0
