"""Pausing an exercise for a question that must be confirmed first, and resuming it after a no.

Asking for a person (``handoff_form``) and asking to delete one's data (``delete_form``) can
come at any point of an exercise. The exercise form is left (its answers are kept) and its name
kept in ``paused_exercise``; when the person then says no, the action that answers the
confirmation resumes it at the same question.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names

# The exercises that a confirmation question pauses, and that "no, carry on" resumes.
RESUMABLE_FORMS = frozenset(
    {
        names.FORM_MOOD, names.FORM_EMOTION, names.FORM_THOUGHT_RECORD, names.FORM_GOAL,
        names.FORM_TASK, names.FORM_PROBLEM_SOLVING, names.FORM_CLOSE,
    }
)  # fmt: skip


class ActionPauseExercise(Action):
    """Leave the exercise for the confirmation question, remembering which one it was.

    Does what ``action_deactivate_loop`` does, and keeps the form's name in ``paused_exercise``.
    """

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_PAUSE_EXERCISE

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Deactivate the form and remember it."""
        paused = tracker.active_loop_name
        return [
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            SlotSet(names.SLOT_PAUSED_EXERCISE, paused if paused in RESUMABLE_FORMS else None),
        ]


def finish_pause(tracker: Tracker, *, resume: bool) -> list[EventType]:
    """Forget the paused exercise; with ``resume``, go back to its question first."""
    paused = tracker.get_slot(names.SLOT_PAUSED_EXERCISE)
    if paused is None:
        return []
    events: list[EventType] = [SlotSet(names.SLOT_PAUSED_EXERCISE, None)]
    if resume and paused in RESUMABLE_FORMS:
        events.append(FollowupAction(paused))
    return events
