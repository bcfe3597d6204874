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


# Sixth round (probe 9, docs/risk.md): variants of the kinds of disclosure probe 9 found missing,
# none of them a probe message, with the category that must be reported and its minimum severity
# (the category's own match must reach it).
ROUND6_RISK_CASES = [
    ("i just want to be with my mum again", "suicidal_ideation", "medium"),
    ("i just wanna be with my baby again 💔", "suicidal_ideation", "medium"),
    (
        "i miss my nan so much, i want to go and be with her in heaven",
        "suicidal_ideation",
        "medium",
    ),
    ("i'm ready to go and be with my wife", "suicidal_ideation", "medium"),
    ("honestly it'd be a relief to never wake up again", "suicidal_ideation", "high"),
    ("it would be so peaceful to just never wake up", "suicidal_ideation", "high"),
    ("i can't imagine a future where i'm alive", "suicidal_ideation", "high"),
    ("i cant see a future with me still in it", "suicidal_ideation", "high"),
    ("i'm a waste of everyone's time and space", "suicidal_ideation", "medium"),
    ("how many sleeping pills until it's fatal", "suicide_plan_or_means", "high"),
    (
        "how much paracetamol does it take before your liver gives up",
        "suicide_plan_or_means",
        "medium",
    ),
    ("i've worked out which bridge.", "suicide_plan_or_means", "high"),
    ("i know which pills.", "suicide_plan_or_means", "high"),
    (
        "been back to the cliff every night this week just to look down the drop",
        "suicide_plan_or_means",
        "medium",
    ),
    ("i've set it for friday night", "suicide_plan_or_means", "medium"),
    ("im planning it for my birthday", "suicide_plan_or_means", "medium"),
    ("i'm waiting till everyone's asleep and then i'm doing it", "suicide_plan_or_means", "high"),
    ("i wont be needing any of this where im going", "suicide_plan_or_means", "medium"),
    (
        "gave my xbox to my little brother and my trainers to my cousin",
        "suicide_plan_or_means",
        "medium",
    ),
    ("i put all my things in boxes and gave them away", "suicide_plan_or_means", "medium"),
    ("i get urges to push people off the platform onto the tracks", "harm_to_others", "high"),
    ("i'm going to trip him onto the tracks", "harm_to_others", "high"),
    ("i've got a knife in my bag and they'll all pay for it", "harm_to_others", "imminent"),
    ("my uncle comes into my bed at night and touches me", "abuse_or_unsafe", "high"),
    ("he sneaks into my room and touches me", "abuse_or_unsafe", "high"),
    ("my stepsister hits me", "abuse_or_unsafe", "high"),
    ("i'm not allowed my own bank card, he checks everything i buy", "abuse_or_unsafe", "medium"),
    ("my girlfriend checks everything i text", "abuse_or_unsafe", "medium"),
    ("my daughter got into my bag and ate some of my pills", "medical_emergency", "imminent"),
    ("the baby swallowed a button battery", "medical_emergency", "imminent"),
    ("my toddler chewed a washing tablet", "medical_emergency", "imminent"),
    (
        "i took some of my tablets and i'm not sure how many i've had",
        "medical_emergency",
        "imminent",
    ),
    ("she's fitting again and she wont wake", "medical_emergency", "high"),
    ("my brother is having a fit and foaming at the mouth", "medical_emergency", "high"),
    ("i took 16000mg of paracetamol", "medical_emergency", "imminent"),
    ("is 40 paracetamol enough", "suicide_plan_or_means", "high"),
    (
        "whats the most amitriptyline someone can take before it stops their heart",
        "suicide_plan_or_means",
        "medium",
    ),
    (
        "i have been keeping back a few of my tablets every week",
        "suicide_plan_or_means",
        "imminent",
    ),
    (
        "got a whole drawer of pills now, been collecting them since september",
        "suicide_plan_or_means",
        "medium",
    ),
    ("i've got it all planned out for next friday", "suicide_plan_or_means", "medium"),
    ("i hugged my mum like it was the last time", "suicide_plan_or_means", "medium"),
    (
        "my friend posted goodbye on her story and isn't answering",
        "suicide_plan_or_means",
        "medium",
    ),
    ("i'm not going to be a problem for anyone much longer", "suicidal_ideation", "medium"),
    ("everyone would have an easier life without me around", "suicidal_ideation", "high"),
    ("my mum's boyfriend watches me change", "abuse_or_unsafe", "high"),
    ("i'm gonna make him pay, i know where he lives", "harm_to_others", "medium"),
    ("he's gone really grey and clammy and isn't making sense", "medical_emergency", "high"),
    ("the baby went pale and floppy", "medical_emergency", "high"),
    ("my nan is breathing really strangely and we cant wake her", "medical_emergency", "imminent"),
]


# Everyday look-alikes of the sixth round's rules: they must stay unflagged.
ROUND6_NO_RISK_CASES = [
    "i can't wait to be with my mum again at christmas",
    "i just want to be with my boyfriend again, long distance sucks",
    "i want to see my nan again, she lives in spain",
    "i'll be joining my dad soon at the pub",
    "it would be nice to not wake up at 5am for once",
    "would be good to not wake up tomorrow with a hangover",
    "i can't picture a future where i'm still working here in 10 years",
    "this meeting is a waste of everyone's time",
    "whats the max dose of ibuprofen for a headache? already had two",
    "how many tablets before they start working",
    "how much coffee before it kills you lol",
    "i know which bridge you mean",
    "we went up the tower and looked over the edge, amazing view",
    "ive planned the party for saturday when everyone's out",
    "we've planned it for saturday",
    "waiting till my mum is out to do it, it's her birthday present",
    "i wont need my coat where im going, spain is boiling",
    "won't need it where i'm going on holiday lol",
    "gave my old cot to my sister and my pram to a friend",
    "i put all my things in boxes and gave them to the movers",
    "i pushed the kids onto the bus this morning",
    "he threw me under the bus at work",
    "i brought my bat and they'll regret picking me for the team lol",
    "if he eats my chips again he'll be sorry lol",
    "my stepbrother comes into my room at night to borrow my charger",
    "my gran grabbed me for a massive hug",
    "my nan touched me on the arm and said she was proud",
    "my boss checks everything i do, such a micromanager",
    "im not allowed to see my friends this weekend cos i got detention",
    "my son ate all his dinner and took his tablets",
    "my son chewed his tablet instead of swallowing it",
    "she's fitting in really well at her new school",
    "he's fitting the new kitchen on monday",
    "my mum had a fit when she saw my room",
    "i took 50mg sertraline this morning like normal",
    "picking up my dads prescription, he's on 40mg citalopram",
    "shot myself in the foot there lol",
    "this is goodbye to my twenties!",
    "i'm such a burden on the group chat with my memes",
    "we wrote our wills because we're having a baby",
    "i'm holding back on my meds till i see the gp",
    "is 2 paracetamol enough for a migraine",
    "are 30 tablets enough for the whole holiday",
    "how many tablets before it stops working",
    "my dad collects stamps, he's been collecting them since the 80s",
    "we danced like it was the last time",
    "i've got it all planned out for the party on saturday",
    "i've got everything sorted for friday!",
    "i won't be a problem for you much longer, i'm moving out next week",
    "everyone would have a better time without me at the party since i'm ill",
    "posted goodbye to 2023 on my story and went to bed",
    "my boyfriend watches me change my mind every five minutes",
    "i know where he lives, i'll drop the parcel round",
    "i can't wake him up for school, he's such a teenager",
    "my dad's hair has gone grey and thin",
    "my daughter's hair went limp in the rain",
    "how many ibuprofen can i take before it's too much for my stomach",
    "my gran hit me with the best advice today",
    "i wont need a jacket where im going tomorrow",
    "i gave my old phone to my brother and my ipad to my sister when i upgraded",
    "the baby is so floppy and sleepy after her bath, so cute",
    "it would be so peaceful to not wake up to the baby crying at 4am",
]


# Seventh round (probe 10): kinds of disclosure generalised from probe 10's misses and from plain
# variants of known kinds, each with several wordings.
ROUND7_RISK_CASES = [
    # A threat first, then a weapon (or a weapon, then a threat with a time).
    (
        "going to make them all pay tomorrow at school, ive got a knife",
        "harm_to_others",
        "imminent",
    ),
    ("im going to make him pay, ive got a knife", "harm_to_others", "imminent"),
    ("they'll all pay tomorrow, ive got my dads gun", "harm_to_others", "imminent"),
    ("they'll be sorry, i've got a knife", "harm_to_others", "imminent"),
    ("ive got a knife and theyll all pay tomorrow", "harm_to_others", "imminent"),
    # Knocking or decking a person, said as a plan.
    ("gonna knock him out tomorrow for real", "harm_to_others", "high"),
    ("im going to deck him when i see him", "harm_to_others", "high"),
    ("i'll knock her out cold", "harm_to_others", "high"),
    ("imma spark him out", "harm_to_others", "high"),
    ("i swear im gonna lamp him", "harm_to_others", "high"),
    # "it" done again, then blood.
    ("i did it again, theres blood everywhere on my legs", "self_harm", "high"),
    ("i did it again and theres blood all over my arm", "self_harm", "high"),
    ("ive done it again, so much blood", "self_harm", "high"),
    ("i did it again, my thighs are bleeding", "self_harm", "high"),
    # Not waking up "tmrw", "tomoz".
    ("i dont wanna wake up tmrw", "suicidal_ideation", "high"),
    ("honestly dont want to wake up tomoz", "suicidal_ideation", "high"),
    # A height not named.
    ("wanna jump off something high", "suicide_plan_or_means", "high"),
    ("i want to jump from somewhere really high", "suicide_plan_or_means", "high"),
    # More than one should have taken.
    ("ive taken way more than i should have", "medical_emergency", "medium"),
    ("took loads more of my meds than it says on the box", "medical_emergency", "medium"),
    ("i took way more tablets than im supposed to", "medical_emergency", "medium"),
    ("i took way more than i should have and now i feel sick", "medical_emergency", "medium"),
    ("ive taken way more than i should of", "medical_emergency", "medium"),
    # The look-alike exclusions must not hide these.
    ("i dont want to be here anymore, this life is too much", "suicidal_ideation", "high"),
    ("ive got the pills ready for tonight", "suicide_plan_or_means", "high"),
    ("my cat died and i scratched my arms till they bled", "self_harm", "high"),
    ("my brother punches me every day", "abuse_or_unsafe", "high"),
]


# Eighth round (probe 11): variants of the kinds of disclosure probe 11 found missing (none of them
# a probe message), and risk that the new look-alike exclusions must not hide.
ROUND8_RISK_CASES = [
    # "better off" left bare; how easy it would be; sleeping for good; not reaching an age.
    ("my kids would be better off, honestly", "suicidal_ideation", "medium"),
    ("it would be so easy to just drive into a tree on the way home", "suicidal_ideation", "high"),
    ("keep thinking how easy it would be to step off the platform", "suicidal_ideation", "high"),
    ("i wanna take a permanent nap", "suicidal_ideation", "high"),
    ("i want to go to sleep and stay asleep for good", "suicidal_ideation", "high"),
    ("i won't live to see 20", "suicidal_ideation", "medium"),
    ("dont think i'll make it to my next birthday tbh", "suicidal_ideation", "medium"),
    ("whats the point of waking up anymore", "suicidal_ideation", "medium"),
    ("no point in tomorrow tbh", "suicide_plan_or_means", "imminent"),
    # Heights looked up, a life closed down, a day chosen, instructions left, means put away.
    ("googled the highest bridges round here", "suicide_plan_or_means", "high"),
    ("deactivated my instagram and gave my cat to my mum", "suicide_plan_or_means", "medium"),
    ("i've picked sunday.", "suicide_plan_or_means", "medium"),
    ("wrote instructions for looking after the dog", "suicide_plan_or_means", "medium"),
    ("all i need is in my bedside drawer now", "suicide_plan_or_means", "medium"),
    ("the top floor of the multi storey isn't fenced", "suicide_plan_or_means", "medium"),
    ("wanna swerve into a lorry on the way home", "suicide_plan_or_means", "high"),
    # Self-harm told obliquely.
    ("unscrewed another sharpener last night", "self_harm", "high"),
    ("started wearing hoodies in this heat again", "self_harm", "medium"),
    ("long sleeves all summer iykyk", "self_harm", "medium"),
    ("my wrists are shredded again", "self_harm", "medium"),
    ("bad habits crept back, my arms are a mess", "self_harm", "medium"),
    ("got plasters over both wrists again", "self_harm", "medium"),
    # Harm to others: a child shaken or smothered, "i mean it", veiled threats.
    ("when he won't stop screaming i want to shake him until he stops", "harm_to_others", "high"),
    ("i'm scared i'll smother the baby", "harm_to_others", "high"),
    ("i'll stab him and i mean it", "harm_to_others", "high"),
    ("i'm going to hurt her, not joking", "harm_to_others", "high"),
    ("she better watch her back", "harm_to_others", "medium"),
    ("he'll get what's coming to him", "harm_to_others", "medium"),
    # Abuse of older adults and children, secrecy, the neck.
    ("my grandson takes my pension every week", "abuse_or_unsafe", "medium"),
    ("my daughter locks me in the house when she goes to work", "abuse_or_unsafe", "high"),
    ("my husband came home drunk and hit me", "abuse_or_unsafe", "high"),
    ("he puts his hands around my throat when he's angry", "abuse_or_unsafe", "high"),
    ("his hands were round my throat and i couldn't breathe", "abuse_or_unsafe", "high"),
    ("he grabbed me by the neck", "abuse_or_unsafe", "high"),
    ("my coach keeps snapping me late at night", "abuse_or_unsafe", "medium"),
    ("he said nobody would believe me", "abuse_or_unsafe", "high"),
    ("dad doesn't feed us properly and we're always hungry", "abuse_or_unsafe", "high"),
    ("mum left me and my sister alone for days again", "abuse_or_unsafe", "high"),
    ("told me not to tell anyone or he'd hurt my mum", "abuse_or_unsafe", "high"),
    # Medical: anaphylaxis by its signs, a head injury with confusion.
    ("my son's lips are swelling and he's wheezing after a peanut", "medical_emergency", "high"),
    ("she's wheezing and her face is swelling up", "medical_emergency", "high"),
    ("grandad hit his head and he's talking gibberish", "medical_emergency", "high"),
    # Second pass (scratch set 11b's kinds, in other words again).
    ("my dad would have an easier life", "suicidal_ideation", "medium"),
    ("i want to shut my eyes and never open them again", "suicidal_ideation", "high"),
    ("what would happen if i just stepped in front of the train", "suicidal_ideation", "high"),
    ("i won't be here for my 16th and i don't care", "suicidal_ideation", "medium"),
    ("checked which car parks don't have cameras", "suicide_plan_or_means", "high"),
    ("left a letter for whoever finds me", "suicide_plan_or_means", "medium"),
    ("i'm terrified i'll do something to the baby", "harm_to_others", "high"),
    ("we havent eaten anything in two days", "abuse_or_unsafe", "high"),
    ("she gave my mum a black eye", "abuse_or_unsafe", "high"),
    (
        "my grandson has been taking my pension and now i have no money for food",
        "abuse_or_unsafe",
        "medium",
    ),
    ("the coach told me what we did was our secret", "abuse_or_unsafe", "high"),
    ("his throat is swollen and he can hardly breathe", "medical_emergency", "high"),
    ("she banged her head and keeps repeating herself", "medical_emergency", "high"),
    # The look-alike exclusions must not hide these.
    ("i said my goodbyes to everyone today", "suicide_plan_or_means", "imminent"),
    ("overdosed on my tablets an hour ago", "medical_emergency", "imminent"),
    ("i can't breathe in this heat and my lips are going blue", "medical_emergency", "high"),
    (
        "i can't breathe in the office, my chest is crushing and my left arm is numb",
        "medical_emergency",
        "high",
    ),
    ("wrote my will and said goodbye to my kids", "suicide_plan_or_means", "imminent"),
    ("i could kill him and i mean it, he hurt my sister", "harm_to_others", "high"),
]


@pytest.mark.parametrize(
    ("text", "category", "minimum"), ROUND6_RISK_CASES + ROUND7_RISK_CASES + ROUND8_RISK_CASES
)
def test_round6_to_8_kinds_are_detected(text: str, category: str, minimum: str) -> None:
    result = assess(text)
    assert category in result.categories, (text, result)
    own = [m for m in result.matches if m.category == category]
    assert max(RANK[m.severity] for m in own) >= RANK[minimum], (text, result)


# Everyday look-alikes of the seventh round's rules and exclusions: they must stay unflagged.
ROUND7_NO_RISK_CASES = [
    "we're gonna knock them out of the cup",
    "this cold medicine will knock me out",
    "gonna knock it out of the park tomorrow",
    "i knocked him out in the boxing final",
    "ive taken on more than i should have at work",
    "i took more photos than i should have",
    "ate way more than i should have at christmas",
    "i took more than i should from the buffet",
    "i had way more than i should have last night, hungover",
    "oops i did it again, forgot my keys",
    "i'm gonna make him pay for dinner, ive got my card",
    "they'll pay tomorrow, ive got the invoice",
    "i brought my bat and they'll pay tomorrow in the final lol",
    "i dont want to wake up tmrw for work",
    "the kids jumped off something high at the playground",
    "i dont want to be here anymore, this party is so boring",
    "dont wanna be here anymore cos this lecture is dragging",
    "my cat scratched my arm till it bled",
    "i tied a noose knot for my scout badge",
    "made a noose for our halloween decorations",
    "got the pills ready for my nan's dosette box",
    "sorted the tablets out for my gran for the week",
    "my brother punched me on the arm for calling shotgun",
    "my sister kicked me for winning at uno",
    "i'll floor him at the pub quiz tonight",
    "i'll lamp him if he spoils the ending again lol",
    "ive done it again, bloody parking ticket",
    "i did it again, theres bloody glitter everywhere",
    "i took way more than i should have on this holiday, my suitcase is full",
]


# Everyday look-alikes of the eighth round's rules and exclusions: they must stay unflagged.
ROUND8_NO_RISK_CASES = [
    "honestly they'd be better off taking the train",
    "the kids would be better off at their dad's this weekend",
    "it'd be so easy to just walk into town from here",
    "so tempting to just jump into the lake on a day like this",
    "i could stay asleep forever on sundays",
    "i wanna take a long nap after this exam",
    "i dont think ill make it to 18 holes today",
    "i don't think i'll make it to 30 minutes of running",
    "at this rate i won't make it to 40 lol",
    "no point in tomorrow's meeting",
    "i've chosen friday for the party",
    "we've finally picked saturday.",
    "left instructions for feeding the cat while we're in spain",
    "left notes for the babysitter about feeding the baby",
    "looked up the tallest buildings in the world for my project",
    "deleted all my socials and started journaling",
    "everything i need is in my bag",
    "everything i need is in the drawer by the sink",
    "back to wearing jumpers in june, this weather is a joke",
    "wearing long sleeves again in july cos of sunburn",
    "my arms are a mess after painting the fence",
    "i want to shake him until he listens to me",
    "you better watch your back, the boss is on the warpath",
    "his days are numbered as captain",
    "i could kill my brother and i mean it, he ate all my chocolate",
    "my son hit me with his toy truck",
    "my son kicks me in his sleep",
    "my daughter takes my bank card to do my shopping",
    "my teacher messages me on teams about homework",
    "my friend asked me not to tell anyone",
    "my uncle keeps messaging me on insta about the family party",
    "dad doesn't feed us until 8pm",
    "my toddler had his arms round my neck giving me a cuddle",
    "my face is swollen and i'm struggling to sleep",
    "my eyes are swollen from hay fever and i'm wheezing",
    "my son fell and hit his head but he's fine, just a bump",
    "my gran fell and hit her head on the table but she's fine",
    "overdosed on netflix this weekend",
    "if i have to watch one more episode of this i'll scream",
    "i want everything to stop being so expensive",
    "i said my goodbyes at work on my last day before my new job",
    # Second pass.
    "my mum would have an easier time with a dishwasher",
    "they'd manage fine, probably better than us at quiz night",
    "what would happen if i just jumped into the pool with my clothes on",
    "i won't be around for my birthday, i'll be in spain",
    "i won't be here for the 5th, sorry",
    "tomorrow doesn't matter, we can do it next week",
    "i've got everything i need in my room, thanks mum",
    "the new bridge has no railings yet, it's still being built",
    "cancelled my subscriptions and deleted my instagram, saving money",
    "left a note for whoever finds my wallet",
    "the cuts on my hand are from the cat but they don't hurt",
    "i'm worried i'll do something to her car",
    "i'm gonna end him in fortnite lol",
    "he won't be getting home safe in this snow",
    "she goes for me every time at netball",
    "my son uses my card and i don't have to go to the shops",
    "honestly what we have is special",
    "my boss says what we do is special, we save lives",
    "i want to close my eyes for five minutes",
    "i'll let go of the wheel so you can steer, dad",
    "my dad goes for a run every morning",
]


@pytest.mark.parametrize("text", ROUND6_NO_RISK_CASES + ROUND7_NO_RISK_CASES + ROUND8_NO_RISK_CASES)
def test_round6_to_8_look_alikes_stay_unflagged(text: str) -> None:
    result = assess(text)
    assert not result.risk, (text, result.matches)
