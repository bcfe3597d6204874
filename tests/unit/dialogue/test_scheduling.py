from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.dialogue.scheduling import describe, parse_checkin_time

NOW = datetime(2026, 11, 25, 19, 0, tzinfo=timezone.utc)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow at 6pm", datetime(2026, 11, 26, 18, 0)),
        ("Tomorrow evening", datetime(2026, 11, 26, 18, 0)),
        ("In 3 days", datetime(2026, 11, 28, 18, 0)),
        ("Next week", datetime(2026, 12, 2, 18, 0)),
        ("friday morning", datetime(2026, 11, 27, 9, 0)),
        ("wednesday", datetime(2026, 12, 2, 18, 0)),
        ("monday 9:30am", datetime(2026, 11, 30, 9, 30)),
        ("6pm", datetime(2026, 11, 26, 18, 0)),
        ("tonight", datetime(2026, 11, 25, 20, 0)),
        ("in two weeks", datetime(2026, 12, 9, 18, 0)),
        ("whenever", None),
        ("yesterday", None),
        ("in 90 days", None),
        ("at 25:00", None),
    ],
)
def test_parse_checkin_time(text: str, expected: datetime | None) -> None:
    result = parse_checkin_time(text, now=NOW, zone=timezone.utc)
    assert result == (expected.replace(tzinfo=timezone.utc) if expected else None)


def test_time_zone_of_the_person() -> None:
    zone = ZoneInfo("America/New_York")
    result = parse_checkin_time("tomorrow at 9am", now=NOW, zone=zone)
    assert result is not None and result.utcoffset() == timedelta(hours=-5)
    assert result.astimezone(timezone.utc).hour == 14
    assert describe(result) == "Thursday 26 November at 09:00 (EST)"
