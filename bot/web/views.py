"""Thin views: parse the request, call a service function, render or return JSON."""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web

from bot.risk.resources import crisis_resources
from bot.storage.audit import record_audit
from bot.web import auth, keys
from bot.web.middleware import json_error

MAX_JSON_BYTES = 16 * 1024
# NUL and lone surrogates: valid in a JSON string, but no database column can hold them.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def render(request: web.Request, template: str, **context: Any) -> web.Response:
    """Render a Jinja2 template (autoescaped) to an HTML response."""
    html = (
        request.app[keys.TEMPLATES]
        .get_template(template)
        .render(
            csrf_token=request.get(keys.CSRF_TOKEN), account=request.get(keys.ACCOUNT), **context
        )
    )
    return web.Response(text=html, content_type="text/html")


async def chat_page(request: web.Request) -> web.Response:
    """The chat widget page, with the locale's crisis resources always on the page."""
    locale = request.app[keys.SETTINGS].locale
    return render(request, "chat.html", locale=locale, help=crisis_resources(locale))


async def health(request: web.Request) -> web.Response:
    """Liveness: the web app is up and answering."""
    return web.json_response({"status": "ok"})


async def login_form(request: web.Request) -> web.Response:
    """The supporter login form."""
    return render(request, "login.html", error=None)


async def login_submit(request: web.Request) -> web.StreamResponse:
    """Check a form login; the error never says whether the username exists."""
    try:
        form = await request.post()
    except ValueError:  # an undecodable form body (UnicodeDecodeError is a ValueError)
        raise web.HTTPBadRequest(text="The form could not be read.") from None
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    result = await _login(request, username, password)
    if result is None:
        response = render(request, "login.html", error="Wrong username or password.")
        response.set_status(401)
        return response
    home = "/research" if result.account.role == "researcher" else "/supporter"
    response = web.HTTPSeeOther(home)
    _set_cookie(request, response, result.token)
    raise response


async def api_login(request: web.Request) -> web.Response:
    """JSON login: ``{"username", "password"}`` -> session cookie and CSRF token."""
    body = await read_json(request)
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        return json_error(400, "username and password must be strings")
    result = await _login(request, username, password)
    if result is None:
        return json_error(401, "wrong username or password")
    response = web.json_response(
        {
            "username": result.account.username,
            "role": result.account.role,
            "csrf_token": result.csrf_token,
        }
    )
    _set_cookie(request, response, result.token)
    return response


async def _login(request: web.Request, username: str, password: str) -> auth.LoginResult | None:
    if len(username) > 64 or len(password) > 1024:
        return None
    throttle_key = f"{request.remote}:{username.casefold()}"
    if not request.app[keys.LOGIN_THROTTLE].allow(throttle_key):
        raise web.HTTPTooManyRequests(text="Too many login attempts. Wait a minute and try again.")
    database = request.app[keys.DATABASE]
    result = await database.run(auth.login, username=username, password=password)
    if result is not None:
        await database.run(
            record_audit,
            actor=result.account.username,
            action="login",
            target_type="account",
            target_id=result.account.id,
        )
    return result


def _set_cookie(request: web.Request, response: web.StreamResponse, token: str) -> None:
    response.set_cookie(
        auth.COOKIE_NAME,
        token,
        httponly=True,
        samesite="Strict",
        secure=request.app[keys.SETTINGS].is_production,
        path="/",
        max_age=int(auth.IDLE_TIMEOUT.total_seconds()) * 16,
    )


async def logout(request: web.Request) -> web.StreamResponse:
    """End the session and go back to the login form."""
    token = request.cookies.get(auth.COOKIE_NAME, "")
    await request.app[keys.DATABASE].run(auth.logout, token=token)
    response = web.HTTPSeeOther("/supporter/login")
    response.del_cookie(auth.COOKIE_NAME, path="/")
    raise response


async def read_json(request: web.Request) -> dict[str, Any]:
    """Read a small JSON object body, or raise a 4xx with a JSON error."""
    if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
        raise web.HTTPRequestEntityTooLarge(MAX_JSON_BYTES, request.content_length)
    raw = await request.content.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        raise web.HTTPRequestEntityTooLarge(MAX_JSON_BYTES, len(raw))
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _bad_request("body must be valid UTF-8 JSON") from None
    except RecursionError:  # "[[[[...": 16 KiB is enough to nest past the parser's limit
        raise _bad_request("body is nested too deeply") from None
    if not isinstance(body, dict):
        raise _bad_request("body must be a JSON object")
    if _has_unstorable_text(body):
        raise _bad_request("text must not contain NUL characters or unpaired surrogates")
    return body


def _bad_request(message: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=json.dumps({"error": message}), content_type="application/json")


def _has_unstorable_text(value: Any) -> bool:
    """Return True if any key or string holds NUL or a lone surrogate (escaped in the JSON).

    Neither can be stored: SQLite's driver cannot encode a lone surrogate and PostgreSQL
    refuses NUL, so they are refused here rather than failing halfway through a write.
    """
    pending = [value]
    while pending:  # iterative: the parser already bounded the depth, keep the stack flat
        item = pending.pop()
        if isinstance(item, str):
            if UNSTORABLE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False
