from pathlib import Path

import pytest

from bot.alliance.cues import CUES_FILE, SCALE, CueError, cue, cue_for_intent, load_cues
from bot.storage.alliance import DIMENSIONS


def test_the_documented_mapping() -> None:
    expected = {
        "feel_understood": ("bond", 1.0),
        "thanks": ("bond", 1.0),
        "frustrated_with_bot": ("bond", -1.0),
        "repair_accepted": ("bond", 0.5),
        "repair_declined": ("bond", -0.5),
        "goal_accepted": ("goal", 1.0),
        "goal_edited": ("goal", 1.0),
        "goal_stated": ("goal", 1.0),
        "goal_rejected": ("goal", -1.0),
        "task_done": ("task", 1.0),
        "task_partly_done": ("task", 0.5),
        "task_not_done": ("task", -1.0),
        "checkin_completed": ("engagement", 1.0),
        "checkin_abandoned": ("engagement", -1.0),
    }
    cues = load_cues()
    assert {name: (c.dimension, c.value) for name, c in cues.items()} == expected
    assert all(c.dimension in DIMENSIONS and c.value in SCALE for c in cues.values())


def test_every_cue_is_documented() -> None:
    docs = (Path(__file__).resolve().parents[3] / "docs" / "alliance.md").read_text()
    for name in load_cues():
        assert f"`{name}`" in docs


def test_intents_map_to_bond_cues() -> None:
    assert cue_for_intent("thank").name == "thanks"
    assert cue_for_intent("feel_understood").name == "feel_understood"
    assert cue_for_intent("frustrated_with_bot").value == -1.0
    assert cue_for_intent("greet") is None
    assert cue_for_intent(None) is None


def test_a_stepped_cue_names_its_step_and_fits_the_column() -> None:
    assert cue("checkin_abandoned").label("mood_rating") == "checkin_abandoned:mood_rating"
    assert cue("checkin_abandoned").label(None) == "checkin_abandoned"
    assert len(cue("checkin_abandoned").label("x" * 100)) == 48
    assert cue("thanks").label("mood_rating") == "thanks"


def test_an_unknown_cue_is_a_clear_error() -> None:
    with pytest.raises(CueError, match="unknown alliance cue 'hugs'"):
        cue("hugs")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cues: [1, 2]", "'cues' mapping"),
        ("cues:\n  x: {dimension: trust, value: 1, description: d}", "dimension"),
        ("cues:\n  x: {dimension: bond, value: 2, description: d}", "scale"),
        ("cues:\n  x: {dimension: bond, value: true, description: d}", "scale"),
        ("cues:\n  x: {dimension: bond, value: 1}", "description"),
        ("cues: [", "cannot read"),
    ],
)
def test_a_malformed_cue_file_names_itself(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "cues.yml"
    path.write_text(text)
    with pytest.raises(CueError, match=message) as caught:
        load_cues(path)
    assert str(path) in str(caught.value)


def test_the_shipped_file_is_the_default() -> None:
    assert CUES_FILE.name == "cues.yml" and CUES_FILE.exists()
