from datetime import datetime, timedelta, timezone

import pytest

from bot.clock import utcnow
from bot.storage.checkin_sessions import (
    checkin_rows,
    finish_checkin,
    record_emotions,
    start_checkin,
)
from bot.storage.checkins import mood_history
from bot.storage.engine import Database
from bot.storage.escalations import list_escalations
from bot.storage.goals import (
    goal_rows,
    plan_task,
    record_barrier,
    record_goal,
    review_task,
    task_rows,
)
from bot.storage.handoffs import request_handoff
from bot.storage.participants import return_context, set_display_name
from bot.storage.schedule import due_checkin, mark_checkin_offered, next_checkin, schedule_checkin
from bot.storage.thought_records import ThoughtRecord, save_thought_record, thought_record_rows


def test_a_checkin_from_start_to_completion(database: Database) -> None:
    run = database.run_sync
    run(start_checkin, conversation_id="c", mood=4)
    assert run(record_emotions, conversation_id="c", emotions=["sad", "tired"])
    assert run(finish_checkin, conversation_id="c", status="completed")
    (row,) = run(checkin_rows, conversation_id="c")
    assert (row["mood"], row["emotions"], row["status"]) == (4, ["sad", "tired"], "completed")
    assert row["ended_at"] is not None
    assert run(mood_history, conversation_id="c") == [4]
    assert not run(finish_checkin, conversation_id="c", status="abandoned")


def test_an_abandoned_checkin_keeps_its_step_and_a_skipped_mood(database: Database) -> None:
    database.run_sync(start_checkin, conversation_id="c", mood=None)
    database.run_sync(finish_checkin, conversation_id="c", status="abandoned", step="emotions")
    (row,) = database.run_sync(checkin_rows, conversation_id="c")
    assert (row["mood"], row["status"], row["step"]) == (None, "abandoned", "emotions")
    assert database.run_sync(mood_history, conversation_id="c") == []


def test_checkin_refuses_bad_values(database: Database) -> None:
    with pytest.raises(ValueError, match="between 0 and 10"):
        database.run_sync(start_checkin, conversation_id="c", mood=11)
    with pytest.raises(ValueError, match="completed or abandoned"):
        database.run_sync(finish_checkin, conversation_id="c", status="in_progress")
    assert not database.run_sync(record_emotions, conversation_id="c", emotions=["sad"])


def test_return_context_for_a_new_and_a_returning_person(database: Database) -> None:
    run = database.run_sync
    first = run(return_context, conversation_id="c")
    assert not first.is_return_visit
    run(set_display_name, conversation_id="c", name="  Sam  ")
    run(start_checkin, conversation_id="c", mood=5)
    run(record_goal, conversation_id="c", status="rejected", text=None, proposed_text="walk")
    run(record_goal, conversation_id="c", status="edited", text="swim", proposed_text="walk")
    task_id = run(plan_task, conversation_id="c", what="swim once", when_text="sat", obstacle=None)
    context = run(return_context, conversation_id="c")
    assert context.is_return_visit
    assert (context.display_name, context.last_goal) == ("Sam", "swim")
    assert (context.planned_task_id, context.planned_task) == (task_id, "swim once")
    assert context.last_checkin_at is not None and context.last_checkin_at.tzinfo is not None
    run(set_display_name, conversation_id="c", name="Sammy")
    assert run(return_context, conversation_id="c").display_name == "Sammy"
    with pytest.raises(ValueError, match="display name"):
        run(set_display_name, conversation_id="c", name="x" * 41)


def test_goals_and_task_review(database: Database) -> None:
    run = database.run_sync
    goal_id = run(record_goal, conversation_id="c", status="accepted", text="walk")
    task_id = run(plan_task, conversation_id="c", what="walk", when_text="mon", obstacle="rain")
    assert run(task_rows, conversation_id="c")[0]["goal_id"] == goal_id
    assert run(review_task, conversation_id="c", status="not_done") == task_id
    assert run(review_task, conversation_id="c", status="done") is None  # nothing planned now
    assert run(record_barrier, conversation_id="c", barrier="rain", next_step="gym") == task_id
    (task,) = run(task_rows, conversation_id="c")
    assert (task["status"], task["barrier"], task["next_step"]) == ("not_done", "rain", "gym")
    assert [g["status"] for g in run(goal_rows, conversation_id="c")] == ["accepted"]
    with pytest.raises(ValueError, match="unknown goal status"):
        run(record_goal, conversation_id="c", status="maybe", text="x")
    with pytest.raises(ValueError, match="needs its text"):
        run(record_goal, conversation_id="c", status="accepted", text=None)
    with pytest.raises(ValueError, match="reviewed as one of"):
        run(review_task, conversation_id="c", status="planned")


def test_thought_records(database: Database) -> None:
    record = ThoughtRecord(
        situation="meeting",
        automatic_thought="they think I'm useless",
        emotion="anxious",
        intensity_before=80,
        distortions=["mind_reading"],
        intensity_after=40,
    )
    database.run_sync(save_thought_record, conversation_id="c", record=record)
    database.run_sync(
        save_thought_record,
        conversation_id="c",
        record=ThoughtRecord(situation="bus"),
        status="abandoned",
        step="tr_thought",
    )
    rows = database.run_sync(thought_record_rows, conversation_id="c")
    assert [(r["status"], r["step"]) for r in rows] == [
        ("completed", None),
        ("abandoned", "tr_thought"),
    ]
    assert rows[0]["distortions"] == ["mind_reading"] and rows[0]["intensity_after"] == 40
    with pytest.raises(ValueError, match="between 0 and 100"):
        database.run_sync(
            save_thought_record, conversation_id="c", record=ThoughtRecord(intensity_before=101)
        )


def test_next_checkin_is_due_only_after_its_time_and_survives_rebooking(
    database: Database,
) -> None:
    run = database.run_sync
    now = utcnow()
    due = now + timedelta(days=1)
    run(schedule_checkin, conversation_id="c", due_at=due - timedelta(hours=5))
    booking = run(schedule_checkin, conversation_id="c", due_at=due)  # replaces the first
    assert run(next_checkin, conversation_id="c") == due
    assert run(due_checkin, conversation_id="c", now=now) is None
    found = run(due_checkin, conversation_id="c", now=due + timedelta(minutes=1))
    assert found is not None and (found.id, found.due_at) == (booking, due)
    assert run(due_checkin, conversation_id="other", now=due + timedelta(days=1)) is None
    run(mark_checkin_offered, checkin_id=booking)
    assert run(due_checkin, conversation_id="c", now=due + timedelta(minutes=2)) is not None
    with pytest.raises(ValueError, match="timezone-aware"):
        run(schedule_checkin, conversation_id="c", due_at=datetime(2030, 1, 1))


def test_starting_a_checkin_keeps_a_due_booking(database: Database) -> None:
    past = utcnow() - timedelta(minutes=1)
    database.run_sync(schedule_checkin, conversation_id="c", due_at=past)
    assert database.run_sync(due_checkin, conversation_id="c", now=utcnow()) is not None
    database.run_sync(start_checkin, conversation_id="c", mood=6)
    assert database.run_sync(due_checkin, conversation_id="c", now=utcnow()) is None


def test_schedule_stores_utc(database: Database) -> None:
    local = datetime(2030, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=2)))
    database.run_sync(schedule_checkin, conversation_id="c", due_at=local)
    stored = database.run_sync(next_checkin, conversation_id="c")
    assert stored == local and stored.utcoffset() == timedelta(0)


def test_handoff_request_is_low_severity_and_not_duplicated(database: Database) -> None:
    first = database.run_sync(request_handoff, conversation_id="c", message_id="m1")
    again = database.run_sync(request_handoff, conversation_id="c", message_id="m1")
    assert first == again
    (item,) = database.run_sync(list_escalations, status="open")
    assert (item.kind, item.severity, item.categories, item.conversation_id) == (
        "handoff",
        "low",
        [],
        "c",
    )
