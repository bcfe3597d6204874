# ruff: noqa: RUF001  (look-alike Unicode is the point of one test)
"""Leetspeak inside words is read as letters; numbers, times and text-speak are left alone."""

import pytest

from bot.risk import assess
from bot.risk.normalize import normalise, unleet


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("i w4nt to d1e", "i want to die"),
        ("k1ll mys3lf", "kill myself"),
        ("ki11 myself", "kill myself"),
        ("d!e", "die"),
        ("s3lf h4rm", "self harm"),
        ("h3ll0!!", "hello!!"),
    ],
)
def test_leetspeak_is_read_as_letters(typed: str, read: str) -> None:
    assert unleet(typed) == read
    assert normalise(typed).text == read


@pytest.mark.parametrize(
    "text",
    ["help!", "meet at 10pm", "2nite", "4ever", "mp3 covid19 b12", "i'm 13", "b4", "took 30 pills"],
)
def test_numbers_times_and_text_speak_are_unchanged(text: str) -> None:
    assert normalise(text).text == text


@pytest.mark.parametrize(
    "text",
    ["i w4nt to d1e", "i wanna k1ll mys3lf", "i want to ki11 myself", "i want to d!e",
     "ｉ ｗ４ｎｔ ｔｏ ｄ１ｅ", "im g0nna s3lf h4rm t0night"],
)  # fmt: skip
def test_leetspeak_risk_is_found_and_offsets_point_into_the_original(text: str) -> None:
    result = assess(text)
    assert result.risk, text
    for match in result.matches:
        assert text[match.start : match.end] == match.text


def test_obfuscated_suicide_keeps_its_own_higher_severity_rule() -> None:
    # The lexicon lists "su1c1de" as slang at high; the plain topic word is medium.
    assert normalise("su1c1de").text == "su1c1de"
    assert assess("su1c1de").severity == "high"
