"""Ally: a supportive CBT-style check-in chatbot library (config, storage, risk, alliance, web)."""

__version__ = "0.1.0"
