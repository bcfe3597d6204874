"""Logs never carry what a person wrote: real turns through the widget, at DEBUG and INFO."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import LIBRARY_FLOORS
from bot.observability.json_logs import JsonFormatter
from tests.web.conftest import FakeRasa, Widget

MARKER = "zebraquokka"


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """Everything logged anywhere in the process, as production's JSON lines."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield buffer
    root.removeHandler(handler)


@pytest.mark.parametrize("level", [logging.DEBUG, logging.INFO])
async def test_turns_log_no_message_text(
    level: int,
    json_log: io.StringIO,
    caplog: pytest.LogCaptureFixture,
    widget: Widget,
    fake_rasa: tuple[FakeRasa, int],
) -> None:
    caplog.set_level(level)
    floors = {name: logging.getLogger(name).level for name in LIBRARY_FLOORS}
    for name, floor in LIBRARY_FLOORS.items():  # as bot.logs.configure_logging does
        logging.getLogger(name).setLevel(max(level, floor))
    try:
        rasa, _ = fake_rasa
        session_id = await widget.session()
        await widget.say(f"hello {MARKER} one", session_id=session_id)
        await widget.say(f"i want to end my life {MARKER} two", session_id=session_id)
        await widget.next()  # the crisis turn answers with two messages
        rasa.status = 500
        await widget.say(f"{MARKER} three while rasa is down", session_id=session_id)
        rasa.status, rasa.replies = 200, []
        await widget.say(f"{MARKER} four to a silent rasa", session_id=session_id)
    finally:
        for name, old in floors.items():
            logging.getLogger(name).setLevel(old)
    # The test is only honest if the turns did log: the risk flag and both Rasa failures.
    messages = [record.getMessage() for record in caplog.records]
    assert any(m.startswith("risk flagged") for m in messages)
    assert any(m.startswith("turn failed") for m in messages)
    assert any(m.startswith("Rasa returned no reply") for m in messages)
    assert rasa.received and all(MARKER in body["message"] for body in rasa.received)
    assert MARKER not in caplog.text
    for record in caplog.records:
        assert MARKER not in repr(vars(record))
    lines = json_log.getvalue().splitlines()
    assert lines
    for line in lines:
        json.loads(line)
        assert MARKER not in line
