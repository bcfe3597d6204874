"""The ask tier's question, answered: reading "yes", "not sure" or "no", and what follows.

Ally's question (``utter_risk_check``) has three buttons; their payloads are read exactly.
Free text is read by the phrases in ``bot/risk/data/tiers.yml`` (``ask_answers``) and is also
decided like any message in a raised context; the more cautious reading counts.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from bot.risk.assessment import NO_RISK
from bot.risk.tiers import Context, RiskDecision, Signals, decide, whole_message_match

ANSWERS = ("yes", "unsure", "no")
PAYLOADS = {"/risk_check_yes": "yes", "/risk_check_unsure": "unsure", "/risk_check_no": "no"}
_FILE = Path(__file__).parent / "data" / "tiers.yml"
_WORDS = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True)
class AnswerPhrases:
    """``ask_answers`` of tiers.yml, as word tuples."""

    unsure: tuple[tuple[str, ...], ...]
    yes: tuple[tuple[str, ...], ...]
    no: tuple[tuple[str, ...], ...]
    max_words: int


@functools.lru_cache(maxsize=1)
def phrases() -> AnswerPhrases:
    """Read the answer phrases (once per process)."""
    raw = yaml.safe_load(_FILE.read_text(encoding="utf-8"))
    answers = raw["ask_answers"]

    def words(key: str) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(_words(str(p))) for p in answers[key])

    return AnswerPhrases(words("unsure"), words("yes"), words("no"), int(raw["ask_answer_words"]))


def _words(text: str) -> list[str]:
    return _WORDS.findall(text.lower().replace("\u2019", "'").replace("\u2018", "'"))


def _starts(words: list[str], phrase: tuple[str, ...]) -> bool:
    return tuple(words[: len(phrase)]) == phrase


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1))


def read_answer(text: str) -> str | None:
    """``yes``, ``unsure`` or ``no`` for an answer to the question; None if it is none of them."""
    payload = PAYLOADS.get(text.strip().lower())
    if payload is not None:
        return payload
    words = _words(text)
    if not words:
        return None
    known = phrases()
    head = words[: known.max_words]
    if any(_contains(head, p) for p in known.unsure):
        return "unsure"
    if any(_starts(words, p) for p in known.yes):
        return "yes"
    if any(_starts(words, p) for p in known.no):
        return "no"
    return None


def decide_answer(
    text: str, context: Context, category: str | None, **kwargs: object
) -> tuple[RiskDecision, str | None]:
    """Decide a message that answers Ally's question; return the decision and the answer read.

    "yes" and "not sure" escalate (severity high). "no" carries on, unless the message itself
    escalates. Anything else is decided in the context, raised by the question.
    """
    answer = read_answer(text)
    asked = context.after(Signals(flagged=True))
    decision = decide(text, asked, **kwargs)  # type: ignore[arg-type]
    if answer in ("yes", "unsure") and not decision.escalate:
        rule = f"ask_answered_{answer}"
        decision = replace(
            decision,
            action="escalate",
            assessment=whole_message_match(text, rule, category or "suicidal_ideation", "high"),
            reasons=(f"ask_answered:{answer}", *decision.reasons),
            category=category or "suicidal_ideation",
            signals=replace(decision.signals, flagged=True),
        )
    elif answer == "no" and not decision.escalate:
        decision = replace(
            decision, action="none", assessment=NO_RISK, reasons=("ask_answered:no",)
        )
    return decision, answer
