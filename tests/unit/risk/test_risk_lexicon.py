"""The YAML lexicon: loader validation, pattern language, and every rule's own examples."""

import shutil
from pathlib import Path

import pytest

from bot.risk import RiskDetector, assess, get_detector
from bot.risk.lexicon import DATA_DIR, LexiconError, load_lexicon
from bot.risk.patterns import PatternError, compile_pattern

LEXICON = load_lexicon()


@pytest.mark.parametrize(
    ("rule_id", "example"),
    [(rule.id, example) for rule in LEXICON.rules for example in rule.examples],
)
def test_every_rule_catches_its_own_examples(rule_id: str, example: str) -> None:
    result = assess(example)
    assert rule_id in {m.rule_id for m in result.matches}, (example, result)


@pytest.mark.parametrize(
    "example", [example for rule in LEXICON.exclusions for example in rule.examples]
)
def test_exclusion_examples_are_not_flagged(example: str) -> None:
    assert not assess(example).risk, example


def test_every_rule_has_a_comment_and_an_example() -> None:
    for rule in LEXICON.rules:
        assert rule.comment and rule.examples, rule.id


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


BAD_RULES = [
    (
        "- id: Bad Id\n  category: self_harm\n  severity: high\n  comment: x\n  patterns: [a]",
        "snake_case",
    ),
    ("- id: r1\n  category: sadness\n  severity: high\n  comment: x\n  patterns: [a]", "category"),
    (
        "- id: r1\n  category: self_harm\n  severity: severe\n  comment: x\n  patterns: [a]",
        "severity",
    ),
    ("- id: r1\n  category: self_harm\n  severity: high\n  patterns: [a]", "comment"),
    ("- id: r1\n  category: self_harm\n  severity: high\n  comment: x\n  patterns: []", "patterns"),
    (
        "- id: r1\n  category: self_harm\n  severity: high\n  comment: x\n  patterns: ['$NOPE']",
        "unknown macro",
    ),
    (
        "- id: r1\n  category: self_harm\n  severity: high\n  comment: x\n  patterns: ['/(/']",
        "bad regex",
    ),
    (
        "- id: r1\n  category: self_harm\n  severity: high\n  comment: x\n"
        "  patterns: [a]\n  colour: red",
        "unknown field",
    ),
    ("- just a string", "expected a mapping"),
]


@pytest.mark.parametrize(("rule_yaml", "message"), BAD_RULES)
def test_malformed_rule_file_names_the_file_and_rule(
    tmp_path: Path, rule_yaml: str, message: str
) -> None:
    data = _copy_data(tmp_path)
    (data / "rules_zz_extra.yml").write_text(
        "rules:\n" + "\n".join("  " + line for line in rule_yaml.splitlines()), encoding="utf-8"
    )
    with pytest.raises(LexiconError) as info:
        load_lexicon(data)
    assert "rules_zz_extra.yml" in str(info.value)
    assert message in str(info.value)


def test_invalid_yaml_is_reported_with_the_file(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    (data / "rules_zz_extra.yml").write_text("rules: [unclosed", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"rules_zz_extra\.yml: cannot read YAML"):
        load_lexicon(data)


def test_duplicate_rule_id_is_rejected(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    (data / "rules_zz_extra.yml").write_text(
        "rules:\n  - id: si_kill_myself\n    category: self_harm\n    severity: low\n"
        "    comment: dup\n    patterns: [foo]\n",
        encoding="utf-8",
    )
    with pytest.raises(LexiconError, match="'si_kill_myself' is used twice"):
        load_lexicon(data)


def test_a_clinician_can_add_a_rule(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    (data / "rules_zz_extra.yml").write_text(
        "rules:\n  - id: sh_ligature\n    category: self_harm\n    severity: high\n"
        "    comment: Tying something round the neck.\n"
        "    patterns: ['~tie ... round|around my neck']\n",
        encoding="utf-8",
    )
    detector = RiskDetector(load_lexicon(data))
    result = detector.assess("i tied a scarf round my neck")
    assert [m.rule_id for m in result.matches] == ["sh_ligature"]
    assert not get_detector().assess("i tied a scarf round my neck").risk


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "empty pattern"),
        ("a? b?", "every item is optional"),
        ("~two_words", "one plain word"),
        ("a||b", "empty or misplaced"),
        ("$lower", "bad macro name"),
    ],
)
def test_pattern_language_errors(pattern: str, message: str) -> None:
    with pytest.raises(PatternError, match=message):
        compile_pattern(pattern, {})


def test_pattern_language_compiles_lemmas_alternatives_and_wildcards() -> None:
    compiled = compile_pattern("$WANT to? ... ~die|dead", {"WANT": "~want|wanna"})
    assert len(compiled) == 4  # (lemma | literal) x (lemma | literal) variants
    assert all(len(p) == 6 for p in compiled)  # want, to?, 3 wildcards, die
