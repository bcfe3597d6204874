"""bot.nlu.rasa_server: custom action requests carry the recent turns' events only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig

from bot.nlu import rasa_server
from tests.actions import core_trackers

DOMAIN = Domain.from_dict(
    {
        "intents": ["mood"],
        "slots": {"mood": {"type": "any", "mappings": [{"type": "custom"}]}},
        "actions": ["action_log_mood"],
    }
)


@pytest.fixture
def patched() -> Iterator[None]:
    original = RemoteAction._action_call_format
    rasa_server.install_recent_action_events(turns=3)
    yield
    RemoteAction._action_call_format = original  # type: ignore[method-assign]


def tracker_with(turns: int) -> DialogueStateTracker:
    tracker = DialogueStateTracker("c1", DOMAIN.slots)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    for number in range(turns):
        tracker.update(UserUttered(f"text {number}", intent={"name": "mood", "confidence": 1.0}))
        if number == 0:
            tracker.update(ActionExecuted("action_greet"))
            tracker.update(SlotSet("mood", "set in the first turn"))
        tracker.update(BotUttered(f"reply {number}"))
        tracker.update(ActionExecuted("action_listen"))
    return tracker


def request(tracker: DialogueStateTracker) -> dict:
    action = RemoteAction("action_log_mood", EndpointConfig("http://127.0.0.1:1/webhook"))
    return action._action_call_format(tracker, DOMAIN)


def test_a_long_conversation_sends_the_last_turns_with_the_whole_state(patched: None) -> None:
    tracker = tracker_with(12)
    body = request(tracker)
    events = body["tracker"]["events"]
    texts = [e["text"] for e in events if e["event"] == "user"]
    assert texts == ["text 9", "text 10", "text 11"]
    # Before the window: the session start and each action's latest run, in order.
    landmarks = [(e["event"], e.get("name")) for e in events[:4]]
    assert landmarks == [
        ("action", "action_session_start"),
        ("session_started", None),
        ("action", "action_greet"),
        ("action", "action_listen"),
    ]
    assert events[4]["event"] == "user"
    assert events[3] == list(tracker.events)[-3 * 3 - 1].as_dict()  # the listen before "text 9"
    assert events[-1] == tracker.events[-1].as_dict()
    full = tracker.current_state(EventVerbosity.ALL)
    # Everything but the events is computed from the whole conversation, as before.
    assert {k: v for k, v in body["tracker"].items() if k != "events"} == {
        k: v for k, v in full.items() if k != "events"
    }
    assert body["tracker"]["slots"]["mood"] == "set in the first turn"
    assert body["sender_id"] == "c1" and body["next_action"] == "action_log_mood"
    assert "domain" in body


def test_a_short_conversation_is_sent_whole(patched: None) -> None:
    tracker = tracker_with(2)
    assert request(tracker)["tracker"] == tracker.current_state(EventVerbosity.ALL)


def test_recent_events_counts_user_messages_from_the_end() -> None:
    events = list(tracker_with(5).events)
    recent = rasa_server.recent_events(events, 1)
    assert recent[-3:] == events[-3:] and isinstance(recent[-3], UserUttered)
    assert [type(e) for e in recent[:-3]] == [
        ActionExecuted,
        SessionStarted,
        ActionExecuted,
        ActionExecuted,
    ]
    assert rasa_server.recent_events(events, 99) == events
    assert rasa_server.recent_events([], 3) == []


def test_the_state_sent_is_rasas_after_every_event() -> None:
    """Rasa's ``current_state`` keys and values, the active loop's trigger message included."""
    loops_seen = 0
    for seed in range(40):
        events = core_trackers.conversation(seed, turns=1 + seed % 10)
        slots = core_trackers.DOMAIN.slots
        tracker = DialogueStateTracker.from_events("c", events[:1], slots=slots)
        for event in events[1:]:
            tracker.update(event)
            loop = tracker.active_loop
            loops_seen += loop is not None and loop.trigger_message is not None
            assert rasa_server.state_without_events(tracker) == tracker.current_state(
                EventVerbosity.NONE
            )
    assert loops_seen, "the seeded conversations must include an active loop"
