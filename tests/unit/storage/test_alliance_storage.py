import pytest
import sqlalchemy as sa

from bot.storage.alliance import alliance_summary, record_signal, signals_for
from bot.storage.engine import Database
from bot.storage.tables import alliance_signals


def test_signals_are_stored_and_read_back_oldest_first(database: Database) -> None:
    run = database.run_sync
    first = run(
        record_signal,
        conversation_id="c",
        event_id="m1",
        dimension="bond",
        source="behaviour",
        value=1,
        cue="feel_understood",
    )
    second = run(
        record_signal,
        conversation_id="c",
        event_id=None,
        dimension="task",
        source="behaviour",
        value=-1,
        cue="task_not_done",
    )
    run(
        record_signal,
        conversation_id="other",
        event_id="m9",
        dimension="goal",
        source="behaviour",
        value=1,
        cue="goal_accepted",
    )
    signals = run(signals_for, conversation_id="c")
    assert [s.id for s in signals] == [first, second]
    assert (signals[0].event_id, signals[0].dimension, signals[0].value) == ("m1", "bond", 1.0)
    assert (signals[1].event_id, signals[1].cue) == (None, "task_not_done")
    assert signals[0].created_at.tzinfo is not None


@pytest.mark.parametrize(
    ("dimension", "source", "cue", "message"),
    [
        ("alliance", "behaviour", "x", "dimension"),
        ("bond", "guess", "x", "source"),
        ("bond", "behaviour", "", "cue"),
        ("bond", "behaviour", "x" * 49, "cue"),
    ],
)
def test_record_signal_refuses_bad_values(
    database: Database, dimension: str, source: str, cue: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        database.run_sync(
            record_signal,
            conversation_id="c",
            event_id=None,
            dimension=dimension,
            source=source,
            value=1,
            cue=cue,
        )
    with database.engine.connect() as connection:
        assert (
            connection.execute(sa.select(sa.func.count()).select_from(alliance_signals)).scalar()
            == 0
        )


def test_summary_of_an_empty_conversation(database: Database) -> None:
    summary = database.run_sync(alliance_summary, conversation_id="nobody")
    assert summary == {
        "behaviour": {
            dimension: {"count": 0, "mean": None}
            for dimension in ("bond", "goal", "task", "engagement")
        },
        "survey": {"latest": None},
    }


def test_summary_counts_behaviour_only(database: Database) -> None:
    run = database.run_sync
    for value in (1, -1, 0.5):
        run(
            record_signal,
            conversation_id="c",
            event_id=None,
            dimension="task",
            source="behaviour",
            value=value,
            cue="task_done",
        )
    run(
        record_signal,
        conversation_id="c",
        event_id=None,
        dimension="task",
        source="survey",
        value=4.5,
        cue="survey:wai_sr_chatbot",
    )
    summary = run(alliance_summary, conversation_id="c")
    assert summary["behaviour"]["task"] == {"count": 3, "mean": pytest.approx(0.5 / 3)}
    assert summary["behaviour"]["bond"] == {"count": 0, "mean": None}
