"""Every dialogue flow end to end through Rasa's REST channel of a running stack.

Each test uses a fresh sender. Texts come from the same sources the bot uses (the domain and
bot/dialogue/data/messages.yml), so a wording change does not break these tests.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import aiohttp
import pytest
import sqlalchemy as sa
import yaml

from bot.clock import utcnow
from bot.dialogue.goals import LOW_MOOD_GOAL
from bot.dialogue.messages import text
from bot.storage.checkin_sessions import checkin_rows, start_checkin
from bot.storage.engine import Database
from bot.storage.escalations import list_escalations
from bot.storage.goals import goal_rows, plan_task, record_goal, task_rows
from bot.storage.participants import return_context, set_display_name
from bot.storage.schedule import due_checkin, next_checkin
from bot.storage.tables import checkins
from bot.storage.thought_records import thought_record_rows
from tests.integration.conftest import PROJECT_DIR, Stack

pytestmark = pytest.mark.slow


def response(name: str) -> str:
    """The text of a domain response."""
    for path in sorted((PROJECT_DIR / "domain").glob("*.yml")):
        responses = yaml.safe_load(path.read_text()).get("responses") or {}
        if name in responses:
            return str(responses[name][0]["text"])
    raise KeyError(name)


class Person:
    """One conversation over the REST channel."""

    def __init__(self, stack: Stack) -> None:
        self.url = f"{stack.rasa_url}/webhooks/rest/webhook"
        self.sender = f"flow-{uuid.uuid4().hex}"
        self.last: list[dict[str, Any]] = []

    async def say(self, message: str) -> list[str]:
        async with aiohttp.ClientSession() as http:
            body = {"sender": self.sender, "message": message}
            resp = await http.post(self.url, json=body, timeout=aiohttp.ClientTimeout(total=60))
            assert resp.status == 200
            self.last = await resp.json()
        return [reply.get("text", "") for reply in self.last]


@pytest.fixture
def database(stack: Stack) -> Any:
    db = Database.from_url(stack.database_url)
    yield db
    db.close()


async def test_daily_checkin_first_visit_then_close(stack: Stack, database: Database) -> None:
    person = Person(stack)
    assert await person.say("hi") == [text("greet_first"), text("ask_mood_rating")]
    assert await person.say("3") == [text("mood_logged", rating=3), text("ask_emotions")]
    assert await person.say("sad and lonely") == [
        text("reflect_low", emotions="sad and lonely"),
        text("offer_thought_record"),
    ]
    assert [b["payload"] for b in person.last[1]["buttons"]] == ["/start_thought_record", "/deny"]
    assert await person.say("no") == [response("utter_offer_declined"), text("ask_next_checkin")]
    assert await person.say("tomorrow at 6pm") == [text("ask_display_name")]
    summary, goodbye = await person.say("Sam")
    assert summary.splitlines()[:3] == [
        text("summary_intro"),
        text("summary_mood", rating=3),
        text("summary_emotions", emotions="sad and lonely"),
    ]
    assert "• Next check-in:" in summary and "at 18:00 (UTC)" in summary
    assert goodbye == text("session_goodbye", name_part=", Sam")

    due = database.run_sync(next_checkin, conversation_id=person.sender)
    tomorrow = (utcnow() + timedelta(days=1)).date()
    assert due == datetime(tomorrow.year, tomorrow.month, tomorrow.day, 18, tzinfo=timezone.utc)
    assert database.run_sync(due_checkin, conversation_id=person.sender, now=due) is not None
    assert database.run_sync(due_checkin, conversation_id=person.sender, now=utcnow()) is None
    assert database.run_sync(return_context, conversation_id=person.sender).display_name == "Sam"
    (checkin,) = database.run_sync(checkin_rows, conversation_id=person.sender)
    assert (checkin["mood"], checkin["emotions"], checkin["status"]) == (
        3,
        ["sad", "lonely"],
        "completed",
    )


async def test_return_visit_reviews_the_task_without_blame(
    stack: Stack, database: Database
) -> None:
    person = Person(stack)
    conversation = person.sender
    database.run_sync(set_display_name, conversation_id=conversation, name="Alex")
    database.run_sync(start_checkin, conversation_id=conversation, mood=4)
    database.run_sync(
        lambda c: c.execute(
            sa.update(checkins)
            .where(checkins.c.conversation_id == conversation)
            .values(started_at=utcnow() - timedelta(days=3), status="completed")
        )
    )
    database.run_sync(record_goal, conversation_id=conversation, status="accepted", text="walks")
    database.run_sync(
        plan_task, conversation_id=conversation, what="walk to the park", when_text="mon",
        obstacle=None,
    )  # fmt: skip

    greeting, question = await person.say("hi")
    assert greeting.startswith("Welcome back, Alex.")
    assert "It's been 3 days" in greeting and "Last time you set a goal: walks." in greeting
    assert question == text("ask_mood_rating")
    await person.say("5")
    assert await person.say("tired") == [
        text("reflect_middle", emotions="tired"),
        text("ask_task_review", task="walk to the park"),
    ]
    assert await person.say("/task_not_done") == [
        text("task_review_not_done"),
        text("ask_task_barrier"),
    ]
    (ask_step,) = await person.say("I forgot about it")
    assert "reminder" in ask_step
    assert await person.say("put it in my calendar") == [
        text("next_step_agreed", step="put it in my calendar"),
        text("offer_goal_setting"),
    ]
    (task,) = database.run_sync(task_rows, conversation_id=conversation)
    assert (task["status"], task["barrier"], task["next_step"]) == (
        "not_done",
        "I forgot about it",
        "put it in my calendar",
    )


async def test_thought_record_reflects_the_change(stack: Stack, database: Database) -> None:
    person = Person(stack)
    assert await person.say("i want to do a thought record") == [text("ask_tr_situation")]
    assert await person.say("a team meeting on monday") == [text("ask_tr_thought")]
    assert await person.say("they all think my work is bad") == [text("ask_tr_emotion")]
    assert await person.say("anxious") == [text("ask_tr_intensity_before")]
    assert await person.say("80") == [text("ask_tr_distortions")]
    assert len(person.last[0]["buttons"]) == 11
    explanation, again = await person.say("what is mind reading?")
    assert explanation.startswith("Mind reading: ") and again == text("ask_tr_distortions")
    assert await person.say("Mind reading") == [text("ask_tr_evidence_for")]
    assert await person.say("nobody replied to my email") == [text("ask_tr_evidence_against")]
    assert await person.say("my manager thanked me last week") == [text("ask_tr_balanced_thought")]
    assert await person.say("they were probably just busy") == [text("ask_tr_intensity_after")]
    assert await person.say("40") == [
        text(
            "tr_change_lower",
            emotion="anxious",
            before=80,
            after=40,
            balanced="they were probably just busy",
        ),
        text("offer_goal_setting"),
    ]
    (record,) = database.run_sync(thought_record_rows, conversation_id=person.sender)
    assert (record["status"], record["distortions"]) == ("completed", ["mind_reading"])
    assert (record["intensity_before"], record["intensity_after"]) == (80, 40)


async def test_goal_accepted_task_planned_and_close(stack: Stack, database: Database) -> None:
    person = Person(stack)
    assert await person.say("set a goal") == [text("ask_goal_text", goal=LOW_MOOD_GOAL)]
    assert await person.say("yes") == [
        text("goal_agreed", goal=LOW_MOOD_GOAL),
        text("ask_task_what"),
    ]
    assert await person.say("walk to the park") == [text("ask_task_when")]
    assert await person.say("monday evening") == [text("ask_task_obstacle")]
    assert await person.say("bad weather, then I will go to the gym instead") == [
        text("task_planned", what="walk to the park", when="monday evening"),
        text("ask_next_checkin"),
    ]
    assert await person.say("skip") == [text("question_skipped"), text("ask_display_name")]
    skipped, summary, goodbye = await person.say("skip")
    assert skipped == text("question_skipped")
    assert text("summary_goal", goal=LOW_MOOD_GOAL) in summary.splitlines()
    assert text("summary_no_next_checkin") in summary.splitlines()
    assert goodbye == text("session_goodbye", name_part="")
    (goal,) = database.run_sync(goal_rows, conversation_id=person.sender)
    assert (goal["status"], goal["text"]) == ("accepted", LOW_MOOD_GOAL)
    (task,) = database.run_sync(task_rows, conversation_id=person.sender)
    assert (task["status"], task["goal_id"]) == ("planned", goal["id"])
    assert database.run_sync(next_checkin, conversation_id=person.sender) is None


async def test_goal_rejected_is_respected(stack: Stack, database: Database) -> None:
    person = Person(stack)
    await person.say("set a goal")
    assert await person.say("no") == [text("goal_rejected"), text("ask_next_checkin")]
    (goal,) = database.run_sync(goal_rows, conversation_id=person.sender)
    assert goal["status"] == "rejected"


async def test_asking_for_a_human_is_confirmed_and_queued(stack: Stack, database: Database) -> None:
    person = Person(stack)
    assert await person.say("can i talk to a real person") == [text("ask_handoff_confirmed")]
    assert await person.say("yes please") == [text("handoff_requested")]
    queued = [e for e in database.run_sync(list_escalations) if e.conversation_id == person.sender]
    assert [(e.kind, e.severity, e.status) for e in queued] == [("handoff", "low", "open")]


async def test_digressions_inside_a_form_return_to_the_question(
    stack: Stack, database: Database
) -> None:
    person = Person(stack)
    assert await person.say("thought record") == [text("ask_tr_situation")]
    assert await person.say("are you a bot?") == [
        response("utter_bot_challenge"),
        text("ask_tr_situation"),
    ]
    assert await person.say("you're not listening") == [
        response("utter_rupture_repair_in_form"),
        text("ask_tr_situation"),
    ]
    assert await person.say("skip") == [text("question_skipped"), text("ask_tr_thought")]
    assert await person.say("stop") == [text("exercise_stopped")]
    (record,) = database.run_sync(thought_record_rows, conversation_id=person.sender)
    assert (record["status"], record["step"]) == ("abandoned", "tr_thought")


async def test_a_risk_message_interrupts_an_exercise_for_good(stack: Stack) -> None:
    person = Person(stack)
    await person.say("thought record")
    replies = await person.say("i want to kill myself")
    assert replies[0] == response("utter_crisis")
    again = await person.say("thought record")
    assert text("ask_tr_situation") not in again
    assert response("utter_crisis_followup") in again
