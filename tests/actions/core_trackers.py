"""Random, well-formed Rasa conversations over Ally's domain: Rasa against Ally's patches."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, SLOTS, USER
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    Event,
    FollowupAction,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.slots import BooleanSlot, CategoricalSlot, FloatSlot
from rasa.shared.core.trackers import DialogueStateTracker

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain"))


def _slot_value(rng: random.Random, slot: Any) -> Any:
    if rng.random() < 0.15:
        return None
    if isinstance(slot, CategoricalSlot):
        return rng.choice(slot.values)
    if isinstance(slot, BooleanSlot):
        return rng.random() < 0.5
    if isinstance(slot, FloatSlot):
        return rng.choice([0.0, 3.0, 7.5, 10.0])
    return rng.choice(["a", "some text", ["x", "y"]])


def _user(rng: random.Random) -> UserUttered:
    entities = []
    if DOMAIN.entities and rng.random() < 0.3:
        entities = [{"entity": rng.choice(DOMAIN.entities), "value": "v", "start": 0, "end": 1}]
    intent = rng.choice(DOMAIN.intents)
    text = rng.choice(["hi", "8", "i feel low", "no thanks", "a goal"])
    return UserUttered(text, {"name": intent, "confidence": 0.9}, entities)


def _bot_step(rng: random.Random) -> list[Event]:
    roll = rng.random()
    loops = list(DOMAIN.form_names)
    if roll < 0.5:
        name = rng.choice(DOMAIN.action_names_or_texts)
        return [ActionExecuted(name, hide_rule_turn=rng.random() < 0.3)]
    if roll < 0.7:
        slot = rng.choice(DOMAIN.slots)
        return [SlotSet(slot.name, _slot_value(rng, slot))]
    if roll < 0.8 and loops:
        loop = rng.choice(loops)
        return [ActionExecuted(loop), ActiveLoop(rng.choice([loop, None]))]
    if roll < 0.85 and loops:
        return [ActionExecutionRejected(rng.choice(loops))]
    if roll < 0.9:
        return [BotUttered("reply"), FollowupAction(rng.choice(DOMAIN.action_names_or_texts))]
    if roll < 0.94:
        return [UserUtteranceReverted()]
    if roll < 0.97:
        return [ActionReverted()]
    return [ActionExecuted("action_session_start"), SessionStarted()]


def conversation(seed: int, turns: int) -> list[Event]:
    """A session start, then ``turns`` user messages each followed by one to four bot steps."""
    rng = random.Random(seed)
    events: list[Event] = [ActionExecuted("action_session_start"), SessionStarted()]
    for _ in range(turns):
        events += [ActionExecuted("action_listen"), _user(rng)]
        for _ in range(rng.randint(1, 4)):
            events += _bot_step(rng)
    return events


def tracker_of(events: list[Event], sender_id: str = "c") -> DialogueStateTracker:
    """A tracker over Ally's slots with these events."""
    return DialogueStateTracker.from_events(sender_id, events, slots=DOMAIN.slots)


def rule_keys(states_seen: list[list[dict[str, Any]]], seed: int, count: int) -> list[str]:
    """Rule keys like RulePolicy's: one to four states cut from real states, partly relaxed."""
    rng = random.Random(seed)
    keys = set()
    while len(keys) < count:
        states = rng.choice(states_seen)
        length = rng.randint(1, min(4, len(states)))
        end = rng.randint(length, len(states))
        rule = [json.loads(json.dumps(state)) for state in states[end - length : end]]
        for state in rule:
            for kind in list(state):
                if rng.random() < 0.3 and kind != PREVIOUS_ACTION:
                    del state[kind]
            if SLOTS in state and rng.random() < 0.3:
                state[SLOTS][rng.choice(list(state[SLOTS]))] = SHOULD_NOT_BE_SET
            if USER in state and rng.random() < 0.2:
                state[USER].pop("text", None)
        if rng.random() < 0.2:
            rule[0].pop(PREVIOUS_ACTION, None)  # a conversation start
        keys.add(json.dumps(rule, sort_keys=True))
    return sorted(keys)
