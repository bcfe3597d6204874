from typing import Any

import pytest
import sqlalchemy as sa

from bot.storage.engine import Database
from bot.storage.escalations import (
    FlaggedMessage,
    add_context,
    count_flagged_messages,
    excerpt_around,
    has_open_escalation,
    list_escalations,
    record_flagged_message,
)
from bot.storage.tables import escalations


def flagged(
    message_id: str, severity: str = "high", conversation: str = "c1", **kw: Any
) -> FlaggedMessage:
    values: dict[str, Any] = {
        "conversation_id": conversation,
        "message_id": message_id,
        "severity": severity,
        "categories": ["suicidal_ideation"],
        "matches": [{"rule_id": "r1", "start": 0, "end": 3, "text": "die"}],
        "excerpt": "i want to die",
        "source": "web",
    }
    values.update(kw)
    return FlaggedMessage(**values)


def test_same_message_twice_is_recorded_once(database: Database) -> None:
    first = database.run_sync(record_flagged_message, message=flagged("m1"))
    again = database.run_sync(record_flagged_message, message=flagged("m1", source="rasa"))
    assert first == again
    assert database.run_sync(count_flagged_messages, conversation_id="c1") == 1
    assert len(database.run_sync(list_escalations)) == 1


def test_later_message_updates_the_open_escalation_and_raises_severity(database: Database) -> None:
    database.run_sync(record_flagged_message, message=flagged("m1", severity="medium"))
    database.run_sync(
        record_flagged_message,
        message=flagged("m2", severity="imminent", categories=["suicide_plan_or_means"]),
    )
    database.run_sync(record_flagged_message, message=flagged("m3", severity="low"))
    (row,) = database.run_sync(list_escalations)
    assert row.severity == "imminent"
    assert row.categories == ["suicidal_ideation", "suicide_plan_or_means"]
    assert database.run_sync(count_flagged_messages, conversation_id="c1") == 3


def test_a_resolved_escalation_is_not_reopened(database: Database) -> None:
    database.run_sync(record_flagged_message, message=flagged("m1"))
    database.run_sync(lambda c: c.execute(sa.update(escalations).values(status="resolved")))
    assert not database.run_sync(has_open_escalation, conversation_id="c1")
    database.run_sync(record_flagged_message, message=flagged("m2"))
    assert [e.status for e in database.run_sync(list_escalations)] == ["resolved", "open"]
    assert database.run_sync(has_open_escalation, conversation_id="c1")


def test_database_refuses_a_second_open_escalation(database: Database) -> None:
    database.run_sync(record_flagged_message, message=flagged("m1"))
    row = dict(database.run_sync(lambda c: c.execute(sa.select(escalations)).mappings().one()))
    row.update(id=None, message_id="other")
    with pytest.raises(sa.exc.IntegrityError):
        database.run_sync(lambda c: c.execute(sa.insert(escalations).values(**row)))


def test_context_is_added_to_the_open_escalation(database: Database) -> None:
    assert not database.run_sync(add_context, conversation_id="c1", entry={"intent": "deny"})
    database.run_sync(record_flagged_message, message=flagged("m1"))
    assert database.run_sync(add_context, conversation_id="c1", entry={"intent": "deny"})
    (row,) = database.run_sync(lambda c: c.execute(sa.select(escalations.c.context)).all())
    assert [r["intent"] for r in row.context["replies"]] == ["deny"]


def test_other_conversations_are_separate(database: Database) -> None:
    database.run_sync(record_flagged_message, message=flagged("m1"))
    database.run_sync(record_flagged_message, message=flagged("m2", conversation="c2"))
    assert len(database.run_sync(list_escalations, status="open")) == 2


@pytest.mark.parametrize(
    ("text", "start", "end"), [("short", 0, 5), ("x" * 1000 + "die" + "y" * 1000, 1000, 1003)]
)
def test_excerpt_is_bounded_and_contains_the_match(text: str, start: int, end: int) -> None:
    excerpt = excerpt_around(text, start, end)
    assert len(excerpt) <= 280
    assert text[start:end] in excerpt


def test_json_round_trip() -> None:
    message = flagged("m1")
    assert FlaggedMessage.from_json(message.to_json()) == message
