"""The supporters' JSON API under ``/api/``: thin handlers over ``bot.supporter``.

Every error is a 4xx with ``{"error": ...}``; each change is one transaction with its audit row.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from aiohttp import web
from sqlalchemy.engine import Connection

from bot.clock import utcnow
from bot.storage import escalations as store
from bot.storage.accounts import list_accounts
from bot.storage.audit import list_audit, record_audit
from bot.supporter import accounts as admin
from bot.supporter import claims, history, queue
from bot.supporter.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    SupporterError,
)
from bot.web import auth, keys
from bot.web.events import publish_escalation
from bot.web.metrics_views import observe_claim
from bot.web.middleware import json_error
from bot.web.views import read_json

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
STATUS_FOR = {NotFoundError: 404, ConflictError: 409, ForbiddenError: 403, InvalidInputError: 400}
MAX_ID = 2**31 - 1


def add_routes(app: web.Application) -> None:
    """Register the escalation, history, audit and account endpoints."""
    r = app.router
    r.add_get("/api/escalations", list_escalations, name="api_escalations")
    r.add_get("/api/escalations/{id}", get_escalation, name="api_escalation")
    r.add_post("/api/escalations/{id}/claim", claim, name="api_escalation_claim")
    r.add_post("/api/escalations/{id}/unclaim", unclaim, name="api_escalation_unclaim")
    r.add_post("/api/escalations/{id}/notes", add_note, name="api_escalation_notes")
    r.add_post("/api/escalations/{id}/resolve", resolve, name="api_escalation_resolve")
    r.add_get("/api/history", search_history, name="api_history")
    r.add_get("/api/audit", audit, name="admin_api_audit")
    r.add_get("/api/accounts", accounts_list, name="admin_api_accounts")
    r.add_post("/api/accounts", accounts_create, name="admin_api_accounts_create")
    r.add_patch("/api/accounts/{id}", accounts_update, name="admin_api_account_update")
    r.add_post("/api/accounts/{id}/password", accounts_password, name="admin_api_account_password")


def domain_errors(handler: Handler) -> Handler:
    """Map the service layer's errors to JSON 4xx responses."""

    @wraps(handler)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except SupporterError as exc:
            return json_error(STATUS_FOR.get(type(exc), 400), str(exc))

    return wrapper


def actor(request: web.Request) -> claims.Actor:
    """Return the signed-in account as an actor."""
    account = request[keys.ACCOUNT]
    return claims.Actor(account.username, account.role)


def path_id(request: web.Request) -> int:
    """Return the ``{id}`` path segment as an int, or raise NotFoundError."""
    raw = request.match_info["id"]
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        raise NotFoundError(f"no record with id {raw[:20]!r}")
    return int(raw)


def _target(request: web.Request) -> float:
    return request.app[keys.SETTINGS].escalation_target_seconds


# --- Escalations -------------------------------------------------------------------------------


@domain_errors
async def list_escalations(request: web.Request) -> web.Response:
    """``GET /api/escalations[?status=open|claimed|resolved]``; without status, the queue."""
    status = request.query.get("status")
    if status is not None and status not in store.STATUSES:
        raise InvalidInputError(
            f"unknown status {status!r}; use one of {', '.join(store.STATUSES)}"
        )
    database = request.app[keys.DATABASE]
    if status is None:
        rows = await database.run(store.list_active)
    else:
        rows = await database.run(store.list_escalations, status=status)
    now = utcnow()
    return web.json_response([queue.item_json(e, now, _target(request)) for e in queue.order(rows)])


def _view(connection: Connection, *, escalation_id: int, viewer: str) -> dict[str, Any]:
    found = store.get_escalation(connection, escalation_id=escalation_id)
    if found is None:
        raise NotFoundError(f"no escalation with id {escalation_id}")
    notes = store.list_notes(connection, escalation_id=escalation_id)
    record_audit(
        connection,
        actor=viewer,
        action="escalation.view",
        target_type="escalation",
        target_id=escalation_id,
    )
    return {"escalation": found, "notes": notes}


@domain_errors
async def get_escalation(request: web.Request) -> web.Response:
    """``GET /api/escalations/{id}``: the escalation with its notes."""
    found = await request.app[keys.DATABASE].run(
        _view, escalation_id=path_id(request), viewer=actor(request).username
    )
    body = queue.item_json(found["escalation"], utcnow(), _target(request))
    body["notes"] = [note.to_json() for note in found["notes"]]
    return web.json_response(body)


async def _change(request: web.Request, fn: Callable[..., Any], **kwargs: Any) -> web.Response:
    escalation = await request.app[keys.DATABASE].run(
        fn, escalation_id=path_id(request), actor=actor(request), **kwargs
    )
    publish_escalation(request.app, escalation)
    observe_claim(request.app, escalation)
    return web.json_response(queue.item_json(escalation, utcnow(), _target(request)))


@domain_errors
async def claim(request: web.Request) -> web.Response:
    """``POST /api/escalations/{id}/claim``: 409 when someone else was first."""
    return await _change(request, claims.claim)


@domain_errors
async def unclaim(request: web.Request) -> web.Response:
    """``POST /api/escalations/{id}/unclaim``: only the claimer or an admin."""
    return await _change(request, claims.unclaim)


@domain_errors
async def resolve(request: web.Request) -> web.Response:
    """``POST /api/escalations/{id}/resolve`` with ``{"outcome", "note"?}``."""
    body = await read_json(request)
    outcome, note = body.get("outcome"), body.get("note")
    if not isinstance(outcome, str):
        raise InvalidInputError("outcome must be a string")
    if note is not None and not isinstance(note, str):
        raise InvalidInputError("note must be a string")
    return await _change(request, claims.resolve, outcome=outcome, note=note or None)


@domain_errors
async def add_note(request: web.Request) -> web.Response:
    """``POST /api/escalations/{id}/notes`` with ``{"text"}``."""
    body = await read_json(request)
    escalation_id = path_id(request)
    note = await request.app[keys.DATABASE].run(
        claims.add_note, escalation_id=escalation_id, actor=actor(request), text=body.get("text")
    )
    updated = await request.app[keys.DATABASE].run(
        store.get_escalation, escalation_id=escalation_id
    )
    if updated is not None:
        publish_escalation(request.app, updated)
    return web.json_response(note.to_json(), status=201)


@domain_errors
async def search_history(request: web.Request) -> web.Response:
    """``GET /api/history``: resolved escalations, filtered and paginated."""
    try:
        query, page = history.parse_filters(request.query)
    except OverflowError:  # to=9999-12-31: the day after is past the calendar's end
        raise InvalidInputError("from and to must be dates before 9999-12-31") from None
    result = await request.app[keys.DATABASE].run(history.search, query=query, page=page)
    now = utcnow()
    return web.json_response(
        {
            "items": [queue.item_json(e, now, _target(request)) for e in result.items],
            "total": result.total,
            "page": result.page,
            "pages": result.pages,
        }
    )


# --- Audit and accounts (admin) ----------------------------------------------------------------


def _optional_int(request: web.Request, name: str, default: int | None) -> int | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_ID:
        raise InvalidInputError(f"{name} must be a whole number")
    return int(raw)


@domain_errors
async def audit(request: web.Request) -> web.Response:
    """``GET /api/audit?limit&before_id&actor&target_type&target_id``, newest first."""
    limit = _optional_int(request, "limit", 200) or 200
    rows = await request.app[keys.DATABASE].run(
        list_audit,
        limit=limit,
        before_id=_optional_int(request, "before_id", None),
        actor=request.query.get("actor") or None,
        target_type=request.query.get("target_type") or None,
        target_id=request.query.get("target_id") or None,
    )
    return web.json_response([row.to_json() for row in rows])


async def accounts_list(request: web.Request) -> web.Response:
    """``GET /api/accounts``."""
    rows = await request.app[keys.DATABASE].run(list_accounts)
    return web.json_response([row.to_json() for row in rows])


async def new_password_hash() -> tuple[str, str]:
    """Return a fresh one-time password and its argon2 hash (hashed off the event loop)."""
    password = auth.generate_password()
    hashed = await asyncio.get_running_loop().run_in_executor(None, auth.hash_password, password)
    return password, hashed


@domain_errors
async def accounts_create(request: web.Request) -> web.Response:
    """``POST /api/accounts`` with ``{"username", "role"}``; returns a one-time password."""
    body = await read_json(request)
    password, hashed = await new_password_hash()
    account = await request.app[keys.DATABASE].run(
        admin.create,
        actor=actor(request),
        username=body.get("username"),
        role=body.get("role"),
        password_hash=hashed,
    )
    return web.json_response({"account": account.to_json(), "password": password}, status=201)


def _update(
    connection: Connection, *, actor: claims.Actor, account_id: int, body: dict[str, Any]
) -> Any:
    if not {"role", "active"} & body.keys():
        raise InvalidInputError("send role and/or active")
    result = None
    if "role" in body:
        result = admin.change_role(
            connection, actor=actor, account_id=account_id, role=body["role"]
        )
    if "active" in body:
        result = admin.set_active(
            connection, actor=actor, account_id=account_id, active=body["active"]
        )
    return result


@domain_errors
async def accounts_update(request: web.Request) -> web.Response:
    """``PATCH /api/accounts/{id}`` with ``{"role"?, "active"?}`` (one transaction)."""
    body = await read_json(request)
    account = await request.app[keys.DATABASE].run(
        _update, actor=actor(request), account_id=path_id(request), body=body
    )
    return web.json_response(account.to_json())


@domain_errors
async def accounts_password(request: web.Request) -> web.Response:
    """``POST /api/accounts/{id}/password``: a new one-time password; ends its sessions."""
    account_id = path_id(request)
    password, hashed = await new_password_hash()
    account = await request.app[keys.DATABASE].run(
        admin.reset_password, actor=actor(request), account_id=account_id, password_hash=hashed
    )
    return web.json_response({"account": account.to_json(), "password": password})
