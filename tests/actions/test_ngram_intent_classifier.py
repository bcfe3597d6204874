"""The n-gram intent classifier: trains, predicts a ranking, persists, and is reproducible."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.ngram_intent_classifier import NgramIntentClassifier

EXAMPLES = {
    "greet": ["hi", "hello", "hey there", "good morning", "hiya", "howdy"],
    "goodbye": ["bye", "see you", "goodbye", "cya later", "night night", "talk soon"],
    "mood_negative": ["feeling awful", "really low today", "sad", "pretty rubbish", "not good"],
}


def training_data() -> TrainingData:
    return TrainingData(
        [
            Message(data={"text": text, "intent": intent})
            for intent, texts in EXAMPLES.items()
            for text in texts
        ]
    )


def new_classifier(tmp_path: Path, name: str = "clf") -> tuple[NgramIntentClassifier, dict]:
    (tmp_path / name).mkdir()
    storage = LocalModelStorage(tmp_path / name)
    resource = Resource(name)
    context = ExecutionContext(GraphSchema({}), name)
    config = {**NgramIntentClassifier.get_default_config()}
    return NgramIntentClassifier.create(config, storage, resource, context), {
        "config": config,
        "model_storage": storage,
        "resource": resource,
        "execution_context": context,
    }


def predict(classifier: NgramIntentClassifier, text: str) -> Message:
    message = Message(data={"text": text})
    classifier.process([message])
    return message


def test_predicts_the_intent_with_a_sorted_ranking(tmp_path: Path) -> None:
    classifier, _ = new_classifier(tmp_path)
    classifier.train(training_data())
    message = predict(classifier, "hello hello")
    ranking = message.get("intent_ranking")
    assert message.get("intent") == ranking[0]
    assert ranking[0]["name"] == "greet"
    assert {r["name"] for r in ranking} == set(EXAMPLES)
    confidences = [r["confidence"] for r in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) == pytest.approx(1.0)
    assert predict(classifier, "bye bye").get("intent")["name"] == "goodbye"


def test_a_saved_model_loads_and_predicts_the_same(tmp_path: Path) -> None:
    classifier, kwargs = new_classifier(tmp_path)
    classifier.train(training_data())
    loaded = NgramIntentClassifier.load(**kwargs)
    for text in ["hey", "feeling low", "see you tomorrow", "😞", "ÀÉ 🙂 ??"]:
        assert predict(loaded, text).get("intent_ranking") == predict(classifier, text).get(
            "intent_ranking"
        )


def test_the_same_data_trains_the_same_model(tmp_path: Path) -> None:
    first, _ = new_classifier(tmp_path, "a")
    second, _ = new_classifier(tmp_path, "b")
    first.train(training_data())
    second.train(training_data())
    blends = [c._pipeline.steps[-1][1] for c in (first, second)]
    assert np.array_equal(blends[0].regression_.coef_, blends[1].regression_.coef_)
    assert np.array_equal(blends[0].svm_.coef_, blends[1].svm_.coef_)
    assert np.array_equal(blends[0].svm_.intercept_, blends[1].svm_.intercept_)


def test_untrained_or_empty_messages_are_left_alone(tmp_path: Path) -> None:
    classifier, kwargs = new_classifier(tmp_path)
    assert predict(classifier, "hello").get("intent") is None
    assert predict(NgramIntentClassifier.load(**kwargs), "hello").get("intent") is None
    classifier.train(training_data())
    empty = Message(data={"text": ""})
    classifier.process([empty])
    assert empty.get("intent") is None


def test_one_intent_is_not_enough_to_train(tmp_path: Path) -> None:
    classifier, _ = new_classifier(tmp_path)
    classifier.train(TrainingData([Message(data={"text": "hi", "intent": "greet"})]))
    assert predict(classifier, "hi").get("intent") is None


def test_words_as_typed_are_still_an_option(tmp_path: Path) -> None:
    classifier, _ = new_classifier(tmp_path)
    classifier._config = {**classifier._config, "word_units": "word", "grammatical_cues": False}
    classifier.train(training_data())
    assert predict(classifier, "hiya there").get("intent")["name"] == "greet"


def test_a_misspelt_word_unit_is_a_clear_error(tmp_path: Path) -> None:
    classifier, _ = new_classifier(tmp_path)
    classifier._config = {**classifier._config, "word_units": "lemmas"}
    with pytest.raises(ValueError, match="word_units"):
        classifier.train(training_data())


def test_editing_the_cue_words_changes_the_config_rasa_fingerprints() -> None:
    from bot.nlu.cues import cue_words_digest

    assert NgramIntentClassifier.get_default_config()["cue_words_sha256"] == cue_words_digest()


def test_editing_the_classifier_code_changes_the_config_and_the_training_fingerprint(
    tmp_path: Path,
) -> None:
    from bot.nlu.ngram_intent_classifier import CODE_FILES, code_digest
    from bot.training import TRAINING_INPUTS

    assert NgramIntentClassifier.get_default_config()["code_sha256"] == code_digest()
    project = CODE_FILES[0].parents[2]
    assert {str(p.relative_to(project)) for p in CODE_FILES} <= set(TRAINING_INPUTS)


def test_the_regression_alone_is_still_an_option(tmp_path: Path) -> None:
    from sklearn.linear_model import LogisticRegression

    classifier, _ = new_classifier(tmp_path)
    classifier._config = {**classifier._config, "svm_weight": 0.0, "number_cues": False}
    classifier.train(training_data())
    assert isinstance(classifier._pipeline.steps[-1][1], LogisticRegression)
    assert predict(classifier, "hiya there").get("intent")["name"] == "greet"


def test_the_blend_is_a_probability_ranking(tmp_path: Path) -> None:
    classifier, _ = new_classifier(tmp_path)
    classifier.train(training_data())
    blend = classifier._pipeline.steps[-1][1]
    features = classifier._pipeline.steps[0][1].transform(["feeling low", "hi", "😶", ""])
    probabilities = blend.predict_proba(features)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    assert (probabilities >= 0).all()
    regression = blend.regression_.predict_proba(features)
    assert not np.allclose(probabilities, regression)  # the SVM's half counts
    assert list(blend.predict(features)) == list(blend.classes_[probabilities.argmax(axis=1)])
