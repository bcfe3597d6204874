"""Translate Rasa REST-channel replies into Rasa socket.io ``bot_uttered`` payloads."""

from __future__ import annotations

from typing import Any

# Shown when Rasa fails or says nothing: the person must never be left without an answer.
SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on my side and I couldn't answer that. "
    'Please try again in a moment. If you need urgent help, use the "Need urgent help?" button.'
)
MESSAGE_TOO_LONG = "That message is longer than I can take in one go. Could you send it in parts?"
EMPTY_MESSAGE = "I didn't catch anything there. Type a message whenever you're ready."
# Custom payloads carrying this key are instructions from Rasa's actions to the web app.
ALLY_EVENT_KEY = "ally_event"
DELETE_MY_DATA = "delete_my_data"


def to_socketio(reply: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the socket.io messages for one REST reply, as Rasa's socket.io channel sends them.

    Text is split on blank lines; buttons become ``quick_replies`` on the last part.
    """
    messages: list[dict[str, Any]] = []
    text = reply.get("text")
    buttons = reply.get("buttons") or []
    if isinstance(text, str) and text.strip():
        messages.extend({"text": part} for part in text.strip().split("\n\n"))
    if buttons and isinstance(buttons, list):
        if not messages:
            messages.append({"text": ""})
        messages[-1]["quick_replies"] = [
            {"content_type": "text", "title": str(b.get("title", "")), "payload": b.get("payload")}
            for b in buttons
            if isinstance(b, dict)
        ]
    if reply.get("image"):
        messages.append({"attachment": {"type": "image", "payload": {"src": reply["image"]}}})
    custom = reply.get("custom")
    if isinstance(custom, dict) and ALLY_EVENT_KEY not in custom:
        # An ally_event is an instruction to the web app, never something to show.
        messages.append(custom)
    return messages


def ally_events(replies: list[dict[str, Any]]) -> list[str]:
    """Return the web-app instructions (``{"ally_event": ...}`` custom payloads) in ``replies``."""
    found = []
    for reply in replies:
        custom = reply.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get(ALLY_EVENT_KEY), str):
            found.append(custom[ALLY_EVENT_KEY])
    return found


def bot_text(text: str) -> dict[str, Any]:
    """Return a plain-text ``bot_uttered`` payload sent by the web app itself."""
    return {"text": text}
