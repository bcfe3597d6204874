"""Rasa names used by the actions; tests check that each one exists in the domain.

Texts the actions send are keys of ``bot/dialogue/data/messages.yml`` (``MSG_*`` below).
"""

# Slots
SLOT_MOOD_RATING = "mood_rating"

# Forms
FORM_MOOD = "mood_form"


# Actions
ACTION_ASK_MOOD_RATING = "action_ask_mood_rating"
ACTION_LOG_MOOD = "action_log_mood"
VALIDATE_MOOD_FORM = "validate_mood_form"

# Messages (bot/dialogue/data/messages.yml)
MSG_MOOD_LOGGED = "mood_logged"
MSG_MOOD_RATING_INVALID = "mood_rating_invalid"
MSG_SOMETHING_WENT_WRONG = "something_went_wrong"

# --- Risk (lead) ---
INTENT_RISK_DISCLOSURE = "risk_disclosure"
SLOT_ESCALATION_OPEN = "escalation_open"
ACTION_ESCALATE_RISK = "action_escalate_risk"
