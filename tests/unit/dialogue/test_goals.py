import pytest

from bot.dialogue.goals import (
    HIGH_MOOD_GOAL,
    LOW_MOOD_GOAL,
    MIDDLE_MOOD_GOAL,
    propose_goal,
    suggest_step,
)


@pytest.mark.parametrize(
    ("mood", "goal"),
    [(None, LOW_MOOD_GOAL), (2, LOW_MOOD_GOAL), (5, MIDDLE_MOOD_GOAL), (9, HIGH_MOOD_GOAL)],
)
def test_propose_goal(mood: int | None, goal: str) -> None:
    assert propose_goal(mood) == goal


@pytest.mark.parametrize(
    ("barrier", "fragment"),
    [
        ("I just forgot", "reminder"),
        ("work was too busy", "smaller"),
        ("too tired", "gentler"),
        ("it rained all week", "indoor"),
        ("no idea", "smaller first step"),
        (None, "smaller first step"),
    ],
)
def test_suggest_step(barrier: str | None, fragment: str) -> None:
    assert fragment in suggest_step(barrier)
