"""When the in-chat survey is offered: after N completed check-ins, then every D days."""

from __future__ import annotations

from datetime import datetime, timedelta


def survey_is_due(
    *,
    completed_checkins: int,
    last_survey_at: datetime | None,
    now: datetime,
    after_checkins: int,
    every_days: int,
) -> bool:
    """Return whether to offer the survey at the end of a completed check-in.

    Args:
        completed_checkins: the person's completed check-ins, this one included.
        last_survey_at: when the last survey was started that was completed, skipped or
            abandoned (a person who said no is not asked again before ``every_days``).
        now: the current time.
        after_checkins: the first offer comes with this many completed check-ins.
        every_days: the least number of days between offers.
    """
    if completed_checkins < max(after_checkins, 1):
        return False
    return last_survey_at is None or now - last_survey_at >= timedelta(days=every_days)
