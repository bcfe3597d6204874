"""Crisis resources per locale and the one fixed crisis message built from them."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

RESOURCES_FILE = Path(__file__).parent / "data" / "crisis_resources.yml"


@dataclass(frozen=True)
class CrisisResource:
    """One helpline: ``name``, ``contact`` (number as written) and ``how`` to reach it."""

    name: str
    contact: str
    how: str = ""

    def line(self) -> str:
        """Render as e.g. ``Shout: text SHOUT to 85258``."""
        if not self.how:
            return f"{self.name}: {self.contact}"
        if self.how.endswith(" to"):
            return f"{self.name}: {self.how} {self.contact}"
        return f"{self.name}: {self.contact} ({self.how})"


@dataclass(frozen=True)
class CrisisResources:
    """The helplines and emergency number of one locale."""

    locale: str
    emergency: str
    resources: tuple[CrisisResource, ...]


def _parse(locale: str, raw: Any) -> CrisisResources:
    if not isinstance(raw, dict) or not isinstance(raw.get("resources"), list):
        raise ValueError(
            f"{RESOURCES_FILE.name}: locale {locale!r} needs 'emergency' and 'resources'"
        )
    items = []
    for entry in raw["resources"]:
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("contact"):
            raise ValueError(f"{RESOURCES_FILE.name}: locale {locale!r}: bad resource {entry!r}")
        how = str(entry.get("how", ""))
        items.append(CrisisResource(str(entry["name"]), str(entry["contact"]), how))
    return CrisisResources(locale, str(raw["emergency"]), tuple(items))


@functools.lru_cache(maxsize=1)
def _table() -> dict[str, CrisisResources]:
    data = yaml.safe_load(RESOURCES_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{RESOURCES_FILE}: expected a mapping of locales")
    return {str(loc).upper(): _parse(str(loc), raw) for loc, raw in data.items()}


def known_locales() -> tuple[str, ...]:
    """Locales with a crisis table, sorted."""
    return tuple(sorted(_table()))


def crisis_resources(locale: str) -> CrisisResources:
    """Return the crisis resources of ``locale`` ("GB", "en-GB" and "en_gb" all work).

    Raises:
        ValueError: If the locale is unknown; the message lists the known ones.
    """
    key = locale.replace("_", "-").split("-")[-1].upper() if isinstance(locale, str) else ""
    table = _table()
    if key not in table:
        raise ValueError(
            f"no crisis resources for locale {locale!r}; known locales: {', '.join(sorted(table))}"
        )
    return table[key]


def crisis_text(locale: str) -> str:
    """The fixed crisis message for ``locale``: calm, short and always the same.

    It acknowledges the person, lists every resource of the locale, says a
    human supporter has been alerted and asks whether they are safe right now.

    Raises:
        ValueError: If the locale is unknown.
    """
    res = crisis_resources(locale)
    lines = [
        "Thank you for telling me. I'm really glad you reached out, and you don't have to "
        "face this alone.",
        "A human supporter from our team has been alerted and will be with you as soon as "
        "they can.",
        "You can also talk to someone right now:",
        *(f"- {r.line()}" for r in res.resources),
        f"- If you are in immediate danger, call {res.emergency}.",
        "Are you safe right now?",
    ]
    return "\n".join(lines)


def crisis_followup_text(locale: str) -> str:
    """The fixed reply while an escalation is open: stay with the person, keep help visible.

    Raises:
        ValueError: If the locale is unknown.
    """
    res = crisis_resources(locale)
    lines = [
        "Thank you for telling me. I'm staying here with you, and a human supporter has been "
        "alerted and will be with you as soon as they can.",
        "If things feel worse or you can't keep yourself safe, please reach out now:",
        *(f"- {r.line()}" for r in res.resources),
        f"- If you are in immediate danger, call {res.emergency}.",
    ]
    return "\n".join(lines)


def risk_check_declined_text(locale: str) -> str:
    """The fixed reply when the person answers Ally's direct question with "no".

    Ally takes the answer as given, keeps help visible, and carries on; the conversation stays
    watched (bot/risk/tiers.py), so a weaker signal later counts for more.

    Raises:
        ValueError: If the locale is unknown.
    """
    res = crisis_resources(locale)
    lines = [
        "Thank you for telling me, and for answering honestly.",
        "If that changes, or things feel like too much, you can talk to someone any time:",
        *(f"- {r.line()}" for r in res.resources),
        f"- If you are in immediate danger, call {res.emergency}.",
        "I'm still here. We can carry on whenever you're ready.",
    ]
    return "\n".join(lines)
