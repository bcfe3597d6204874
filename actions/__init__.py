"""Thin rasa-sdk adapters: read slots, call the ``bot`` library, return events."""
