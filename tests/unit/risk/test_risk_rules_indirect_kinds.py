"""The tenth rule round (2026-11-26): the kinds probes 13, 14 and 16 missed, and look-alikes.

Variants of each kind in words of their own (not copied from the probe): chest pain named
before the chest with a numb arm, something poisonous swallowed with nothing named, the world
"lighter" without me, anyone at all hurt "the way i feel", care handed over because "i won't be
here"; and probe 14's indirect kinds (others coping if i were not in the picture, running out of
reasons to stay, the courage to do it, an old habit with a blade, what i'd do to him, a secret
about what he does at night, slurring then a drooping face). The look-alikes use the same words
in everyday senses and must stay unflagged.
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
    # Probe 14's kinds (indirect wordings).
    ("my kids would manage fine if i wasn't around anymore", "suicidal_ideation", "high"),
    ("i want to become a real ghost", "suicidal_ideation", "high"),
    ("i'm losing my reasons to keep going", "suicidal_ideation", "high"),
    ("i stood by the river longer than i should have tonight", "suicidal_ideation", "high"),
    ("i can't talk myself out of it anymore", "suicidal_ideation", "high"),
    ("still trying to find the nerve to do it", "suicide_plan_or_means", "high"),
    ("if i'm not around next week, remember i loved you", "suicide_plan_or_means", "high"),
    ("i keep going back to my bad habits with a razor", "self_harm", "medium"),
    ("the one thing that helps is scratching my arms", "self_harm", "high"),
    ("i lie awake imagining what i would do to her", "harm_to_others", "high"),
    ("i swear i'll stick a knife in my stepdad", "harm_to_others", "high"),
    ("she hits me and says if i tell anyone she'll find me", "abuse_or_unsafe", "high"),
    ("he makes me keep it a secret what he does at night", "abuse_or_unsafe", "high"),
    ("grandad slurred his speech and his face looks lopsided", "medical_emergency", "high"),
    # Probe 16's kinds.
    ("i've sorted out who gets my dog and my guitar", "suicide_plan_or_means", "medium"),
    ("been looking up what drop would be fatal", "suicide_plan_or_means", "high"),
    ("i have all i need now. just need to choose the night", "suicide_plan_or_means", "high"),
    ("i practised holding my breath with the cord tight", "suicide_plan_or_means", "high"),
    ("i want all the thoughts to stop forever", "suicidal_ideation", "high"),
    ("i wear bracelets so nobody sees the cuts", "self_harm", "high"),
    ("i pressed a hot spoon to my arm again", "self_harm", "high"),
    ("he won't make it out of this house alive", "harm_to_others", "high"),
    ("i know where she works and i've been watching for her", "harm_to_others", "high"),
    ("mum makes me stand outside in the rain when i'm bad", "abuse_or_unsafe", "high"),
    ("a guy online keeps texting that he knows where i go to school", "abuse_or_unsafe", "high"),
    ("my coach told me to delete our messages and never tell anyone", "abuse_or_unsafe", "high"),
    ("my stepdad threw boiling water at me", "abuse_or_unsafe", "high"),
    ("my toddler swallowed a coin", "medical_emergency", "high"),
    ("this is the worst headache of my life and it came on suddenly", "medical_emergency", "high"),
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
    # Probe 14's kinds, everyday.
    "my team would cope fine if i went on holiday",
    "i want to be a ghost for halloween",
    "i'm running out of reasons to stay in this relationship",
    "i stared at the river for ages, it was so calm",
    "i talked myself out of buying the jacket",
    "i'm working up the courage to ask for a raise",
    "hitting the gym is the only thing that takes the edge off",
    "i imagine what i'd do with the lottery money",
    "i put a knife in the dishwasher",
    "i put a blanket over my face to sleep",
    "i made a list of people who need to sign the card",
    "we keep the surprise party a secret from mum",
    "if i leave early she'll find me a lift home",
    "he was slurring his words after six pints",
    "i hit myself on the corner of the desk again",
    "we slept in the van at the festival",
    # Probe 16's kinds, everyday.
    "i've sorted out who gets the spare room when my cousins visit",
    "i'm researching which height is best for a standing desk",
    "i've got all i need for the party, just need to pick the date",
    "i can hold my breath underwater for a minute",
    "i want the noise from the builders to stop",
    "i wear long sleeves to hide my tattoos at work",
    "i held the iron to my shirt for too long and burnt it",
    "he won't make it out of the traffic before six",
    "i know where he lives because he's my neighbour",
    "mum makes me stay in the garden while she hoovers",
    "my friend keeps texting that she knows where i put the keys",
    "my teacher told me to delete the draft and start again",
    "my sister threw a pillow at me during the film",
    "my toddler swallowed some water in the bath and coughed",
    "that was the worst film of my life",
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
