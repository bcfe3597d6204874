"""The intent classifier's extra word features: lemma n-grams and grammatical cues."""

import pickle

import pytest

from bot.nlu.cues import (
    ALL_OF,
    COUNT_OF,
    CUE_TOKENS,
    DOUBLE_NEGATION,
    FUTURE,
    NEGATED_PAST,
    NEGATION,
    NUMBER,
    NUMBER_ONLY,
    NUMBER_TOKENS,
    PAST,
    PERCENT,
    RATING,
    GrammaticalCues,
    LemmaNgrams,
    NumberShapes,
    cue_words,
    number_words,
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


numbers = NumberShapes()


@pytest.mark.parametrize(
    "text", ["7", "about a 6", "a five i guess", "i'd give it a 4", "zero", "seventy", "6 i guess"]
)
def test_a_bare_number_is_a_number_only(text: str) -> None:
    assert numbers(text) == [NUMBER, NUMBER_ONLY]


@pytest.mark.parametrize("text", ["8 out of 10", "3/10", "nine out of ten", "2 / 10"])
def test_out_of_ten_is_a_rating(text: str) -> None:
    assert numbers(text) == [NUMBER, NUMBER, RATING, NUMBER_ONLY]


def test_a_rating_in_a_sentence_is_not_a_bare_number() -> None:
    assert numbers("5/10 kinda day") == [NUMBER, NUMBER, RATING]


@pytest.mark.parametrize(
    "text", ["5 out of 7 days", "3 days out of 5", "2 of the 4 walks", "two of the three things"]
)
def test_part_of_a_count(text: str) -> None:
    assert numbers(text) == [NUMBER, NUMBER, COUNT_OF]


@pytest.mark.parametrize("text", ["all 7 days", "all three times", "every day, all 5"])
def test_all_of_a_count(text: str) -> None:
    assert numbers(text) == [NUMBER, ALL_OF]


def test_x_out_of_x_is_all_of_it() -> None:
    assert numbers("5 out of 5") == [NUMBER, NUMBER, ALL_OF]
    assert numbers("one out of three") == [NUMBER, COUNT_OF]  # "one" counts inside a shape


def test_percentages() -> None:
    assert numbers("80%") == [NUMBER, PERCENT, NUMBER_ONLY]
    assert numbers("about 30 percent") == [NUMBER, PERCENT, NUMBER_ONLY]
    assert numbers("75% done") == [NUMBER, PERCENT]


@pytest.mark.parametrize("text", ["about 80% of it", "like 50 percent of it"])
def test_a_percentage_of_something_is_part_of_a_whole_not_a_bare_number(text: str) -> None:
    assert numbers(text) == [NUMBER, COUNT_OF, PERCENT]


@pytest.mark.parametrize("text", ["this one", "no one cares", "nice one", "hello", "", "😶"])
def test_one_as_a_pronoun_and_texts_without_numbers_have_no_shape(text: str) -> None:
    assert numbers(text) == []


def test_a_number_in_a_request_is_only_a_number() -> None:
    assert numbers("set an alarm for 7") == [NUMBER]
    assert numbers("one") == [NUMBER_ONLY]


def test_every_number_shape_is_in_the_fixed_vocabulary() -> None:
    texts = ["5 out of 5, 3/10, all 7, 80%, 2 of the 9", "x" * 5000, "1" * 400, "9/0", "² ³ ٣ 5"]
    assert {shape for text in texts for shape in numbers(text)} <= set(NUMBER_TOKENS)


def test_the_number_lists_load() -> None:
    lists = number_words()
    assert lists.values["seven"] == 7
    assert "one" in lists.values
    assert "i'd" in lists.hedges and "about" in lists.hedges


def test_number_shapes_pickle() -> None:
    assert pickle.loads(pickle.dumps(numbers))("8/10") == numbers("8/10")
