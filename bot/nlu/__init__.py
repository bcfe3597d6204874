"""The one piece of Ally that plugs into Rasa's NLU pipeline."""
