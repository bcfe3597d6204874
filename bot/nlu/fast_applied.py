"""``DialogueStateTracker.applied_events`` carried forward, instead of replayed from the start.

Rasa computes a tracker's applied events (its events without the reverted ones, and without a
loop's earlier runs) by walking every event of the session, and several callers ask for them
on every turn: the policies' past states, ``get_last_event_for`` (the latest user message, the
latest action), the session check. Under load that was about 8 % of Rasa's event loop
(docs/benchmarks.md, eighth measurement), growing with the session.

Here each tracker keeps the events it was last computed for and the result. When the tracker
has only gained events since (the same event objects, in the same order, then new ones) and
none of the new events activates a loop that was not active before (Rasa's walk treats a loop's
earlier runs differently once the loop's name appears anywhere in the session), only the new
events are walked, with Rasa's own steps, from the kept result. Anything else (a tracker built
again, events dropped by ``max_event_history``, a new loop name) walks the whole session as
Rasa does. Callers get a new list every time, as from Rasa, so changing it changes nothing kept.

``tests/actions/test_fast_applied.py`` compares it with Rasa's after every event of seeded
conversations with reverts, restarts, sessions and loops.
"""

from __future__ import annotations

import itertools
import operator
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

MAX_TRACKERS = 1000  # trackers kept; Rasa holds one per turn in progress, and their copies

_original_applied_events = DialogueStateTracker.applied_events


@dataclass
class _Kept:
    tracker: weakref.ReferenceType[DialogueStateTracker]
    events: list[Event]
    loop_names: set[str]
    applied: list[Event]


_kept: OrderedDict[int, _Kept] = OrderedDict()


def _loop_names(events: Iterable[Event]) -> set[str]:
    return {event.name for event in events if isinstance(event, ActiveLoop) and event.name}


def _walk(
    tracker: DialogueStateTracker,
    events: Iterable[Event],
    loop_names: set[str],
    applied: list[Event],
) -> list[Event]:
    """Rasa's ``applied_events`` loop, from ``applied`` onwards (changed in place)."""
    for event in events:
        if isinstance(event, (Restarted, SessionStarted)):
            applied = []
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in loop_names
            and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            tracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)
    return applied


def applied_events(self: DialogueStateTracker) -> list[Event]:
    """``DialogueStateTracker.applied_events``, walking only the events added since last time."""
    if type(self) is not DialogueStateTracker:  # training trackers: Rasa's own
        return _original_applied_events(self)
    events = self.events
    kept = _kept.get(id(self))
    if kept is not None and kept.tracker() is self and len(events) >= len(kept.events):
        known = len(kept.events)
        if all(map(operator.is_, itertools.islice(events, known), kept.events)):
            new = list(itertools.islice(events, known, None))
            if not new:
                _kept.move_to_end(id(self))
                return list(kept.applied)
            if _loop_names(new) <= kept.loop_names:
                kept.applied = _walk(self, new, kept.loop_names, list(kept.applied))
                kept.events.extend(new)
                _kept.move_to_end(id(self))
                return list(kept.applied)
    everything = list(events)
    loop_names = _loop_names(everything)
    applied = _walk(self, everything, loop_names, [])
    _kept[id(self)] = _Kept(weakref.ref(self), everything, loop_names, applied)
    _kept.move_to_end(id(self))
    while len(_kept) > MAX_TRACKERS:
        _kept.popitem(last=False)
    return list(applied)


def install_fast_applied_events() -> None:
    """Make ``DialogueStateTracker.applied_events`` carry its walk forward."""
    DialogueStateTracker.applied_events = applied_events  # type: ignore[method-assign]


def uninstall_fast_applied_events() -> None:
    """Restore Rasa's own ``applied_events`` (for tests)."""
    DialogueStateTracker.applied_events = _original_applied_events  # type: ignore[method-assign]
    _kept.clear()
