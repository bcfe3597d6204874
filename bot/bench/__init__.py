"""``ally bench``: load Ally and the stock ``rasa init`` moodbot the same way, and compare."""
