"""Phrasings found missing on fresh messages (2026-11-25), the $END item and the prefilter.

These are regression examples for general rules (synonyms, optional words,
lemmas), not a list the rules were copied from: each rule also catches
variants, see the rule examples in bot/risk/data.
"""

import json
from pathlib import Path

import pytest

from bot.risk import assess, get_detector
from bot.risk.patterns import compile_pattern

DATA = Path(__file__).resolve().parents[2] / "data"

MISSED_BEFORE = [
    ("nobody would miss me", "suicidal_ideation"),
    ("i hate my life", "suicidal_ideation"),
    ("everything is pointless", "suicidal_ideation"),
    ("i feel like disappearing forever", "suicidal_ideation"),
    ("i'm a burden to everyone", "suicidal_ideation"),
    ("what's the point of going on", "suicidal_ideation"),
    ("i'd be better off dead", "suicidal_ideation"),
    ("i just want to sleep and never wake up", "suicidal_ideation"),
    ("no reason to keep going", "suicidal_ideation"),
    ("i don't see a way out", "suicidal_ideation"),
    ("i can't keep doing this", "suicidal_ideation"),
    ("it would be easier if i wasn't around", "suicidal_ideation"),
    ("i've been thinking about ending things", "suicidal_ideation"),
    ("thinking of taking all my meds", "suicide_plan_or_means"),
    ("i've been hurting myself to cope", "self_harm"),
    ("i punch walls till my knuckles bleed", "self_harm"),
    ("my stepdad touches me", "abuse_or_unsafe"),
    ("i'm not safe at home", "abuse_or_unsafe"),
    ("he said he'd kill me if i leave", "abuse_or_unsafe"),
    ("i'm going to make them pay, i'll hurt him", "harm_to_others"),
    ("i swallowed a bottle of pills", "medical_emergency"),
    ("can't stop the bleeding", "medical_emergency"),
]

VARIANTS = [
    ("no one would even care if i vanished", "suicidal_ideation"),
    ("they'd all be relieved if i was gone", "suicidal_ideation"),
    ("i just want to fade away", "suicidal_ideation"),
    ("whats even the point of living", "suicidal_ideation"),
    ("i dont wanna b here anymore", "suicidal_ideation"),
    ("i cant be arsed being alive", "suicidal_ideation"),
    ("i'm just a waste of space", "suicidal_ideation"),
    ("i dont want to carry on", "suicidal_ideation"),
    ("i wish i didn't exist", "suicidal_ideation"),
    ("i wanna self delete", "suicidal_ideation"),
    ("tempted to take the whole box of tablets", "suicide_plan_or_means"),
    ("i've been collecting my tablets", "suicide_plan_or_means"),
    ("i scratch my arms till they bleed", "self_harm"),
    ("i want him dead", "harm_to_others"),
    ("my boyfriend hits me when he's angry", "abuse_or_unsafe"),
    ("he threatens to hurt my dog", "abuse_or_unsafe"),
    ("my friend took something and won't wake up", "medical_emergency"),
    ("i mixed my pills with vodka", "medical_emergency"),
]

EVERYDAY = [
    "i'm hopeless at maths",
    "i hate my job",
    "i give up sugar for lent",
    "i'm done with this essay",
    "i can't keep doing these night shifts",
    "there's no point going to the gym, it's shut",
    "i want to disappear to a cabin for a week",
    "i could sleep forever after that shift",
    "i stepped off the bus",
    "i walked into the building late",
    "i'm going to destroy you at fifa",
    "i took two paracetamol for my headache",
    "my teenager won't wake up for school",
    "hit me when you're free",
    "nobody would miss me at the meeting so i skipped it",
    "i never thought i'd enjoy running",
]


@pytest.mark.parametrize(("text", "category"), MISSED_BEFORE + VARIANTS)
def test_phrasing_is_flagged_in_its_category(text: str, category: str) -> None:
    result = assess(text)
    assert category in result.categories, (text, result)


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_phrasing_is_not_flagged(text: str) -> None:
    assert not assess(text).risk, (text, assess(text))


def test_hopelessness_without_death_words_is_low() -> None:
    for text in ("i hate my life", "everything is pointless", "i give up."):
        assert assess(text).severity == "low", text


def test_never_thought_about_killing_myself_is_negated() -> None:
    assert not assess("i never thought about killing myself, even at my worst").risk
    assert assess("i never thought i'd want to kill myself").risk


def test_end_item_matches_only_at_the_end_of_a_sentence() -> None:
    assert assess("i give up").risk
    assert assess("i give up. i really do").risk
    assert assess("honestly i give up 😞").risk
    assert not assess("i give up chocolate every year").risk
    match = assess("i give up.").matches[0]
    assert match.text == "i give up"  # the full stop is not reported


def test_end_item_compiles_as_an_item_and_as_an_alternative() -> None:
    assert compile_pattern("give up $END", {})[0][-1]["LOWER"]["REGEX"]
    compiled = compile_pattern("here anymore|$END", {})
    assert len(compiled) == 2
    assert compiled[1][-1]["LOWER"]["REGEX"]


def test_prefilter_changes_speed_not_results() -> None:
    detector = get_detector()
    matcher = detector._rule_matcher
    texts = [
        json.loads(line)["text"]
        for name in ("risk_labelled.jsonl", "risk_heldout.jsonl")
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
        if line
    ]
    for text in texts:
        doc = detector.nlp(text.lower() + "\n")
        unfiltered = sorted(
            {(line.key, s, e) for line in matcher._lines for _, s, e in line.matcher(doc)}
        )
        filtered = {(k, s, e) for k, s, e in matcher(doc)}
        # The filtered matcher keeps the longest of overlapping matches per key;
        # every match it keeps must come from the unfiltered run.
        assert filtered <= set(unfiltered), text
        assert {k for k, _, _ in filtered} == {k for k, _, _ in unfiltered}, text
