from __future__ import annotations

import re

from rasa_sdk.events import SlotSet

from actions.handoff import ActionRequestHandoff, message_id_of
from bot.dialogue import messages
from bot.storage.engine import Database
from bot.storage.escalations import list_escalations
from tests.actions.trackers import make_tracker, run


def test_a_confirmed_handoff_is_queued_once(actions_database: Database) -> None:
    tracker = make_tracker(
        {"handoff_confirmed": True}, intent="affirm", metadata={"message_id": "m-7"}
    )
    events, texts, _ = run(ActionRequestHandoff(), tracker)
    assert events == [SlotSet("handoff_confirmed", None)]
    assert texts == [messages.text("handoff_requested")]
    run(ActionRequestHandoff(), tracker)  # a retry of the same message
    (item,) = actions_database.run_sync(list_escalations, status="open")
    assert (item.kind, item.severity, item.categories, item.message_id) == (
        "handoff", "low", [], "m-7",
    )  # fmt: skip


def test_a_declined_handoff_queues_nothing(actions_database: Database) -> None:
    events, texts, _ = run(ActionRequestHandoff(), make_tracker({"handoff_confirmed": False}))
    assert events == [SlotSet("handoff_confirmed", None)]
    assert texts == [messages.text("handoff_declined")]
    assert actions_database.run_sync(list_escalations) == []


def test_without_metadata_a_fresh_id_is_used() -> None:
    assert re.fullmatch(r"[0-9a-f]{32}", message_id_of(make_tracker()))
