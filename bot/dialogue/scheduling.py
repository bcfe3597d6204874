"""Reading "tomorrow at 6pm", "Friday morning" or "in 3 days" as the next check-in time."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo

MAX_AHEAD = timedelta(days=60)
DEFAULT_TIME = time(18, 0)

_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
_PARTS_OF_DAY = {
    "morning": time(9, 0), "midday": time(12, 0), "noon": time(12, 0), "lunchtime": time(12, 30),
    "afternoon": time(14, 0), "evening": time(18, 0), "tonight": time(20, 0), "night": time(20, 0),
}  # fmt: skip
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                 "six": 6, "seven": 7, "couple of": 2, "few": 3}  # fmt: skip
_CLOCK = re.compile(r"\b(?:at\s+)?(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\b")
_IN_DAYS = re.compile(
    r"\bin\s+(\d{1,2}|a|an|one|two|three|four|five|six|seven|a couple of|a few)\s+(day|week)s?\b"
)
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b")


def parse_checkin_time(text: str, *, now: datetime, zone: tzinfo) -> datetime | None:
    """Return the time ``text`` names, in ``zone``, if it lies after ``now`` and within 60 days.

    A day without a time means 18:00; a time without a day means the next such time.
    Returns None when the text names no day or time, or one in the past or too far ahead.
    """
    lowered = " " + text.casefold().replace("tmrw", "tomorrow") + " "
    local_now = now.astimezone(zone)
    day = _day(lowered, local_now)
    clock = _clock(lowered)
    if day is None and clock is None:
        return None
    if day is None:
        candidate = datetime.combine(local_now.date(), clock or DEFAULT_TIME, tzinfo=zone)
        if candidate <= local_now:
            candidate += timedelta(days=1)
    else:
        candidate = datetime.combine(day, clock or DEFAULT_TIME, tzinfo=zone)
    if not local_now < candidate <= local_now + MAX_AHEAD:
        return None
    return candidate


def describe(when: datetime) -> str:
    """Return e.g. "Friday 28 November at 18:00 (UTC)"."""
    zone = when.tzname() or "UTC"
    return f"{when:%A} {when.day} {when:%B} at {when:%H:%M} ({zone})"


def describe_day(when: datetime) -> str:
    """Return e.g. "Friday 28 November" (the day only, in ``when``'s own time zone)."""
    return f"{when:%A} {when.day} {when:%B}"


def _day(lowered: str, local_now: datetime) -> date | None:
    today = local_now.date()
    if "day after tomorrow" in lowered:
        return today + timedelta(days=2)
    if "tomorrow" in lowered:
        return today + timedelta(days=1)
    if re.search(r"\b(today|tonight|later)\b", lowered):
        return today
    if "next week" in lowered:
        return today + timedelta(days=7)
    match = _IN_DAYS.search(lowered)
    if match:
        amount = match.group(1).replace("a couple of", "couple of").replace("a few", "few")
        count = int(amount) if amount.isdigit() else _NUMBER_WORDS[amount]
        return today + timedelta(days=count * (7 if match.group(2) == "week" else 1))
    weekday = _WEEKDAY.search(lowered)
    if weekday:
        ahead = (_WEEKDAYS[weekday.group(1)] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    return None


def _clock(lowered: str) -> time | None:
    for match in _CLOCK.finditer(lowered):
        hour, minute, meridiem = int(match.group(1)), int(match.group(2) or 0), match.group(3)
        explicit = meridiem or match.group(2) or match.group(0).lstrip().startswith("at")
        if not explicit or minute > 59:
            continue
        if meridiem == "pm" and hour < 12:
            hour += 12
        elif meridiem == "am" and hour == 12:
            hour = 0
        if hour <= 23:
            return time(hour, minute)
    for word, part in _PARTS_OF_DAY.items():
        if re.search(rf"\b{word}\b", lowered):
            return part
    return None
