# ruff: noqa: RUF001  (look-alike Unicode is the point of these tests)
"""Odd inputs never raise, and match offsets always point into the original text."""

import random

import pytest

from bot.risk import assess

ODD_INPUTS = [
    "",
    " ",
    "\n\n\t  \r\n",
    "\x00",
    "i want\x00 to die",
    "\x01\x02\x1b[31m\x7f",
    "😀😭💀🔥" * 50,
    "مرحبا كيف حالك",  # RTL Arabic
    "\u202ei want to die\u202c",  # RTL override around risk text
    "e\u0301\u0301\u0301 z\u0335a\u0335l\u0335g\u0335o\u0335",  # combining characters
    "\ud800 lone surrogate",
    "ｉ ｗａｎｔ ｔｏ ｄｉｅ",  # full-width
    "Straße ß ﬁ ﬂ",
    "a" * 5000,
    "." * 3000,
    "'" * 100 + "’" * 100,
    "i" + "\u200b" * 100 + " want to die",
]


@pytest.mark.parametrize("text", ODD_INPUTS)
def test_odd_input_never_raises_and_offsets_are_valid(text: str) -> None:
    result = assess(text)
    assert result.severity in ("none", "low", "medium", "high", "imminent")
    for match in result.matches:
        assert 0 <= match.start < match.end <= len(text)
        assert text[match.start : match.end] == match.text


def test_hidden_risk_in_odd_unicode_is_still_found() -> None:
    assert assess("ｉ ｗａｎｔ ｔｏ ｄｉｅ").risk
    assert assess("i want\x00 to die").risk
    assert assess("I want to kill my\u200bself").risk


def test_random_unicode_soup_never_raises() -> None:
    rng = random.Random(20261125)  # fixed seed: deterministic test
    for _ in range(200):
        length = rng.randint(0, 300)
        text = "".join(chr(rng.randint(0, 0x2FFFF)) for _ in range(length))
        text = text.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")
        result = assess(text)
        for match in result.matches:
            assert text[match.start : match.end] == match.text


def test_100kb_message_with_buried_risk() -> None:
    filler = "we went to the park, the weather was nice and the dog was happy. "
    text = filler * (100_000 // len(filler)) + "I keep thinking about killing myself. " + filler
    assert len(text) > 100_000
    result = assess(text)
    assert result.risk
    assert result.categories == ("suicidal_ideation",)
    match = result.matches[0]
    assert text[match.start : match.end] == match.text == "thinking about killing myself"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I want to DIIIIE", "want to DIIIIE"),
        ("i wan’t to kill my’self… no, I want to kill myself", "kill myself"),
        ("ＫＭＳ", "ＫＭＳ"),
        ("Café. I want to kill myself", "kill myself"),
        ("I’m done, I want to die", "want to die"),
        ("ß" * 10 + " i want to die", "want to die"),
    ],
)
def test_offsets_map_to_original_text(text: str, expected: str) -> None:
    result = assess(text)
    assert result.risk
    last = result.matches[-1]
    assert text[last.start : last.end] == last.text == expected


def test_non_string_input_is_a_type_error_not_a_silent_pass() -> None:
    with pytest.raises(TypeError):
        assess(None)  # type: ignore[arg-type]
