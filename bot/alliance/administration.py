"""The survey's database transactions: the next item, an answer, the score, a stop.

Each function runs inside one transaction (``Database.run``) and knows nothing of Rasa; the
custom actions in ``actions/survey.py`` and ``actions/survey_outcomes.py`` call them.
"""

from __future__ import annotations

from bot.alliance.instruments import load_instrument
from bot.alliance.scoring import TOTAL, score
from bot.storage.alliance import record_signal
from bot.storage.engine import Connection
from bot.storage.surveys import (
    Administration,
    answers_for,
    finish_administration,
    open_administration,
    record_response,
    start_administration,
)


def current_administration(
    connection: Connection, *, conversation_id: str, instrument: str
) -> Administration:
    """Return the administration in progress, starting one when there is none."""
    current = open_administration(connection, conversation_id=conversation_id)
    if current is None:
        start_administration(connection, conversation_id=conversation_id, instrument=instrument)
        current = open_administration(connection, conversation_id=conversation_id)
    assert current is not None  # just inserted in this transaction
    return current


def next_item(
    connection: Connection, *, conversation_id: str, instrument: str
) -> tuple[Administration, int, int]:
    """Return the open administration, the index of its first unanswered item, and the count."""
    current = current_administration(
        connection, conversation_id=conversation_id, instrument=instrument
    )
    answered = answers_for(connection, administration_id=current.id)
    items = load_instrument(current.instrument).items
    index = next((i for i, item in enumerate(items) if item.id not in answered), len(items))
    return current, index, len(items)


def store_answer(
    connection: Connection, *, conversation_id: str, instrument: str, value: int
) -> bool:
    """Store the answer to the next item; return whether every item is now answered."""
    current, index, count = next_item(
        connection, conversation_id=conversation_id, instrument=instrument
    )
    if index < count:
        item = load_instrument(current.instrument).items[index]
        record_response(
            connection,
            administration_id=current.id,
            conversation_id=conversation_id,
            item_id=item.id,
            subscale=item.subscale,
            value=value,
        )
    return index + 1 >= count


def complete_administration(
    connection: Connection, *, conversation_id: str, event_id: str | None
) -> bool:
    """Score the open administration, close it, and log one survey signal per subscale."""
    current = open_administration(connection, conversation_id=conversation_id)
    if current is None:
        return False
    instrument = load_instrument(current.instrument)
    scores = score(instrument, answers_for(connection, administration_id=current.id))
    finish_administration(
        connection, administration_id=current.id, status="completed", scores=scores
    )
    for subscale, value in scores.items():
        if subscale != TOTAL:
            record_signal(
                connection,
                conversation_id=conversation_id,
                event_id=event_id,
                dimension=subscale,
                source="survey",
                value=value,
                cue=f"survey:{instrument.id}"[:48],
            )
    return True


def stop_administration(connection: Connection, *, conversation_id: str) -> str | None:
    """Close the open administration: skipped with no answers, abandoned with some."""
    current = open_administration(connection, conversation_id=conversation_id)
    if current is None:
        return None
    status = "abandoned" if answers_for(connection, administration_id=current.id) else "skipped"
    finish_administration(connection, administration_id=current.id, status=status)
    return status
