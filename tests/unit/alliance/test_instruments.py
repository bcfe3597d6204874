import json
from pathlib import Path

import pytest
import yaml

from bot.alliance.instruments import (
    INSTRUMENTS_DIR,
    InstrumentError,
    load_instrument,
    parse_instrument,
)


def test_the_wai_sr_adaptation_has_four_items_per_subscale() -> None:
    wai = load_instrument("wai_sr_chatbot")
    assert len(wai.items) == 12
    assert wai.subscales == ("task", "bond", "goal")
    for subscale in ("bond", "goal", "task"):
        assert sum(item.subscale == subscale for item in wai.items) == 4
    # The WAI-SR's own item-to-subscale key (Hatcher & Gillaspy 2006).
    assert [int(i.id[-2:]) for i in wai.items if i.subscale == "goal"] == [4, 6, 8, 11]
    assert [int(i.id[-2:]) for i in wai.items if i.subscale == "task"] == [1, 2, 10, 12]
    assert (wai.minimum, wai.maximum) == (1, 5)
    assert wai.labels[1] == "Seldom" and wai.labels[5] == "Always"


def test_the_dwai_has_six_items() -> None:
    dwai = load_instrument("dwai")
    assert len(dwai.items) == 6
    assert set(dwai.subscales) == {"bond", "goal", "task"}
    assert dwai.labels[1] == "Strongly disagree"


def test_buttons_parse_deterministically() -> None:
    buttons = load_instrument("wai_sr_chatbot").buttons("inform_number", "survey_value")
    assert buttons[0]["title"] == "1 Seldom"
    assert buttons[3]["payload"] == '/inform_number{"survey_value":"4"}'
    payload = buttons[3]["payload"].removeprefix("/inform_number")
    assert json.loads(payload) == {"survey_value": "4"}


def test_an_unknown_instrument_lists_the_known_ones() -> None:
    with pytest.raises(InstrumentError, match="no such survey instrument") as caught:
        load_instrument("nope")
    assert "wai_sr_chatbot" in str(caught.value) and "nope.yml" in str(caught.value)


def test_an_instrument_name_is_never_a_path() -> None:
    with pytest.raises(InstrumentError, match="must match"):
        load_instrument("../../etc/passwd")


def _valid() -> dict:
    return yaml.safe_load((INSTRUMENTS_DIR / "dwai.yml").read_text())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("intro"), "'intro'"),
        (lambda d: d.update(id="other"), "must match the file name"),
        (lambda d: d["scale"].update(max=1), "min < max"),
        (lambda d: d["scale"]["labels"].pop(3), "labels must name every point"),
        (lambda d: d.update(items=[]), "non-empty list"),
        (lambda d: d["items"][0].update(subscale="trust"), "subscale"),
        (lambda d: d["items"][1].update(id=d["items"][0]["id"]), "unique"),
        (lambda d: d["items"][2].update(text=""), "needs a text"),
        (lambda d: d["items"][2].update(id="Bad Id"), "needs an id"),
    ],
)
def test_a_malformed_instrument_is_a_clear_error_naming_the_file(
    tmp_path: Path, change, message: str
) -> None:
    data = _valid()
    change(data)
    path = tmp_path / "dwai.yml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(InstrumentError, match=message) as caught:
        load_instrument("dwai", tmp_path)
    assert str(path) in str(caught.value)


def test_unparsable_yaml_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "broken.yml").write_text("items: [")
    with pytest.raises(InstrumentError, match="cannot read") as caught:
        load_instrument("broken", tmp_path)
    assert "broken.yml" in str(caught.value)


def test_a_list_is_not_an_instrument(tmp_path: Path) -> None:
    with pytest.raises(InstrumentError, match="expected a mapping"):
        parse_instrument([1, 2], tmp_path / "x.yml")
