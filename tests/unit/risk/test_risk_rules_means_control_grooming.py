"""The third rule round (2026-11-25): new phrasing classes, their severities, and look-alikes.

Regression examples for general rules, written as variants of each class
(not copied from the probe sets): "gonna" before a verb, means plus intent,
coercive control, online grooming, a child at risk, medical crises in
progress, and the everyday phrases the new rules must leave alone.
"""

import pytest

from bot.risk import assess

FOUND = [
    # (text, category, minimum severity)
    ("im gonna jump off the flyover", "suicide_plan_or_means", "imminent"),
    ("gonna overdose when they've gone to bed", "suicide_plan_or_means", "imminent"),
    ("sat in my car in the garage with the engine running", "suicide_plan_or_means", "imminent"),
    ("ive got the rope and i'm going to use it", "suicide_plan_or_means", "imminent"),
    ("i went up to the roof to see how high it is", "suicide_plan_or_means", "high"),
    ("death feels like the only way out", "suicidal_ideation", "high"),
    ("hoping my heart stops in my sleep", "suicidal_ideation", "high"),
    ("i cant stop self harming", "self_harm", "high"),
    ("i smack my own face with my hairbrush", "self_harm", "high"),
    ("im scared i'll slap my toddler", "harm_to_others", "high"),
    ("i've got a machete and i'm heading round to theirs", "harm_to_others", "imminent"),
    ("my girlfriend reads my messages and goes mental if i talk to other guys", "abuse_or_unsafe",
     "medium"),
    ("someone on tiktok keeps asking me to send pics, i'm 12", "abuse_or_unsafe", "high"),
    ("my parents are arranging for me to marry a man i've never met", "abuse_or_unsafe", "high"),
    ("the toddler next door is being left alone all day", "abuse_or_unsafe", "medium"),
    ("my husband is choking on a bone", "medical_emergency", "imminent"),
    ("i smoked something and my heart is pounding", "medical_emergency", "high"),
    ("he's coughing up blood", "medical_emergency", "high"),
]  # fmt: skip

RANK = {"none": 0, "low": 1, "medium": 2, "high": 3, "imminent": 4}


@pytest.mark.parametrize(("text", "category", "severity"), FOUND)
def test_new_phrasing_classes_are_caught_at_the_right_severity(
    text: str, category: str, severity: str
) -> None:
    result = assess(text)
    assert category in result.categories, (text, result)
    assert RANK[result.severity] >= RANK[severity], (text, result)


def test_someone_else_self_harming_is_capped_at_medium() -> None:
    result = assess("my best mate showed me the scars on her thighs")
    assert result.categories == ("self_harm",)
    assert result.severity == "medium"


def test_leetspeak_plan_still_escalates() -> None:
    result = assess("i'm g0nna take all my p1lls t0night")
    assert "suicide_plan_or_means" in result.categories
    assert result.severity == "imminent"


EVERYDAY = [
    "i'll hit her up after work",
    "i'm going to hit the shops later",
    "my dad checks my phone bill every month",
    "my teacher told me not to tell anyone the answers",
    "i punched him in the arm for a laugh",
    "i won't be here next week, we're camping in wales",
    "i'm going to the bridge tonight and i'm not coming back till late",
    "i drove into a bollard by accident, everyone's ok",
    "banging my head against a wall trying to fix this bug",
    "i bumped my head on the desk while reaching for my charger",
    "the scars from my c section have faded",
    "i smoked too much last night lol",
    "keep drowning in the sims lol",
    "i stabbed her in the back in among us",
    "i took too many selfies at the concert",
    "i bought a rope for the tree swing",
    "gave away my old games to my nephew",
    "saying goodbye to my old school today",
    "did you see my last message?",
    "i could strangle whoever scheduled this meeting",
    "we see lots of overdoses on my ward",
    "i could kick myself for forgetting",
    "i'm thinking about cutting my fringe",
    "i cut deeper into my savings than i meant to",
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_look_alikes_of_the_new_rules_are_not_flagged(text: str) -> None:
    assert not assess(text).risk, assess(text)
