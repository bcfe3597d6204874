"""Therapeutic-alliance measurement: behavioural cues, the in-chat survey, scoring, schedule."""
