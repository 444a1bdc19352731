from assistant.spelling import Speller

SPELLER = Speller(["Extradition and jurisdiction.", "Preservation of stored data; an attack on a system."])


def test_slips_in_long_words_are_repaired():
    assert SPELLER.correct("extradtion and jurisdicton?") == "extradition and jurisdiction?"
    assert SPELLER.correct("preservaton order") == "preservation order"


def test_known_words_their_forms_names_short_words_and_strangers_are_kept():
    # "attacked" is a form of the known "attack"; capitalised words are names; short words and
    # words with no close known neighbour are left as typed.
    for text in ["attacked systems", "Extradtion", "Qatar", "cashes", "wouldn't", "blockchain", "article 37"]:
        assert SPELLER.correct(text) == text


def test_retrieval_survives_a_typing_slip(full_runtime):
    retriever = full_runtime.retriever
    assert retriever.search_text("extradtion of nationals") == "extradition of nationals"
    assert retriever.retrieve("jurisdicton over offences by our nationals abroad", 1)[0].article == 22


def test_known_share_counts_lower_case_words_of_any_script():
    assert SPELLER.known_share("extradition of stored data") == 1.0
    # Capitalised words are names and left out; Cyrillic words are words too.
    assert SPELLER.known_share("Ruritania Bob extradition") == 1.0
    assert SPELLER.known_share("выдача граждан extradition") == 1 / 3
    assert SPELLER.known_share("24/7") == 1.0
