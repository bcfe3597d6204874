"""The tenth rule round (2026-11-26): the kinds probe 13 missed, and their look-alikes.

Variants of each kind in words of their own (not copied from the probe): chest pain named
before the chest with a numb arm, something poisonous swallowed with nothing named, the world
"lighter" without me, anyone at all hurt "the way i feel", care handed over because "i won't be
here". The look-alikes use the same words in everyday senses and must stay unflagged.
"""

import pytest

from bot.risk import assess

FOUND = [
    # (text, category, minimum severity)
    ("really bad pressure on my chest and my arm has gone tingly", "medical_emergency", "high"),
    ("sharp pains across my chest, and my jaw feels heavy", "medical_emergency", "high"),
    ("i swallowed something toxic from under the sink", "medical_emergency", "imminent"),
    ("my brother ate some poisonous berries and he's being sick", "medical_emergency", "imminent"),
    ("my family would be so much calmer without me", "suicidal_ideation", "high"),
    ("honestly the world would be brighter without me", "suicidal_ideation", "high"),
    ("i could easily hurt somebody right now", "harm_to_others", "high"),
    ("i want to stab someone the way i feel", "harm_to_others", "high"),
    (
        "can you make sure someone feeds her, i won't be around to feed her",
        "suicide_plan_or_means",
        "medium",
    ),
    (
        "my sister will have the kids, i won't be here to take care of them anymore",
        "suicide_plan_or_means",
        "medium",
    ),
]

LOOKALIKES = [
    "i pulled a muscle in my chest at the gym and my arm is sore",
    "chest day today, my arms are dead",
    "i drank a toxic amount of coffee before the exam",
    "my ex was toxic and i drank too much last night",
    "the dog ate a sock, the vet says he'll be fine",
    "the office is quieter without me when i'm on leave",
    "i'm so hungry i could kill someone",
    "i could easily eat a whole pizza",
    "i won't be here to look after the cat next week, so my neighbour is feeding her",
    "i won't be here to feed the cat on friday, i'm at my mum's",
]

RANK = {"none": 0, "low": 1, "medium": 2, "high": 3, "imminent": 4}


@pytest.mark.parametrize(("text", "category", "severity"), FOUND)
def test_tenth_round_kinds_are_caught(text: str, category: str, severity: str) -> None:
    result = assess(text)
    assert result.risk, text
    assert category in result.categories, (text, result.to_dict())
    assert RANK[result.severity] >= RANK[severity], (text, result.to_dict())


@pytest.mark.parametrize("text", LOOKALIKES)
def test_tenth_round_lookalikes_stay_unflagged(text: str) -> None:
    result = assess(text)
    assert not result.risk, (text, result.to_dict())
