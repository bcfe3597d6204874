"""Behavioural alliance signals: each action logs the documented cue, once, with the turn's id."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from actions import services
from actions.alliance import ActionLogAllianceCue, repair_outcome
from actions.closing import ActionCloseSession
from actions.goals import ActionRejectGoal, ActionSaveGoal
from actions.greeting import ActionGreet
from actions.skip_and_stop import ActionStopExercise
from actions.tasks import ActionReviewTask
from actions.turn_writes import event_id_of
from bot.dialogue import messages
from bot.storage.alliance import signals_for
from bot.storage.checkin_sessions import start_checkin
from bot.storage.engine import Database
from tests.actions.trackers import make_tracker, run


def rows(db: Database, conversation_id: str = "conv-1") -> list[tuple[Any, ...]]:
    return [
        (s.dimension, s.source, s.cue, s.value, s.event_id)
        for s in db.run_sync(signals_for, conversation_id=conversation_id)
    ]


def user(message_id: str, intent: str = "nlu_fallback") -> dict[str, Any]:
    return {"event": "user", "message_id": message_id, "parse_data": {"intent": {"name": intent}}}


def action(name: str) -> dict[str, Any]:
    return {"event": "action", "name": name}


AFTER_REPAIR = [
    user("u1", "frustrated_with_bot"),
    action("utter_rupture_repair"),
    action("action_log_alliance_cue"),
    action("action_listen"),
    user("u2"),
]


def test_event_id_prefers_the_web_apps_message_id() -> None:
    events = [user("rasa-1"), action("action_listen"), user("rasa-2")]
    assert event_id_of(make_tracker(metadata={"message_id": "web-9"}, events=events)) == "web-9"
    assert event_id_of(make_tracker(events=events)) == "rasa-2"
    assert event_id_of(make_tracker()) is None


@pytest.mark.parametrize(
    ("intent", "expected"),
    [
        ("thank", [("bond", "behaviour", "thanks", 1.0, "m-1")]),
        ("feel_understood", [("bond", "behaviour", "feel_understood", 1.0, "m-1")]),
        ("frustrated_with_bot", [("bond", "behaviour", "frustrated_with_bot", -1.0, "m-1")]),
        ("goodbye", []),
        ("stop", []),
    ],
)
def test_digression_intents_log_their_bond_cue(
    actions_database: Database, intent: str, expected: list[tuple[Any, ...]]
) -> None:
    tracker = make_tracker(intent=intent, metadata={"message_id": "m-1"})
    events, texts, _ = run(ActionLogAllianceCue(), tracker)
    assert (events, texts) == ([], [])
    assert rows(actions_database) == expected


@pytest.mark.parametrize(
    ("intent", "outcome"),
    [
        ("frustrated_with_bot", "repair_declined"),
        ("goodbye", "repair_declined"),
        ("stop", "repair_declined"),
        ("thank", "repair_accepted"),
        ("start_checkin", "repair_accepted"),
        ("inform_number", "repair_accepted"),
    ],
)
def test_the_turn_after_a_repair_accepts_or_declines_it(intent: str, outcome: str) -> None:
    assert repair_outcome(make_tracker(intent=intent, events=AFTER_REPAIR)) == outcome


def test_no_repair_outcome_without_a_repair_or_once_it_was_logged() -> None:
    plain = [user("u1"), action("utter_you_are_welcome"), action("action_listen"), user("u2")]
    assert repair_outcome(make_tracker(intent="thank", events=plain)) is None
    assert repair_outcome(make_tracker(intent="thank", events=AFTER_REPAIR[-1:])) is None
    logged = [*AFTER_REPAIR, action("action_greet")]
    assert repair_outcome(make_tracker(intent="start_checkin", events=logged)) is None
    in_form = [*AFTER_REPAIR, action("utter_you_are_welcome"), action("mood_form")]
    assert repair_outcome(make_tracker(intent="thank", events=in_form)) is None


def test_frustration_again_after_a_repair_logs_both(actions_database: Database) -> None:
    tracker = make_tracker(intent="frustrated_with_bot", events=AFTER_REPAIR)
    run(ActionLogAllianceCue(), tracker)
    assert rows(actions_database) == [
        ("bond", "behaviour", "repair_declined", -0.5, "u2"),
        ("bond", "behaviour", "frustrated_with_bot", -1.0, "u2"),
    ]


def test_starting_again_after_a_repair_accepts_it(actions_database: Database) -> None:
    run(ActionGreet(), make_tracker(intent="start_checkin", events=AFTER_REPAIR))
    assert rows(actions_database) == [("bond", "behaviour", "repair_accepted", 0.5, "u2")]


@pytest.mark.parametrize(
    ("slots", "cue"),
    [
        ({"proposed_goal": "a walk", "goal_text": "accepted_proposal"}, "goal_accepted"),
        ({"proposed_goal": "a walk", "goal_text": "a swim instead"}, "goal_edited"),
        ({"goal_text": "sleep by eleven"}, "goal_stated"),
    ],
)
def test_an_agreed_goal_is_a_goal_signal(
    actions_database: Database, slots: dict[str, Any], cue: str
) -> None:
    run(ActionSaveGoal(), make_tracker(slots, metadata={"message_id": "m-2"}))
    assert rows(actions_database) == [("goal", "behaviour", cue, 1.0, "m-2")]


def test_a_rejected_goal_is_a_negative_goal_signal(actions_database: Database) -> None:
    run(ActionRejectGoal(), make_tracker({"proposed_goal": "a walk"}, intent="deny"))
    assert rows(actions_database) == [("goal", "behaviour", "goal_rejected", -1.0, None)]


@pytest.mark.parametrize(
    ("intent", "cue", "value"),
    [
        ("task_done", "task_done", 1.0),
        ("task_partly_done", "task_partly_done", 0.5),
        ("task_not_done", "task_not_done", -1.0),
    ],
)
def test_a_task_review_is_a_task_signal(
    actions_database: Database, intent: str, cue: str, value: float
) -> None:
    tracker = make_tracker({"task_pending": True, "pending_task": "walk"}, intent=intent)
    run(ActionReviewTask(), tracker)
    assert rows(actions_database) == [("task", "behaviour", cue, value, None)]


def test_a_completed_checkin_is_an_engagement_signal(actions_database: Database) -> None:
    actions_database.run_sync(start_checkin, conversation_id="conv-1", mood=5)
    run(ActionCloseSession(), make_tracker({"next_checkin": "skipped", "display_name": "skipped"}))
    assert rows(actions_database) == [("engagement", "behaviour", "checkin_completed", 1.0, None)]
    # Closing with no check-in open (after a goal, say) is not a completed check-in.
    run(ActionCloseSession(), make_tracker({"next_checkin": "skipped"}))
    assert len(rows(actions_database)) == 1


def test_a_stopped_checkin_names_its_step(actions_database: Database) -> None:
    actions_database.run_sync(start_checkin, conversation_id="conv-1", mood=5)
    tracker = make_tracker(
        {"requested_slot": "emotions"}, intent="stop", active_loop="emotion_form"
    )
    run(ActionStopExercise(), tracker, {"forms": {"emotion_form": {"required_slots": []}}})
    assert rows(actions_database) == [
        ("engagement", "behaviour", "checkin_abandoned:emotions", -1.0, None)
    ]


def test_stopping_another_exercise_is_not_an_abandoned_checkin(actions_database: Database) -> None:
    tracker = make_tracker({"requested_slot": "task_what"}, intent="stop", active_loop="task_form")
    run(ActionStopExercise(), tracker, {"forms": {}})
    assert rows(actions_database) == []


def test_a_database_failure_never_breaks_the_conversation(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = Database.from_url(f"sqlite:///{tmp_path / 'missing' / 'ally.db'}")
    services.override_database(broken)
    try:
        with caplog.at_level(logging.ERROR):
            _, texts, _ = run(
                ActionLogAllianceCue(), make_tracker(text="thanks, my secret", intent="thank")
            )
            _, goal_texts, _ = run(ActionRejectGoal(), make_tracker(text="no, my secret"))
    finally:
        services.override_database(None)
        broken.close()
    assert texts == []
    assert goal_texts == [messages.text("goal_rejected")]
    assert "could not log the alliance cue thanks" in caplog.text
    assert "my secret" not in caplog.text
