"""Questions in the convention's six languages: detection, the shipped vectors, the translations, and answers
in the question's language from the real model and index."""

from __future__ import annotations

import pytest

from assistant.chunking import build_passages
from assistant.index import multilingual_key, shipped_multilingual
from assistant.knowledge import load_knowledge
from assistant.language import get_detector
from assistant.settings import PROJECT_ROOT, Settings
from assistant.translations import LANGUAGES, check_language

KNOWLEDGE = PROJECT_ROOT / "knowledge"
PROMPTS = PROJECT_ROOT / "prompts"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Is dual criminality required for preservation?", "en"),
        ("dual criminality?", "en"),
        ("¿Se exige la doble incriminación para la conservación de datos?", "es"),
        ("Faut-il la double incrimination pour une demande de conservation ?", "fr"),
        ("Требуется ли двойная криминальность для сохранения данных?", "ru"),
        ("هل يشترط ازدواج التجريم لطلب الحفظ؟", "ar"),
        ("保全数据是否需要双重犯罪？", "zh"),
        ("引渡本国国民", "zh"),
        # English legal terms inside a sentence: the sentence's language.
        ("¿Cómo enviamos una preservation request al proveedor antes de la MLA request formal?", "es"),
        ("Можно ли направить MLA request через 24/7 network, если дело срочное?", "ru"),
    ],
)
def test_detects_the_six_languages_on_short_and_mixed_questions(text, code):
    found = get_detector().detect(text)
    assert (found.code, found.supported) == (code, True)


@pytest.mark.parametrize(
    "text",
    [
        "Чи потрібна подвійна злочинність для збереження даних?",  # Ukrainian, not Russian
        "A dupla incriminação é exigida para a preservação de dados?",  # Portuguese, not Spanish
        "Muss die beiderseitige Strafbarkeit für die Sicherung vorliegen?",
    ],
)
def test_a_language_outside_the_six_is_told_apart(text):
    assert not get_detector().detect(text).supported


def test_shipped_multilingual_vectors_match_the_knowledge():
    """Fails after a knowledge change until `make vectors` is run (else every index build embeds for minutes)."""
    kb = load_knowledge(KNOWLEDGE)
    passages = build_passages(kb.articles, kb.guidance, Settings().chunking.max_chars, kb.answers)
    vectors = shipped_multilingual(KNOWLEDGE, passages)
    assert vectors is not None, (
        f"knowledge/vectors/ is stale (key {multilingual_key(passages)[:12]}): run `make vectors`"
    )
    assert vectors.shape[0] == len(passages)


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "en"])
def test_every_fixed_sentence_title_and_summary_is_translated(code):
    kb = load_knowledge(KNOWLEDGE)
    language, problems = check_language(code, kb, KNOWLEDGE, PROMPTS)
    assert problems == []
    assert set(language.titles) == {a.number for a in kb.articles}
    cov = language.coverage(kb)
    assert cov["translated"] >= 0.9 * cov["lines"]


def test_a_translation_that_changes_a_number_is_refused(tmp_path):
    kb = load_knowledge(KNOWLEDGE)
    folder = tmp_path / "knowledge"
    (folder / "answers" / "es").mkdir(parents=True)
    (folder / "i18n").mkdir()
    (folder / "i18n" / "es.yaml").write_text((KNOWLEDGE / "i18n" / "es.yaml").read_text(encoding="utf-8"))
    line = next(a for a in kb.answers if a.article == 42 and "60" in a.text)
    from assistant.translations import line_hash

    wrong = line.text.replace("60", "90")
    (folder / "answers" / "es" / "x.yaml").write_text(
        f"answers:\n  - id: '{line.id}'\n    src: {line_hash(line.text)}\n    a: 'Traducción: {wrong}'\n",
        encoding="utf-8",
    )
    _, problems = check_language("es", kb, folder, PROMPTS)
    assert any("numbers" in p and line.id in p for p in problems)


# -- answers from the real model and index ------------------------------------------------------------------

QUESTIONS = {
    "es": ("¿Cuánto tiempo conserva otro Estado parte los datos que le pedimos conservar?", 42, "art. 42"),
    "fr": (
        "Combien de temps un autre État Partie conserve-t-il les données que nous lui demandons de conserver ?",
        42,
        "art. 42",
    ),
    "ru": ("Может ли государство отказать в выдаче своих граждан?", 37, "ст. 37"),
    "ar": ("هل يجوز للدولة أن ترفض تسليم مواطنيها؟", 37, "المادة 37"),
    "zh": ("国家可以拒绝引渡本国国民吗？", 37, "第37条"),
}


@pytest.mark.parametrize("code", list(QUESTIONS))
def test_a_question_in_another_language_is_answered_in_it(full_runtime, code):
    question, article, label = QUESTIONS[code]
    answer = full_runtime.answerer.answer(question)
    assert answer.language == code and not answer.abstained
    assert article in [c.article for c in answer.citations]
    assert answer.citations[0].label.startswith(label.split(" ")[0] if code != "zh" else "第")
    data = answer.as_json()
    assert all(isinstance(c["article"], int) for c in data["citations"] if c["article"] is not None)
    assert f"[{label}" in answer.text


def test_the_same_question_in_four_languages_finds_the_same_articles(full_runtime):
    def top(question: str) -> list[int]:
        passages = full_runtime.answerer.answer(question).passages
        return list(dict.fromkeys(p.article for p in passages if p.article is not None))[:3]

    assert 37 in top("Can a State refuse to extradite its own nationals?")
    for code in ("ru", "ar", "zh"):
        assert 37 in top(QUESTIONS[code][0])


def test_an_article_named_in_another_language_and_a_budapest_article(full_runtime):
    named = full_runtime.answerer.answer("¿Qué dice el artículo 44?")
    assert named.citations and named.citations[0].article == 44
    budapest = full_runtime.answerer.answer("¿Qué equivale al artículo 29 del Convenio de Budapest?")
    assert 42 in [c.article for c in budapest.citations]


def test_a_language_outside_the_six_is_answered_in_english_with_a_note(full_runtime):
    answer = full_runtime.answerer.answer("Muss die beiderseitige Strafbarkeit für die Sicherung vorliegen?")
    assert answer.language == "en"
    assert any("Arabic, Chinese, English, French, Russian and Spanish" in n for n in answer.notes)


def test_lang_overrides_detection_and_an_unknown_one_is_refused(full_runtime):
    from assistant.errors import InvalidInput

    answer = full_runtime.answerer.answer("Can a State refuse to extradite its own nationals?", lang="fr")
    assert answer.language == "fr"
    with pytest.raises(InvalidInput):
        full_runtime.answerer.answer("Can a State refuse to extradite its own nationals?", lang="de")


def test_english_answers_are_unchanged_by_the_router(full_runtime):
    question = "Is dual criminality required for preservation?"
    routed = full_runtime.answerer.answer(question)
    direct = full_runtime.answerer.english.answer(question)
    assert routed.text == direct.text and routed.language == "en"


def test_bidi_controls_never_reach_the_answer(full_runtime):
    answer = full_runtime.answerer.answer("\u202bهل يجوز للدولة أن ترفض تسليم مواطنيها؟\u202c")
    assert "\u202b" not in answer.text and "\u202b" not in answer.question


def test_shared_words_weigh_a_line_that_says_what_the_question_says():
    kb = load_knowledge(KNOWLEDGE)
    language, _ = check_language("es", kb, KNOWLEDGE, PROMPTS)
    duration = next(k for k, t in language.lines.items() if k.startswith("42:") and "60" in t)
    other = next(k for k in language.lines if k.startswith("37:"))
    scores = language.shared_words("¿Durante cuántos días se conservan los datos?", [duration, other, "no:such"])
    assert scores[0] > scores[1] and scores[2] == 0.0
