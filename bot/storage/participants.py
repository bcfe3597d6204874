"""Repository functions for what Ally remembers about a person between visits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.clock import as_utc, utcnow
from bot.storage.goals import latest_agreed_goal
from bot.storage.tables import checkins, goals, participants, tasks

MAX_NAME_LENGTH = 40


@dataclass(frozen=True)
class ReturnContext:
    """What a returning person's greeting is built from; every part is optional."""

    display_name: str | None
    last_checkin_at: datetime | None
    last_goal: str | None
    planned_task_id: int | None
    planned_task: str | None

    @property
    def is_return_visit(self) -> bool:
        """Return True when Ally has met this person before."""
        return self.last_checkin_at is not None or self.display_name is not None


def set_display_name(connection: Connection, *, conversation_id: str, name: str) -> None:
    """Store the name the person asked to be called (create the participant if needed).

    Raises:
        ValueError: for an empty or over-long name.
    """
    name = " ".join(name.split())
    if not 0 < len(name) <= MAX_NAME_LENGTH:
        raise ValueError(f"display name must be 1-{MAX_NAME_LENGTH} characters")
    now = utcnow()
    updated = connection.execute(
        sa.update(participants)
        .where(participants.c.conversation_id == conversation_id)
        .values(display_name=name, updated_at=now)
    )
    if updated.rowcount == 0:
        connection.execute(
            sa.insert(participants).values(
                conversation_id=conversation_id, display_name=name, created_at=now, updated_at=now
            )
        )


def return_context(connection: Connection, *, conversation_id: str) -> ReturnContext:
    """Return the name, the last check-in, the last agreed goal and the planned task."""
    name = connection.execute(
        sa.select(participants.c.display_name).where(
            participants.c.conversation_id == conversation_id
        )
    ).scalar_one_or_none()
    last = connection.execute(
        sa.select(checkins.c.started_at)
        .where(checkins.c.conversation_id == conversation_id)
        .order_by(checkins.c.started_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    goal = connection.execute(
        latest_agreed_goal(conversation_id, goals.c.text)
    ).scalar_one_or_none()
    task = connection.execute(
        sa.select(tasks.c.id, tasks.c.what)
        .where(tasks.c.conversation_id == conversation_id, tasks.c.status == "planned")
        .order_by(tasks.c.created_at.desc(), tasks.c.id.desc())
        .limit(1)
    ).first()
    return ReturnContext(
        display_name=name,
        last_checkin_at=as_utc(last) if last is not None else None,
        last_goal=goal,
        planned_task_id=task.id if task else None,
        planned_task=task.what if task else None,
    )
