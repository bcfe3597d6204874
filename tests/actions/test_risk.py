from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.risk import ActionEscalateRisk
from bot.risk import assess
from bot.storage.engine import Database
from bot.storage.escalations import FlaggedMessage, count_flagged_messages, record_flagged_message
from bot.storage.tables import escalation_messages, escalations


def tracker(intent: str, text: str, message_id: str | None = "m1") -> Tracker:
    latest: dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [],
        "metadata": {"message_id": message_id} if message_id else {},
        "risk": assess(text).to_dict(),
    }
    return Tracker("conv-9", {}, latest, [], False, None, {}, "action_listen")


def run(t: Tracker) -> tuple[list[Any], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    return asyncio.run(ActionEscalateRisk().run(dispatcher, t, {})), dispatcher


def test_risk_message_not_seen_by_the_web_app_is_escalated(actions_database: Database) -> None:
    events, dispatcher = run(tracker("risk_disclosure", "i want to kill myself"))
    assert events == [SlotSet("escalation_open", True)]
    assert dispatcher.messages == []  # the crisis text is a domain response, not the action's
    rows = actions_database.run_sync(lambda c: c.execute(sa.select(escalation_messages)).all())
    assert [(r.message_id, r.source, r.severity) for r in rows] == [("m1", "rasa", "high")]


def test_message_already_escalated_by_the_web_app_is_not_duplicated(
    actions_database: Database,
) -> None:
    web = FlaggedMessage("conv-9", "m1", "high", ["suicidal_ideation"], [], "x", "web")
    actions_database.run_sync(record_flagged_message, message=web)
    run(tracker("risk_disclosure", "i want to kill myself"))
    assert actions_database.run_sync(count_flagged_messages, conversation_id="conv-9") == 1


def test_later_reply_is_added_as_context(actions_database: Database) -> None:
    run(tracker("risk_disclosure", "i want to kill myself"))
    events, _ = run(tracker("deny", "no not really", message_id="m2"))
    assert events == [SlotSet("escalation_open", True)]
    (context,) = actions_database.run_sync(
        lambda c: c.execute(sa.select(escalations.c.context)).scalars().all()
    )
    assert context["replies"][0]["intent"] == "deny"
    assert context["replies"][0]["text"] == "no not really"


def test_database_failure_still_keeps_the_escalation_open(tmp_path: Path) -> None:
    broken = Database.from_url(f"sqlite:///{tmp_path / 'unmigrated.db'}")
    services.override_database(broken)
    try:
        events, _ = run(tracker("risk_disclosure", "i want to die"))
    finally:
        services.override_database(None)
        broken.close()
    assert events == [SlotSet("escalation_open", True)]


def _after_question(intent: str, text: str, message_id: str, events: list[dict]) -> Tracker:
    t = tracker(intent, text, message_id)
    t.events = events
    return t


ASKED = [
    {"event": "action", "name": "utter_risk_check"},
    {"event": "action", "name": "action_listen"},
]


def test_a_yes_button_to_the_direct_question_is_escalated_high(actions_database: Database) -> None:
    run(_after_question("risk_check_yes", "/risk_check_yes", "m1", [*ASKED, {"event": "user"}]))
    rows = actions_database.run_sync(lambda c: c.execute(sa.select(escalation_messages)).all())
    assert [(r.message_id, r.severity, r.categories) for r in rows] == [
        ("m1", "high", ["suicidal_ideation"])
    ]


def test_a_typed_yes_right_after_the_question_is_escalated_once(
    actions_database: Database,
) -> None:
    events = [*ASKED, {"event": "user"}, {"event": "action", "name": "utter_crisis"}]
    run(_after_question("affirm", "yes", "m1", events))
    later = [*events, {"event": "action", "name": "action_escalate_risk"},
             {"event": "action", "name": "action_listen"}, {"event": "user"}]  # fmt: skip
    run(_after_question("affirm", "yes", "m2", later))  # the crisis follow-up, not a new one
    assert actions_database.run_sync(count_flagged_messages, conversation_id="conv-9") == 1
