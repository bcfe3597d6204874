"""bot.nlu.fast_copy: tracker copies equal Rasa's replayed copies in every attribute."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rasa.core.actions.forms import FormAction
from rasa.shared.core.events import ActiveLoop, Restarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu import fast_copy
from tests.actions.core_trackers import DOMAIN, conversation

FORM = FormAction(DOMAIN.form_names[0], None)


@pytest.fixture(autouse=True)
def stock_afterwards() -> Iterator[None]:
    yield
    fast_copy.uninstall_fast_tracker_copies()


def picture(tracker: DialogueStateTracker) -> dict[str, Any]:
    """Everything a copy carries, with events by identity and slots by value and 'set'."""
    attributes = dict(vars(tracker))
    attributes["events"] = [id(event) for event in tracker.events]
    attributes["maxlen"] = tracker.events.maxlen
    attributes["slots"] = {
        name: (type(slot), slot.value, slot.has_been_set, slot.influence_conversation)
        for name, slot in tracker.slots.items()
    }
    attributes["state"] = tracker.current_state()
    return attributes


def both(compute: Any) -> tuple[Any, Any]:
    fast_copy.uninstall_fast_tracker_copies()
    stock = compute()
    fast_copy.install_fast_tracker_copies()
    return stock, compute()


def growing(seed: int) -> Iterator[DialogueStateTracker]:
    """The tracker of one random conversation after each of its events."""
    events = conversation(seed, turns=1 + seed % 10)
    tracker = DialogueStateTracker.from_events("c", events[:1], slots=DOMAIN.slots)
    tracker.model_id = "model-1"  # as Rasa's processor sets it
    for event in events[1:]:
        tracker.update(event)
        yield tracker


@pytest.mark.parametrize("seed", range(60))
def test_a_copy_is_rasas_copy_after_every_event(seed: int) -> None:
    for tracker in growing(seed):
        stock, fast = both(lambda t=tracker: t.copy())
        assert picture(fast) == picture(stock)
        assert fast is not tracker and fast.slots is not tracker.slots


@pytest.mark.parametrize("seed", range(30))
def test_a_forms_temporary_tracker_is_rasas(seed: int) -> None:
    extra = [SlotSet(DOMAIN.slots[0].name, None), ActiveLoop(FORM.name())]
    for tracker in growing(seed):
        stock, fast = both(lambda t=tracker: FORM._temporary_tracker(t, list(extra), DOMAIN))
        stock_picture, fast_picture = picture(stock), picture(fast)
        # The added events are new objects in each; compare them by value.
        for found in (stock_picture, fast_picture):
            found["events"] = found["events"][: len(tracker.events)]
        assert fast_picture == stock_picture
        assert list(fast.events)[len(tracker.events) :] == list(stock.events)[len(tracker.events) :]


def test_changing_the_copy_leaves_the_original_alone() -> None:
    fast_copy.install_fast_tracker_copies()
    tracker = list(growing(3))[-1]
    tracker.update(ActiveLoop(FORM.name()))
    before = picture(tracker)
    duplicate = tracker.copy()
    duplicate.update(SlotSet(DOMAIN.slots[0].name, "changed"))
    duplicate.update(UserUttered("new", {"name": DOMAIN.intents[0], "confidence": 1.0}))
    duplicate.interrupt_loop(True)
    duplicate.reject_action(FORM.name())
    assert picture(tracker) == before


def test_capped_or_restarted_trackers_are_copied_rasas_way() -> None:
    capped = DialogueStateTracker.from_events(
        "c", conversation(5, turns=6), slots=DOMAIN.slots, max_event_history=5
    )
    assert fast_copy.replayed_copy(capped) is None
    restarted = DialogueStateTracker.from_events(
        "c", [*conversation(5, turns=2), Restarted(), *conversation(6, turns=2)], slots=DOMAIN.slots
    )
    stock, fast = both(lambda: FORM._temporary_tracker(restarted, [], DOMAIN))
    assert len(fast.events) == len(stock.events) < len(restarted.events)
