"""Text-speak: a dropped final g and common spellings read as the words they stand for.

Probe 15 (docs/risk.md, tenth round) missed "i feel like killin myself", "been cuttin again",
"no1 would care if i was gone", "im so done wiv life": the rules knew the words, not the
spellings. Variants in other words, and look-alikes that must stay unflagged.
"""

from pathlib import Path

import pytest
import yaml

from bot.risk import assess
from bot.risk.detector import shared_nlp
from bot.risk.dropped_g import DroppedG
from bot.risk.lexicon import LexiconError, load_lexicon


@pytest.fixture(scope="module")
def dropped_g() -> DroppedG:
    lemmatizer = shared_nlp().get_pipe("lemmatizer")
    return DroppedG(lemmatizer.lookups.get_table("lemma_lookup"))  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("typed", "full", "lemma"),
    [
        ("killin", "killing", "kill"),
        ("cuttin", "cutting", "cut"),
        ("jumpin", "jumping", "jump"),
        ("starvin", "starving", "starve"),
        ("doin", "doing", "do"),
    ],
)
def test_a_dropped_g_reads_as_the_ing_form(
    dropped_g: DroppedG, typed: str, full: str, lemma: str
) -> None:
    assert dropped_g.full_form(typed) == (full, lemma)


@pytest.mark.parametrize(
    "word",
    ["ruin", "cousin", "begin", "thin", "win", "skin", "coffin", "kevin", "in", "bin", "k1llin"],
)
def test_words_of_their_own_stay_as_they_are(dropped_g: DroppedG, word: str) -> None:
    assert dropped_g.full_form(word) is None


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("i feel like killin myself every night", "suicidal_ideation"),
        ("been cuttin my arms again", "self_harm"),
        ("thinkin about jumpin off the car park", "suicide_plan_or_means"),
        ("no1 would even notice if i was gone", "suicidal_ideation"),
        ("im so done wiv living", "suicidal_ideation"),
        ("my dad keeps hittin me n my brother", "abuse_or_unsafe"),
    ],
)
def test_text_speak_disclosures_are_caught(text: str, category: str) -> None:
    result = assess(text)
    assert result.risk, text
    assert category in result.categories, (text, result.to_dict())


@pytest.mark.parametrize(
    "text",
    [
        "my cousin is coming round n we're baking",
        "the rain will ruin the bbq lol",
        "this game is killin me 😂",
        "no1 came to the meeting",
        "im so done wiv this homework",
        "i keep scratchin my mozzie bites",
    ],
)
def test_text_speak_lookalikes_stay_unflagged(text: str) -> None:
    result = assess(text)
    assert not result.risk, (text, result.to_dict())


def test_a_spelling_must_be_one_word_to_one_word(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[3] / "bot" / "risk" / "data"
    for path in source.glob("*.yml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    context = yaml.safe_load((tmp_path / "context.yml").read_text(encoding="utf-8"))
    context["spellings"] = {"no1": "no one"}
    (tmp_path / "context.yml").write_text(yaml.safe_dump(context), encoding="utf-8")

    with pytest.raises(LexiconError, match="spellings"):
        load_lexicon(tmp_path)
