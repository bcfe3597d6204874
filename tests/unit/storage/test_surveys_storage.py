from datetime import timedelta

import pytest

from bot.clock import utcnow
from bot.storage.checkin_sessions import finish_checkin, start_checkin
from bot.storage.engine import Database
from bot.storage.surveys import (
    administrations_for,
    answers_for,
    finish_administration,
    open_administration,
    record_declined,
    record_response,
    start_administration,
    survey_schedule_facts,
)


def test_an_administration_from_start_to_completion(database: Database) -> None:
    run = database.run_sync
    admin_id = run(start_administration, conversation_id="c", instrument="dwai")
    assert run(open_administration, conversation_id="c").id == admin_id
    for item_id, value in (("dwai_1", 4), ("dwai_2", 2), ("dwai_1", 5)):
        run(
            record_response,
            administration_id=admin_id,
            conversation_id="c",
            item_id=item_id,
            subscale="goal",
            value=value,
        )
    # A repeated answer replaces the earlier one: one row per item.
    assert run(answers_for, administration_id=admin_id) == {"dwai_1": 5, "dwai_2": 2}
    scores = {"goal": 3.5, "total": 3.5}
    assert run(finish_administration, administration_id=admin_id, status="completed", scores=scores)
    assert run(open_administration, conversation_id="c") is None
    (admin,) = run(administrations_for, conversation_id="c")
    assert (admin.status, admin.scores, admin.instrument) == ("completed", scores, "dwai")
    assert admin.ended_at is not None and admin.started_at.tzinfo is not None
    # A closed administration cannot be closed again.
    assert not run(finish_administration, administration_id=admin_id, status="abandoned")


def test_starting_again_abandons_the_open_one(database: Database) -> None:
    run = database.run_sync
    first = run(start_administration, conversation_id="c", instrument="dwai")
    second = run(start_administration, conversation_id="c", instrument="dwai")
    statuses = {a.id: a.status for a in run(administrations_for, conversation_id="c")}
    assert statuses == {first: "abandoned", second: "in_progress"}


def test_finish_refuses_bad_combinations(database: Database) -> None:
    run = database.run_sync
    admin_id = run(start_administration, conversation_id="c", instrument="dwai")
    with pytest.raises(ValueError, match="one of"):
        run(finish_administration, administration_id=admin_id, status="in_progress")
    with pytest.raises(ValueError, match="scores"):
        run(finish_administration, administration_id=admin_id, status="completed")
    with pytest.raises(ValueError, match="scores"):
        run(finish_administration, administration_id=admin_id, status="skipped", scores={})


def test_schedule_facts_count_completed_checkins_and_the_last_survey(database: Database) -> None:
    run = database.run_sync
    assert run(survey_schedule_facts, conversation_id="c") == (0, None)
    for status in ("completed", "abandoned", "completed"):
        run(start_checkin, conversation_id="c", mood=5)
        run(finish_checkin, conversation_id="c", status=status)
    run(start_administration, conversation_id="c", instrument="dwai")  # open: not counted
    assert run(survey_schedule_facts, conversation_id="c") == (2, None)
    before = utcnow()
    run(record_declined, conversation_id="c", instrument="dwai")
    completed, last = run(survey_schedule_facts, conversation_id="c")
    assert completed == 2
    assert last is not None and before - timedelta(seconds=1) <= last <= utcnow()
    # Declining closed the open administration too.
    assert run(open_administration, conversation_id="c") is None
