"""The transcript merge and the risk highlighting, without the app."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.supporter.takeover import ConversationMessage
from bot.supporter.transcript import (
    Segment,
    highlight,
    merge,
    stored_entries,
    tracker_entries,
    tracker_user_event,
)

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def test_highlight_marks_every_occurrence_case_insensitively_and_keeps_the_text() -> None:
    text = "I want to END IT. <b>end it</b>"
    segments = highlight(text, ["end it", "want to end it", ""])
    assert "".join(s.text for s in segments) == text
    assert [s.text for s in segments if s.mark] == ["want to END IT", "end it"]


def test_highlight_with_nothing_to_mark_or_length_changing_case_folds() -> None:
    assert highlight("hello", ["bye"]) == [Segment("hello")]
    assert highlight("", []) == [Segment("")]
    text = "STRASSE straße end it"
    assert "".join(s.text for s in highlight(text, ["end it"])) == text


def test_tracker_copies_of_stored_messages_are_shown_once_in_time_order() -> None:
    message = ConversationMessage("m1", "c", "person", None, "are you there?", T0)
    tracker = {
        "events": [
            {"event": "user", "text": "hi", "timestamp": T0.timestamp() - 60, "metadata": {}},
            {"event": "bot", "text": "Hello", "timestamp": T0.timestamp() - 59,
             "data": {"buttons": [{"title": "7", "payload": "7"}]}},
            {"event": "pause", "timestamp": T0.timestamp() - 30},
            tracker_user_event(message),
            {"event": "bot", "text": "I'm here", "timestamp": T0.timestamp() + 5,
             "metadata": {"sender": "supporter", "supporter_name": "sam"}},
            {"event": "bot", "timestamp": T0.timestamp() + 6, "data": {"custom": {"x": 1}}},
        ]
    }  # fmt: skip
    entries = merge(tracker_entries(tracker), stored_entries([message]))
    assert [(e.sender, e.text) for e in entries] == [
        ("person", "hi"), ("bot", "Hello"), ("person", "are you there?"), ("supporter", "I'm here"),
    ]  # fmt: skip
    assert entries[1].buttons == [{"title": "7", "payload": "7"}]
    assert entries[3].to_json()["supporter_name"] == "sam"
    assert tracker_user_event(message)["parse_data"]["intent"] == {}
