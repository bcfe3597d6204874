"""Repository functions for Ally's direct question about risk (``risk_asks``, no text)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.clock import as_utc, utcnow
from bot.storage.tables import risk_asks

ANSWERS = ("yes", "unsure", "no", "other")


@dataclass(frozen=True)
class OpenAsk:
    """A question not answered yet."""

    id: int
    category: str | None
    asked_at: datetime


def record_ask(
    connection: Connection, *, conversation_id: str, message_id: str, score: float,
    raised: bool, category: str | None,
) -> int:  # fmt: skip
    """Store that Ally asked; return the row id (the existing one for a re-sent message)."""
    existing = connection.execute(
        sa.select(risk_asks.c.id).where(risk_asks.c.message_id == message_id)
    ).scalar()
    if existing is not None:
        return int(existing)
    values = {
        "conversation_id": conversation_id, "message_id": message_id, "asked_at": utcnow(),
        "score": float(score), "raised": raised, "category": category,
    }  # fmt: skip
    result = connection.execute(sa.insert(risk_asks).values(**values))
    return int(result.inserted_primary_key[0])


def record_answer(connection: Connection, *, ask_id: int, answer: str) -> None:
    """Store the answer to question ``ask_id`` (the first answer counts).

    Raises:
        ValueError: If ``answer`` is not one of :data:`ANSWERS`.
    """
    if answer not in ANSWERS:
        raise ValueError(f"answer must be one of {ANSWERS}, got {answer!r}")
    connection.execute(
        sa.update(risk_asks)
        .where(risk_asks.c.id == ask_id, risk_asks.c.answer.is_(None))
        .values(answer=answer, answered_at=utcnow())
    )


def open_ask(connection: Connection, *, conversation_id: str, within: timedelta) -> OpenAsk | None:
    """The conversation's newest unanswered question asked within ``within``, if any."""
    row = connection.execute(
        sa.select(risk_asks.c.id, risk_asks.c.category, risk_asks.c.asked_at, risk_asks.c.answer)
        .where(risk_asks.c.conversation_id == conversation_id)
        .order_by(risk_asks.c.asked_at.desc(), risk_asks.c.id.desc())
        .limit(1)
    ).first()
    if row is None or row.answer is not None:
        return None
    asked_at = as_utc(row.asked_at)
    if utcnow() - asked_at > within:
        return None
    return OpenAsk(int(row.id), row.category, asked_at)
