"""CPU of Rasa's NLU parse and policy predictions: stock Rasa against Ally's patches, same results.

Loads the newest model in models/ and plays the bench's scripted check-ins in memory (no
tracker store, no custom action runs): each message is parsed, then actions are predicted and
logged on the tracker until the bot listens, as Rasa's prediction loop does. Runs alternate
between stock Rasa and Ally's patches (bot/nlu/fast_states.py, fast_rules.py,
sequential_graph.py, debug_copies.py) in one process, print the CPU seconds of each, and
check that every parse result and every prediction (action, confidence, policy, events) is
identical.

Usage (the Rasa environment): ``.venv/rasa/bin/python benchmarks/nlu_and_policies.py``.
Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
import warnings
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))
warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)

import structlog  # noqa: E402
from rasa.core.agent import Agent  # noqa: E402
from rasa.shared.core.events import (  # noqa: E402
    ActionExecuted,
    ActiveLoop,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402

from bot.bench.scripts import generate_scripts  # noqa: E402
from bot.nlu import (  # noqa: E402
    debug_copies,
    fast_applied,
    fast_rules,
    fast_states,
    sequential_graph,
)

structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


def patch(on: bool) -> None:
    """Install or remove Ally's patches."""
    if on:
        fast_states.install_past_states_cache()
        fast_applied.install_fast_applied_events()
        fast_rules.install_fast_rule_matching()
        sequential_graph.install_sequential_graph_runner()
        debug_copies.install_debug_copies()
    else:
        fast_states.uninstall_past_states_cache()
        fast_applied.uninstall_fast_applied_events()
        fast_rules.uninstall_fast_rule_matching()
        sequential_graph.uninstall_sequential_graph_runner()
        debug_copies.uninstall_debug_copies()


async def play(agent: Agent, scripts: list) -> tuple[list[str], float, int]:
    """Every result as text, the CPU seconds, the number of messages."""
    results, messages, started = [], 0, time.process_time()
    for script in scripts:
        events = [ActionExecuted("action_session_start"), SessionStarted()]
        tracker = DialogueStateTracker.from_events(script.name, events, slots=agent.domain.slots)
        for text in script.turns:
            messages += 1
            parsed = await agent.parse_message(text)
            results.append(json.dumps(parsed, sort_keys=True, default=str))
            tracker.update(ActionExecuted("action_listen"))
            tracker.update(UserUttered(text, parsed["intent"], parsed["entities"], parsed))
            for _ in range(6):
                prediction = agent.processor._predict_next_with_tracker(tracker)
                name = agent.domain.action_names_or_texts[prediction.max_confidence_index]
                results.append(
                    json.dumps([name, prediction.max_confidence, prediction.policy_name])
                    + str([str(event) for event in prediction.events])
                )
                tracker.update(ActionExecuted(name, prediction.policy_name))
                tracker.update_with_events(prediction.events, agent.domain)
                if name in agent.domain.form_names:
                    tracker.update(ActiveLoop(name))
                if name == "action_listen":
                    break
    return results, time.process_time() - started, messages


async def main(people: int, rounds: int) -> None:
    """Alternate stock and patched runs; print CPU per message and whether results match."""
    model = sorted((PROJECT_DIR / "models").glob("*.tar.gz"))[-1]
    agent = Agent.load(str(model))
    scripts = generate_scripts(people, seed=3)
    await play(agent, scripts[:3])  # warm up TensorFlow and caches
    figures: dict[bool, list[float]] = {False: [], True: []}
    expected: list[str] | None = None
    identical = True
    for _ in range(rounds):
        for on in (False, True):
            patch(on)
            results, seconds, messages = await play(agent, scripts)
            figures[on].append(seconds * 1000 / messages)
            expected = expected or results
            identical = identical and results == expected
    patch(False)
    print(f"model {model.name}, {people} scripted people, {messages} messages per run")
    for on, label in ((False, "stock Rasa"), (True, "Ally's patches")):
        runs = ", ".join(f"{ms:.1f}" for ms in figures[on])
        print(f"{label}: CPU ms per message (parse + predictions): {runs}")
    print("every parse result and prediction identical:", identical)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=2)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.people, arguments.rounds))
