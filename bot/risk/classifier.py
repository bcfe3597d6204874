"""The learned risk classifier: a calibrated linear model over word and character n-grams.

It answers one question, "how likely is this message a risk disclosure?", and, for a likely one,
which of the six categories it reads as. It does not decide what Ally does: that is
:mod:`bot.risk.tiers`, which puts the reviewed rules first.

The model is a plain ``.npz`` file (vocabulary, idf, weights, calibration), read with numpy
alone, so the web app and the Rasa environment use the same file without scikit-learn at run
time. :mod:`bot.risk.learning` trains it from the corpus in ``data/risk/``.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.risk.features import features, segments

#: Format of the model file; a file of another version is retrained, never misread.
MODEL_FORMAT = 1


@dataclass(frozen=True)
class Explanation:
    """A feature that pushed the score up, for the reasons shown to supporters and researchers."""

    feature: str
    weight: float


class RiskClassifier:
    """Scores messages with a trained model (see :func:`load` and :mod:`bot.risk.learning`).

    Args:
        vocabulary: Feature string to column index.
        idf: Inverse document frequency per column.
        coef: Risk weight per column.
        intercept: Risk intercept.
        calibration: Platt scaling ``(a, b)``: ``p = 1 / (1 + exp(-(a * margin + b)))``.
        categories: Category names, in the row order of ``category_coef``.
        category_coef: One weight row per category (trained on risk messages only).
        category_intercept: One intercept per category.
        meta: Fingerprint, seed and corpus counts the model was trained with.
    """

    def __init__(
        self,
        *,
        vocabulary: dict[str, int],
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: float,
        calibration: tuple[float, float],
        categories: tuple[str, ...],
        category_coef: np.ndarray,
        category_intercept: np.ndarray,
        meta: dict[str, Any],
    ) -> None:
        self.vocabulary = vocabulary
        self.idf = idf.astype(np.float32)
        self.coef = coef.astype(np.float32)
        self.intercept = float(intercept)
        self.calibration = calibration
        self.categories = categories
        self.category_coef = category_coef.astype(np.float32)
        self.category_intercept = category_intercept.astype(np.float32)
        self.meta = meta
        self._names: list[str] | None = None

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the sparse tf-idf vector of ``text``: column indices and L2-normalised values."""
        vocabulary = self.vocabulary
        pairs = [(vocabulary[f], c) for f, c in features(text).items() if f in vocabulary]
        if not pairs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        columns = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=len(pairs))
        counts = np.fromiter((p[1] for p in pairs), dtype=np.float32, count=len(pairs))
        values = (1.0 + np.log(counts)) * self.idf[columns]
        norm = float(np.sqrt(np.dot(values, values)))
        return columns, values / norm if norm else values

    def margin(self, text: str) -> float:
        """The uncalibrated linear score of ``text`` read whole."""
        columns, values = self.vector(text)
        return float(np.dot(self.coef[columns], values)) + self.intercept

    def probability(self, text: str) -> float:
        """Calibrated probability that ``text`` is a risk disclosure.

        A multi-sentence message is also read two sentences at a time and the highest score
        counts, so a disclosure late in a long post is not diluted by the rest.
        """
        best = self.margin(text)
        for piece in segments(text):
            best = max(best, self.margin(piece))
        return self._calibrated(best)

    def probabilities(self, texts: Iterable[str]) -> list[float]:
        """:meth:`probability` for each text."""
        return [self.probability(t) for t in texts]

    def _calibrated(self, margin: float) -> float:
        a, b = self.calibration
        z = a * margin + b
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def category(self, text: str) -> str:
        """The most likely category of ``text``, read as a disclosure."""
        columns, values = self.vector(text)
        scores = self.category_coef[:, columns] @ values + self.category_intercept
        return self.categories[int(np.argmax(scores))]

    def explain(self, text: str, limit: int = 5) -> list[Explanation]:
        """The features of ``text`` that raise its risk score most (positive contributions)."""
        columns, values = self.vector(text)
        contributions = self.coef[columns] * values
        order = np.argsort(-contributions)[:limit]
        names = self._feature_names()
        return [
            Explanation(names[int(columns[i])], round(float(contributions[i]), 3))
            for i in order
            if contributions[i] > 0
        ]

    def _feature_names(self) -> list[str]:
        if self._names is None:
            names = [""] * len(self.vocabulary)
            for name, column in self.vocabulary.items():
                names[column] = name
            self._names = names
        return self._names

    def save(self, path: Path) -> None:
        """Write the model to ``path`` (a ``.npz`` file), atomically."""
        names = self._feature_names()
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            format=np.array([MODEL_FORMAT]),
            vocabulary=np.frombuffer("\n".join(names).encode("utf-8"), dtype=np.uint8),
            idf=self.idf,
            coef=self.coef,
            intercept=np.array([self.intercept]),
            calibration=np.array(self.calibration),
            categories=np.frombuffer("\n".join(self.categories).encode(), dtype=np.uint8),
            category_coef=self.category_coef,
            category_intercept=self.category_intercept,
            meta=np.frombuffer(_dump_meta(self.meta), dtype=np.uint8),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{id(buffer)}.partial")
        partial.write_bytes(buffer.getvalue())
        partial.replace(path)


def _dump_meta(meta: dict[str, Any]) -> bytes:
    import json

    return json.dumps(meta, sort_keys=True).encode()


class ModelFileError(ValueError):
    """The model file is missing, unreadable or of another format."""


def load(path: Path) -> RiskClassifier:
    """Read a model written by :meth:`RiskClassifier.save`.

    Raises:
        ModelFileError: If the file cannot be read as a model of :data:`MODEL_FORMAT`.
    """
    import json

    try:
        with np.load(path, allow_pickle=False) as data:
            if int(data["format"][0]) != MODEL_FORMAT:
                raise ModelFileError(f"{path}: model format {int(data['format'][0])}")
            names = bytes(data["vocabulary"]).decode("utf-8").split("\n")
            return RiskClassifier(
                vocabulary={name: i for i, name in enumerate(names)},
                idf=data["idf"],
                coef=data["coef"],
                intercept=float(data["intercept"][0]),
                calibration=(float(data["calibration"][0]), float(data["calibration"][1])),
                categories=tuple(bytes(data["categories"]).decode().split("\n")),
                category_coef=data["category_coef"],
                category_intercept=data["category_intercept"],
                meta=json.loads(bytes(data["meta"]).decode()),
            )
    except (OSError, KeyError, ValueError, EOFError) as exc:
        if isinstance(exc, ModelFileError):
            raise
        raise ModelFileError(f"{path}: {type(exc).__name__}: {exc}") from None
