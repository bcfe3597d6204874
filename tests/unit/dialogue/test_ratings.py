import pytest

from bot.dialogue.ratings import parse_rating


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", 7),
        ("0", 0),
        ("10", 10),
        ("about a 6", 6),
        ("8/10", 8),
        ("8 out of 10", 8),
        ("i'd say seven", 7),
        ("Zero tbh", 0),
        ("  5  ", 5),
        ("6.5", 6),
        ("11", None),
        ("-1", None),
        ("100", None),
        ("pretty good", None),
        ("", None),
        ("🙂", None),
    ],
)
def test_parse_mood_rating(text: str, expected: int | None) -> None:
    assert parse_rating(text, maximum=10) == expected


def test_intensity_scale_accepts_up_to_100() -> None:
    assert parse_rating("seventy", maximum=100) == 70
    assert parse_rating("85%", maximum=100) == 85
