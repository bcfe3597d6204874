"""Persistence: table definitions, engine factory, repository functions and migrations.

Written in SQLAlchemy 2.0 style so it runs unchanged on 1.4 (Rasa side) and 2.x (web side).
"""
