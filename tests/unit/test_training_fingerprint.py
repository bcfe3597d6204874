"""`ally train` retrains when anything training reads changes, the cue word lists included."""

from pathlib import Path

from bot.nlu.cues import CUES_FILE, cue_words_digest
from bot.training import fingerprint


def make_project(root: Path) -> Path:
    for name in ("domain", "data", "bot/nlu/data"):
        (root / name).mkdir(parents=True)
    (root / "config.yml").write_text("pipeline: []\n")
    (root / "domain" / "domain.yml").write_text("version: '3.1'\n")
    (root / "data" / "nlu.yml").write_text("nlu: []\n")
    (root / "bot/nlu/data/cues.yml").write_text("negation: [not]\n")
    for name in ("ngram_intent_classifier.py", "cues.py", "compiled_ngrams.py"):
        (root / "bot/nlu" / name).write_text("# the classifier's code\n")
    return root


def test_editing_the_cue_words_changes_the_training_fingerprint(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    before = fingerprint(project)
    (project / "bot/nlu/data/cues.yml").write_text("negation: [not, never]\n")
    assert fingerprint(project) != before


def test_the_classifier_config_carries_the_cue_words_digest(tmp_path: Path) -> None:
    """Rasa's own cache retrains a component only when its config changes."""
    copy = tmp_path / "cues.yml"
    copy.write_bytes(CUES_FILE.read_bytes())
    assert cue_words_digest(copy) == cue_words_digest()
    copy.write_text(CUES_FILE.read_text() + "# edited\n")
    assert cue_words_digest(copy) != cue_words_digest()


def test_editing_the_classifier_code_changes_the_training_fingerprint(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    before = fingerprint(project)
    (project / "bot/nlu/cues.py").write_text("# the classifier's code, edited\n")
    assert fingerprint(project) != before
