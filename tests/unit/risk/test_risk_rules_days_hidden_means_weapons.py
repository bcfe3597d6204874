"""The ninth rule round (2026-11-26): kinds probes 3 and 12 missed, and their look-alikes.

Variants of each kind in words of their own (not copied from the probes): a day named as the
day of ending it, one's last night, a plan with a condition, a means taken to a hidden place,
hurting oneself to cope, passive wishes not to exist, a weapon kept for a person, violence
thought through, an age gap with contact, swelling with breathing trouble. The look-alikes use
the same words in everyday senses and must stay unflagged.
"""

import pytest

from bot.risk import assess

FOUND = [
    # (text, category, minimum severity)
    ("monday is the day i end it all", "suicide_plan_or_means", "high"),
    ("saturday's the night i finish it", "suicide_plan_or_means", "high"),
    ("this is my last sunset", "suicide_plan_or_means", "high"),
    ("so yeah this will be my final christmas", "suicide_plan_or_means", "high"),
    ("as soon as the house is empty i'm gonna do it", "suicide_plan_or_means", "medium"),
    ("im going through with it tonight", "suicide_plan_or_means", "high"),
    ("planning to swallow all the tablets while he's on nights", "suicide_plan_or_means",
     "imminent"),
    ("i'm going to neck the whole packet", "suicide_plan_or_means", "imminent"),
    ("i've stashed a rope in the attic", "suicide_plan_or_means", "high"),
    ("walking to the forest with a noose", "suicide_plan_or_means", "high"),
    ("driving out to the cliffs and not coming back", "suicide_plan_or_means", "high"),
    ("i've picked the tree.", "suicide_plan_or_means", "high"),
    ("i know a spot where nobody would find me", "suicide_plan_or_means", "high"),
    ("gonna tie a plastic bag round my head", "suicide_plan_or_means", "high"),
    ("i burnt my arm on the iron deliberately", "self_harm", "high"),
    ("cutting myself is the only thing that gets me through", "self_harm", "high"),
    ("i punch my legs to feel something", "self_harm", "high"),
    ("i keep razors hidden in my room for when it gets too much", "self_harm", "high"),
    ("i'd rather not exist tbh", "suicidal_ideation", "high"),
    ("i keep picturing my funeral and it feels like relief", "suicidal_ideation", "high"),
    ("i wish everything would just go dark forever", "suicidal_ideation", "high"),
    ("i want to power down permanently", "suicidal_ideation", "high"),
    ("being alive feels like too much", "suicidal_ideation", "high"),
    ("gutted i woke up again", "suicidal_ideation", "high"),
    ("i hope i never wake up ever", "suicidal_ideation", "high"),
    ("i keep a knife under my pillow for when he comes home", "harm_to_others", "high"),
    ("got my dad's gun and im going to go find them", "harm_to_others", "high"),
    ("i've thought about how i'd kill him", "harm_to_others", "high"),
    ("i could kill my ex and i've worked out when", "harm_to_others", "high"),
    ("im 15 and a 40 year old man is messaging me", "abuse_or_unsafe", "high"),
    ("a grown man keeps asking me to meet up", "abuse_or_unsafe", "high"),
    ("some older guy on fortnite keeps buying me vbucks", "abuse_or_unsafe", "high"),
    ("i don't feel safe around my mum's boyfriend", "abuse_or_unsafe", "medium"),
    ("my tongue is swelling and i'm struggling to breathe", "medical_emergency", "imminent"),
    ("her lips have turned blue and she's gasping", "medical_emergency", "imminent"),
    ("his throat is closing up", "medical_emergency", "imminent"),
]  # fmt: skip

LOOKALIKES = [
    "tomorrow's the day i end my contract",
    "friday is the day i finally end my lease",
    "last night i went to the cinema with my mates",
    "this will be my last weekend before uni starts",
    "this is my last day at work, new job monday",
    "i bought a new rope for climbing",
    "we're going to the woods to put up a rope swing",
    "i've got a skipping rope in the garage",
    "i keep a rope in the garage for towing",
    "i practised tying knots for my sailing course",
    "we're tying the knot in june",
    "i'd love to switch off my phone for a week",
    "i was disappointed i woke up late and missed the bus",
    "my laptop screen went black and stayed that way",
    "once i've had a coffee i'm going to do it, the essay i mean",
    "once the kids are in bed i'm going to do the ironing",
    "i'm planning to take my tablets when i get home like the doctor said",
    "i've got paracetamol in the cupboard for when i need them",
    "i'm going to take the whole bottle of wine to the party",
    "if i left the party nobody would notice",
    "i'm going to the beach and not coming back till late",
    "i found a quiet spot where no one would bother me to revise",
    "i keep my diary where nobody can see",
    "i've chosen the bridge for our wedding photos",
    "i've made my peace with losing the job",
    "i'm cutting onions and my eyes are streaming",
    "my mum cut my hair and it's way too short",
    "cutting carbs is the only way i can lose weight",
    "i cut my hair to feel something new",
    "i burned my hand on the hob",
    "i burnt my hand on the oven tray by accident",
    "i need a sharper knife for chopping veg",
    "i keep a knife in my bag for when i go camping",
    "i keep a razor in my bag for shaving",
    "i could murder a curry right now",
    "i'm going to kill it at my presentation and i've planned how",
    "i worked out how i'd kill the final boss",
    "i'm 14 and my older cousin is 25, we went bowling",
    "i'm 15 and my brother is 22",
    "i'm 12 and my grandad sent me money for my birthday",
    "my face is puffy from crying at the film",
    "my eyes are swollen from hay fever and i'm wheezing",
    "i can't catch my breath after that run",
    "i don't feel safe around dogs",
    "the surprise party is our secret, don't tell mum!",
    "my throat is sore and scratchy from the cold",
    "i punched the air when i got the results",
]

RANK = {"none": 0, "low": 1, "medium": 2, "high": 3, "imminent": 4}


@pytest.mark.parametrize(("text", "category", "severity"), FOUND)
def test_ninth_round_kinds_are_caught(text: str, category: str, severity: str) -> None:
    result = assess(text)
    assert result.risk, text
    assert category in result.categories, (text, result.to_dict())
    assert RANK[result.severity] >= RANK[severity], (text, result.to_dict())


@pytest.mark.parametrize("text", LOOKALIKES)
def test_ninth_round_lookalikes_stay_unflagged(text: str) -> None:
    result = assess(text)
    assert not result.risk, (text, result.to_dict())
