"""The tracker store's cost per turn: Rasa's SQLTrackerStore against Ally's cached one.

Plays one conversation of ``--turns`` turns the way Rasa's processor uses its tracker store
(``retrieve``, append the turn's events, ``save``) on a throwaway SQLite file, with Ally's
domain and check-in-like events (a parsed message, slots, custom actions, bot messages), and
prints the wall and CPU time per turn of ``retrieve`` + ``save`` around a few turn numbers.
Nothing else runs, so it isolates what the tracker store costs. CPU time counts every thread
(the cached store commits on its own thread); wall time includes waiting for SQLite's fsync.

Usage (the Rasa environment): ``.venv/rasa/bin/python benchmarks/tracker_store.py``.
Prints figures, asserts nothing. Results: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))
warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)

from rasa.core.tracker_store import SQLTrackerStore  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import (  # noqa: E402
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402

from bot.nlu.tracker_store import CachedSQLTrackerStore  # noqa: E402

CHECKPOINTS = (10, 100, 250, 500)
WINDOW = 10


def add_turn(tracker: DialogueStateTracker, number: int) -> None:
    """Append the events of one check-in turn: message, form validation, question, logging."""
    intent = {"name": "inform_mood", "confidence": 0.93}
    parse = {
        "text": f"i feel a bit tired and low today ({number})",
        "intent": intent,
        "entities": [{"entity": "emotion", "value": "tired", "start": 13, "end": 18}],
        "intent_ranking": [intent, {"name": "affirm", "confidence": 0.04}],
        "metadata": {"message_id": f"m{number}"},
    }
    tracker.update(UserUttered(parse["text"], intent, parse["entities"], parse_data=parse))
    tracker.update(ActionExecuted("checkin_form"))
    tracker.update(SlotSet("requested_slot", "mood_rating"))
    tracker.update(ActionExecuted("action_log_alliance_signal"))
    tracker.update(BotUttered("Thanks for telling me. How would you rate it from 0 to 10?"))
    tracker.update(ActionExecuted("action_listen"))


async def play(store: SQLTrackerStore, turns: int) -> dict[int, tuple[float, float]]:
    """Return {checkpoint: (median wall ms, median CPU ms)} of retrieve + save per turn."""
    sender = "bench-long"
    tracker = DialogueStateTracker(sender, store.domain.slots)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)
    walls: list[float] = []
    cpus: list[float] = []
    found = {}
    for number in range(1, turns + 1):
        wall, cpu = time.perf_counter(), time.process_time()
        tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
        add_turn(tracker, number)
        await store.save(tracker)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        if number in CHECKPOINTS:
            found[number] = (
                statistics.median(walls[-WINDOW:]) * 1000,
                statistics.median(cpus[-WINDOW:]) * 1000,
            )
    return found


def main() -> None:
    """Measure both stores and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=500)
    args = parser.parse_args()
    domain = Domain.load(str(PROJECT_DIR / "domain"))
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        kinds: tuple[tuple[str, type[SQLTrackerStore]], ...] = (
            ("Rasa's SQLTrackerStore", SQLTrackerStore),
            ("CachedSQLTrackerStore", CachedSQLTrackerStore),
        )
        for index, (name, kind) in enumerate(kinds):
            store = kind(domain, dialect="sqlite", db=str(Path(folder) / f"{index}.db"))
            results[name] = asyncio.run(play(store, args.turns))
            store.engine.dispose()
    print("| Turn | " + " | ".join(f"{name} (wall / CPU)" for name in results) + " |")
    print("| --- |" + " --- |" * len(results))
    for turn in sorted(next(iter(results.values()))):
        cells = [f"{r[turn][0]:.1f} / {r[turn][1]:.1f} ms" for r in results.values()]
        print(f"| {turn} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
