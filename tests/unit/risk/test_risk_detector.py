"""Detector behaviour per category and difficulty, negation, idioms and context."""

import pytest

from bot.risk import SEVERITIES, assess

RANK = {s: i for i, s in enumerate(SEVERITIES)}

# (text, category that must be reported, minimum severity)
RISK_CASES = [
    # suicidal ideation: explicit
    ("I want to kill myself", "suicidal_ideation", "high"),
    ("i want to die", "suicidal_ideation", "high"),
    ("im suicidal", "suicidal_ideation", "high"),
    ("i keep thinking about ending my life", "suicidal_ideation", "high"),
    # passive
    ("i wish i wouldn't wake up tomorrow", "suicidal_ideation", "high"),
    ("I don't want to be here anymore", "suicidal_ideation", "high"),
    ("everyone would be better off without me", "suicidal_ideation", "high"),
    ("i don't want to live anymore", "suicidal_ideation", "high"),
    ("I can't go on", "suicidal_ideation", "medium"),
    ("not sure i want to live", "suicidal_ideation", "high"),
    # misspellings
    ("i feel suicidle", "suicidal_ideation", "high"),
    ("sucidal again", "suicidal_ideation", "high"),
    ("i wanna kil myself", "suicidal_ideation", "high"),
    ("gonna kill my self", "suicidal_ideation", "high"),
    ("wanna die", "suicidal_ideation", "high"),
    ("want 2 die", "suicidal_ideation", "high"),
    ("i want to diiiiie", "suicidal_ideation", "high"),
    # slang and euphemism
    ("kms", "suicidal_ideation", "high"),
    ("ima kys", "suicidal_ideation", "high"),
    ("i want to unalive myself", "suicidal_ideation", "high"),
    ("i just want to end it all", "suicidal_ideation", "high"),
    ("i want to sleep forever", "suicidal_ideation", "high"),
    # plans and means
    ("I've saved up my pills", "suicide_plan_or_means", "imminent"),
    ("i bought a rope", "suicide_plan_or_means", "imminent"),
    ("tonight's the night", "suicide_plan_or_means", "high"),
    ("I wrote my note", "suicide_plan_or_means", "high"),
    ("i want to kill myself tonight", "suicide_plan_or_means", "imminent"),
    (
        "goodbye everyone, thank you for everything, this is the last time you'll hear from me",
        "suicide_plan_or_means",
        "imminent",
    ),
    # self-harm
    ("i cut myself last night", "self_harm", "high"),
    ("i've started self-harming again", "self_harm", "high"),
    ("i keep burning myself with a lighter", "self_harm", "high"),
    ("relapsed on sh", "self_harm", "high"),
    # a blade or razor named earlier, then only "it" or "them" (2026-11-26)
    ("i'm going to use them on my wrists", "self_harm", "high"),
    ("dragged it along my forearm till it bled", "self_harm", "high"),
    # harm to others
    ("i want to kill him", "harm_to_others", "high"),
    ("i'm going to hurt someone", "harm_to_others", "high"),
    # abuse or unsafe
    ("my dad hits me", "abuse_or_unsafe", "high"),
    ("i was raped", "abuse_or_unsafe", "high"),
    ("i got kicked out and have nowhere to sleep", "abuse_or_unsafe", "high"),
    ("i'm afraid to go home", "abuse_or_unsafe", "high"),
    # medical emergency
    ("i took too many pills", "medical_emergency", "imminent"),
    ("I overdosed", "medical_emergency", "imminent"),
    ("i can't breathe", "medical_emergency", "high"),
    ("it won't stop bleeding", "medical_emergency", "imminent"),
]


@pytest.mark.parametrize(("text", "category", "minimum"), RISK_CASES)
def test_risk_is_detected(text: str, category: str, minimum: str) -> None:
    result = assess(text)
    assert result.risk, text
    assert category in result.categories, (text, result)
    assert RANK[result.severity] >= RANK[minimum], (text, result.severity)


NO_RISK_CASES = [
    # things put on or against a wrist for what they are for
    "i put perfume on my wrists",
    "the physio said to use it on my wrist for the sprain",
    "i pressed it against my wrist to feel my pulse",
    # negation
    "I would never hurt myself",
    "I'm not suicidal",
    "i don't want to kill myself",
    "i have never self harmed",
    "no thoughts of suicide",
    "i don't think i'd ever hurt myself",
    # idioms
    "this homework is killing me",
    "I died laughing",
    "my feet are killing me",
    "I could murder a pizza",
    "kill the lights",
    "dying to see it",
    "my mum will kill me if i'm late",
    "i cut myself shaving",
    "hit me up later",
    # eating, voices and blackmail words in everyday use (next to the rules that need them)
    "i ate so much i made myself sick",
    "i made myself sick with worry",
    "i skipped lunch on purpose to save money",
    "i stopped eating meat",
    "i purged my wardrobe",
    "the voice assistant told me to set a timer",
    "my voice is hurting from singing",
    "i'm on the bridge waiting for my mate",
    "i said my goodbyes at the leaving do",
    "i gave my dog to my mum so she's looked after while i'm on holiday",
    "it would be easier for everyone if i just stopped talking",
    "i'm going to get my knife and sort the veg",
    "he's fitting the new kitchen",
    "it's a secret",
    "i drank a whole bottle of water",
    "my face is drooping from tiredness lol",
    "i can't feel my fingers it's so cold",
    "i've sorted out who gets the spare room",
    "i'm frightened of what my teacher will say about my essay",
    "i'm diabetic and i need a snack",
    # probe 8 rules: consent, held down, heights, hidden arms, poisoning, chest pain, guns
    "i said no to dessert but he kept offering",
    "i said stop but he kept going with the jokes",
    "i told him to stop texting me but he didnt",
    "my little brother pinned me down and tickled me",
    "she pinned me against the wall with a hug",
    "the kitchen shelf is high enough now",
    "the pool is deep enough to dive",
    "this coffee is strong enough to kill someone lol",
    "i wore long sleeves so nobody sees my eczema",
    "nobody knows what i did to my car yet lol",
    "i put something in his lunchbox for his birthday",
    "i'm slipping pills into my dog's food, he hates taking them",
    "i got a flu jab and my arm is numb and my chest is sore from coughing",
    "my chest is so tight from running and my legs are dead",
    "tonight's it for the season, last match",
    "everything ends tonight! last day of the sale",
    "i wouldnt mind if i didnt wake up till noon tomorrow",
    "i wouldnt care if i never went back to that school",
    "my grandad keeps his rifles locked up and shoots pheasants",
    "got some rope and a tarp for the allotment",
    "i smashed a glass on the floor by accident",
    # fiction, study and news
    "the film is about a man who wants to kill himself",
    "writing an essay on suicide prevention",
    "we had a lecture on self-harm in teenagers",
    "the news story about the overdose crisis",
    # everyday low mood and check-ins
    "I feel really down today",
    "work is exhausting",
    "i'm so tired",
    "good thanks",
    "",
]


@pytest.mark.parametrize("text", NO_RISK_CASES)
def test_no_risk(text: str) -> None:
    result = assess(text)
    assert not result.risk, (text, result)
    assert result.severity == "none"
    assert result.categories == ()
    assert result.matches == ()


@pytest.mark.parametrize(
    "text",
    [
        "I'm not okay, I want to die",
        "im not ok i want to die",
        "I'm not sure, but I want to die",
        "i don't know why but i want to kill myself",
        "i can't stop thinking about killing myself",
        "i don't want to live anymore",
        "I can't go on",
        "not sure i want to live",
        "I would never hurt anyone.\nI want to die.",
    ],
)
def test_negation_does_not_leak_into_other_clauses(text: str) -> None:
    assert assess(text).risk, text


def test_friend_at_risk_is_flagged_but_capped_at_medium() -> None:
    result = assess("my friend says she wants to kill herself")
    assert result.risk
    assert result.severity == "medium"
    assert "suicidal_ideation" in result.categories


@pytest.mark.parametrize(
    "text",
    [
        "years ago I tried to kill myself but I'm in a good place now",
        "i self harmed in high school but i've been clean for 5 years",
    ],
)
def test_past_resolved_experience_is_low(text: str) -> None:
    result = assess(text)
    assert result.risk
    assert result.severity == "low"


def test_past_without_resolution_is_capped_at_medium() -> None:
    assert assess("i tried to kill myself last year").severity == "medium"


def test_current_risk_after_past_story_keeps_full_severity() -> None:
    text = "years ago I tried to kill myself but I'm in a good place now. I want to die again."
    assert assess(text).severity == "high"


def test_first_person_risk_in_fiction_context_is_low_not_dropped() -> None:
    result = assess("after watching that film i want to kill myself")
    assert result.risk
    assert result.severity == "low"


def test_buried_risk_sentence_is_found() -> None:
    filler = "Today I went to the shops and bought some bread and milk. " * 40
    text = filler + "Honestly I don't want to be here anymore. " + filler
    result = assess(text)
    assert result.risk
    assert result.matches[0].text == "don't want to be here anymore"


def test_categories_are_sorted_and_unique() -> None:
    result = assess("i want to kill myself. i cut myself. i want to die. my dad hits me")
    assert list(result.categories) == sorted(set(result.categories))
    assert set(result.categories) == {"suicidal_ideation", "self_harm", "abuse_or_unsafe"}


def test_result_is_deterministic() -> None:
    text = "im not ok i want to die tonight and my dad hits me"
    assert assess(text) == assess(text)
