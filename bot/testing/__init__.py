"""Researchers' dialogue testing: test cases against the live bot, coverage, transcripts."""
