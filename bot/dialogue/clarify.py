"""Questions about the question: "what do you mean?", "like what?", "i don't get it".

Inside the thought record such a message is not an answer: Ally explains what the question asks
(``help_<slot>`` in data/messages.yml) and asks it again.
"""

from __future__ import annotations

import re

_CLARIFY = re.compile(
    r"^(?:what(?:'s| is| do you| does that| does this)? ?(?:mean|meant)\b"
    r"|what do u mean\b|wdym\b"
    r"|(?:i )?(?:don'?t|do not|dont) (?:understand|get (?:it|that|what you mean))"
    r"(?: the question| what you mean| what you're asking| what you are asking)?\W*$"
    r"|(?:i'?m |im )?(?:not sure|confused)(?: what you mean| what to (?:say|put|write))?\W*$"
    r"|(?:huh|what|eh|sorry|pardon|come again|like what|such as|for example)\W*$"
    r"|(?:can you |could you )?(?:give me )?(?:an )?example\W*$"
    r"|what (?:should|do) i (?:say|put|write|answer)\b|how do i answer\b)"
)
MAX_WORDS = 8  # longer messages are answers, even when they open with "what do you mean"
_APOSTROPHES = str.maketrans({"\u2018": "'", "\u2019": "'", "`": "'"})


def asks_what_the_question_means(text: str) -> bool:
    """Return True when ``text`` asks what the question means rather than answering it."""
    cleaned = " ".join(text.translate(_APOSTROPHES).casefold().split())
    if len(cleaned.split()) > MAX_WORDS:
        return False
    return bool(_CLARIFY.search(cleaned.strip(" .,!")))


def help_key(slot: str) -> str:
    """Return the message key that explains the question for ``slot``."""
    return f"help_{slot}"
