import pytest

from bot.alliance.instruments import load_instrument
from bot.alliance.scoring import IncompleteSurveyError, score


def test_subscales_are_means_of_their_items_and_total_of_all() -> None:
    wai = load_instrument("wai_sr_chatbot")
    values = {"bond": [5, 5, 4, 4], "goal": [1, 2, 3, 4], "task": [3, 3, 3, 4]}
    answers = {}
    for subscale, points in values.items():
        items = [i for i in wai.items if i.subscale == subscale]
        answers.update({item.id: v for item, v in zip(items, points, strict=True)})
    assert score(wai, answers) == {
        "task": 3.25,
        "bond": 4.5,
        "goal": 2.5,
        "total": pytest.approx(41 / 12, abs=1e-4),
    }


def test_the_dwai_scores_the_same_way() -> None:
    dwai = load_instrument("dwai")
    scores = score(dwai, {item.id: 4 for item in dwai.items})
    assert scores == {"goal": 4.0, "task": 4.0, "bond": 4.0, "total": 4.0}


def test_an_incomplete_survey_has_no_score() -> None:
    dwai = load_instrument("dwai")
    with pytest.raises(IncompleteSurveyError, match="dwai_6"):
        score(dwai, {item.id: 3 for item in dwai.items[:5]})


@pytest.mark.parametrize("value", [0, 6])
def test_answers_outside_the_scale_are_refused(value: int) -> None:
    dwai = load_instrument("dwai")
    answers = {item.id: 3 for item in dwai.items}
    answers["dwai_1"] = value
    with pytest.raises(ValueError, match="outside the scale"):
        score(dwai, answers)


def test_answers_to_other_items_are_refused() -> None:
    dwai = load_instrument("dwai")
    answers = {item.id: 3 for item in dwai.items} | {"wai_sr_01": 3}
    with pytest.raises(ValueError, match="not in dwai"):
        score(dwai, answers)
