"""The learned classifier: features, seeded training, the model file, and the current model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.risk.classifier import ModelFileError, load
from bot.risk.corpus import Example, load_corpus
from bot.risk.features import features, segments, tokens
from bot.risk.learning import PROJECT_MODEL_LIMIT_BYTES, get_classifier, model_path, train

PROJECT = Path(__file__).resolve().parents[3]


def test_tokens_keep_emoji_and_fold_repeated_letters() -> None:
    assert tokens("Sooooo done 💀!!!") == ["soo", "done", "💀", "!", "!"]
    assert tokens("I\u2019m fine") == ["i'm", "fine"]


def test_features_are_word_and_character_ngrams() -> None:
    counts = features("end it")
    assert counts["w end"] == 1
    assert counts["b end it"] == 1
    assert counts["c end"] == 1
    assert counts["c  end "] == 1


def test_a_long_message_is_also_read_two_sentences_at_a_time() -> None:
    assert segments("One. Two.") == []
    assert segments("One. Two. Three.") == ["One. Two.", "Two. Three."]


def _small_corpus() -> list[Example]:
    risky = [
        "i want to die",
        "kms tonight",
        "i took all the pills",
        "i cut myself again",
        "he hits me every night",
        "i will hurt him",
        "i can't breathe chest pain",
    ]
    calm = [
        "had a nice day",
        "feeling ok",
        "7 today",
        "work was busy",
        "thanks for asking",
        "going for a walk",
        "the film was killing me lol",
    ]
    rows = [
        Example("a", f"r{i}", f"{t} {k}", True, "self_harm" if i % 2 else "suicidal_ideation")
        for i, t in enumerate(risky)
        for k in ("", "honestly", "right now")
    ]
    rows += [
        Example("b", f"c{i}", f"{t} {k}", False, None)
        for i, t in enumerate(calm)
        for k in ("", "honestly", "right now")
    ]
    return rows  # fmt: skip


def test_training_is_reproducible_from_the_seed() -> None:
    first = train(_small_corpus(), seed=7)
    second = train(_small_corpus(), seed=7)
    assert np.array_equal(first.coef, second.coef)
    assert first.calibration == second.calibration
    assert first.vocabulary == second.vocabulary


def test_a_saved_model_reads_back_the_same(tmp_path: Path) -> None:
    model = train(_small_corpus(), seed=7)
    path = tmp_path / "m.npz"
    model.save(path)
    again = load(path)
    for text in ("i want to die", "nice walk", "💀 kms"):
        assert again.probability(text) == pytest.approx(model.probability(text), abs=1e-6)
        assert again.category(text) == model.category(text)


def test_a_broken_model_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.npz"
    path.write_bytes(b"not a model")
    with pytest.raises(ModelFileError):
        load(path)


def test_the_corpus_is_large_and_covers_every_category() -> None:
    corpus = load_corpus(PROJECT)
    risky = [e for e in corpus if e.risk]
    assert len(corpus) >= 10_000
    assert len(risky) >= 4_000
    assert {e.category for e in risky if e.category} == {
        "suicidal_ideation", "suicide_plan_or_means", "self_harm", "harm_to_others",
        "abuse_or_unsafe", "medical_emergency",
    }  # fmt: skip


def test_the_current_model_is_small_and_separates_the_obvious() -> None:
    classifier = get_classifier()
    assert model_path(PROJECT).stat().st_size <= PROJECT_MODEL_LIMIT_BYTES
    assert classifier.probability("i want to end my life") > 0.9
    assert classifier.probability("had a lovely walk with the dog") < 0.05
    assert classifier.category("my stepdad hits me when mum is out") == "abuse_or_unsafe"
    assert classifier.explain("i want to end my life")


def test_another_model_dir_uses_the_projects_current_file_instead_of_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    current = model_path(PROJECT)
    get_classifier()  # makes sure the project's file exists
    monkeypatch.setenv("ALLY_MODEL_DIR", str(tmp_path))
    assert model_path(PROJECT) == PROJECT / "models" / "risk" / current.name
