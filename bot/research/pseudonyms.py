"""Pseudonyms: keyed hashes, stable within one deployment, not reversible without the salt."""

from __future__ import annotations

import hashlib
import hmac

PSEUDONYM_HEX_CHARS = 16
# Audit actors that are roles, not people.
ROLE_ACTORS = frozenset({"system", "participant"})
# Audit targets that name a person.
PERSON_TARGETS = frozenset({"participant", "conversation"})


class Pseudonymiser:
    """HMAC-SHA256 with ``ALLY_PSEUDONYM_SALT``, truncated to 16 hex characters."""

    def __init__(self, salt: str) -> None:
        self._key = salt.encode("utf-8")

    def _digest(self, message: str) -> str:
        digest = hmac.new(self._key, message.encode("utf-8"), hashlib.sha256).hexdigest()
        return digest[:PSEUDONYM_HEX_CHARS]

    def participant(self, conversation_id: str | None) -> str | None:
        """The pseudonym of a conversation id (None stays None)."""
        return None if conversation_id is None else self._digest(conversation_id)

    def supporter(self, username: str | None) -> str | None:
        """The pseudonym of a supporter's username (None stays None).

        Hashed in a namespace of its own, so it never equals a participant's pseudonym.
        """
        return None if username is None else self._digest(f"supporter\x00{username}")

    def actor(self, actor: str) -> str | None:
        """An audit actor: roles as they are, supporter usernames pseudonymised."""
        return actor if actor in ROLE_ACTORS else self.supporter(actor)

    def target(self, target_type: str, target_id: str | None) -> str | None:
        """An audit target: a person's id pseudonymised, a row id as it is."""
        return self.participant(target_id) if target_type in PERSON_TARGETS else target_id
