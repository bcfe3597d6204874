import pytest

from bot.dialogue.display_names import read_display_name


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Robin", "Robin"),
        ("robin", "Robin"),
        ("call me sam", "Sam"),
        ("you can call me Jo", "Jo"),
        ("my name is Ana-Maria", "Ana-Maria"),
        ("im jo", "Jo"),
        ("Mary Jane Watson", "Mary Jane Watson"),
        ("chris o\u2019neill", "Chris O'Neill"),
        ("李华", "李华"),
        ("sam!!", "Sam"),
        ("J", "J"),
    ],
)
def test_a_name_is_read(typed: str, name: str) -> None:
    assert read_display_name(typed, max_length=40) == name


@pytest.mark.parametrize(
    "typed",
    ["skip", "no thanks", "nothing really", "Not right now", "no i'm good", "idk", "rather not"],
)
def test_a_refusal_skips(typed: str) -> None:
    assert read_display_name(typed, max_length=40) == ""


@pytest.mark.parametrize(
    "typed",
    [
        "i don't really want to say that right now",
        "mary jane watson smith",
        "😀",
        "x" * 41,
        "",
        "call me",
    ],
)
def test_a_sentence_or_symbol_is_asked_again(typed: str) -> None:
    assert read_display_name(typed, max_length=40) is None
