from __future__ import annotations

from datetime import timedelta

from bot.clock import as_utc, utcnow
from bot.storage.alliance import record_signal
from bot.storage.checkin_sessions import checkin_rows
from bot.storage.engine import Database
from bot.storage.escalations import FlaggedMessage, record_flagged_message
from bot.storage.goals import task_rows
from bot.storage.participants import return_context
from bot.testing.observed import EscalationRecord
from bot.testing.records import escalation_records, insert_history, signal_records


def test_history_fixtures_make_a_return_visit(database: Database) -> None:
    history = {
        "display_name": "Jo",
        "checkins": [{"days_ago": 3, "mood": 4}],
        "goals": [{"text": "walk more"}],
        "tasks": [{"what": "a walk", "when": "monday"}],
    }
    database.run_sync(insert_history, conversation_id="c1", history=history)
    context = database.run_sync(return_context, conversation_id="c1")
    assert context.display_name == "Jo" and context.last_goal == "walk more"
    (checkin,) = database.run_sync(checkin_rows, conversation_id="c1")
    assert checkin["status"] == "completed" and checkin["mood"] == 4
    assert utcnow() - as_utc(checkin["started_at"]) > timedelta(days=2, hours=23)
    (task,) = database.run_sync(task_rows, conversation_id="c1")
    assert task["status"] == "planned" and task["goal_id"] is not None


def test_escalations_and_signals_are_read_per_conversation(database: Database) -> None:
    database.run_sync(
        record_flagged_message,
        message=FlaggedMessage(
            conversation_id="c1", message_id="m1", severity="high", categories=["self_harm"],
            matches=[], excerpt="x", source="rasa",
        ),
    )  # fmt: skip
    database.run_sync(
        record_signal, conversation_id="c1", event_id="m2", dimension="goal",
        source="behaviour", value=-1.0, cue="goal_rejected",
    )  # fmt: skip
    assert database.run_sync(escalation_records, conversation_id="c1") == [
        EscalationRecord("m1", "risk", "high", ("self_harm",))
    ]
    assert database.run_sync(escalation_records, conversation_id="other") == []
    (signal,) = database.run_sync(signal_records, conversation_id="c1")
    assert (signal.event_id, signal.dimension, signal.sign, signal.cue) == (
        "m2", "goal", "-", "goal_rejected",
    )  # fmt: skip
