"""Copies of a conversation's tracker without replaying the whole session.

Before every action Rasa 3.6 copies the tracker (``DialogueStateTracker.copy``: a fresh tracker,
then every event of the session applied to it again), and a form builds one more such tracker
for each validation (``FormAction._temporary_tracker``). Both grow with the session; under load
they were about 9 % of Rasa's event loop (docs/benchmarks.md).

A tracker's state is, by Rasa's own rule, what replaying its events gives ("MUST be re-creatable
by processing all the events", ``DialogueStateTracker.__init__``). So ``replayed_copy`` builds
the copy from the state directly: the same events (the same objects, as a replay appends), a
copy of each slot with its value, and the replay's other results (latest message, action and
bot utterance, active loop, follow-up action, paused). Trackers where the two could differ are
copied Rasa's way: a capped event history (dropped events are not replayed), a tracker without
domain slots, or a subclass. ``tests/actions/test_fast_copy.py`` compares every attribute with
Rasa's copy on seeded random conversations over Ally's domain.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from rasa.core.actions.forms import FormAction
from rasa.shared.constants import DEFAULT_SENDER_ID
from rasa.shared.core.constants import REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet
from rasa.shared.core.trackers import AnySlotDict, DialogueStateTracker

_original_copy = DialogueStateTracker.copy
_original_temporary_tracker = FormAction._temporary_tracker

# A tracker's attributes: what Rasa's constructor sets. With any other set (another Rasa
# version) trackers are copied Rasa's way.
_ATTRIBUTES = frozenset(vars(DialogueStateTracker("template", [])))
_EXPECTED = frozenset(
    {
        "_max_event_history",
        "events",
        "sender_id",
        "slots",
        "sender_source",
        "is_rule_tracker",
        "_paused",
        "followup_action",
        "latest_action",
        "latest_message",
        "latest_bot_utterance",
        "active_loop",
        "model_id",
        "assistant_id",
    }
)


def _copy_of(original: Any) -> Any:
    """``copy.copy`` for plain objects (slots, the active loop), without its dispatch."""
    duplicate = object.__new__(type(original))
    duplicate.__dict__.update(original.__dict__)
    return duplicate


def replayed_copy(tracker: DialogueStateTracker) -> DialogueStateTracker | None:
    """What replaying ``tracker``'s events into ``tracker.init_copy()`` gives, or None."""
    if (
        type(tracker) is not DialogueStateTracker
        or tracker._max_event_history is not None
        or isinstance(tracker.slots, AnySlotDict)
        or _ATTRIBUTES != _EXPECTED
        or vars(tracker).keys() != _EXPECTED
    ):
        return None
    result = object.__new__(DialogueStateTracker)
    result.__dict__.update(
        {
            # What init_copy() gives ...
            "_max_event_history": None,
            "sender_id": tracker.sender_id or DEFAULT_SENDER_ID,
            "sender_source": None,
            "is_rule_tracker": tracker.is_rule_tracker,
            "model_id": None,
            "assistant_id": None,
            # ... and what replaying the events into it gives.
            "events": deque(tracker.events),
            "slots": {name: _copy_of(slot) for name, slot in tracker.slots.items()},
            "_paused": tracker._paused,
            "followup_action": tracker.followup_action,
            "latest_action": dict(tracker.latest_action) if tracker.latest_action else {},
            "latest_message": tracker.latest_message,
            "latest_bot_utterance": tracker.latest_bot_utterance,
            "active_loop": None if tracker.active_loop is None else _copy_of(tracker.active_loop),
        }
    )
    return result


def _copy(self: DialogueStateTracker) -> DialogueStateTracker:
    fast = replayed_copy(self)
    return fast if fast is not None else _original_copy(self)


def _temporary_tracker(
    self: FormAction,
    current_tracker: DialogueStateTracker,
    additional_events: list[Event],
    domain: Domain,
) -> DialogueStateTracker:
    fast = (
        replayed_copy(current_tracker) if current_tracker.idx_after_latest_restart() == 0 else None
    )
    if fast is None or [slot.name for slot in domain.slots] != list(fast.slots):
        return _original_temporary_tracker(self, current_tracker, additional_events, domain)
    events: list[Any] = [
        SlotSet(REQUESTED_SLOT, self.get_slot_to_fill(current_tracker)),
        ActionExecuted(self.name()),
        *additional_events,
    ]
    for event in events:  # as Rasa's from_events applies them
        fast.update(event)
    return fast


def install_fast_tracker_copies() -> None:
    """Copy trackers (and build forms' temporary trackers) without replaying every event."""
    DialogueStateTracker.copy = _copy  # type: ignore[method-assign]
    FormAction._temporary_tracker = _temporary_tracker  # type: ignore[method-assign]


def uninstall_fast_tracker_copies() -> None:
    """Restore Rasa's own copies (for tests)."""
    DialogueStateTracker.copy = _original_copy  # type: ignore[method-assign]
    FormAction._temporary_tracker = _original_temporary_tracker  # type: ignore[method-assign]
