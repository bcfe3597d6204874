"""The in-chat alliance survey: schedule, one item at a time, scoring, skip and stop."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import survey_offer
from actions.closing import ActionCloseSession
from actions.survey import COMPLETE, ActionAskSurveyValue, ValidateSurveyForm, parse_answer
from actions.survey_outcomes import ActionCompleteSurvey, ActionDeclineSurvey, ActionStopSurvey
from bot.alliance.instruments import load_instrument
from bot.dialogue import messages
from bot.storage.alliance import signals_for
from bot.storage.checkin_sessions import finish_checkin, start_checkin
from bot.storage.engine import Database
from bot.storage.surveys import administrations_for, answers_for
from tests.actions.trackers import make_tracker, run
from tests.conftest import make_settings

CLOSE_SLOTS = {"next_checkin": "skipped", "display_name": "skipped"}


@pytest.fixture
def survey_settings(tmp_path: Path) -> Iterator[None]:
    survey_offer.override_settings(make_settings(tmp_path))
    yield
    survey_offer.override_settings(None)


def use_instrument(tmp_path: Path, name: str) -> None:
    survey_offer.override_settings(make_settings(tmp_path, ALLY_SURVEY_INSTRUMENT=name))


def completed_checkins(db: Database, count: int) -> None:
    for _ in range(count):
        db.run_sync(start_checkin, conversation_id="conv-1", mood=5)
        db.run_sync(finish_checkin, conversation_id="conv-1", status="completed")


def close_checkin(db: Database) -> tuple[list[Any], list[str]]:
    db.run_sync(start_checkin, conversation_id="conv-1", mood=5)
    events, texts, _ = run(ActionCloseSession(), make_tracker(CLOSE_SLOTS))
    return events, texts


def offered(events: list[Any]) -> bool:
    return events[-1] == SlotSet("pending_question", "offer_survey")


def answer(value: Any, **tracker: Any) -> tuple[dict[str, Any], list[str]]:
    dispatcher = CollectingDispatcher()
    result = asyncio.run(
        ValidateSurveyForm().validate_survey_value(value, dispatcher, make_tracker(**tracker), {})
    )
    return result, [m["text"] for m in dispatcher.messages]


@pytest.mark.usefixtures("survey_settings")
def test_offered_at_the_end_of_the_third_completed_checkin(actions_database: Database) -> None:
    completed_checkins(actions_database, 1)
    events, _ = close_checkin(actions_database)
    assert not offered(events)
    events, texts = close_checkin(actions_database)
    assert offered(events)
    intro = load_instrument("wai_sr_chatbot").intro
    assert texts[-1] == messages.text("survey_offer", intro=intro)


@pytest.mark.usefixtures("survey_settings")
def test_a_declined_offer_is_not_repeated_within_fourteen_days(actions_database: Database) -> None:
    completed_checkins(actions_database, 3)
    events, texts, _ = run(ActionDeclineSurvey(), make_tracker(intent="deny"))
    assert events == [SlotSet("pending_question", None)]
    assert texts == [messages.text("survey_declined")]
    (admin,) = actions_database.run_sync(administrations_for, conversation_id="conv-1")
    assert (admin.status, admin.instrument) == ("skipped", "wai_sr_chatbot")
    events, _ = close_checkin(actions_database)
    assert not offered(events)


def test_the_whole_survey_is_asked_stored_and_scored(
    actions_database: Database, tmp_path: Path
) -> None:
    use_instrument(tmp_path, "wai_sr_chatbot")
    try:
        _, texts, dispatcher = run(ActionAskSurveyValue(), make_tracker())
        wai = load_instrument("wai_sr_chatbot")
        assert texts == [messages.text("survey_item", number=1, count=12, text=wai.items[0].text)]
        buttons = dispatcher.messages[0]["buttons"]
        assert [b["payload"] for b in buttons][:2] == [
            '/inform_number{"survey_value":"1"}',
            '/inform_number{"survey_value":"2"}',
        ]
        answers = {"task": 4, "bond": 5, "goal": 2}
        for number, item in enumerate(wai.items, start=1):
            value = answers[item.subscale]
            if number % 2:  # a tapped button: the entity counts, not the text
                entities = [{"entity": "survey_value", "value": str(value)}]
                result, said = answer(
                    f'/inform_number{{"survey_value":"{value}"}}',
                    entities=entities,
                    intent="inform_number",
                )
            else:  # typed
                result, said = answer(f"{value} I think", intent="inform_number")
            assert said == []
            assert result == {"survey_value": COMPLETE if number == 12 else None}
            if number < 12:
                _, texts, _ = run(ActionAskSurveyValue(), make_tracker())
                assert texts[0].startswith(f"{number + 1} of 12: ")
        events, texts, _ = run(
            ActionCompleteSurvey(), make_tracker(metadata={"message_id": "m-last"})
        )
    finally:
        survey_offer.override_settings(None)
    assert events == [SlotSet("survey_value", None)]
    assert texts == [messages.text("survey_thanks")]
    (admin,) = actions_database.run_sync(administrations_for, conversation_id="conv-1")
    assert admin.status == "completed"
    assert {k: v for k, v in admin.scores.items() if k != "total"} == answers
    assert admin.scores["total"] == pytest.approx(44 / 12, abs=1e-4)
    assert len(actions_database.run_sync(answers_for, administration_id=admin.id)) == 12
    signals = actions_database.run_sync(signals_for, conversation_id="conv-1")
    assert [(s.dimension, s.source, s.value, s.cue, s.event_id) for s in signals] == [
        ("task", "survey", 4.0, "survey:wai_sr_chatbot", "m-last"),
        ("bond", "survey", 5.0, "survey:wai_sr_chatbot", "m-last"),
        ("goal", "survey", 2.0, "survey:wai_sr_chatbot", "m-last"),
    ]


@pytest.mark.usefixtures("survey_settings")
@pytest.mark.parametrize("typed", ["9", "0", "not sure", ""])
def test_an_answer_off_the_scale_is_asked_again(actions_database: Database, typed: str) -> None:
    run(ActionAskSurveyValue(), make_tracker())
    result, said = answer(typed)
    assert result == {"survey_value": None}
    assert said == [messages.text("survey_value_invalid", minimum=1, maximum=5)]
    (admin,) = actions_database.run_sync(administrations_for, conversation_id="conv-1")
    assert actions_database.run_sync(answers_for, administration_id=admin.id) == {}


@pytest.mark.usefixtures("survey_settings")
@pytest.mark.parametrize(("answered", "status"), [(0, "skipped"), (2, "abandoned")])
def test_stopping_mid_way_keeps_the_answers(
    actions_database: Database, answered: int, status: str
) -> None:
    run(ActionAskSurveyValue(), make_tracker())
    for _ in range(answered):
        answer("3")
    events, texts, _ = run(ActionStopSurvey(), make_tracker(intent="stop"))
    assert texts == [messages.text("survey_stopped")]
    assert SlotSet("survey_value", None) in events
    (admin,) = actions_database.run_sync(administrations_for, conversation_id="conv-1")
    assert (admin.status, admin.scores) == (status, None)
    kept = actions_database.run_sync(answers_for, administration_id=admin.id)
    assert list(kept.values()) == [3] * answered
    assert actions_database.run_sync(signals_for, conversation_id="conv-1") == []


def test_swapping_the_instrument_needs_no_code(actions_database: Database, tmp_path: Path) -> None:
    use_instrument(tmp_path, "dwai")
    try:
        _, texts, dispatcher = run(ActionAskSurveyValue(), make_tracker())
        for _ in range(6):
            result, _ = answer("4")
        run(ActionCompleteSurvey(), make_tracker())
    finally:
        survey_offer.override_settings(None)
    assert texts[0].startswith("1 of 6: ")
    assert dispatcher.messages[0]["buttons"][0]["title"] == "1 Strongly disagree"
    assert result == {"survey_value": COMPLETE}
    (admin,) = actions_database.run_sync(administrations_for, conversation_id="conv-1")
    assert (admin.instrument, admin.scores) == (
        "dwai",
        {"goal": 4.0, "task": 4.0, "bond": 4.0, "total": 4.0},
    )


@pytest.mark.usefixtures("survey_settings")
def test_a_new_offer_closes_a_survey_left_open(actions_database: Database) -> None:
    run(ActionAskSurveyValue(), make_tracker())
    answer("5")
    completed_checkins(actions_database, 2)
    events, _ = close_checkin(actions_database)
    assert offered(events)
    (admin,) = actions_database.run_sync(administrations_for, conversation_id="conv-1")
    assert admin.status == "abandoned"


@pytest.mark.parametrize(
    ("typed", "value"),
    [("Always", 5), ("fairly often.", 3), ("2 Sometimes", 2), ("four", 4), ("1", 1)],
)
def test_typed_labels_and_numbers_are_read(typed: str, value: int) -> None:
    wai = load_instrument("wai_sr_chatbot")
    assert parse_answer(make_tracker(), typed, wai) == value
