"""Rasa's past states of a conversation, carried forward instead of rebuilt for every policy call.

For every predicted action Rasa's policies each rebuild the conversation's states from scratch
(``DialogueStateTracker.past_states``: replay every applied event of the session into a fresh
tracker and describe it before each action): RulePolicy once or twice, MemoizationPolicy once
more, 3 to 5 predictions per turn. Profiled under load that is about 11 % of Rasa's event loop,
growing with the session's length.

Here Rasa's loop (``Domain.states_for_tracker_history``, the same steps through the same domain
methods) is kept paused per tracker and arguments after the events it replayed. While the
tracker's applied events start with exactly those events (held, compared by identity), only
the new ones are replayed; anything else (a reverted or restarted session, another domain)
starts afresh. The applied events (a walk over the session) are recomputed only when the events
changed, and the state after the last event on every call, as Rasa's final step is. Callers
change their states in place (the featurizer deletes the user's text or intent), so each call
gets its own copy of every state and sub-state, shared between states as Rasa's are.
"""

from __future__ import annotations

import copy
import operator
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from rasa.shared.core.constants import PREVIOUS_ACTION
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

# Conversations whose replays are kept (Rasa predicts for one at a time; more serve interleaving).
MAX_TRACKERS = 64

_original_past_states = DialogueStateTracker.past_states


@dataclass
class _Replay:
    """``Domain.states_for_tracker_history``'s loop, paused after ``applied``."""

    domain: Domain
    omit_unset_slots: bool
    ignore_rule_only_turns: bool
    rule_only_data: dict[str, Any] | None
    tracker: DialogueStateTracker  # a fresh copy with ``applied`` replayed into it
    applied: list[Event] = field(default_factory=list)
    states: list[State] = field(default_factory=list)
    last_ml_action: Any = None
    turn_was_hidden: bool = False

    def visit(self, hide_rule_turn: bool, states: list[State], last_ml: Any, hidden: bool) -> Any:
        """One pass of Rasa's loop body on the replayed tracker; return its loop variables."""
        domain, tracker = self.domain, self.tracker
        if self.ignore_rule_only_turns:
            if not hidden:
                last_ml = domain._get_prev_action_sub_state(tracker)
            if not tracker.followup_action and tracker.latest_action_name != (
                tracker.active_loop_name
            ):
                hidden = hide_rule_turn
            if hidden:
                return last_ml, hidden
        state = domain.get_active_state(tracker, omit_unset_slots=self.omit_unset_slots)
        if self.ignore_rule_only_turns:
            domain._remove_rule_only_features(state, self.rule_only_data)
            if states:
                domain._substitute_rule_only_user_input(state, states[-1])
            if last_ml:
                state[PREVIOUS_ACTION] = last_ml
        states.append(domain._clean_state(state))
        return last_ml, hidden

    def advance(self, applied: list[Event]) -> None:
        """Replay the events after ``self.applied``, as Rasa's prior trackers do."""
        for event in applied[len(self.applied) :]:
            if isinstance(event, ActionExecuted):
                self.last_ml_action, self.turn_was_hidden = self.visit(
                    event.hide_rule_turn, self.states, self.last_ml_action, self.turn_was_hidden
                )
            self.tracker.update(event)
        self.applied = applied

    def finish(self) -> list[State]:
        """The states so far plus the state after the last event (Rasa's final step)."""
        states = list(self.states)
        self.visit(False, states, self.last_ml_action, self.turn_was_hidden)
        return states


@dataclass
class _Conversation:
    """What is kept for one tracker: its replays, and its applied events for its events."""

    tracker: weakref.ReferenceType[DialogueStateTracker]
    replays: dict[Any, _Replay] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    applied: list[Event] = field(default_factory=list)

    def applied_events(self, tracker: DialogueStateTracker) -> list[Event]:
        """``tracker.applied_events()``, computed again only when its events changed."""
        events = tracker.events
        if not (len(events) == len(self.events) and all(map(operator.is_, events, self.events))):
            self.events, self.applied = list(events), tracker.applied_events()
        return self.applied


_replays: OrderedDict[int, _Conversation] = OrderedDict()


def copy_states(states: list[State]) -> list[State]:
    """Copy each state and sub-state, which callers change in place, keeping the sharing."""
    copies: dict[int, Any] = {}

    def copied(original: Any) -> Any:
        if id(original) not in copies:
            copies[id(original)] = dict(original)
        return copies[id(original)]

    result = []
    for state in states:
        if id(state) not in copies:
            copies[id(state)] = {kind: copied(sub) for kind, sub in state.items()}
        result.append(copies[id(state)])
    return result


def _starts_with(applied: list[Event], kept: list[Event]) -> bool:
    return len(kept) <= len(applied) and all(map(operator.is_, kept, applied))


def _conversation(tracker: DialogueStateTracker) -> _Conversation:
    kept = _replays.get(id(tracker))
    if kept is None or kept.tracker() is not tracker:
        kept = _replays[id(tracker)] = _Conversation(weakref.ref(tracker))
    _replays.move_to_end(id(tracker))
    while len(_replays) > MAX_TRACKERS:
        _replays.popitem(last=False)
    return kept


def past_states(
    self: DialogueStateTracker,
    domain: Domain,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[State]:
    """``DialogueStateTracker.past_states``, replaying only the events not replayed before."""
    if type(self) is not DialogueStateTracker:  # training trackers have their own cache
        return _original_past_states(
            self, domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data
        )
    conversation = _conversation(self)
    replays = conversation.replays
    key = (id(domain), omit_unset_slots, ignore_rule_only_turns, repr(rule_only_data))
    applied = conversation.applied_events(self)
    replay = replays.get(key)
    if replay is None or replay.domain is not domain or not _starts_with(applied, replay.applied):
        replay = _Replay(
            domain,
            omit_unset_slots,
            ignore_rule_only_turns,
            copy.deepcopy(rule_only_data),
            self.init_copy(),
        )
        replays[key] = replay
    replay.advance(applied)
    return copy_states(replay.finish())


def install_past_states_cache() -> None:
    """Make ``DialogueStateTracker.past_states`` carry its replay forward."""
    DialogueStateTracker.past_states = past_states  # type: ignore[method-assign]


def uninstall_past_states_cache() -> None:
    """Restore Rasa's own ``past_states`` (for tests) and forget every replay."""
    DialogueStateTracker.past_states = _original_past_states  # type: ignore[method-assign]
    _replays.clear()
