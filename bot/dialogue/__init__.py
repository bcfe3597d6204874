"""Plain-Python dialogue rules used by the Rasa actions (no rasa-sdk imports here)."""
