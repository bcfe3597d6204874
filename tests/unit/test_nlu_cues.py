"""The intent classifier's extra word features: lemma n-grams and grammatical cues."""

import pickle

import pytest

from bot.nlu.cues import (
    CUE_TOKENS,
    DOUBLE_NEGATION,
    FUTURE,
    NEGATED_PAST,
    NEGATION,
    PAST,
    GrammaticalCues,
    LemmaNgrams,
    cue_words,
)

cues = GrammaticalCues()


@pytest.mark.parametrize(
    "text",
    ["phoned my gran on sunday", "i texted him back", "slept before midnight", "I MET my friend"],
)
def test_a_past_tense_is_a_cue(text: str) -> None:
    assert cues(text) == [PAST]


@pytest.mark.parametrize(
    "text", ["phone my gran on sunday", "so tired", "bored and stressed", "need a bed", "red"]
)
def test_plans_and_feelings_are_not_past(text: str) -> None:
    assert PAST not in cues(text)


def test_plans_are_future() -> None:
    assert cues("i'll call her tomorrow") == [FUTURE, FUTURE]
    assert cues("gonna try") == [FUTURE, FUTURE]
    assert FUTURE not in cues("i feel ill")


def test_negations_count_with_or_without_apostrophes() -> None:
    assert cues("not great") == [NEGATION]
    assert cues("dont know") == [NEGATION]
    assert cues("can\u2019t say") == [NEGATION]
    assert cues("not great not terrible") == [NEGATION, NEGATION, DOUBLE_NEGATION]


def test_set_phrases_do_not_negate() -> None:
    assert cues("sure why not") == []
    assert cues("no worries, thanks") == []
    assert cues("why nothing works") == [NEGATION]
    assert cues("no") == [NEGATION]


def test_a_negated_past_is_its_own_cue() -> None:
    assert cues("didn't go") == [PAST, NEGATION, NEGATED_PAST]
    assert cues("never walked") == [NEGATION, PAST, NEGATED_PAST]


def test_every_cue_is_in_the_fixed_vocabulary() -> None:
    texts = ["didn't walk, won't walk, not walked, will walk", "", "😶", "x" * 5000]
    assert {cue for text in texts for cue in cues(text)} <= set(CUE_TOKENS)


def test_the_word_lists_are_lower_case_and_distinct() -> None:
    words = cue_words()
    for name in ("not_past_ed", "irregular_past", "future", "negation", "not_negating"):
        entries = getattr(words, name)
        assert entries, name
        assert all(word == word.lower() and "'" not in word for word in entries), name
    assert not words.irregular_past & words.not_past_ed
    assert "no" in words.negation  # quoted in YAML, where a bare no is False


def test_lemma_ngrams_share_a_verb_across_tenses() -> None:
    assert "phone" in LemmaNgrams()("phoned my gran")
    assert LemmaNgrams()("I slept badly") == ["i", "sleep", "badly", "i sleep", "sleep badly"]
    assert LemmaNgrams(1, 1)("sad 😊") == ["sad", "😊"]
    assert LemmaNgrams()("") == []


def test_the_analysers_survive_pickling() -> None:
    """The trained pipeline is saved with joblib, analysers included."""
    for analyser in (GrammaticalCues(), LemmaNgrams(1, 3)):
        copy = pickle.loads(pickle.dumps(analyser))
        assert copy == analyser
        assert copy("didn't walk") == analyser("didn't walk")


def test_an_unquoted_yaml_boolean_is_refused(tmp_path) -> None:
    path = tmp_path / "cues.yml"
    path.write_text(
        "not_past_ed: [tired]\nirregular_past: [went]\nfuture: [will]\nnegation: [no]\n"
        "not_negating: []\n"
    )
    with pytest.raises(ValueError, match="negation"):
        cue_words(path)
