"""Middlewares: security headers, authentication with CSRF, and errors without tracebacks."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.web import auth, keys

logger = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Routes anyone may reach: the chat widget, health, static assets, and the login forms.
PUBLIC_ROUTES = frozenset(
    {"chat", "health", "static", "supporter_login", "supporter_login_post", "api_login"}
    | {"crisis_resources", "embed_demo", "embed_demo_config"}  # the widget's public routes
    # Prometheus has no session: /metrics and /readyz check loopback or the metrics bearer token
    # themselves (bot/web/metrics_views.py, bot/web/readiness.py) and refuse anyone else.
    | {"metrics", "readiness"}
)
# socket.io is the widget's channel; it authenticates conversations with signed session ids.
PUBLIC_PATH_PREFIXES = ("/socket.io/",)
# Researchers see only the aggregate page (allow-list: new routes are closed to them by default).
RESEARCHER_ROUTES = frozenset({"research", "supporter_logout"})
# Routes whose name starts with this need the admin role.
ADMIN_ROUTE_PREFIX = "admin_"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def is_api(request: web.Request) -> bool:
    """Return True for JSON API paths, which get JSON errors."""
    return request.path.startswith("/api/")


def json_error(status: int, message: str) -> web.Response:
    """Return a JSON error body with ``status``."""
    return web.json_response({"error": message}, status=status)


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Add the security headers to every response, errors included."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
        _add_headers(response)
        raise
    _add_headers(response)
    return response


def add_security_headers(response: web.StreamResponse) -> None:
    """Add the security headers; streaming handlers call this before ``prepare``."""
    _add_headers(response)


def _add_headers(response: web.StreamResponse) -> None:
    if response.prepared:
        return
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    # Not "no-referrer": with it, browsers send "Origin: null" on same-site form posts, which
    # the Origin check must refuse. "same-origin" still sends nothing to other sites.
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn unexpected exceptions into a plain 500; API errors become JSON."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if is_api(request) and exc.status >= 400 and exc.content_type != "application/json":
            return json_error(exc.status, exc.reason)
        raise
    except Exception:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        if is_api(request):
            return json_error(500, "internal error")
        return web.Response(status=500, text="Sorry, something went wrong.")


@web.middleware
async def authentication(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Require a live supporter session on every non-public route, and CSRF on changes."""
    route = request.match_info.route
    if route.name in PUBLIC_ROUTES or request.path.startswith(PUBLIC_PATH_PREFIXES):
        if request.method not in SAFE_METHODS and not same_origin(request):
            return _refuse(request, 403, "cross-origin request refused")
        return await handler(request)
    token = request.cookies.get(auth.COOKIE_NAME)
    found = None
    if token:
        found = await request.app[keys.DATABASE].run(auth.resume, token=token)
    if found is None:
        if is_api(request) or request.method not in SAFE_METHODS:
            return _refuse(request, 401, "login required")
        raise web.HTTPFound("/supporter/login")
    if request.method not in SAFE_METHODS:
        sent = request.headers.get("X-CSRF-Token")
        if sent is None and request.content_type == "application/x-www-form-urlencoded":
            try:
                sent = (await request.post()).get("csrf_token")  # type: ignore[assignment]
            except ValueError:  # undecodable form body (UnicodeDecodeError is a ValueError)
                return _refuse(request, 400, "form body must be valid UTF-8")
        if sent != found.csrf_token or not same_origin(request):
            return _refuse(request, 403, "missing or wrong CSRF token")
    if not role_allows(route.name, found.account.role):
        return _refuse(request, 403, "your role does not allow this")
    request[keys.ACCOUNT] = found.account
    request[keys.CSRF_TOKEN] = found.csrf_token
    return await handler(request)


def role_allows(route_name: str | None, role: str) -> bool:
    """Return whether ``role`` may use the route called ``route_name``."""
    if role == "researcher":
        return route_name in RESEARCHER_ROUTES
    if route_name is not None and route_name.startswith(ADMIN_ROUTE_PREFIX):
        return role == "admin"
    return True


def same_origin(request: web.Request) -> bool:
    """Return False when the Origin header names another site (absent Origin is allowed)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return origin == f"{request.scheme}://{request.host}"


def _refuse(request: web.Request, status: int, message: str) -> web.Response:
    if is_api(request):
        return json_error(status, message)
    return web.Response(status=status, text=message)
