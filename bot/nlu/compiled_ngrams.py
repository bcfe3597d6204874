"""The trained n-gram classifier's arithmetic for one message, without scikit-learn's overhead.

Rasa parses one message at a time. For one short text, scikit-learn's ``predict_proba`` spends
most of its time on input checks and building sparse matrices, not on the sums: about 6 ms of
Rasa's event loop per message under load (docs/benchmarks.md). ``CompiledNgrams`` does the same
sums directly: the fitted vectorisers' own analysers cut the n-grams, then tf-idf weighting and L2
norm per vectoriser, one dot product with the regression's weights, and the same probability
function scikit-learn uses; for a ``LinearBlend``, a second dot product with the SVM's weights and
the same softmax and average as ``LinearBlend.predict_proba``.
``tests/actions/test_compiled_ngrams.py`` checks that it returns the pipeline's probabilities on
the training data and on random text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


class UnsupportedPipeline(ValueError):
    """The pipeline is not the shape this module knows how to compile."""


@dataclass(frozen=True)
class _Vectoriser:
    analyse: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: np.ndarray
    offset: int
    sublinear_tf: bool


def _compile_vectoriser(vectoriser: Any, offset: int) -> _Vectoriser:
    """Keep what one fitted ``TfidfVectorizer`` needs to weight a text's n-grams."""
    if not (vectoriser.use_idf and vectoriser.norm == "l2" and not vectoriser.binary):
        raise UnsupportedPipeline("only tf-idf with L2 norm and counts is compiled")
    return _Vectoriser(
        analyse=vectoriser.build_analyzer(),
        vocabulary=dict(vectoriser.vocabulary_),
        idf=np.asarray(vectoriser.idf_, dtype=np.float64),
        offset=offset,
        sublinear_tf=bool(vectoriser.sublinear_tf),
    )


@dataclass(frozen=True)
class _Linear:
    """A fitted linear model's weights, one row per feature, and its intercepts."""

    weights: np.ndarray
    intercept: np.ndarray

    @classmethod
    def of(cls, model: Any, features: int) -> _Linear:
        weights = np.asarray(model.coef_, dtype=np.float64)
        if weights.shape[1] != features:
            raise UnsupportedPipeline("the classifier's weights do not match the features")
        return cls(np.ascontiguousarray(weights.T), np.asarray(model.intercept_, dtype=np.float64))

    def decision(self, columns: np.ndarray, values: np.ndarray) -> np.ndarray:
        """The decision values of a text with these non-zero features."""
        return self.intercept + values @ self.weights[columns]


class CompiledNgrams:
    """Class probabilities for one text, equal to the fitted pipeline's ``predict_proba``."""

    def __init__(self, pipeline: Any) -> None:
        """Compile a fitted ``make_pipeline(make_union(TfidfVectorizer...), classifier)``.

        The classifier is a ``LogisticRegression`` or a ``LinearBlend`` of one with a linear
        SVM (``bot/nlu/ngram_intent_classifier.py``).

        Raises:
            UnsupportedPipeline: for any other shape, so the caller keeps scikit-learn's path.
        """
        union, classifier = pipeline.steps[0][1], pipeline.steps[-1][1]
        if len(pipeline.steps) != 2 or getattr(union, "transformer_weights", None):
            raise UnsupportedPipeline("expected a union of vectorisers and one classifier")
        self._vectorisers: list[_Vectoriser] = []
        offset = 0
        for _, vectoriser in union.transformer_list:
            self._vectorisers.append(_compile_vectoriser(vectoriser, offset))
            offset += len(vectoriser.vocabulary_)
        regression = classifier
        self._blend: _Linear | None = None
        if hasattr(classifier, "svm_"):  # LinearBlend: a regression and an SVM
            self._blend = _Linear.of(classifier.svm_, offset)
            self._svm_weight = float(classifier.svm_weight)
            self._temperature = float(classifier.temperature)
            regression = classifier.regression_
        self._regression = _Linear.of(regression, offset)
        self.classes_ = regression.classes_
        self._binary = len(self.classes_) == 2
        multinomial = regression.multi_class in ("auto", "multinomial")
        if not self._binary and (not multinomial or regression.solver == "liblinear"):
            raise UnsupportedPipeline("only the multinomial regression is compiled")

    def _features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's non-zero feature columns and their tf-idf values."""
        columns: list[np.ndarray] = []
        values: list[np.ndarray] = []
        for part in self._vectorisers:
            counts = Counter(
                part.vocabulary[gram] for gram in part.analyse(text) if gram in part.vocabulary
            )
            if not counts:
                continue
            index = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            if part.sublinear_tf:
                tf = np.log(tf) + 1.0
            weighted = tf * part.idf[index]
            weighted /= np.sqrt(weighted @ weighted)
            columns.append(index + part.offset)
            values.append(weighted)
        if not columns:
            return np.empty(0, dtype=np.intp), np.empty(0)
        return np.concatenate(columns), np.concatenate(values)

    def predict_proba(self, text: str) -> np.ndarray:
        """Return the probability of each class in ``classes_`` order."""
        columns, values = self._features(text)
        decision = self._regression.decision(columns, values)
        if self._binary:
            positive = 1.0 / (1.0 + np.exp(-decision[0]))
            probabilities = np.array([1.0 - positive, positive])
        else:
            probabilities = softmax(decision)
        if self._blend is None:
            return probabilities
        svm = self._blend.decision(columns, values)
        if len(svm) == 1:  # a binary SVM: one decision value for the second class
            svm = np.array([-svm[0], svm[0]])
        blended = softmax(self._temperature * svm)
        return (1.0 - self._svm_weight) * probabilities + self._svm_weight * blended


def softmax(scores: np.ndarray) -> np.ndarray:
    """Softmax over the last axis (the largest score subtracted first, as scikit-learn does)."""
    shifted = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)
