from datetime import datetime, timedelta, timezone

import pytest

from bot.alliance.schedule import survey_is_due

NOW = datetime(2026, 11, 25, 12, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("completed", "last_days_ago", "due"),
    [
        (0, None, False),
        (2, None, False),
        (3, None, True),
        (7, None, True),
        (3, 0, False),
        (3, 13.9, False),
        (3, 14, True),
        (9, 30, True),
    ],
)
def test_after_three_checkins_then_every_fourteen_days(
    completed: int, last_days_ago: float | None, due: bool
) -> None:
    last = None if last_days_ago is None else NOW - timedelta(days=last_days_ago)
    assert (
        survey_is_due(
            completed_checkins=completed,
            last_survey_at=last,
            now=NOW,
            after_checkins=3,
            every_days=14,
        )
        is due
    )


def test_a_schedule_of_zero_checkins_still_needs_one() -> None:
    assert not survey_is_due(
        completed_checkins=0, last_survey_at=None, now=NOW, after_checkins=0, every_days=0
    )
    assert survey_is_due(
        completed_checkins=1, last_survey_at=NOW, now=NOW, after_checkins=0, every_days=0
    )
