"""The compiled n-gram path returns exactly what the scikit-learn pipeline returns."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlu.compiled_ngrams import CompiledNgrams, UnsupportedPipeline
from bot.nlu.cues import NumberShapes
from bot.nlu.ngram_intent_classifier import NgramIntentClassifier, build_pipeline

NLU_DIR = Path(__file__).resolve().parents[2] / "data" / "nlu"
ENTITY = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def nlu_examples() -> tuple[list[str], list[str]]:
    """Every example in data/nlu, with entity markup reduced to its text."""
    texts, intents = [], []
    for path in sorted(NLU_DIR.glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "intent" not in block:
                continue
            for line in block["examples"].splitlines():
                if line.strip().startswith("- "):
                    texts.append(ENTITY.sub(r"\1", line.strip()[2:]))
                    intents.append(block["intent"])
    return texts, intents


@pytest.fixture(scope="module")
def trained() -> tuple[object, CompiledNgrams, list[str]]:
    texts, intents = nlu_examples()
    pipeline = build_pipeline(NgramIntentClassifier.get_default_config())
    pipeline.fit(texts, intents)
    return pipeline, CompiledNgrams(pipeline), texts


def test_every_training_example_gets_the_pipelines_probabilities(trained) -> None:
    pipeline, compiled, texts = trained
    expected = pipeline.predict_proba(texts)
    actual = np.array([compiled.predict_proba(text) for text in texts])
    assert list(compiled.classes_) == list(pipeline.classes_)
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-12)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200))
def test_any_text_gets_the_pipelines_probabilities(trained, text: str) -> None:
    pipeline, compiled, _ = trained
    expected = pipeline.predict_proba([text])[0]
    np.testing.assert_allclose(compiled.predict_proba(text), expected, rtol=1e-9, atol=1e-12)


def test_text_with_no_known_ngram_gets_the_prior() -> None:
    pipeline = build_pipeline(NgramIntentClassifier.get_default_config())
    pipeline.fit(["hi there", "hello you", "bye now", "see ya", "sad", "low"], list("aabbcc"))
    expected = pipeline.predict_proba(["😶"])[0]
    np.testing.assert_allclose(CompiledNgrams(pipeline).predict_proba("😶"), expected)


def test_two_intents_use_the_binary_probabilities() -> None:
    pipeline = build_pipeline(NgramIntentClassifier.get_default_config())
    pipeline.fit(["hi there", "hello you", "hey", "bye now", "see ya", "goodbye"], list("aaabbb"))
    texts = ["hi", "bye", "hello bye", ""]
    compiled = CompiledNgrams(pipeline)
    actual = np.array([compiled.predict_proba(text) for text in texts])
    np.testing.assert_allclose(actual, pipeline.predict_proba(texts), rtol=1e-9, atol=1e-12)


def test_the_regression_alone_compiles_too() -> None:
    texts, intents = nlu_examples()
    config = {**NgramIntentClassifier.get_default_config(), "svm_weight": 0.0}
    pipeline = build_pipeline(config).fit(texts[::4], intents[::4])
    compiled = CompiledNgrams(pipeline)
    sample = [*texts[1::40], "", "😶", "5 out of 7 days", "about a 6"]
    actual = np.array([compiled.predict_proba(text) for text in sample])
    np.testing.assert_allclose(actual, pipeline.predict_proba(sample), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    "text",
    [
        "7",
        "about a 6",
        "8 out of 10",
        "3/10",
        "5 out of 7 days",
        "all 7 days",
        "5 out of 5",
        "two of the three things",
        "75% done",
        "80%",
        "on cloud nine",
        "set an alarm for 7",
    ],
)
def test_number_shapes_get_the_pipelines_probabilities(trained, text: str) -> None:
    pipeline, compiled, _ = trained
    expected = pipeline.predict_proba([text])[0]
    np.testing.assert_allclose(compiled.predict_proba(text), expected, rtol=1e-9, atol=1e-12)


def test_the_default_pipeline_is_a_blend_with_number_shapes(trained) -> None:
    pipeline, compiled, _ = trained
    assert compiled._blend is not None
    assert any(
        isinstance(vectoriser.analyzer, NumberShapes)
        for _, vectoriser in pipeline.steps[0][1].transformer_list
    )


def test_other_pipelines_are_refused() -> None:
    pipeline = build_pipeline(NgramIntentClassifier.get_default_config())
    pipeline.steps[0][1].transformer_list[0][1].set_params(binary=True)
    pipeline.fit(["hi", "hello", "bye", "ciao", "sad", "low"], list("aabbcc"))
    with pytest.raises(UnsupportedPipeline):
        CompiledNgrams(pipeline)
