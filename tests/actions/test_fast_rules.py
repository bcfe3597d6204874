"""bot.nlu.fast_rules: RulePolicy matches the same rules, and predicts the same, as stock Rasa."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.policies.memoization import MemoizationPolicy
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import RULE_ONLY_LOOPS, RULE_ONLY_SLOTS

from bot.nlu import fast_rules, fast_states
from tests.actions.core_trackers import DOMAIN, conversation, rule_keys, tracker_of

TRACKERS = [tracker_of(conversation(seed, turns=1 + seed % 15)) for seed in range(24)]
STATES = [tracker.past_states(DOMAIN) for tracker in TRACKERS]
KEYS = rule_keys(STATES, seed=1, count=300)
ACTIONS = DOMAIN.action_names_or_texts


@pytest.fixture
def stock() -> Iterator[None]:
    fast_rules.uninstall_fast_rule_matching()
    fast_states.uninstall_past_states_cache()
    yield


def both(compute):  # type: ignore[no-untyped-def]
    """What ``compute`` returns with stock Rasa, then with Ally's patches."""
    fast_rules.uninstall_fast_rule_matching()
    fast_states.uninstall_past_states_cache()
    stock = compute()
    fast_rules.install_fast_rule_matching()
    fast_states.install_past_states_cache()
    try:
        return stock, compute()
    finally:
        fast_rules.uninstall_fast_rule_matching()
        fast_states.uninstall_past_states_cache()


def policies(tmp_path: Path) -> tuple[RulePolicy, MemoizationPolicy]:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    rules = {key: ACTIONS[index % len(ACTIONS)] for index, key in enumerate(KEYS)}
    lookup = {
        "rules": rules,
        "rules_for_loop_unhappy_path": {
            key: ("do_not_predict_loop_action", "loop_was_interrupted")[index % 2]
            for index, key in enumerate(KEYS[::7])
        },
        "rules_not_in_stories": list(rules),
        RULE_ONLY_SLOTS: [DOMAIN.slots[0].name],
        RULE_ONLY_LOOPS: list(DOMAIN.form_names)[:1],
    }
    rule_policy = RulePolicy(
        RulePolicy.get_default_config(), storage, Resource("rules"), context, lookup=lookup
    )
    memo_lookup = {key: ACTIONS[index % len(ACTIONS)] for index, key in enumerate(KEYS)}
    memoization = MemoizationPolicy(
        {**MemoizationPolicy.get_default_config(), "max_history": 5},
        storage,
        Resource("memo"),
        context,
        lookup=memo_lookup,
    )
    return rule_policy, memoization


def test_the_generated_rules_match_some_conversations(tmp_path: Path, stock: None) -> None:
    rule_policy, _ = policies(tmp_path)
    matched = [rule_policy._get_possible_keys(rule_policy.lookup["rules"], s) for s in STATES]
    assert sum(1 for keys in matched if keys) > len(STATES) // 2
    assert any(len(keys) > 1 for keys in matched)


@pytest.mark.parametrize("index", range(len(STATES)))
def test_the_possible_keys_are_rasas_in_rasas_order(tmp_path: Path, index: int) -> None:
    rule_policy, _ = policies(tmp_path)
    states = STATES[index]
    for end in range(1, len(states) + 1):
        for lookup in (
            rule_policy.lookup["rules"],
            rule_policy.lookup["rules_for_loop_unhappy_path"],
        ):
            stock, patched = both(
                lambda lookup=lookup, end=end: list(
                    rule_policy._get_possible_keys(lookup, states[:end])
                )
            )
            assert patched == stock


@pytest.mark.parametrize("index", range(len(TRACKERS)))
def test_rule_and_memoization_predictions_are_rasas(tmp_path: Path, index: int) -> None:
    rule_policy, memoization = policies(tmp_path)
    events = list(TRACKERS[index].events)
    for end in range(1, len(events) + 1):
        tracker = tracker_of(events[:end])
        rule_only = rule_policy._get_rule_only_data()

        def predict():  # type: ignore[no-untyped-def]
            rule = rule_policy.predict_action_probabilities(tracker, DOMAIN)  # noqa: B023
            memo = memoization.predict_action_probabilities(
                tracker,  # noqa: B023
                DOMAIN,
                rule_only_data=rule_only,  # noqa: B023
            )
            found = rule_policy._find_action_from_rules(tracker, DOMAIN, False)  # noqa: B023
            return rule, rule.events, memo, found

        stock, patched = both(predict)
        assert patched == stock
