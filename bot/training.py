"""Training the Rasa model, skipped quickly when nothing it depends on has changed.

Rasa's own fingerprinting decides what to retrain; the stamp here only saves the ~20 s it takes
to start Rasa just to learn that nothing changed.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from bot.config import Settings
from bot.errors import AllyError
from bot.risk.crisis_domain import write_crisis_domain
from bot.risk.learning import ensure_model, model_path
from bot.stack import rasa_environment, rasa_executable

# The classifier's cue word lists are read at training time too (bot/nlu/cues.py), and its own
# code decides what it learns (bot/nlu/ngram_intent_classifier.py, CODE_FILES).
TRAINING_INPUTS = (
    "config.yml",
    "domain",
    "data",
    "bot/nlu/data",
    "bot/nlu/ngram_intent_classifier.py",
    "bot/nlu/cues.py",
    "bot/nlu/compiled_ngrams.py",
)
STAMP_NAME = ".ally-fingerprint"
# The risk classifier's corpus is not Rasa's: it has its own fingerprint (bot/risk/learning.py).
NOT_RASA_INPUTS = ("data/risk",)


class TrainingError(AllyError):
    """Training failed or there is no model to serve."""


def fingerprint(project: Path) -> str:
    """Hash every file that training reads."""
    digest = hashlib.sha256()
    for name in TRAINING_INPUTS:
        root = project / name
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            if str(path.relative_to(project)).startswith(NOT_RASA_INPUTS):
                continue
            digest.update(str(path.relative_to(project)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def latest_model(model_dir: Path) -> Path | None:
    """Return the newest model archive, if any."""
    models = sorted(model_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def is_current(settings: Settings) -> bool:
    """Return True when the newest model was trained from the current inputs."""
    stamp = settings.model_dir / STAMP_NAME
    return (
        latest_model(settings.model_dir) is not None
        and stamp.is_file()
        and stamp.read_text().strip() == fingerprint(settings.project_dir)
    )


def train_if_stale(settings: Settings, *, log_path: Path) -> bool:
    """Train, saying so first, when the model is missing or older than its inputs.

    What ``ally up``, ``ally up --scale N`` and ``ally bench`` do before they start a stack.
    Returns True if Rasa was run.
    """
    if not model_path(settings.project_dir).is_file():
        print("training the risk classifier (its corpus or code changed) ...", flush=True)
        ensure_model(settings.project_dir)
    if is_current(settings):
        return False
    print("training the model (data or config changed) ...", flush=True)
    return train(settings, log_path=log_path)


def train(settings: Settings, *, log_path: Path, force: bool = False) -> bool:
    """Train when the inputs changed; return True if Rasa was run.

    Raises:
        TrainingError: when ``rasa train`` fails; the message points at its log.
    """
    write_crisis_domain(settings.project_dir / "domain", settings.locale)
    ensure_model(settings.project_dir)  # the risk classifier: quick when it is current
    if not force and is_current(settings):
        return False
    settings.model_dir.mkdir(parents=True, exist_ok=True)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    inputs = fingerprint(settings.project_dir)
    command = [
        str(rasa_executable(settings)),
        "train",
        "--config",
        "config.yml",
        "--domain",
        "domain",
        "--data",
        "data",
        "--out",
        str(settings.model_dir),
    ]
    with log_path.open("ab") as log:
        result = subprocess.run(  # noqa: S603 - fixed argv, no shell
            command,
            cwd=settings.project_dir,
            env=rasa_environment(settings),
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if result.returncode != 0:
        raise TrainingError(f"rasa train failed (exit {result.returncode}); see {log_path}")
    (settings.model_dir / STAMP_NAME).write_text(inputs + "\n")
    return True
