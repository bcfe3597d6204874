"""The simulated people's scripts."""

import pytest

from bot.bench.scripts import RISK_EVERY, fit_turns, generate_scripts, load_library


def test_fifty_people_include_three_risk_disclosures() -> None:
    scripts = generate_scripts(50)
    risky = [s for s in scripts if s.has_risk]
    assert len(risky) == 3
    risk_messages = set(load_library()["risk_messages"])
    for script in risky:
        assert script.turns[script.risk_turn] in risk_messages
        assert script.name.endswith("+risk")


def test_about_one_person_in_twenty_discloses_risk() -> None:
    scripts = generate_scripts(RISK_EVERY * 10)
    assert sum(s.has_risk for s in scripts) == 10


def test_other_scripts_contain_no_risk_message() -> None:
    risk_messages = set(load_library()["risk_messages"])
    for script in generate_scripts(50):
        if not script.has_risk:
            assert risk_messages.isdisjoint(script.turns)


def test_scripts_are_reproducible_per_seed_and_vary_between_seeds() -> None:
    assert generate_scripts(30, seed=1) == generate_scripts(30, seed=1)
    assert generate_scripts(30, seed=1) != generate_scripts(30, seed=2)


def test_every_library_script_is_used_and_realistic() -> None:
    library = load_library()["scripts"]
    names = {s.name.removesuffix("+risk") for s in generate_scripts(200)}
    assert names == set(library)
    assert all(len(turns) >= 5 for turns in library.values())


def test_turns_per_person_cuts_or_repeats_the_script() -> None:
    assert fit_turns(["a", "b", "c"], 2) == ["a", "b"]
    assert fit_turns(["a", "b"], 5) == ["a", "b", "a", "b", "a"]
    assert fit_turns(["a", "b"], None) == ["a", "b"]
    with pytest.raises(ValueError):
        fit_turns(["a"], 0)


def test_a_fixed_turn_count_applies_to_every_script() -> None:
    scripts = generate_scripts(40, turns_per_person=4)
    assert {len(s.turns) for s in scripts} == {4}
    assert all(s.risk_turn == 2 for s in scripts if s.has_risk)


def test_a_one_turn_script_can_still_carry_the_risk_message() -> None:
    risky = [s for s in generate_scripts(20, turns_per_person=1) if s.has_risk]
    assert [s.risk_turn for s in risky] == [0]
