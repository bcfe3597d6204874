"""bot.nlu.fast_states: the cached past states are exactly Rasa's, however callers use them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu import fast_states
from tests.actions.core_trackers import DOMAIN, conversation, tracker_of

RULE_ONLY = {"rule_only_slots": [DOMAIN.slots[0].name], "rule_only_loops": list(DOMAIN.form_names)}
ARGUMENTS = [
    {},
    {"omit_unset_slots": True},
    {"ignore_rule_only_turns": True, "rule_only_data": RULE_ONLY},
    {"ignore_rule_only_turns": True, "rule_only_data": None},
]


@pytest.fixture
def stock_and_patched() -> Iterator[Callable[[Callable[[], Any]], tuple[Any, Any]]]:
    def both(compute: Callable[[], Any]) -> tuple[Any, Any]:
        fast_states.uninstall_past_states_cache()
        stock = compute()
        fast_states.install_past_states_cache()
        return stock, compute()

    yield both
    fast_states.uninstall_past_states_cache()


def sharing(states: list[dict[str, Any]]) -> list[tuple[int, str, int, str]]:
    """Which sub-states are the same object as which (Rasa shares a turn's user input)."""
    subs = [(index, kind, sub) for index, state in enumerate(states) for kind, sub in state.items()]
    return [
        (i, kind_i, j, kind_j)
        for n, (i, kind_i, sub_i) in enumerate(subs)
        for j, kind_j, sub_j in subs[n + 1 :]
        if sub_i is sub_j
    ]


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("max_event_history", [None, 12])
def test_a_growing_conversation_gets_rasas_states_at_every_event_with_the_same_sharing(
    seed: int, max_event_history: int | None, stock_and_patched: Callable
) -> None:
    events = conversation(seed, turns=1 + seed % 12)
    tracker = DialogueStateTracker.from_events(
        "c", events[:1], slots=DOMAIN.slots, max_event_history=max_event_history
    )
    fast_states.install_past_states_cache()
    for event in events[1:]:
        tracker.update(event)  # as Rasa's prediction loop does: the replay carries forward
        for arguments in ARGUMENTS:
            patched = tracker.past_states(DOMAIN, **arguments)
            again = tracker.past_states(DOMAIN, **arguments)
            stock = fast_states._original_past_states(tracker, DOMAIN, **arguments)
            assert patched == again == stock
            assert sharing(patched) == sharing(again) == sharing(stock)
    assert fast_states._replays  # the replays were kept and carried forward


@pytest.mark.parametrize("seed", range(20))
def test_a_caller_changing_its_states_does_not_change_the_next_callers(
    seed: int, stock_and_patched: Callable
) -> None:
    tracker = tracker_of(conversation(seed, turns=6))
    stock, _ = stock_and_patched(lambda: tracker.past_states(DOMAIN, ignore_rule_only_turns=True))
    for _ in range(3):
        states = tracker.past_states(DOMAIN, ignore_rule_only_turns=True)
        assert states == stock
        for state in states:  # what the featurizers do, and worse
            state.get("user", {}).pop("intent", None)
            state.pop("slots", None)


def test_the_same_tracker_growing_between_predictions_gets_fresh_states(
    stock_and_patched: Callable,
) -> None:
    events = conversation(7, turns=5)
    tracker = tracker_of(events)
    for event in [
        ActionExecuted("action_listen"),
        UserUttered("hi", {"name": DOMAIN.intents[0], "confidence": 1.0}),
        SlotSet(DOMAIN.slots[1].name, "changed"),
        ActionExecuted(DOMAIN.action_names_or_texts[3]),
    ]:
        fast_states.install_past_states_cache()
        tracker.past_states(DOMAIN)  # kept for the tracker as it was
        tracker.update(event)
        stock, patched = stock_and_patched(lambda: tracker.past_states(DOMAIN))
        assert patched == stock
        assert stock == tracker_of(list(tracker.events)).past_states(DOMAIN)


def test_an_equal_tracker_with_other_events_is_not_confused(stock_and_patched: Callable) -> None:
    fast_states.install_past_states_cache()
    first = tracker_of(conversation(1, turns=4))
    first.past_states(DOMAIN)
    other = tracker_of(conversation(2, turns=4))
    stock, patched = stock_and_patched(lambda: other.past_states(DOMAIN))
    assert patched == stock != first.past_states(DOMAIN)


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("use_text", [True, False])
@pytest.mark.parametrize("ml_only", [True, False])
def test_the_policies_featurizer_gets_rasas_prediction_states(
    seed: int, use_text: bool, ml_only: bool, stock_and_patched: Callable
) -> None:
    tracker = tracker_of(conversation(100 + seed, turns=2 + seed % 9))
    featurizer = MaxHistoryTrackerFeaturizer(max_history=None if seed % 2 else 5)

    def predict() -> list:
        return [
            featurizer.prediction_states(
                [tracker],
                DOMAIN,
                use_text_for_last_user_input=use_text,
                ignore_rule_only_turns=ml_only,
                rule_only_data=RULE_ONLY,
                ignore_action_unlikely_intent=ml_only,
            )
            for _ in range(3)  # as RulePolicy (twice) and MemoizationPolicy do
        ]

    stock, patched = stock_and_patched(predict)
    assert patched == stock


def test_training_trackers_keep_rasas_own_method() -> None:
    class Subclass(DialogueStateTracker):
        pass

    expected = tracker_of(conversation(3, turns=3)).past_states(DOMAIN)
    fast_states.install_past_states_cache()
    try:
        tracker = Subclass.from_events("c", conversation(3, turns=3), slots=DOMAIN.slots)
        assert tracker.past_states(DOMAIN) == expected
        assert not fast_states._replays
    finally:
        fast_states.uninstall_past_states_cache()
