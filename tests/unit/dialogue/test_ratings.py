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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A number that is part of a sentence is not the rating.
        ("one late report doesn't mean i'll lose my job", None),
        ("one of those days, maybe 3", 3),
        ("i have two kids and feel like a 5", 5),
        ("five stars", None),
        ("none of these", None),
        # Counts and times next to the rating are left out.
        ("slept 2 hours, so a 4", 4),
        ("10 hours sleep 7/10", 7),
        ("at 3pm", None),
        # Hedges and the scale after a word number still read as the rating.
        ("i'm about a six today", 6),
        ("probably a four, been a rough day", 4),
        ("nine tbh", 9),
        ("One.", 1),
        ("i\u2019d say seven", 7),
        ("7ish", 7),
        ("1 out of 10", 1),
        ("0/10", 0),
        # A range reads as its first number; a change reads as where it is now.
        ("4 or 5", 4),
        ("4-5", 4),
        ("was 7 now 5", 5),
    ],
)
def test_only_a_number_that_answers_the_question_is_read(text: str, expected: int | None) -> None:
    assert parse_rating(text, maximum=10) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("seventy five", 75),
        ("twenty-five", 25),
        ("a hundred", 100),
        ("it went from 80 to 50", 50),
        ("80 -> 50", 50),
        ("like 80", 80),
        ("none at all", 0),
    ],
)
def test_intensity_words_compounds_and_changes(text: str, expected: int) -> None:
    assert parse_rating(text, maximum=100) == expected
