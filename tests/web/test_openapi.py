from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

from bot.web.app import create_app
from tests.conftest import PROJECT_DIR, make_settings

SPEC = PROJECT_DIR / "docs" / "openapi.yaml"
METHODS = {"get", "post", "put", "patch", "delete"}


def _spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC.read_text(encoding="utf-8"))


def _api_routes(app: web.Application) -> set[tuple[str, str]]:
    found = set()
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter") or ""
        if path.startswith("/api/") and route.method != "HEAD":
            found.add((route.method, path))
    return found


def test_every_api_route_is_documented_and_nothing_else(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path))
    routes = _api_routes(app)
    documented = {
        (method.upper(), path)
        for path, item in _spec()["paths"].items()
        for method in item
        if method in METHODS
    }
    assert len(routes) >= 10
    assert sorted(routes - documented) == [], "routes missing from docs/openapi.yaml"
    assert sorted(documented - routes) == [], "documented routes the app does not have"


def test_every_reference_resolves_and_every_operation_has_responses() -> None:
    spec = _spec()

    def resolve(ref: str) -> Any:
        node: Any = spec
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return node

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                resolve(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                assert operation.get("responses"), (method, path)
                assert operation.get("summary"), (method, path)
