"""The supporter app's HTML pages: queue, history, research, audit log and accounts."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.clock import utcnow
from bot.storage import escalations as store
from bot.storage.accounts import ROLES, list_accounts
from bot.storage.audit import list_audit
from bot.supporter import accounts as admin
from bot.supporter import history, queue, research
from bot.supporter.errors import SupporterError
from bot.web import keys
from bot.web.supporter_api import STATUS_FOR, actor, new_password_hash, path_id
from bot.web.views import render

OUTCOME_LABELS = {
    "contacted": "Contacted the person",
    "emergency_services": "Referred to emergency services",
    "false_alarm": "False alarm",
    "other": "Other",
}
AUDIT_PAGE_SIZE = 100


def add_routes(app: web.Application) -> None:
    """Register the supporter pages and the admin's account forms."""
    r = app.router
    r.add_get("/supporter", queue_page, name="supporter_queue")
    r.add_get("/supporter/history", history_page, name="supporter_history")
    r.add_get("/research", research_page, name="research")
    r.add_get("/supporter/audit", audit_page, name="admin_audit")
    r.add_get("/supporter/accounts", accounts_page, name="admin_accounts")
    r.add_post("/supporter/accounts", account_create, name="admin_accounts_create")
    r.add_post("/supporter/accounts/{id}/role", account_role, name="admin_accounts_role")
    r.add_post("/supporter/accounts/{id}/active", account_active, name="admin_accounts_active")
    r.add_post(
        "/supporter/accounts/{id}/password", account_password, name="admin_accounts_password"
    )


async def queue_page(request: web.Request) -> web.Response:
    """The live queue: open and claimed escalations, most urgent first."""
    target = request.app[keys.SETTINGS].escalation_target_seconds
    rows = queue.order(await request.app[keys.DATABASE].run(store.list_active))
    now = utcnow()
    return render(
        request,
        "queue.html",
        escalations=[queue.item_json(e, now, target) for e in rows],
        target_seconds=int(target),
        outcomes=OUTCOME_LABELS,
    )


async def history_page(request: web.Request) -> web.Response:
    """Resolved escalations, searchable by conversation, category, outcome and dates."""
    form = {name: request.query.get(name, "") for name in history.FILTERS}
    try:
        query, page = history.parse_filters(request.query)
    except SupporterError as exc:
        response = render(
            request, "history.html", result=None, error=str(exc), form=form, outcomes=OUTCOME_LABELS
        )
        response.set_status(400)
        return response
    result = await request.app[keys.DATABASE].run(history.search, query=query, page=page)
    return render(
        request, "history.html", result=result, error=None, form=form, outcomes=OUTCOME_LABELS
    )


async def research_page(request: web.Request) -> web.Response:
    """Aggregate counts for researchers (and everyone else): no ids, no text."""
    summary = await request.app[keys.DATABASE].run(research.summarise)
    return render(request, "research.html", summary=summary)


async def audit_page(request: web.Request) -> web.Response:
    """The audit log, newest first, filterable by actor (admins)."""
    before = request.query.get("before_id", "")
    actor_filter = request.query.get("actor", "").strip()[:64]
    rows = await request.app[keys.DATABASE].run(
        list_audit,
        limit=AUDIT_PAGE_SIZE,
        before_id=int(before) if before.isascii() and before.isdigit() else None,
        actor=actor_filter or None,
    )
    older = rows[-1].id if len(rows) == AUDIT_PAGE_SIZE else None
    return render(request, "audit.html", rows=rows, actor_filter=actor_filter, older=older)


async def _accounts(request: web.Request, status: int = 200, **context: Any) -> web.Response:
    rows = await request.app[keys.DATABASE].run(list_accounts)
    values: dict[str, Any] = {"message": None, "error": None, "password": None}
    values.update(context)
    response = render(request, "accounts.html", accounts=rows, roles=ROLES, **values)
    response.set_status(status)
    return response


async def accounts_page(request: web.Request) -> web.Response:
    """Account administration (admins)."""
    return await _accounts(request)


async def _apply(
    request: web.Request, fn: Any, message: str, password: str | None = None, **kwargs: Any
) -> web.Response:
    """Run one admin change; render the page with its outcome (and a one-time password)."""
    try:
        account = await request.app[keys.DATABASE].run(fn, actor=actor(request), **kwargs)
    except SupporterError as exc:
        status = STATUS_FOR.get(type(exc), 400)
        return await _accounts(request, status=status, error=str(exc))
    text = message.format(username=account.username)
    return await _accounts(request, message=text, password=password)


async def account_create(request: web.Request) -> web.Response:
    """Create an account with a one-time password shown once."""
    form = await request.post()
    password, hashed = await new_password_hash()
    return await _apply(
        request,
        admin.create,
        "Created {username}. Give them the one-time password below.",
        password=password,
        username=str(form.get("username", "")),
        role=str(form.get("role", "")),
        password_hash=hashed,
    )


async def account_role(request: web.Request) -> web.Response:
    """Change an account's role."""
    form = await request.post()
    return await _apply(
        request,
        admin.change_role,
        "Changed the role of {username}.",
        account_id=_form_id(request),
        role=str(form.get("role", "")),
    )


async def account_active(request: web.Request) -> web.Response:
    """Deactivate or reactivate an account."""
    form = await request.post()
    return await _apply(
        request,
        admin.set_active,
        "Updated {username}.",
        account_id=_form_id(request),
        active=form.get("active") == "true",
    )


async def account_password(request: web.Request) -> web.Response:
    """Reset an account's password to a new one-time password."""
    password, hashed = await new_password_hash()
    return await _apply(
        request,
        admin.reset_password,
        "Reset the password of {username}. Give them the one-time password below.",
        password=password,
        account_id=_form_id(request),
        password_hash=hashed,
    )


def _form_id(request: web.Request) -> int:
    try:
        return path_id(request)
    except SupporterError:
        raise web.HTTPNotFound(text="No such account.") from None
