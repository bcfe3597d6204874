"""Run Rasa's command line with Ally's fixes for its cost under load.

1. Check action results cheaply (``bot/nlu/action_result_schema.py``). Rasa 3.6 validates
every action server response with ``jsonschema.validate``, which first checks the constant
schema against JSON Schema's meta-schema (about 52 ms of the 55 ms a call cost here), then
tries each event against all 23 event kinds. The schema is checked once at start-up and each
event against its own kind: the same verdict, about 0.2 ms; an invalid response still gets
Rasa's own error.

2. Warm the model up before the server answers. The agent is loaded in a Sanic
``before_server_start`` listener, so ``/status`` (the supervisor's health check) only answers
after a few parses and predictions on in-memory trackers: no tracker store writes, no custom
actions, nothing in Ally's database. Nobody meets a cold model.

3. Send the action server the recent events only. Rasa posts the tracker with EVERY event of
the session for each custom action, so a long conversation makes each call bigger and slower
(49 KB at turn 10, 369 KB at turn 100). Here the request carries the events from the person's
``ACTION_EVENT_TURNS``-th last message on, plus the session start and the latest run of each
action before that (so "did this action run in this session?" keeps its answer); the rest of
the tracker state (slots, latest message, active loop, latest action) is Rasa's own, computed
from every event. Ally's actions look back two turns at most (actions/alliance.py,
actions/flow.py, rasa-sdk's ``slots_to_validate``).

4. The per-turn changes listed in ``bot/nlu/hot_path.py``, each compared with stock Rasa by
its test.

5. Finish every turn that was started, even when the caller stops waiting
(``bot/nlu/whole_turns.py``): Sanic cancels a request whose client went away, which dropped the
person's message from the tracker; and answer a re-sent message that the tracker already holds
from there, under the conversation's lock (``bot/nlu/resent_turns.py``).

Used by ``ally up`` instead of the ``rasa`` script (bot/stack.py):
``python -m bot.nlu.rasa_server run ...`` takes exactly the arguments of ``rasa``.
Measured in docs/benchmarks.md.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from rasa.core import run as rasa_run
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.shared.core.constants import ACTIVE_LOOP, FOLLOWUP_ACTION
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.nlu.action_result_schema import ActionResultValidator
from bot.nlu.hot_path import install_hot_path
from bot.nlu.resent_turns import install_resent_turns
from bot.nlu.whole_turns import install_whole_turns

logger = logging.getLogger(__name__)

# Short, benign texts of different lengths: they exercise every featuriser and classifier.
WARM_UP_TEXTS = ("hi", "8", "i feel a bit tired and low today", "can we set a goal", "no thanks")
# How many of the person's latest messages (with everything after each) a custom action sees:
# Ally's actions look back two at most, so three leave one to spare.
ACTION_EVENT_TURNS = 3


def recent_events(events: Iterable[Event], turns: int) -> list[Event]:
    """Return the events from the ``turns``-th last user message on, and landmarks before it.

    The landmarks are the latest ``session_started`` and the latest run of each action before
    that message, in their order, so "has this action run in this session?" (``action_greet``
    asks it) gets the same answer from the shorter list. With fewer user messages than
    ``turns``, every event.
    """
    listed = list(events)
    start, seen = 0, 0
    for index in range(len(listed) - 1, -1, -1):
        if isinstance(listed[index], UserUttered):
            seen += 1
            if seen == turns:
                start = index
                break
    landmarks: list[Event] = []
    actions_seen: set[str | None] = set()
    session_seen = False
    for event in reversed(listed[:start]):
        if isinstance(event, SessionStarted) and not session_seen:
            session_seen = True
            landmarks.append(event)
        elif isinstance(event, ActionExecuted) and event.action_name not in actions_seen:
            actions_seen.add(event.action_name)
            landmarks.append(event)
    landmarks.reverse()
    return landmarks + listed[start:]


class RecentEventsTracker:
    """What ``RemoteAction._action_call_format`` reads of a tracker, with recent events only."""

    def __init__(self, tracker: DialogueStateTracker, turns: int) -> None:
        """Wrap ``tracker``; its state is computed from all its events, as Rasa does."""
        self._tracker = tracker
        self._turns = turns
        self.sender_id = tracker.sender_id

    def current_state(self, event_verbosity: EventVerbosity) -> dict[str, Any]:
        """Rasa's tracker state, with the recent events in place of the whole session's."""
        state = state_without_events(self._tracker)
        if event_verbosity != EventVerbosity.NONE:
            state["events"] = [
                e.as_dict() for e in recent_events(self._tracker.events, self._turns)
            ]
        return state


def state_without_events(tracker: DialogueStateTracker) -> dict[str, Any]:
    """``tracker.current_state(EventVerbosity.NONE)``, without ``dataclasses.asdict``.

    Rasa deep-copies the active loop (with the message that triggered it, its whole parse) by
    ``dataclasses.asdict`` for every custom action request: about 4 % of Rasa's event loop under
    load. The request is encoded as JSON right away, so the loop's fields are taken as they are.
    The same keys and values as Rasa's (``tests/actions/test_action_request_events.py``).
    """
    loop = tracker.active_loop
    events = tracker.events
    return {
        "sender_id": tracker.sender_id,
        "slots": tracker.current_slot_values(),
        "latest_message": tracker._latest_message_data(),
        "latest_event_time": events[-1].timestamp if len(events) > 0 else None,
        FOLLOWUP_ACTION: tracker.followup_action,
        "paused": tracker.is_paused(),
        "events": None,
        "latest_input_channel": tracker.get_latest_input_channel(),
        ACTIVE_LOOP: {field.name: getattr(loop, field.name) for field in fields(loop)}
        if loop
        else {},
        "latest_action": tracker.latest_action,
        "latest_action_name": tracker.latest_action_name,
    }


def install_recent_action_events(turns: int = ACTION_EVENT_TURNS) -> None:
    """Make each custom action request carry the last ``turns`` turns' events only."""
    original = RemoteAction._action_call_format

    def _action_call_format(
        self: RemoteAction, tracker: DialogueStateTracker, domain: Any
    ) -> dict[str, Any]:
        return original(self, RecentEventsTracker(tracker, turns), domain)  # type: ignore[arg-type]

    RemoteAction._action_call_format = _action_call_format  # type: ignore[method-assign]


def install_fast_action_validation() -> None:
    """Replace ``RemoteAction._validate_action_result`` with a faster, equivalent check."""
    original = RemoteAction._validate_action_result
    validator = ActionResultValidator(RemoteAction.action_response_format_spec())

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        if validator.is_valid(result):
            return True
        # Let Rasa's own code build its message (and raise) for the rare invalid response.
        return bool(original(self, result))

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


async def warm_up(agent: Agent) -> float:
    """Parse and predict on in-memory conversations until every model has run; return seconds."""
    started = time.monotonic()
    if agent.processor is None:
        return 0.0
    events: list[Any] = [ActionExecuted("action_session_start"), SessionStarted()]
    for text in WARM_UP_TEXTS:
        parsed = await agent.parse_message(text)
        events += [
            ActionExecuted("action_listen"),
            UserUttered(text, parsed.get("intent"), parsed.get("entities"), parse_data=parsed),
        ]
        tracker = DialogueStateTracker.from_events(
            "ally-warm-up", events, slots=agent.domain.slots if agent.domain else None
        )
        agent.processor.predict_next_with_tracker(tracker)
    return time.monotonic() - started


def install_warm_up() -> None:
    """Make Rasa's start-up listener warm the model up after loading it."""
    load_agent = rasa_run.load_agent_on_start

    async def load_and_warm_up(*args: Any, **kwargs: Any) -> Agent:
        agent = await load_agent(*args, **kwargs)
        try:
            seconds = await warm_up(agent)
        except Exception:  # a failed warm-up only costs speed: serve anyway
            logger.exception("model warm-up failed; serving without it")
        else:
            logger.info("model warmed up in %.1f s", seconds)
        return agent

    rasa_run.load_agent_on_start = load_and_warm_up  # type: ignore[assignment]


def main() -> None:
    """Run ``rasa`` with the arguments given to this module."""
    install_fast_action_validation()
    install_recent_action_events()
    install_warm_up()
    install_hot_path()
    install_resent_turns()
    install_whole_turns()  # wraps the one above
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
