"""Repository functions for check-in data."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.clock import utcnow
from bot.storage.tables import mood_ratings


def record_mood(connection: Connection, *, conversation_id: str, rating: int) -> int:
    """Store one mood rating (0-10) and return its id.

    Raises:
        ValueError: when the rating is outside 0-10.
    """
    if not 0 <= rating <= 10:
        raise ValueError(f"mood rating must be between 0 and 10, got {rating}")
    result = connection.execute(
        sa.insert(mood_ratings).values(
            conversation_id=conversation_id, rating=rating, created_at=utcnow()
        )
    )
    return int(result.inserted_primary_key[0])


def mood_history(connection: Connection, *, conversation_id: str, limit: int = 10) -> list[int]:
    """Return the most recent mood ratings of a conversation, newest first."""
    rows = connection.execute(
        sa.select(mood_ratings.c.rating)
        .where(mood_ratings.c.conversation_id == conversation_id)
        .order_by(mood_ratings.c.created_at.desc(), mood_ratings.c.id.desc())
        .limit(limit)
    )
    return [int(row.rating) for row in rows]
