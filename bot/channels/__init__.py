"""Rasa input channels that run inside Rasa's process (the only place bot/ may import rasa)."""
