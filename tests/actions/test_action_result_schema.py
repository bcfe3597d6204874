"""The per-kind action result check gives the whole schema's verdict."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

from bot.nlu.action_result_schema import ActionResultValidator

SCHEMA = RemoteAction.action_response_format_spec()
WHOLE = validator_for(SCHEMA)(SCHEMA)
FAST = ActionResultValidator(SCHEMA)
KINDS = [
    alt["properties"]["event"]["const"] for alt in SCHEMA["properties"]["events"]["items"]["oneOf"]
]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
keys = st.sampled_from(
    [
        "name",
        "value",
        "timestamp",
        "metadata",
        "text",
        "entities",
        "policy",
        "confidence",
        "parse_data",
        "hide_rule_turn",
        "data",
        "action_text",
        "x",
    ]
)
events = st.one_of(
    st.builds(
        lambda kind, extra: {"event": kind, **extra},
        st.sampled_from([*KINDS, "nonsense", ""]),
        st.dictionaries(keys, values, max_size=4),
    ),
    st.dictionaries(keys, values, max_size=3),  # no "event" at all
    values,  # not an object
)
results = st.one_of(
    st.fixed_dictionaries(
        {"events": st.lists(events, max_size=4)},
        optional={"responses": st.lists(values, max_size=2)},
    ),
    st.dictionaries(st.sampled_from(["events", "responses", "other"]), values, max_size=2),
    values,
)


@settings(max_examples=3000, deadline=None)
@given(result=results)
def test_the_verdict_is_the_whole_schemas(result: Any) -> None:
    assert FAST.is_valid(result) == WHOLE.is_valid(result)


def test_typical_form_validation_responses_are_valid() -> None:
    result = {
        "events": [
            {"event": "slot", "timestamp": None, "name": "mood_rating", "value": 5.0},
            {"event": "active_loop", "name": None},
            {"event": "bot", "text": "Thanks.", "data": {"buttons": []}, "metadata": {}},
        ],
        "responses": [{"text": "Thanks.", "buttons": []}],
    }
    assert FAST.is_valid(result)


def test_a_slot_event_without_a_value_is_invalid() -> None:
    assert not FAST.is_valid({"events": [{"event": "slot", "name": "mood_rating"}]})
    assert not FAST.is_valid({"events": [{"event": "slot", "name": 3, "value": 1}]})


def test_other_schemas_fall_back_to_the_whole_check() -> None:
    schema: dict[str, Any] = {"type": "object", "properties": {"events": {"type": "array"}}}
    validator = ActionResultValidator(schema)
    assert validator.is_valid({"events": [1, "x"]})
    assert not validator.is_valid({"events": "no"})


def test_rasa_uses_it_and_still_explains_an_invalid_response(monkeypatch) -> None:
    from jsonschema import ValidationError

    from bot.nlu import rasa_server

    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction._validate_action_result
    )
    rasa_server.install_fast_action_validation()
    action = RemoteAction("action_x", None)
    assert action._validate_action_result({"events": [{"event": "slot", "name": "a", "value": 1}]})
    try:
        action._validate_action_result({"events": [{"event": "slot", "name": "a"}]})
    except ValidationError as error:
        assert "Failed to validate Action server response" in error.message
    else:
        raise AssertionError("an invalid response was accepted")
