"""Repository functions for goals and the tasks planned towards them."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.clock import utcnow
from bot.storage.tables import goals, tasks

GOAL_STATUSES = ("proposed", "accepted", "edited", "rejected")
TASK_REVIEW_STATUSES = ("done", "partly_done", "not_done")


def latest_agreed_goal(conversation_id: str, *columns: Any) -> sa.Select:
    """Select the conversation's most recent accepted or edited goal."""
    return (
        sa.select(*columns)
        .where(
            goals.c.conversation_id == conversation_id,
            goals.c.status.in_(("accepted", "edited")),
        )
        .order_by(goals.c.created_at.desc(), goals.c.id.desc())
        .limit(1)
    )


def record_goal(
    connection: Connection,
    *,
    conversation_id: str,
    status: str,
    text: str | None,
    proposed_text: str | None = None,
) -> int:
    """Store a goal decision: the proposal and what the person agreed to (if anything).

    Raises:
        ValueError: for an unknown status, or an agreed goal without text.
    """
    if status not in GOAL_STATUSES:
        raise ValueError(f"unknown goal status {status!r}")
    if status in ("accepted", "edited") and not text:
        raise ValueError("an agreed goal needs its text")
    result = connection.execute(
        sa.insert(goals).values(
            conversation_id=conversation_id,
            proposed_text=proposed_text,
            text=text,
            status=status,
            created_at=utcnow(),
        )
    )
    return int(result.inserted_primary_key[0])


def plan_task(
    connection: Connection,
    *,
    conversation_id: str,
    what: str,
    when_text: str | None,
    obstacle: str | None,
) -> int:
    """Store the task planned for before the next check-in, linked to the latest agreed goal."""
    goal_id = connection.execute(
        latest_agreed_goal(conversation_id, goals.c.id)
    ).scalar_one_or_none()
    result = connection.execute(
        sa.insert(tasks).values(
            conversation_id=conversation_id,
            goal_id=goal_id,
            what=what,
            when_text=when_text,
            obstacle=obstacle,
            status="planned",
            created_at=utcnow(),
        )
    )
    return int(result.inserted_primary_key[0])


def review_task(connection: Connection, *, conversation_id: str, status: str) -> int | None:
    """Mark the latest planned task done, partly done or not done; return its id (or None).

    Raises:
        ValueError: for any other status.
    """
    if status not in TASK_REVIEW_STATUSES:
        raise ValueError(f"a task is reviewed as one of {TASK_REVIEW_STATUSES}, not {status!r}")
    task_id = connection.execute(
        sa.select(tasks.c.id)
        .where(tasks.c.conversation_id == conversation_id, tasks.c.status == "planned")
        .order_by(tasks.c.created_at.desc(), tasks.c.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if task_id is None:
        return None
    connection.execute(
        sa.update(tasks).where(tasks.c.id == task_id).values(status=status, reviewed_at=utcnow())
    )
    return int(task_id)


def record_barrier(
    connection: Connection, *, conversation_id: str, barrier: str | None, next_step: str | None
) -> int | None:
    """Note what got in the way of the last reviewed task and the step agreed for next time."""
    task_id = connection.execute(
        sa.select(tasks.c.id)
        .where(
            tasks.c.conversation_id == conversation_id,
            tasks.c.status.in_(("partly_done", "not_done")),
        )
        .order_by(tasks.c.reviewed_at.desc(), tasks.c.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if task_id is None:
        return None
    connection.execute(
        sa.update(tasks).where(tasks.c.id == task_id).values(barrier=barrier, next_step=next_step)
    )
    return int(task_id)


def goal_rows(connection: Connection, *, conversation_id: str) -> list[dict[str, object]]:
    """Return a conversation's goals, oldest first."""
    rows = connection.execute(
        sa.select(goals).where(goals.c.conversation_id == conversation_id).order_by(goals.c.id)
    )
    return [dict(row._mapping) for row in rows]


def task_rows(connection: Connection, *, conversation_id: str) -> list[dict[str, object]]:
    """Return a conversation's tasks, oldest first."""
    rows = connection.execute(
        sa.select(tasks).where(tasks.c.conversation_id == conversation_id).order_by(tasks.c.id)
    )
    return [dict(row._mapping) for row in rows]
