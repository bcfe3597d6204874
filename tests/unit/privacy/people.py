"""Fixture rows: one person's data in every table, by direct inserts (shared by several suites)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.storage import tables as t

T0 = datetime(2024, 3, 4, 9, 0, tzinfo=timezone.utc)
_ids = itertools.count(1)


def _one(connection: Connection, table: sa.Table, **values: object) -> int:
    result = connection.execute(sa.insert(table).values(**values))
    key = result.inserted_primary_key
    return int(key[0]) if key and isinstance(key[0], int) else 0


def insert_supporter(connection: Connection, username: str = "sam") -> int:
    found = connection.execute(
        sa.select(t.supporters.c.id).where(t.supporters.c.username == username)
    ).scalar()
    if found is not None:
        return int(found)
    supporter_id = _one(
        connection, t.supporters, username=username, password_hash="h", role="supporter",
        created_at=T0,
    )  # fmt: skip
    _one(
        connection, t.supporter_sessions, token_hash=f"tok-{username}", supporter_id=supporter_id,
        csrf_token="c", created_at=T0, last_seen_at=T0,
    )  # fmt: skip
    return supporter_id


def insert_person(
    connection: Connection,
    conversation_id: str,
    marker: str,
    *,
    start: datetime = T0,
    surveys: int = 2,
) -> None:
    """Insert rows for ``conversation_id`` in every table; free-text fields hold ``marker``."""
    cid = conversation_id
    n = next(_ids)
    insert_supporter(connection)
    _one(
        connection, t.participants, conversation_id=cid, display_name=f"{marker} name",
        created_at=start, updated_at=start,
    )  # fmt: skip
    _one(
        connection, t.conversation_sessions, conversation_id=cid, started_at=start,
        last_seen_at=start + timedelta(minutes=5), turns=7,
    )  # fmt: skip
    _one(connection, t.mood_ratings, conversation_id=cid, rating=4, created_at=start)
    _one(
        connection, t.action_writes, conversation_id=cid, message_id=f"{marker}-msg-{n}", step=1,
        label="start_checkin", result=n, created_at=start,
    )  # fmt: skip
    _one(
        connection, t.risk_asks, conversation_id=cid, message_id=f"{marker}-ask-{n}",
        asked_at=start, score=0.6, raised=False, category="suicidal_ideation", answer="no",
        answered_at=start,
    )  # fmt: skip
    for day, status in enumerate(("completed", "abandoned", "completed")):
        _one(
            connection, t.checkins, conversation_id=cid, mood=4 + day, emotions=[marker, "sad"],
            status=status, step="mood", started_at=start + timedelta(days=7 * day),
            ended_at=start + timedelta(days=7 * day, minutes=3),
        )  # fmt: skip
    _one(
        connection, t.thought_records, conversation_id=cid, situation=f"{marker} situation",
        automatic_thought=f"{marker} thought", emotion=f"{marker} emotion", intensity_before=80,
        distortions=["labelling"], evidence_for=f"{marker} for", evidence_against=f"{marker} ag",
        balanced_thought=f"{marker} balanced", intensity_after=40, status="completed",
        step="done", created_at=start,
    )  # fmt: skip
    goal_id = _one(
        connection, t.goals, conversation_id=cid, proposed_text=f"{marker} goal?",
        text=f"{marker} goal", status="accepted", created_at=start,
    )  # fmt: skip
    for week, status in enumerate(("done", "not_done", "partly_done")):
        _one(
            connection, t.tasks, conversation_id=cid, goal_id=goal_id, what=f"{marker} walk",
            when_text=f"{marker} monday", obstacle=f"{marker} rain", status=status,
            barrier=f"{marker} tired", next_step=f"{marker} shoes",
            created_at=start + timedelta(days=7 * week),
            reviewed_at=start + timedelta(days=7 * week + 3),
        )  # fmt: skip
    _one(
        connection, t.scheduled_checkins, conversation_id=cid, due_at=start + timedelta(days=1),
        status="scheduled", created_at=start,
    )  # fmt: skip
    for k in range(surveys):
        when = start + timedelta(days=14 * k)
        admin_id = _one(
            connection, t.survey_administrations, conversation_id=cid, instrument="wai_sr_chatbot",
            status="completed", scores={"bond": 3.0 + k / 2, "goal": 3.5, "task": 2.5 + k / 2},
            started_at=when, ended_at=when + timedelta(minutes=2),
        )  # fmt: skip
        for item, subscale, value in (("b1", "bond", 3 + k), ("g1", "goal", 4), ("t1", "task", 2)):
            _one(
                connection, t.survey_responses, administration_id=admin_id, conversation_id=cid,
                item_id=item, subscale=subscale, value=value, created_at=when,
            )  # fmt: skip
            _one(
                connection, t.alliance_signals, conversation_id=cid, event_id=f"{cid}-ev{k}",
                dimension=subscale, source="survey", value=float(value), cue="wai_sr",
                created_at=when,
            )  # fmt: skip
    for dimension, value in (("bond", 1.0), ("goal", 0.5), ("task", -0.5), ("engagement", 1.0)):
        _one(
            connection, t.alliance_signals, conversation_id=cid, event_id=f"{cid}-b", value=value,
            dimension=dimension, source="behaviour", cue="thanks", created_at=start,
        )  # fmt: skip
    escalation_id = _one(
        connection, t.escalations, conversation_id=cid, message_id=f"{cid}-m{n}", kind="risk",
        severity="high", categories=["suicidal_ideation"], matches=[{"text": marker}],
        excerpt=f"{marker} excerpt", context={"replies": [{"text": marker, "cid": cid}]},
        status="resolved", claimed_by="sam", outcome="contacted", created_at=start,
        updated_at=start, resolved_at=start + timedelta(minutes=4), claimed_at=start,
    )  # fmt: skip
    _one(
        connection, t.escalation_messages, message_id=f"{cid}-m{n}", escalation_id=escalation_id,
        severity="high", categories=["suicidal_ideation"], matches=[{"text": marker}],
        source="web", created_at=start,
    )  # fmt: skip
    _one(
        connection, t.escalation_notes, escalation_id=escalation_id, author="sam",
        text=f"{marker} note", created_at=start,
    )  # fmt: skip
    _one(
        connection, t.webhook_outbox, event="escalation.created", escalation_id=escalation_id,
        payload={"conversation_id": cid, "excerpt": marker}, status="sent",
        next_attempt_at=start, created_at=start,
    )  # fmt: skip
    _one(
        connection, t.takeovers, conversation_id=cid, supporter="sam", started_at=start,
        ended_at=start + timedelta(minutes=9),
    )  # fmt: skip
    for sender in ("person", "supporter"):
        _one(
            connection, t.conversation_messages, conversation_id=cid, sender=sender,
            message_id=f"{cid}-{sender}-{n}", author="sam" if sender == "supporter" else None,
            text=f"{marker} says {sender}", created_at=start,
        )  # fmt: skip
    _one(
        connection, t.audit_log, actor="sam", action="conversation_viewed",
        target_type="conversation", target_id=cid, detail={}, created_at=start,
    )  # fmt: skip
    _one(
        connection, t.audit_log, actor="sam", action="escalation_claimed",
        target_type="escalation", target_id=str(escalation_id), detail={"conversation": cid},
        created_at=start,
    )  # fmt: skip


def tables_with_rows(connection: Connection) -> set[str]:
    return {
        name
        for name, table in t.metadata.tables.items()
        if connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()
    }


def text_columns(table: sa.Table) -> list[sa.Column]:
    return [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text, sa.JSON))]


def find_everywhere(connection: Connection, needle: str) -> list[tuple[str, str]]:
    """Return (table, column) pairs where any row's text or JSON contains ``needle``."""
    found = []
    for name, table in t.metadata.tables.items():
        for column in text_columns(table):
            hit = connection.execute(
                sa.select(sa.func.count())
                .select_from(table)
                .where(sa.cast(column, sa.Text).contains(needle, autoescape=True))
            ).scalar()
            if hit:
                found.append((name, column.name))
    return found
