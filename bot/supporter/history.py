"""Search of resolved escalations: parse untrusted filter strings, then query one page."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy.engine import Connection

from bot.storage import escalations as store
from bot.supporter.errors import InvalidInputError

PAGE_SIZE = 25
FILTERS = ("conversation_id", "category", "outcome", "from", "to")
MAX_PAGE = 10_000
_CATEGORY = re.compile(r"^[a-z_]{1,64}$")


@dataclass(frozen=True)
class HistoryPage:
    """One page of resolved escalations."""

    items: list[store.Escalation]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        """How many pages the whole result has (at least 1)."""
        return max(1, -(-self.total // self.page_size))


def parse_filters(params: Mapping[str, str]) -> tuple[store.HistoryQuery, int]:
    """Turn query-string values into a history query and a page number.

    Accepts ``conversation_id``, ``category``, ``outcome``, ``from`` and ``to`` (dates,
    YYYY-MM-DD, both inclusive) and ``page``. Empty values mean "any".

    Raises:
        InvalidInputError: on a malformed value.
    """
    conversation_id = params.get("conversation_id", "").strip() or None
    if conversation_id is not None and len(conversation_id) > 128:
        raise InvalidInputError("conversation_id is at most 128 characters")
    category = params.get("category", "").strip() or None
    if category is not None and not _CATEGORY.match(category):
        raise InvalidInputError("category must be lower-case letters and underscores")
    outcome = params.get("outcome", "").strip() or None
    if outcome is not None and outcome not in store.OUTCOMES:
        raise InvalidInputError(f"outcome must be one of {', '.join(store.OUTCOMES)}")
    start = _date(params, "from")
    end = _date(params, "to")
    raw_page = params.get("page", "1").strip() or "1"
    if not raw_page.isdigit() or not 1 <= int(raw_page) <= MAX_PAGE:
        raise InvalidInputError(f"page must be a whole number from 1 to {MAX_PAGE}")
    query = store.HistoryQuery(
        conversation_id=conversation_id,
        category=category,
        outcome=outcome,
        created_from=None if start is None else _midnight(start),
        created_before=None if end is None else _midnight(end + timedelta(days=1)),
    )
    return query, int(raw_page)


def _date(params: Mapping[str, str], name: str) -> date | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInputError(f"{name} must be a date like 2026-01-31") from None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def search(
    connection: Connection, *, query: store.HistoryQuery, page: int, page_size: int = PAGE_SIZE
) -> HistoryPage:
    """Return one page of resolved escalations matching ``query``."""
    items, total = store.search_resolved(
        connection, query=query, limit=page_size, offset=(page - 1) * page_size
    )
    return HistoryPage(items, total, page, page_size)
