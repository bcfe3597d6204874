"""Rasa's REST webhook behind ValidatingRestInput (Rasa environment).

Stock RestInput answered 500 to bodies such as ``[]`` or ``null`` and hung ``?stream=true``
requests whose message was not a string; the validating channel refuses them with a 400.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.rest import MAX_MESSAGE_CHARS, ValidatingRestInput, body_error
from tests.fuzz import tally
from tests.fuzz.strategies import FUZZ, RAW_BODIES, json_values, odd_text

PROJECT_DIR = Path(__file__).resolve().parents[2]


def test_channel_keeps_the_rest_url_and_is_registered() -> None:
    assert ValidatingRestInput.name() == "rest"
    credentials = yaml.safe_load((PROJECT_DIR / "credentials.yml").read_text(encoding="utf-8"))
    assert list(credentials) == ["bot.channels.rest.ValidatingRestInput"]


def test_blueprint_has_the_webhook_and_the_check() -> None:
    async def on_new_message(message: object) -> None:
        return None

    blueprint = ValidatingRestInput().blueprint(on_new_message)  # type: ignore[arg-type]
    assert {route.uri for route in blueprint._future_routes} >= {"/webhook", "/"}
    assert len(blueprint._future_middleware) == 1


@settings(FUZZ, max_examples=1500)
@given(
    body=st.one_of(
        RAW_BODIES,
        json_values.map(lambda v: json.dumps(v).encode()),
        st.fixed_dictionaries(
            {"sender": st.one_of(st.text(max_size=20), json_values), "message": odd_text},
            optional={"metadata": json_values},
        ).map(lambda v: json.dumps(v).encode()),
    )
)
def test_any_body_is_accepted_only_when_rasa_can_take_it(body: bytes) -> None:
    tally.count("rest webhook bodies (hypothesis, body check)")
    problem = body_error(body)
    if problem is not None:
        assert isinstance(problem, str) and problem
        return
    parsed = json.loads(body)
    assert isinstance(parsed, dict)
    assert isinstance(parsed["message"], str) and len(parsed["message"]) <= MAX_MESSAGE_CHARS
    parsed["message"].encode("utf-8")  # storable: no lone surrogates
    assert parsed.get("metadata") is None or isinstance(parsed["metadata"], dict)


def test_the_web_apps_own_body_passes() -> None:
    # The web app forwards odd Unicode intact (tests/web/test_chat.py), NUL included.
    text = "e\u0301 \u202eabc \U0001f600 \u0000 \ud7ff \U0001f469\u200d\U0001f467"
    body = {"sender": "abc.def", "message": text, "metadata": {"a": 1}}
    assert body_error(json.dumps(body).encode()) is None
