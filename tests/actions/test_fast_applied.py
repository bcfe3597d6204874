"""bot.nlu.fast_applied: the carried-forward applied events are exactly Rasa's, after each event."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rasa.shared.core.events import ActionExecuted, ActiveLoop, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu import fast_applied
from tests.actions.core_trackers import DOMAIN, conversation, tracker_of


@pytest.fixture(autouse=True)
def installed() -> Iterator[None]:
    fast_applied.install_fast_applied_events()
    yield
    fast_applied.uninstall_fast_applied_events()


def stock(tracker: DialogueStateTracker) -> list:
    return fast_applied._original_applied_events(tracker)


def same(left: list, right: list) -> bool:
    """The same event objects in the same order (what Rasa's callers see)."""
    return len(left) == len(right) and all(a is b for a, b in zip(left, right, strict=True))


@pytest.mark.parametrize("seed", range(60))
@pytest.mark.parametrize("max_event_history", [None, 15])
def test_a_growing_conversation_gets_rasas_applied_events_after_every_event(
    seed: int, max_event_history: int | None
) -> None:
    events = conversation(seed, turns=1 + seed % 15)
    tracker = DialogueStateTracker.from_events(
        "c", events[:1], slots=DOMAIN.slots, max_event_history=max_event_history
    )
    for event in events[1:]:
        tracker.update(event)
        assert same(tracker.applied_events(), stock(tracker))
        assert same(tracker.applied_events(), stock(tracker)), "asked twice"
    assert fast_applied._kept, "the walk was kept"


def test_the_walk_is_carried_forward_not_repeated(monkeypatch: pytest.MonkeyPatch) -> None:
    tracker = tracker_of(conversation(3, turns=10))
    tracker.applied_events()
    walked: list[int] = []
    original_walk = fast_applied._walk

    def counting(tracker, events, loop_names, applied):  # type: ignore[no-untyped-def]
        events = list(events)
        walked.append(len(events))
        return original_walk(tracker, events, loop_names, applied)

    monkeypatch.setattr(fast_applied, "_walk", counting)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("hi", {"name": DOMAIN.intents[0], "confidence": 1.0}))
    assert same(tracker.applied_events(), stock(tracker))
    assert walked == [2]


def test_a_loop_name_new_to_the_session_walks_everything_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rasa undoes a loop's earlier runs once its name is active anywhere in the session."""
    loop = DOMAIN.form_names[0]
    tracker = tracker_of(conversation(5, turns=2))
    tracker.update(ActionExecuted(loop))
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("hi", {"name": DOMAIN.intents[0], "confidence": 1.0}))
    tracker.update(ActionExecuted(loop))
    fast_applied.uninstall_fast_applied_events()
    fast_applied.install_fast_applied_events()
    if loop in fast_applied._loop_names(tracker.events):
        pytest.fail("the seeded conversation must not activate the loop already")
    tracker.applied_events()
    tracker.update(ActiveLoop(loop))
    assert same(tracker.applied_events(), stock(tracker))


def test_changing_the_returned_list_changes_nothing_kept() -> None:
    tracker = tracker_of(conversation(7, turns=8))
    tracker.applied_events()
    tracker.applied_events().clear()  # from what was kept
    tracker.update(ActionExecuted("action_listen"))
    tracker.applied_events().pop()  # carried forward
    assert same(tracker.applied_events(), stock(tracker))


def test_a_tracker_rebuilt_from_other_events_is_walked_afresh() -> None:
    tracker = tracker_of(conversation(9, turns=6))
    tracker.applied_events()
    other = conversation(10, turns=4)
    tracker.events.clear()
    for event in other:
        tracker.events.append(event)
    assert same(tracker.applied_events(), stock(tracker))
