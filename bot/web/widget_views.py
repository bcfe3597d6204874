"""Public widget routes: crisis resources as JSON, and a demo host page for the embed snippet."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from bot.risk.resources import CrisisResources, crisis_resources, known_locales
from bot.web import keys
from bot.web.middleware import json_error
from bot.web.views import render

MAX_LOCALE_CHARS = 16
# Crisis resources are public and carry no credentials: any host page may fetch them.
PUBLIC_CORS = {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=3600"}


def resources_to_json(resources: CrisisResources) -> dict[str, Any]:
    """Return the JSON shape of one locale's crisis resources (the widget's help dialog)."""
    return {
        "locale": resources.locale.upper(),
        "emergency": resources.emergency,
        "resources": [
            {"name": r.name, "contact": r.contact, "how": r.how, "line": r.line()}
            for r in resources.resources
        ],
    }


async def api_crisis_resources(request: web.Request) -> web.Response:
    """``GET /api/crisis-resources?locale=GB``: the locale's helplines (default: the app's)."""
    locale = request.query.get("locale") or request.app[keys.SETTINGS].locale
    if len(locale) > MAX_LOCALE_CHARS:
        return json_error(400, "locale is too long")
    try:
        resources = crisis_resources(locale)
    except ValueError:
        response = web.json_response(
            {"error": "unknown locale", "known_locales": list(known_locales())}, status=404
        )
        response.headers.update(PUBLIC_CORS)
        return response
    return web.json_response(resources_to_json(resources), headers=PUBLIC_CORS)


async def embed_demo(request: web.Request) -> web.Response:
    """A demo host page that embeds the widget with the documented snippet."""
    return render(request, "embed_demo.html")


async def embed_demo_config(request: web.Request) -> web.Response:
    """The demo page's ``window.AllyConfig``, served as a script (no inline script in our CSP)."""
    config = {
        "server": f"{request.scheme}://{request.host}",
        "title": "Ally",
        "locale": request.app[keys.SETTINGS].locale,
        "container": "#ally-chat",
    }
    # json.dumps output is a valid JavaScript literal; "<" is escaped for good measure.
    literal = json.dumps(config).replace("<", "\\u003c")
    return web.Response(
        text=f"window.AllyConfig = {literal};\n", content_type="application/javascript"
    )


def add_widget_routes(router: web.UrlDispatcher) -> None:
    """Add the public widget routes (each name is in middleware.PUBLIC_ROUTES)."""
    router.add_get("/api/crisis-resources", api_crisis_resources, name="crisis_resources")
    router.add_get("/embed-demo", embed_demo, name="embed_demo")
    router.add_get("/embed-demo/config.js", embed_demo_config, name="embed_demo_config")
