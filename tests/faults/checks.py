"""What every fault test asserts afterwards, whatever the topology, and the figures it prints."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from bot.risk.resources import crisis_text
from bot.storage import tables as t
from bot.storage.engine import Database
from bot.storage.escalations import count_flagged_messages
from bot.storage.tables import escalations
from bot.web.replies import SOMETHING_WENT_WRONG
from bot.web.resends import turn_message_id
from tests.faults.people import Person, plans

# Rasa's crisis text arrives split on blank lines; the web app's own copy arrives whole.
CRISIS_OPENING = crisis_text("US").strip().split("\n\n")[0]


class TrackerEventsLostError(AssertionError):
    """The tracker store's user events differ from the acknowledged messages."""


def escalation_counts(database: Database, conversation_id: str) -> tuple[int, int]:
    """(risk escalations, flagged messages) of a conversation."""

    def query(connection: sa.Connection) -> tuple[int, int]:
        found = connection.execute(
            sa.select(sa.func.count()).where(escalations.c.conversation_id == conversation_id)
        ).scalar_one()
        flagged = count_flagged_messages(connection, conversation_id=conversation_id)
        return int(found), int(flagged)

    return database.run_sync(query)


def assert_nothing_lost(
    people: list[Person],
    database: Database,
    tracker_message_ids: Callable[[str], list[str | None]],
) -> None:
    """Every message acknowledged, crisis text for each risk message, escalations exactly once,
    and the tracker's user events per conversation exactly the acknowledged messages."""
    assert [p.lost_conversations for p in people] == [[]] * len(people), (
        "a reconnecting person was given a new conversation"
    )
    unacked = [(p.conversation_id, m.text) for p in people for m in p.sent if not m.acked]
    assert unacked == [], "every message is acknowledged in the end"
    for person in people:
        conversation = person.conversation_id
        assert conversation is not None
        risk = [m for m in person.sent if m.risk]
        for message in risk:
            assert any(r.startswith(CRISIS_OPENING) for r in message.replies), (
                f"no crisis text for a risk message in {conversation}: {message.replies}"
            )
        assert escalation_counts(database, conversation) == (1 if risk else 0, len(risk))
    for person in people:  # checked last: every other assertion has passed by now
        conversation = str(person.conversation_id)
        sent_ids = [turn_message_id(conversation, m.client_id) for m in person.sent]
        stored = tracker_message_ids(conversation)
        if stored != sent_ids:
            raise TrackerEventsLostError(tracker_difference(conversation, person, sent_ids, stored))
    assert_no_write_doubled(database, [str(p.conversation_id) for p in people])


# Rows a custom action inserts, and the label of their write key (actions/turn_writes.py).
KEYED_WRITES = (
    (t.checkins, "start_checkin"),
    (t.goals, "record_goal"),
    (t.tasks, "plan_task"),
    (t.thought_records, "save_thought_record"),
)


def assert_no_write_doubled(database: Database, conversations: list[str]) -> None:
    """Each row a custom action inserted has its own write key: no turn that ran twice (a
    replica killed before saving it) stored its rows twice, and no write went unkeyed."""

    def counts(connection: sa.Connection) -> dict[str, tuple[int, int]]:
        found = {}
        for table, label in KEYED_WRITES:
            for conversation in conversations:
                rows = connection.execute(
                    sa.select(sa.func.count()).where(table.c.conversation_id == conversation)
                ).scalar_one()
                keys = connection.execute(
                    sa.select(sa.func.count()).where(
                        t.action_writes.c.conversation_id == conversation,
                        t.action_writes.c.label == label,
                    )
                ).scalar_one()
                if rows != keys:
                    found[f"{table.name} of {conversation}"] = (int(rows), int(keys))
        return found

    assert database.run_sync(counts) == {}, "rows differ from their write keys (rows, keys)"
    written = database.run_sync(
        lambda c: c.execute(sa.select(sa.func.count()).select_from(t.checkins)).scalar_one()
    )
    assert written > 0, "the load wrote no check-in: this check checked nothing"


def tracker_difference(
    conversation: str, person: Person, sent: list[str], stored: list[str | None]
) -> str:
    """Say which messages the tracker lost, doubled or reordered (for a failing assertion)."""
    missing = [i for i, m in enumerate(sent) if m not in stored]
    doubled = sorted({m for m in stored if stored.count(m) > 1}, key=str)
    lost_replies = [person.sent[i].replies for i in missing]
    return (
        f"tracker user events of {conversation} differ from the acknowledged messages: "
        f"{len(sent)} sent, {len(stored)} stored; missing turns {missing} "
        f"(their replies: {lost_replies}); doubled {len(doubled)}; "
        f"same set, other order: {sorted(map(str, stored)) == sorted(sent)}"
    )


def report(fault: str, people: list[Person], recovery: float) -> None:
    """Print the run's figures (pytest -s shows them)."""
    messages = [m for p in people for m in p.sent]
    print(
        f"\nfault {fault}: {len(people)} people, {len(messages)} messages "
        f"({sum(m.risk for m in messages)} risk), re-sent {sum(m.sends > 1 for m in messages)}, "
        f"reconnects {sum(p.reconnects for p in people)}, "
        f"'something went wrong' {sum(SOMETHING_WENT_WRONG in m.replies for m in messages)}, "
        f"back after {recovery:.1f} s"
    )


async def assert_newcomer_is_served(web_url: str) -> None:
    """A person arriving after the fault gets a normal answer: no manual step was needed."""
    newcomer = Person(web_url, plans(1)[0])  # the first plan has no risk
    try:
        await newcomer.start()
        message = await newcomer.say("hello", risk=False)
    finally:
        await newcomer.close()
    assert message.acked and message.replies
    assert SOMETHING_WENT_WRONG not in message.replies
