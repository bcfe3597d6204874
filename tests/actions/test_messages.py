"""Every message an action sends exists, and every message in the file is sent by something."""

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import asking, names
from bot.dialogue.messages import load_messages, render


def ask_actions() -> list[asking.AskSlot]:
    return [cls() for cls in asking.AskSlot.__subclasses__()]


def test_message_keys_and_action_references_agree() -> None:
    referenced = {value for key, value in vars(names).items() if key.startswith("MSG_")}
    referenced |= {f"ask_{action.slot}" for action in ask_actions()}
    assert referenced == set(load_messages())


def test_each_ask_action_sends_its_question() -> None:
    tracker = Tracker("c", {}, {}, [], False, None, {}, "action_listen")
    for action in ask_actions():
        assert action.name() == f"action_ask_{action.slot}"
        dispatcher = CollectingDispatcher()
        assert asyncio.run(action.run(dispatcher, tracker, {})) == []
        assert dispatcher.messages[0]["text"] == render(f"ask_{action.slot}")["text"]
