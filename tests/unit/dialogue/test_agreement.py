import pytest

from bot.dialogue.agreement import is_bare_agreement


@pytest.mark.parametrize("text", ["sure", "Yep!", "that one", "  ok then ", "sounds good.", "👍"])
def test_bare_agreement(text: str) -> None:
    assert is_bare_agreement(text)


@pytest.mark.parametrize("text", ["sure, a short walk", "yes i'll read", "read a book", "", "no"])
def test_words_of_their_own(text: str) -> None:
    assert not is_bare_agreement(text)
