from pathlib import Path

import pytest

from bot.dialogue.messages import MessageError, load_messages, placeholders, render


def test_render_fills_placeholders_and_buttons() -> None:
    assert render("mood_logged", rating=7)["text"].endswith("a 7 for today.")
    question = render("ask_mood_rating")
    assert [b["payload"] for b in question["buttons"]] == [str(n) for n in range(11)]


def test_wrong_values_are_refused() -> None:
    with pytest.raises(MessageError, match="needs values"):
        render("mood_logged")
    with pytest.raises(MessageError, match="needs values"):
        render("mood_rating_invalid", extra=1)
    with pytest.raises(MessageError, match="unknown message"):
        render("no_such_message")


def test_every_message_has_text() -> None:
    for key in load_messages():
        assert isinstance(placeholders(key), set)


def test_malformed_file_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "m.yml"
    bad.write_text("greeting:\n  buttons: [1]\n")
    with pytest.raises(MessageError, match="greeting"):
        load_messages.__wrapped__(bad)


def test_buttons_with_payloads_keep_them() -> None:
    offer = render("offer_thought_record")
    assert offer["buttons"][0] == {"title": "Yes, let's try", "payload": "/start_thought_record"}
    assert render("question_skipped") == {"text": "No problem, let's skip that one."}


def test_malformed_button_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "m.yml"
    bad.write_text("offer:\n  text: hi\n  buttons: [{title: Yes}]\n")
    with pytest.raises(MessageError, match="offer"):
        load_messages.__wrapped__(bad)


def test_text_returns_only_the_text() -> None:
    from bot.dialogue.messages import text

    assert text("summary_mood", rating=4) == "• Mood: 4 out of 10"
