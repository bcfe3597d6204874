"""Crisis resources table and the fixed crisis message."""

import re

import pytest
import yaml

from bot.risk.resources import RESOURCES_FILE, crisis_resources, crisis_text, known_locales

TABLE = yaml.safe_load(RESOURCES_FILE.read_text(encoding="utf-8"))


def test_required_locales_are_present() -> None:
    assert {"US", "GB", "IE", "CA", "AU"} <= set(known_locales())


@pytest.mark.parametrize("locale", sorted(TABLE))
def test_every_number_in_the_table_is_in_the_crisis_text(locale: str) -> None:
    text = crisis_text(locale)
    numbers = [str(r["contact"]) for r in TABLE[locale]["resources"]]
    numbers += re.findall(r"\d+", str(TABLE[locale]["emergency"]))
    for number in numbers:
        assert number in text, (locale, number)


@pytest.mark.parametrize("locale", sorted(TABLE))
def test_crisis_text_is_fixed_and_asks_about_safety(locale: str) -> None:
    text = crisis_text(locale)
    assert text == crisis_text(locale)
    assert text.rstrip().endswith("Are you safe right now?")
    assert "human supporter" in text
    assert len(text) < 700  # short enough to read in a crisis


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("US", ["988", "741741", "HOME", "911"]),
        ("GB", ["116 123", "85258", "SHOUT", "111", "option 2", "999"]),
        ("IE", ["116 123", "112", "999"]),
        ("CA", ["988", "911"]),
        ("AU", ["13 11 14", "000"]),
    ],
)
def test_known_numbers(locale: str, expected: list[str]) -> None:
    text = crisis_text(locale)
    for fragment in expected:
        assert fragment in text, (locale, fragment)


@pytest.mark.parametrize("locale", ["en-GB", "en_gb", "gb"])
def test_locale_spellings(locale: str) -> None:
    assert crisis_resources(locale).locale == "GB"


@pytest.mark.parametrize("locale", ["FR", "", "xx-YY"])
def test_unknown_locale_is_a_clear_error(locale: str) -> None:
    with pytest.raises(ValueError) as info:
        crisis_resources(locale)
    message = str(info.value)
    assert repr(locale) in message
    assert "AU, CA, GB, IE, US" in message
