import pytest

from bot.dialogue.exercises import (
    GOAL_SETTING,
    SKIPPED,
    THOUGHT_RECORD,
    choose_exercise,
    emotions_from,
    is_answered,
    is_question,
    join_words,
    reflection_key,
)


@pytest.mark.parametrize(
    ("mood", "emotions", "expected"),
    [
        (0, [], THOUGHT_RECORD),
        (4, ["calm"], THOUGHT_RECORD),
        (5, ["anxious"], GOAL_SETTING),
        (10, [], GOAL_SETTING),
        (None, ["anxious"], THOUGHT_RECORD),
        (None, ["calm"], GOAL_SETTING),
        (None, [], GOAL_SETTING),
    ],
)
def test_choose_exercise(mood: int | None, emotions: list[str], expected: str) -> None:
    assert choose_exercise(mood, emotions) == expected


@pytest.mark.parametrize(
    ("mood", "emotions", "key"),
    [
        (2, ["sad"], "reflect_low"),
        (5, ["meh"], "reflect_middle"),
        (9, ["happy"], "reflect_high"),
        (None, ["tired"], "reflect_no_rating"),
        (8, [], "reflect_nothing"),
        (2, ["a bit flat"], "reflect_low"),
        (2, ["lost my job and cannot sleep"], "reflect_low_plain"),
        (5, ["meh?"], "reflect_middle_plain"),
        (9, ["pretty chuffed actually, got a lot done"], "reflect_high_plain"),
        (None, ["not sure how to describe it"], "reflect_no_rating_plain"),
    ],
)
def test_reflection_key(mood: int | None, emotions: list[str], key: str) -> None:
    assert reflection_key(mood, emotions) == key


def test_emotions_from_entities_then_free_text() -> None:
    entities = [
        {"entity": "emotion", "value": "Sad"},
        {"entity": "emotion", "value": "lonely"},
        {"entity": "emotion", "value": "sad"},
        {"entity": "other", "value": "x"},
    ]
    assert emotions_from(entities, "sad and lonely") == ["sad", "lonely"]
    assert emotions_from([], "  kind of flat. ") == ["kind of flat"]
    assert emotions_from([], "") == []
    assert emotions_from([], "x" * 61) == []


def test_helpers() -> None:
    assert join_words(["a"]) == "a"
    assert join_words(["a", "b", "c"]) == "a, b and c"
    assert not is_answered(SKIPPED)
    assert not is_answered(None)
    assert not is_answered([])
    assert is_answered(0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what's the weather like", True),
        ("Why do you ask", True),
        ("sad?", True),
        ("sad", False),
        ("whatever", False),
        ("", False),
    ],
)
def test_is_question(text: str, expected: bool) -> None:
    assert is_question(text) is expected
