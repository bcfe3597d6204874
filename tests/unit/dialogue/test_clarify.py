import pytest

from bot.dialogue.clarify import asks_what_the_question_means, help_key


@pytest.mark.parametrize(
    "text",
    [
        "what do you mean",
        "What do you mean?",
        "wdym",
        "huh?",
        "i dont understand",
        "I don\u2019t get it",
        "i don't understand the question",
        "like what?",
        "can you give me an example",
        "what should i put",
        "not sure what you mean",
        "sorry?",
    ],
)
def test_questions_about_the_question(text: str) -> None:
    assert asks_what_the_question_means(text)


@pytest.mark.parametrize(
    "text",
    [
        "my boss shouted at me",
        "what i felt was awful",
        "i was confused at work",
        "sorry i was late to work",
        "huh i guess at the gym",
        "such as being late",
        "i don't understand why she left",
        "what do you mean you can't remember, he said, and then he walked out on me",
    ],
)
def test_answers_that_look_alike(text: str) -> None:
    assert not asks_what_the_question_means(text)


def test_help_key() -> None:
    assert help_key("tr_emotion") == "help_tr_emotion"
