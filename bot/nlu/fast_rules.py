"""Match the conversation against RulePolicy's rules without re-reading every rule every turn.

``RulePolicy._get_possible_keys`` keeps the rules that match the conversation, walking back one
state at a time. For every rule and every state of the session it calls
``_is_rule_applicable``, which looks the rule's states up (decoded from its JSON key through an
LRU cache) and reverses them into a new list, even once the walk is past the rule's length,
where the answer is always "applicable". With Ally's 455 rules (at most 4 states long) that is
about 10 % of Rasa's event loop under load, growing with the session's length.

Here each lookup's rules are decoded and reversed once; the newest state is only compared with
the rules that can match its previous action (indexed by it); and past the longest rule the walk
only rebuilds the set the way Rasa's filter does. The sets are Rasa's, built from the same
elements in the same order, so even the order ``max(keys, key=len)`` sees ties in is Rasa's.
Each rule state is compared with Rasa's own ``_does_rule_match_state``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET
from rasa.shared.core.domain import State
from rasa.shared.nlu.constants import ACTION_NAME

_original_get_possible_keys = RulePolicy._get_possible_keys


@dataclass
class _Rules:
    """One lookup's rules, decoded once."""

    lookup: dict[str, Any]
    keys: frozenset[str]
    states: dict[str, list[State]]  # each rule's states, newest first
    longest: int
    position: dict[str, int]  # where each key comes in ``set(lookup.keys())``
    by_action: dict[str, list[str]]  # rules whose newest state needs this previous action
    others: list[str]  # rules that can match whatever the previous action was

    @classmethod
    def of(cls, lookup: dict[str, Any]) -> _Rules:
        """Decode ``lookup``'s keys."""
        states = {key: list(reversed(json.loads(key))) for key in lookup}
        by_action: dict[str, list[str]] = {}
        others = []
        for key, rule_states in states.items():
            action = (rule_states[0].get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
            if isinstance(action, str) and action and action != SHOULD_NOT_BE_SET:
                by_action.setdefault(action, []).append(key)
            else:
                others.append(key)
        return cls(
            lookup,
            frozenset(lookup),
            states,
            max((len(rule) for rule in states.values()), default=0),
            {key: index for index, key in enumerate(set(lookup.keys()))},
            by_action,
            others,
        )

    def candidates(self, state: State) -> list[str]:
        """The rules that can match ``state`` as their newest state, in Rasa's set order.

        A rule whose newest state names a previous action matches only a state with that
        previous action (``_does_rule_match_state``); the rest are left to the full check.
        """
        previous_action = state.get(PREVIOUS_ACTION)
        keys = list(self.others)
        if previous_action:
            keys += self.by_action.get(previous_action.get(ACTION_NAME), [])
        return sorted(keys, key=self.position.__getitem__)


_decoded: dict[int, _Rules] = {}


def _rules_of(lookup: dict[str, Any]) -> _Rules:
    rules = _decoded.get(id(lookup))
    if rules is None or rules.lookup is not lookup or rules.keys != lookup.keys():
        if len(_decoded) >= 8:  # lookups of models loaded before: let them go
            _decoded.clear()
        rules = _decoded[id(lookup)] = _Rules.of(lookup)
    return rules


def _is_applicable(
    policy: RulePolicy, rule_states: list[State], turn_index: int, state: State
) -> bool:
    """``RulePolicy._is_rule_applicable`` on already decoded, reversed rule states."""
    if turn_index >= len(rule_states):
        return True
    current_previous_action = state.get(PREVIOUS_ACTION)
    rule_previous_action = rule_states[turn_index].get(PREVIOUS_ACTION)
    if not rule_previous_action and not current_previous_action:
        return True
    if not rule_previous_action or not current_previous_action:
        return False
    return bool(policy._does_rule_match_state(rule_states[turn_index], state))


def get_possible_keys(self: RulePolicy, lookup: dict[str, str], states: list[State]) -> set[str]:
    """``RulePolicy._get_possible_keys``: the same set, built the same way, with less work."""
    rules = _rules_of(lookup)
    possible_keys = set(lookup.keys())
    for index, state in enumerate(reversed(states)):
        if index >= rules.longest:
            # Every rule applies from here on: Rasa's filter keeps all, rebuilding the set.
            possible_keys = set(iter(possible_keys))
            continue
        # Rasa's filter inserts the rules that apply in the set's order: so do these.
        keys = rules.candidates(state) if index == 0 else possible_keys
        possible_keys = set(
            filter(
                lambda key: _is_applicable(self, rules.states[key], index, state),
                keys,
            )
        )
    return possible_keys


def install_fast_rule_matching() -> None:
    """Replace ``RulePolicy._get_possible_keys`` with the equivalent above."""
    RulePolicy._get_possible_keys = get_possible_keys  # type: ignore[method-assign]


def uninstall_fast_rule_matching() -> None:
    """Restore Rasa's own ``_get_possible_keys`` (for tests)."""
    RulePolicy._get_possible_keys = _original_get_possible_keys  # type: ignore[method-assign]
    _decoded.clear()
