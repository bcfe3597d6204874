"""Commands versus answers inside a form (bot/dialogue/form_commands.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.dialogue.form_commands import (
    DIGRESSION_INTENTS,
    FormCommandsError,
    is_digression,
    load_commands,
    normalise,
)


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("she cancelled on me twice this month", "stop", 0.96),
        ("she was busy the last two times i asked", "frustrated_with_bot", 0.45),
        ("i keep thinking i should just stop trying", "stop", 0.99),
        ("my manager skipped our one to one again", "skip", 0.9),
        ("i told my friend i wanted a real person to talk to", "request_human", 0.7),
        ("thank god the train was on time for once", "thank", 0.85),
        ("she was busy", "frustrated_with_bot", 0.6),
        ("nobody listens", "frustrated_with_bot", 0.79),
        ("i wish i had a real person to talk to about it every day", "request_human", 0.85),
        ("i'd rather talk to an actual human than my boss about work", "stop", 0.98),
        ("stop", "chitchat", 0.99),
        # Times answer "when" questions even when classified as a greeting.
        ("monday evening", "greet", 0.99),
        ("tomorrow morning", "greet", 0.99),
        ("evening", "greet", 0.99),
        ("stop", None, None),
    ],
)
def test_answers_are_not_digressions(text: str, intent: str | None, confidence: float) -> None:
    assert not is_digression(text, intent, confidence)


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("stop", "stop", 0.3),
        ("Can we stop?", "stop", 0.4),
        ("ok can we stop please!", "stop", 0.2),
        ("I'm done", "stop", 0.3),
        ("i\u2019m done", "stop", 0.3),
        ("skip this one", "skip", 0.4),
        ("next question pls", "skip", 0.3),
        ("talk to a human", "request_human", 0.2),
        ("can I speak to someone", "request_human", 0.3),
        ("are you a bot?", "bot_challenge", 0.2),
        ("Am I talking to a real person??", "bot_challenge", 0.5),
        ("this is useless", "frustrated_with_bot", 0.5),
        ("you don't understand", "frustrated_with_bot", 0.3),
        ("thank you", "thank", 0.4),
        ("that helps", "feel_understood", 0.3),
        ("hi again", "greet", 0.5),
        ("Good evening!", "greet", 0.6),
        ("/request_human", "request_human", 1.0),
        ('/skip{"x": 1}', "skip", 1.0),
        ("not doing this", "stop", 0.85),
        ("meh whatever", "frustrated_with_bot", 0.95),
        # Asking for a person is confirmed before anything happens: a sentence counts.
        ("i'd rather talk to an actual human", "request_human", 0.98),
        ("honestly can i just speak to a real person about all this", "request_human", 0.95),
        ("are you even a real person or what", "bot_challenge", 0.95),
    ],
)
def test_commands_are_digressions(text: str, intent: str, confidence: float) -> None:
    assert is_digression(text, intent, confidence)


@pytest.mark.parametrize(
    "text",
    [
        "\uff33\uff34\uff2f\uff30",  # fullwidth letters
        "st\u200bop",  # zero-width space inside the word
        "STOP!!! \U0001f621",
        "  stop\n",
        "\u202estop",  # a bidi override is punctuation to us: dropped
    ],
)
def test_odd_unicode_still_reads_as_the_command(text: str) -> None:
    assert is_digression(text, "stop", 0.1)


@pytest.mark.parametrize("text", ["", "   ", "\U0001f64f", "\x00", "\ud800"])
def test_empty_or_symbol_only_text_follows_the_confidence(text: str) -> None:
    assert is_digression(text, "thank", 0.9)
    assert not is_digression(text, "thank", 0.5)


def test_normalise_folds_case_width_apostrophes_and_punctuation() -> None:
    assert normalise("Don\u2019t  STOP\u2026 \U0001f600 now!") == "don't stop now"
    assert normalise("ﬁne") == "fine"


def test_every_phrase_in_the_file_is_a_command_for_its_intent() -> None:
    commands = load_commands()
    assert set(commands.phrases) == DIGRESSION_INTENTS
    for intent, phrases in commands.phrases.items():
        assert phrases, intent
        for phrase in phrases:
            assert is_digression(phrase, intent, 0.0), (intent, phrase)


def test_a_malformed_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "form_commands.yml"
    path.write_text("commands:\n  chitchat: [hello]\nmax_words: 4\nmin_confidence: 0.8\n")
    with pytest.raises(FormCommandsError, match="chitchat"):
        load_commands.__wrapped__(path)
    path.write_text("commands: {stop: [stop]}\n")
    with pytest.raises(FormCommandsError, match="max_words"):
        load_commands.__wrapped__(path)


def test_malformed_overrides_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "form_commands.yml"
    base = "commands: {stop: [stop]}\nmax_words: 4\nmin_confidence: 0.8\n"
    path.write_text(base + "overrides: {chitchat: {max_words: 9, min_confidence: 0.9}}\n")
    with pytest.raises(FormCommandsError, match="overrides"):
        load_commands.__wrapped__(path)
    path.write_text(base + "overrides: {stop: {max_words: many}}\n")
    with pytest.raises(FormCommandsError, match="stop"):
        load_commands.__wrapped__(path)
