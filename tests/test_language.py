from assistant.language import reads_as_english


def _never(text: str) -> float:
    raise AssertionError("the vocabulary share was asked for although function words decided")


def test_english_function_words_decide_without_the_vocabulary():
    assert reads_as_english("How do I bake sourdough bread?", _never, 0.35)
    assert reads_as_english("doxxing", _never, 0.35)  # too short to judge


def test_without_function_words_the_vocabulary_share_decides():
    question = "¿Puede otro Estado negarse a extraditar a sus nacionales?"
    assert not reads_as_english(question, lambda _: 0.29, 0.35)
    assert reads_as_english("dual criminality extradition", lambda _: 1.0, 0.35)
