"""A turn that runs again does not write its rows twice (actions/turn_writes.py).

In scale-out mode a replica can die after an action wrote and before Rasa saved the turn; the
next replica runs the same message through the same actions. Here the same tracker is run
twice, as that replica would.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from actions.checkin import ActionLogMood
from actions.goals import ActionSaveGoal
from actions.turn_writes import actions_since_message, write_key
from bot.storage import tables as t
from bot.storage.engine import Database
from tests.actions.trackers import make_tracker, run

BEFORE = [
    {"event": "user", "text": "hi", "message_id": "rasa-0"},
    {"event": "action", "name": "action_greet"},
    {"event": "action", "name": "action_listen"},
]


def _turn(slots: dict[str, Any], message_id: str, *actions_so_far: str) -> Any:
    events = [
        *BEFORE,
        {"event": "user", "text": "typed", "message_id": "rasa-1"},
        *({"event": "action", "name": name} for name in actions_so_far),
    ]
    return make_tracker(slots, metadata={"message_id": message_id}, events=events)


def _rows(database: Database, table: sa.Table) -> int:
    query = sa.select(sa.func.count()).select_from(table)
    return database.run_sync(lambda c: c.execute(query).scalar_one())


def test_the_key_is_the_message_and_the_actions_run_since() -> None:
    tracker = _turn({}, "web-1", "validate_mood_form", "mood_form")
    assert actions_since_message(tracker) == 2
    key = write_key(tracker, "start_checkin")
    assert key is not None
    assert (key.conversation_id, key.message_id, key.step, key.label) == (
        "conv-1", "web-1", 2, "start_checkin",
    )  # fmt: skip


def test_without_the_web_apps_id_rasas_message_id_is_the_key() -> None:
    tracker = make_tracker(events=[*BEFORE, {"event": "user", "message_id": "rasa-1"}])
    key = write_key(tracker, "x")
    assert key is not None
    assert (key.message_id, key.step) == ("rasa-1", 0)


def test_no_message_id_at_all_means_no_key() -> None:
    assert write_key(make_tracker(), "x") is None


def test_a_mood_turn_run_twice_stores_one_rating(actions_database: Database) -> None:
    tracker = _turn({"mood_rating": 7.0}, "web-1", "validate_mood_form", "mood_form")

    first = run(ActionLogMood(), tracker)
    again = run(ActionLogMood(), tracker)

    assert again[:2] == first[:2]  # the same events and texts: the person sees the same answer
    assert _rows(actions_database, t.mood_ratings) == 1
    assert _rows(actions_database, t.checkins) == 1


def test_the_next_message_stores_its_own_rating(actions_database: Database) -> None:
    run(ActionLogMood(), _turn({"mood_rating": 7.0}, "web-1", "mood_form"))
    run(ActionLogMood(), _turn({"mood_rating": 3.0}, "web-2", "mood_form"))

    assert _rows(actions_database, t.mood_ratings) == 2


def test_a_goal_and_its_alliance_signal_are_stored_once(actions_database: Database) -> None:
    tracker = _turn({"goal_text": "walk to the park"}, "web-9", "validate_goal_form", "goal_form")

    run(ActionSaveGoal(), tracker)
    run(ActionSaveGoal(), tracker)

    assert _rows(actions_database, t.goals) == 1
    assert _rows(actions_database, t.alliance_signals) == 1
    # One key for the goal, one for the signal (another label in the same action run).
    assert _rows(actions_database, t.action_writes) == 2
