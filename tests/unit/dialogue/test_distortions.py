import pytest

from bot.dialogue.distortions import DISTORTIONS, by_key, is_none, is_question, mentioned


def test_there_are_ten_with_titles_and_one_line_explanations() -> None:
    assert len(DISTORTIONS) == 10
    assert len({d.key for d in DISTORTIONS}) == 10
    for d in DISTORTIONS:
        assert d.title and "\n" not in d.explanation and d.explanation.endswith(".")
        assert mentioned(d.title) == [d], d.title


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("Catastrophising", ["catastrophising"]),
        ("catastrophizing and mind reading", ["catastrophising", "mind_reading"]),
        ("black and white thinking", ["all_or_nothing"]),
        ("I think it's overgeneralization", ["overgeneralisation"]),
        ("my boss", []),
    ],
)
def test_mentioned(text: str, keys: list[str]) -> None:
    assert [d.key for d in mentioned(text)] == keys


def test_questions_and_none() -> None:
    assert is_question("what is mind reading?")
    assert is_question("explain labelling")
    assert not is_question("Labelling")
    assert is_none("None of these")
    assert not is_none("none of these fit except labelling really")
    assert by_key("labelling").title == "Labelling"
