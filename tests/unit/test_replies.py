from bot.web.replies import to_socketio


def test_text_is_split_on_blank_lines_like_rasa_socketio() -> None:
    assert to_socketio({"text": "one\n\ntwo"}) == [{"text": "one"}, {"text": "two"}]


def test_buttons_become_quick_replies_on_last_part() -> None:
    reply = {"text": "a\n\nb", "buttons": [{"title": "7", "payload": "7"}]}
    assert to_socketio(reply) == [
        {"text": "a"},
        {"text": "b", "quick_replies": [{"content_type": "text", "title": "7", "payload": "7"}]},
    ]


def test_custom_and_image_pass_through() -> None:
    assert to_socketio({"custom": {"kind": "x"}, "image": "http://i"}) == [
        {"attachment": {"type": "image", "payload": {"src": "http://i"}}},
        {"kind": "x"},
    ]


def test_empty_reply_gives_nothing() -> None:
    assert to_socketio({}) == []
    assert to_socketio({"text": "   "}) == []
