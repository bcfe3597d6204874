"""Close: agree the next check-in (stored in the database), a summary, and a goodbye."""

from __future__ import annotations

import logging
from datetime import datetime, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names, services
from actions.alliance import log_cue
from actions.flow import ExerciseFormValidation, answer, emotions_of, mood_of
from actions.survey_offer import offer_survey_if_due
from actions.turn_writes import write_once
from bot.clock import utcnow
from bot.dialogue import messages
from bot.dialogue.display_names import read_display_name
from bot.dialogue.exercises import SKIPPED, join_words
from bot.dialogue.scheduling import describe, parse_checkin_time
from bot.storage.checkin_sessions import finish_checkin
from bot.storage.participants import MAX_NAME_LENGTH, set_display_name
from bot.storage.schedule import schedule_checkin

logger = logging.getLogger(__name__)

SESSION_SLOTS = (
    names.SLOT_MOOD_RATING,
    names.SLOT_EMOTIONS,
    names.SLOT_TR_SUMMARY,
    names.SLOT_AGREED_GOAL,
    names.SLOT_SESSION_PLAN,
    names.SLOT_NEXT_CHECKIN,
    names.SLOT_PENDING_QUESTION,
)


def person_zone(tracker: Tracker) -> tzinfo:
    """Return the person's time zone from the widget's metadata (``timezone``), else UTC."""
    metadata = tracker.latest_message.get("metadata") or {}
    try:
        return ZoneInfo(str(metadata["timezone"]))
    except (KeyError, ValueError, ZoneInfoNotFoundError):
        return timezone.utc


class ValidateCloseForm(ExerciseFormValidation):
    """The next check-in must read as a day and time in the next 60 days; names stay short."""

    free_text_slots = (names.SLOT_NEXT_CHECKIN, names.SLOT_DISPLAY_NAME)

    def name(self) -> str:
        """Return the action name."""
        return names.VALIDATE_CLOSE_FORM

    def validate_next_checkin(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Store the agreed time as ISO 8601 in the person's zone."""
        if value == SKIPPED:
            return {names.SLOT_NEXT_CHECKIN: SKIPPED}
        when = parse_checkin_time(str(value), now=utcnow(), zone=person_zone(tracker))
        if when is None:
            dispatcher.utter_message(**messages.render(names.MSG_NEXT_CHECKIN_INVALID))
            return {names.SLOT_NEXT_CHECKIN: None}
        return {names.SLOT_NEXT_CHECKIN: when.isoformat()}

    def validate_display_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Accept a short name ("call me sam": Sam); a refusal skips; a sentence is asked again."""
        if value == SKIPPED:
            return {names.SLOT_DISPLAY_NAME: SKIPPED}
        name = read_display_name(str(value or ""), max_length=MAX_NAME_LENGTH)
        if name == "":
            return {names.SLOT_DISPLAY_NAME: SKIPPED}
        if name is None:
            dispatcher.utter_message(**messages.render(names.MSG_DISPLAY_NAME_INVALID))
            return {names.SLOT_DISPLAY_NAME: None}
        return {names.SLOT_DISPLAY_NAME: name}


def summary_lines(tracker: Tracker, when: datetime | None) -> list[str]:
    """Return the summary of the session, one line per thing that happened."""
    lines = [messages.text(names.MSG_SUMMARY_INTRO)]
    mood, emotions = mood_of(tracker), emotions_of(tracker)
    if mood is not None:
        lines.append(messages.text(names.MSG_SUMMARY_MOOD, rating=mood))
    if emotions:
        lines.append(messages.text(names.MSG_SUMMARY_EMOTIONS, emotions=join_words(emotions)))
    if tracker.get_slot(names.SLOT_TR_SUMMARY):
        lines.append(str(tracker.get_slot(names.SLOT_TR_SUMMARY)))
    if tracker.get_slot(names.SLOT_AGREED_GOAL):
        goal = str(tracker.get_slot(names.SLOT_AGREED_GOAL))
        lines.append(messages.text(names.MSG_SUMMARY_GOAL, goal=goal))
    plan = tracker.get_slot(names.SLOT_SESSION_PLAN)
    if plan:
        what, _, when_text = str(plan).partition(", ")
        lines.append(messages.text(names.MSG_SUMMARY_TASK, what=what, when=when_text))
    if when is None:
        lines.append(messages.text(names.MSG_SUMMARY_NO_NEXT_CHECKIN))
    else:
        lines.append(messages.text(names.MSG_SUMMARY_NEXT_CHECKIN, when=describe(when)))
    return lines


class ActionCloseSession(Action):
    """Book the next check-in, remember the name, summarise, and say goodbye."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_CLOSE_SESSION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Write the booking and the name, then close the session's slots."""
        raw = answer(tracker.get_slot(names.SLOT_NEXT_CHECKIN))
        when = datetime.fromisoformat(raw) if raw else None
        name = answer(tracker.get_slot(names.SLOT_DISPLAY_NAME))
        database = services.database()
        completed = False
        try:
            if when is not None:
                await write_once(
                    tracker, schedule_checkin, conversation_id=tracker.sender_id, due_at=when
                )
            if name:
                await database.run(set_display_name, conversation_id=tracker.sender_id, name=name)
            completed = await write_once(
                tracker, finish_checkin, conversation_id=tracker.sender_id, status="completed"
            )
        except Exception:
            logger.exception("could not store the end of a session")
            dispatcher.utter_message(**messages.render(names.MSG_SOMETHING_WENT_WRONG))
        dispatcher.utter_message(text="\n".join(summary_lines(tracker, when)))
        name_part = f", {name}" if name else ""
        dispatcher.utter_message(**messages.render(names.MSG_SESSION_GOODBYE, name_part=name_part))
        events: list[EventType] = [SlotSet(slot, None) for slot in SESSION_SLOTS]
        if not name:
            events.append(SlotSet(names.SLOT_DISPLAY_NAME, None))
        if completed:
            # Only a check-in that ran to its summary counts, and only it can bring the survey.
            await log_cue(tracker, "checkin_completed")
            events += await offer_survey_if_due(dispatcher, tracker)
        return events
