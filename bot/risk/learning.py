"""Training the risk classifier (scikit-learn, seeded) and finding the current model file.

The model is trained from the corpus (:mod:`bot.risk.corpus`) and saved under
``models/risk/risk-<fingerprint>.npz``; the fingerprint covers the corpus, this code and the
seed, so a changed input gives a new file and an unchanged one is never trained twice.
``ally train`` trains it with the Rasa model; a process that finds no current file trains it
on first use (about 15 s on two cores).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bot.risk.classifier import ModelFileError, RiskClassifier, load
from bot.risk.corpus import Example, input_files, load_corpus
from bot.risk.features import features

log = logging.getLogger(__name__)

SEED = 20261208
#: A feature must occur in this many training messages to get a weight.
MIN_DF = 2
#: Inverse regularisation strength of the risk model (chosen by leave-one-source-out recall).
C_RISK = 8.0
C_CATEGORY = 8.0
CALIBRATION_FOLDS = 3
#: The model file must stay under this size (issue: at most 20 MB).
PROJECT_MODEL_LIMIT_BYTES = 20 * 1024 * 1024
_CODE = ("features.py", "classifier.py", "learning.py", "corpus.py")


def project_root() -> Path:
    """The repository root (``ALLY_PROJECT_DIR`` when set)."""
    from bot.config import project_dir

    return project_dir()


def model_dir(project: Path) -> Path:
    """Where model files live: ``$ALLY_MODEL_DIR/risk`` or ``<project>/models/risk``."""
    return Path(os.environ.get("ALLY_MODEL_DIR") or project / "models") / "risk"


def fingerprint(project: Path, seed: int = SEED) -> str:
    """Hash of everything training reads: corpus files, this package's training code, the seed."""
    digest = hashlib.sha256(str(seed).encode())
    here = Path(__file__).resolve().parent
    for path in [*input_files(project), *(here / name for name in _CODE)]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def model_path(project: Path, seed: int = SEED) -> Path:
    """The file of the model trained from ``project``'s current corpus.

    With ``ALLY_MODEL_DIR`` set elsewhere (a test's copy of the Rasa model), a current file in
    ``<project>/models/risk`` is used rather than trained again: the fingerprint names the
    content.
    """
    name = f"risk-{fingerprint(project, seed)[:16]}.npz"
    path = model_dir(project) / name
    default = project / "models" / "risk" / name
    return default if not path.is_file() and default.is_file() else path


class _Matrix:
    """Feature counts of many messages, turned into tf-idf matrices for any subset of them.

    The counts are built once; each training run (a leave-one-source-out fold, a calibration
    fold) picks its own vocabulary (features in at least :data:`MIN_DF` of its messages) and
    idf from its own rows, exactly as :meth:`RiskClassifier.vector` reads a message.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        from scipy.sparse import csr_matrix

        columns: dict[str, int] = {}
        indptr, indices, values = [0], [], []
        for text in texts:
            for feature, count in features(text).items():
                indices.append(columns.setdefault(feature, len(columns)))
                values.append(float(count))
            indptr.append(len(indices))
        self.names = sorted(columns, key=columns.__getitem__)
        self.counts = csr_matrix(
            (np.array(values), np.array(indices, dtype=np.int64), np.array(indptr)),
            shape=(len(texts), len(columns)),
        )

    def fit(self, rows: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """Columns kept for ``rows`` (sorted by feature name) and their idf."""
        present = self.counts[list(rows)] > 0
        df = np.asarray(present.sum(axis=0)).ravel()
        kept = np.flatnonzero(df >= MIN_DF)
        kept = kept[np.argsort([self.names[c] for c in kept], kind="stable")]
        idf = (np.log((1.0 + len(rows)) / (1.0 + df[kept])) + 1.0).astype(np.float32)
        return kept, idf

    def transform(self, rows: Sequence[int], kept: np.ndarray, idf: np.ndarray) -> Any:
        """The L2-normalised, sublinear tf-idf matrix of ``rows`` over ``kept`` columns."""
        from sklearn.preprocessing import normalize

        x = self.counts[list(rows)][:, kept].tocsr()
        x.data = 1.0 + np.log(x.data)
        return normalize(x.multiply(idf.astype(np.float64)).tocsr())

    def vocabulary(self, kept: np.ndarray) -> dict[str, int]:
        """Feature name to column, for the kept columns."""
        return {self.names[c]: i for i, c in enumerate(kept)}


def _fit_risk(x: Any, y: np.ndarray, seed: int) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(
        C=C_RISK, solver="liblinear", class_weight="balanced", random_state=seed, max_iter=2000
    ).fit(x, y)


def _calibration(matrix: _Matrix, rows: list[int], y: np.ndarray, seed: int) -> tuple[float, float]:
    """Platt scaling fitted on out-of-fold margins of the training rows."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    margins = np.zeros(len(rows))
    folds = StratifiedKFold(CALIBRATION_FOLDS, shuffle=True, random_state=seed)
    for train_idx, test_idx in folds.split(np.zeros(len(rows)), y):
        fold_rows = [rows[i] for i in train_idx]
        kept, idf = matrix.fit(fold_rows)
        model = _fit_risk(matrix.transform(fold_rows, kept, idf), y[train_idx], seed)
        test_x = matrix.transform([rows[i] for i in test_idx], kept, idf)
        margins[test_idx] = model.decision_function(test_x)
    platt = LogisticRegression(C=1e4, solver="lbfgs").fit(margins.reshape(-1, 1), y)
    return float(platt.coef_[0][0]), float(platt.intercept_[0])


def train(
    examples: Sequence[Example],
    *,
    seed: int = SEED,
    matrix: _Matrix | None = None,
    rows: Sequence[int] | None = None,
    meta: dict[str, Any] | None = None,
) -> RiskClassifier:
    """Train the classifier on ``examples`` (or on the ``rows`` of a prepared ``matrix``).

    Deterministic for a given corpus and seed.
    """
    from sklearn.linear_model import LogisticRegression

    matrix = matrix or _Matrix([e.text for e in examples])
    rows = list(rows if rows is not None else range(len(examples)))
    y = np.array([examples[i].risk for i in rows], dtype=int)
    kept, idf = matrix.fit(rows)
    x = matrix.transform(rows, kept, idf)
    model = _fit_risk(x, y, seed)
    calibration = _calibration(matrix, rows, y, seed)
    labelled = [k for k, i in enumerate(rows) if examples[i].risk and examples[i].category]
    categories = sorted({examples[rows[k]].category or "" for k in labelled})
    category_model = LogisticRegression(
        C=C_CATEGORY, solver="lbfgs", max_iter=2000, random_state=seed
    ).fit(x[labelled], [examples[rows[k]].category for k in labelled])
    counts = Counter(("risk" if examples[i].risk else "everyday") for i in rows)
    return RiskClassifier(
        vocabulary=matrix.vocabulary(kept),
        idf=idf,
        coef=model.coef_[0],
        intercept=float(model.intercept_[0]),
        calibration=calibration,
        categories=tuple(str(c) for c in category_model.classes_),
        category_coef=category_model.coef_,
        category_intercept=category_model.intercept_,
        meta={"seed": seed, "examples": len(rows), **counts, "categories": categories,
              **(meta or {})},
    )  # fmt: skip


def train_and_save(project: Path, *, seed: int = SEED) -> Path:
    """Train from ``project``'s corpus and save to :func:`model_path`; return the path."""
    path = model_path(project, seed)
    model = train(load_corpus(project), seed=seed, meta={"fingerprint": fingerprint(project, seed)})
    model.save(path)
    for old in path.parent.glob("risk-*.npz"):  # models of an older corpus are never used again
        if old != path:
            old.unlink(missing_ok=True)
    return path


def ensure_model(project: Path, *, seed: int = SEED) -> tuple[Path, bool]:
    """Return the current model file, training it first if it is missing; and whether it trained."""
    path = model_path(project, seed)
    if path.is_file():
        return path, False
    log.info("training the risk classifier (no model for the current corpus)")
    return train_and_save(project, seed=seed), True


@functools.lru_cache(maxsize=1)
def get_classifier() -> RiskClassifier:
    """The process-wide classifier for the current corpus, trained first if needed.

    Raises:
        ModelFileError: If the model file cannot be read.
    """
    path, _ = ensure_model(project_root())
    try:
        return load(path)
    except ModelFileError:
        log.error("risk model file unreadable; training it again")
        path.unlink(missing_ok=True)
        return load(ensure_model(project_root())[0])
