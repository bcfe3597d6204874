"""Rasa NLU component: intent classification with word and character n-grams.

Tf-idf weighted lemma (or word) 1-2-grams, character 1-5-grams (inside word boundaries) and
grammatical cues (past tense, negation, plans; ``bot/nlu/cues.py``), and a multinomial logistic
regression over them (scikit-learn). On Ally's short chat messages it
classifies better than DIET did with the same n-grams (5-fold cross-validation, see
docs/nlu-evaluation.md), trains in seconds, needs no TensorFlow at parse time and gives the same
model for the same data (a fixed seed and a deterministic solver). It reads the message text
itself, so it needs no featuriser before it; `RiskOverride` still has the last word on risk.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union
from sklearn.svm import LinearSVC

from bot.nlu.compiled_ngrams import CompiledNgrams, UnsupportedPipeline, softmax
from bot.nlu.cues import (
    CUE_TOKENS,
    NUMBER_TOKENS,
    GrammaticalCues,
    LemmaNgrams,
    NumberShapes,
    cue_words_digest,
)

MODEL_FILE = "ngram_intent_classifier.joblib"
MIN_INTENTS = 2  # a classifier needs two classes
# Words, and punctuation or emoji as tokens of their own ("?" and "😞" carry meaning).
WORD_PATTERN = r"(?u)\b\w+\b|[^\w\s]"
WORD_UNITS = ("lemma", "word")  # lemmas: "phoned" -> "phone"; words: as typed


def _word_vectoriser(config: dict[str, Any]) -> TfidfVectorizer:
    low, high = config["word_ngrams"]
    if config["word_units"] not in WORD_UNITS:
        raise ValueError(f"word_units must be one of {WORD_UNITS}, not {config['word_units']!r}")
    if config["word_units"] == "lemma":
        return TfidfVectorizer(analyzer=LemmaNgrams(low, high), sublinear_tf=True)
    return TfidfVectorizer(
        analyzer="word", ngram_range=(low, high), token_pattern=WORD_PATTERN, sublinear_tf=True
    )


# The code that trains the classifier and defines the objects its model file holds.
CODE_FILES = tuple(
    Path(__file__).resolve().parent / name
    for name in ("ngram_intent_classifier.py", "cues.py", "compiled_ngrams.py")
)


def code_digest() -> str:
    """Return the SHA-256 of the classifier's source files (see ``CODE_FILES``)."""
    digest = hashlib.sha256()
    for path in CODE_FILES:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build_pipeline(config: dict[str, Any]) -> Pipeline:
    """Return the untrained scikit-learn pipeline that ``config`` describes."""
    vectorisers = [
        _word_vectoriser(config),
        TfidfVectorizer(
            analyzer="char_wb", ngram_range=tuple(config["char_ngrams"]), sublinear_tf=True
        ),
    ]
    if config["grammatical_cues"]:
        vectorisers.append(
            TfidfVectorizer(
                analyzer=GrammaticalCues(), vocabulary=list(CUE_TOKENS), sublinear_tf=True
            )
        )
    if config["number_cues"]:
        vectorisers.append(
            TfidfVectorizer(
                analyzer=NumberShapes(), vocabulary=list(NUMBER_TOKENS), sublinear_tf=True
            )
        )
    regression = LogisticRegression(
        C=config["C"], max_iter=config["max_iter"], random_state=config["random_seed"]
    )
    if not config["svm_weight"]:
        return make_pipeline(make_union(*vectorisers), regression)
    return make_pipeline(
        make_union(*vectorisers),
        LinearBlend(
            regression,
            LinearSVC(
                C=config["svm_C"], max_iter=config["max_iter"], random_state=config["random_seed"]
            ),
            svm_weight=config["svm_weight"],
            temperature=config["svm_temperature"],
        ),
    )


def svm_scores(decision: np.ndarray) -> np.ndarray:
    """A linear SVM's decision values as one column per class (two for a binary SVM)."""
    return np.stack([-decision, decision], axis=-1) if decision.ndim == 1 else decision


class LinearBlend(ClassifierMixin, BaseEstimator):
    """The average of a logistic regression's probabilities and a linear SVM's scores.

    The SVM's decision values become a probability ranking through a softmax at
    ``temperature``; the blend is ``(1 - svm_weight) * regression + svm_weight * svm``. Over the
    same features the two models make different mistakes (the SVM fits the margin, the
    regression every example's likelihood), and the blend scored higher in cross-validation
    than either alone (docs/nlu-evaluation.md, fifth round). Both solvers are deterministic for
    a fixed ``random_state``; ``bot/nlu/compiled_ngrams.py`` computes the same blend for one
    message.
    """

    def __init__(
        self,
        regression: LogisticRegression,
        svm: LinearSVC,
        svm_weight: float = 0.5,
        temperature: float = 10.0,
    ) -> None:
        """Keep the two untrained models and how to blend them."""
        self.regression = regression
        self.svm = svm
        self.svm_weight = svm_weight
        self.temperature = temperature

    def fit(self, features: Any, labels: Any) -> LinearBlend:
        """Fit both models on the same features."""
        self.regression_ = clone(self.regression).fit(features, labels)
        self.svm_ = clone(self.svm).fit(features, labels)
        self.classes_ = self.regression_.classes_
        return self

    def predict_proba(self, features: Any) -> np.ndarray:
        """Blended probabilities, one column per class in ``classes_`` order."""
        svm = softmax(self.temperature * svm_scores(self.svm_.decision_function(features)))
        regression = self.regression_.predict_proba(features)
        return (1.0 - self.svm_weight) * regression + self.svm_weight * svm

    def predict(self, features: Any) -> np.ndarray:
        """The class with the highest blended probability."""
        return self.classes_[np.argmax(self.predict_proba(features), axis=1)]


def _compile(pipeline: Pipeline | None) -> CompiledNgrams | None:
    """The fast one-message path (bot/nlu/compiled_ngrams.py), or None to use scikit-learn's."""
    if pipeline is None:
        return None
    try:
        return CompiledNgrams(pipeline)
    except UnsupportedPipeline:
        return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class NgramIntentClassifier(GraphComponent):
    """Predicts the intent and a ranking of the likeliest intents from the message text."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Defaults chosen by cross-validation (docs/nlu-evaluation.md)."""
        return {
            "word_ngrams": [1, 2],
            "word_units": "lemma",
            "char_ngrams": [1, 5],
            "grammatical_cues": True,
            # Not a setting: the word lists' digest, so that editing cues.yml retrains.
            "cue_words_sha256": cue_words_digest(),
            # Not a setting either: Rasa's training cache keys a component on its config and data,
            # not its code, so a code change would otherwise reuse a model trained by old code.
            "code_sha256": code_digest(),
            # Shapes of numbers: a rating, a count out of a whole, all of a count, a percentage.
            "number_cues": True,
            "C": 100.0,
            # A linear SVM blended in (0 for the regression alone), its C and softmax scale.
            "svm_weight": 0.5,
            "svm_C": 1.0,
            "svm_temperature": 10.0,
            "max_iter": 3000,
            "random_seed": 42,
            "ranking_length": 10,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        pipeline: Pipeline | None = None,
    ) -> None:
        """Keep the config, where to persist, and the trained pipeline (if any)."""
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._pipeline = pipeline
        self._compiled = _compile(pipeline)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NgramIntentClassifier:
        """Create an untrained classifier."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit on every example that has both a text and an intent, then persist."""
        examples = [m for m in training_data.intent_examples if m.get("text") and m.get("intent")]
        if len({m.get("intent") for m in examples}) < MIN_INTENTS:
            return self._resource
        pipeline = build_pipeline(self._config)
        pipeline.fit([m.get("text") for m in examples], [m.get("intent") for m in examples])
        self._pipeline, self._compiled = pipeline, _compile(pipeline)
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(pipeline, directory / MODEL_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> NgramIntentClassifier:
        """Load the trained pipeline; an untrained component predicts nothing."""
        try:
            with model_storage.read_from(resource) as directory:
                pipeline = joblib.load(directory / MODEL_FILE)  # our own model file, not input
        except (ValueError, FileNotFoundError):
            pipeline = None
        return cls(config, model_storage, resource, pipeline)

    def process(self, messages: list[Message]) -> list[Message]:
        """Set ``intent`` and ``intent_ranking`` on each message with text."""
        if self._pipeline is None:
            return messages
        with_text = [m for m in messages if m.get("text")]
        if not with_text:
            return messages
        texts = [m.get("text") for m in with_text]
        if self._compiled is not None:
            probabilities = [self._compiled.predict_proba(text) for text in texts]
        else:
            probabilities = self._pipeline.predict_proba(texts)
        labels = self._pipeline.classes_
        for message, row in zip(with_text, probabilities, strict=True):
            order = np.argsort(-row, kind="stable")[: self._config["ranking_length"]]
            ranking = [{"name": str(labels[i]), "confidence": float(row[i])} for i in order]
            message.set("intent", ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data needs nothing from this component."""
        return training_data
