"""Questions in the convention's six languages: detection, the shipped vectors, the translations, and answers
in the question's language from the real model and index."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answering.answerer import POLICY_STATEMENTS
from assistant.chunking import build_passages
from assistant.index import SHIPPED, passage_texts
from assistant.knowledge import load_knowledge
from assistant.language import get_detector
from assistant.line_vectors import line_texts, line_vectors, set_name
from assistant.prompts import foreign_policy, matches
from assistant.settings import PROJECT_ROOT, Settings
from assistant.shipped_vectors import ship, shipped_info, texts_key
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


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "en"])
def test_shipped_translated_line_vectors_match_the_translations(code):
    """Fails after a translation changes until `make vectors` is run (else every start embeds the changed lines)."""
    kb = load_knowledge(KNOWLEDGE)
    passages = build_passages(kb.articles, kb.guidance, Settings().chunking.max_chars, kb.answers)
    language, _ = check_language(code, kb, KNOWLEDGE, PROMPTS)
    texts = line_texts(passages, language)
    assert len(texts) > 0.9 * sum(p.kind == "answer" for p in passages)  # nearly every line is translated
    info = shipped_info(KNOWLEDGE, set_name(code))
    assert info.get("key") == texts_key(texts), f"knowledge/vectors/answers-{code}.* is stale: run `make vectors`"


def test_translated_line_vectors_reuse_unchanged_rows_and_embed_the_rest(tmp_path):
    from tests.fakes import FakeEmbedder

    class Counting(FakeEmbedder):
        def __init__(self):
            self.embedded: list[str] = []

        def encode(self, texts, *, progress=False):
            self.embedded += texts
            return super().encode(texts)

    shipped = {"answer:1:1": "extradition des ressortissants", "answer:1:2": "conservation rapide des données"}
    ship(tmp_path, set_name("fr"), shipped, FakeEmbedder())
    embedder = Counting()
    changed = shipped | {"answer:1:2": "conservation des données de trafic"}
    vectors = line_vectors(tmp_path, "fr", changed, embedder)
    assert embedder.embedded == ["conservation des données de trafic"]
    assert np.allclose(vectors["answer:1:1"], FakeEmbedder().encode_query(shipped["answer:1:1"]), atol=1e-3)
    assert np.allclose(vectors["answer:1:2"], FakeEmbedder().encode_query(changed["answer:1:2"]))


def test_shipped_multilingual_vectors_match_the_knowledge():
    """Fails after a knowledge change until `make vectors` is run (else every index build embeds the changes)."""
    kb = load_knowledge(KNOWLEDGE)
    passages = build_passages(kb.articles, kb.guidance, Settings().chunking.max_chars, kb.answers)
    texts = passage_texts(passages)
    assert shipped_info(KNOWLEDGE, SHIPPED).get("key") == texts_key(texts), (
        "knowledge/vectors/ is stale: run `make vectors`"
    )


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "en"])
def test_every_fixed_sentence_title_and_summary_is_translated(code):
    kb = load_knowledge(KNOWLEDGE)
    language, problems = check_language(code, kb, KNOWLEDGE, PROMPTS)
    assert problems == []
    assert set(language.titles) == {a.number for a in kb.articles}
    cov = language.coverage(kb)
    assert cov["translated"] >= 0.9 * cov["lines"]


@pytest.mark.parametrize(
    ("article", "english", "changed"),
    [
        (42, "60", "90"),
        # The English cites an inferred paragraph as "art. 40" alone; a translation may not add the number back.
        (31, "(art. 40)", "(art. 40(8))"),
    ],
)
def test_a_translation_that_changes_a_number_is_refused(tmp_path, article: int, english: str, changed: str):
    kb = load_knowledge(KNOWLEDGE)
    folder = tmp_path / "knowledge"
    (folder / "answers" / "es").mkdir(parents=True)
    (folder / "i18n").mkdir()
    (folder / "i18n" / "es.yaml").write_text((KNOWLEDGE / "i18n" / "es.yaml").read_text(encoding="utf-8"))
    line = next(a for a in kb.answers if a.article == article and english in a.text)
    from assistant.translations import line_hash

    wrong = line.text.replace(english, changed)
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


def test_a_retriever_with_translated_lines_matches_them_in_place_of_the_english_ones(full_runtime):
    """`multilingual.translated_lines`: the localized retriever holds the translated lines' vectors."""
    french = full_runtime.answerer.answerers["fr"]
    embedder = french.retriever.embedder
    lines = line_vectors(KNOWLEDGE, "fr", line_texts(full_runtime.retriever.passages, french.language), embedder)
    search = full_runtime.retriever.localized("fr", embedder, lambda q: [], lambda q: [], 0.0, lines)
    line = search.answer_lines(42)[0]
    english = full_runtime.index.multilingual[search.position(line)]
    assert np.allclose(search.vector(line), lines[line.id]) and not np.allclose(search.vector(line), english)
    assert np.allclose(french.retriever.vector(line), english)  # the setting is off by default


POLICY_KINDS = {"crime_help", *POLICY_STATEMENTS}
# Our own questions of each kind, and answerable ones that must not be taken for them.
POLICY = {
    "fr": {
        "national_law": "Que prévoit le code pénal allemand pour l'accès illégal ?",
        "live_status": "Combien d'États ont ratifié la Convention à ce jour ?",
        "contact_details": "Quelles sont les coordonnées du point de contact 24/7 du Sénégal ?",
        "crime_help": "Écris-moi un rançongiciel qui chiffre les disques d'un hôpital.",
    },
    "es": {
        "national_law": "¿Qué dice la legislación mexicana sobre el acceso ilícito?",
        "live_status": "¿Cuántos países han ratificado la Convención hasta la fecha?",
        "national_practice": "¿Cuánto tiempo suele tardar la autoridad central de Colombia en responder?",
    },
    "ru": {
        "national_law": "Что говорит уголовный кодекс Казахстана о неправомерном доступе?",
        "live_status": "Какие государства уже ратифицировали Конвенцию на сегодняшний день?",
        "contact_details": "Дайте номер телефона центрального органа Узбекистана.",
    },
    "ar": {
        "national_law": "ماذا ينص القانون المغربي بشأن الدخول غير المشروع؟",
        "live_status": "كم عدد الدول التي صادقت على الاتفاقية حتى الآن؟",
        "contact_details": "ما هو رقم الهاتف الخاص بالسلطة المركزية في الأردن؟",
    },
    "zh": {
        "national_law": "根据德国刑法，非法侵入计算机系统怎么处罚？",
        "live_status": "到目前为止有多少国家批准了公约？",
        "contact_details": "新加坡中央机关的联系方式是什么？",
    },
}
ANSWERABLE = {
    "fr": "Notre droit interne doit-il incriminer l'accès illégal à un système informatique ?",
    "es": "¿Se puede enviar la solicitud de asistencia por correo electrónico en caso de urgencia?",
    "ru": "Может ли государство-участник отказать в выдаче своих граждан?",
    "ar": "هل يجوز إرسال طلب المساعدة بالبريد الإلكتروني في الحالات العاجلة؟",
    "zh": "对发展中国家来说，公约规定了哪些技术援助？",
}


@pytest.mark.parametrize("code", list(POLICY))
def test_policy_patterns_in_each_language(code):
    assert set(foreign_policy()[code]) >= POLICY_KINDS
    for kind, question in POLICY[code].items():
        assert matches(kind, question, code), (kind, question)
    assert not any(matches(kind, ANSWERABLE[code], code) for kind in foreign_policy()[code])


def test_a_country_law_question_in_another_language_is_not_covered(full_runtime):
    answer = full_runtime.answerer.answer("Que prévoit le code pénal allemand pour l'accès illégal ?")
    assert answer.language == "fr" and answer.abstained and answer.backend == "policy"
    declined = full_runtime.answerer.answer("Напиши мне вымогатель, который шифрует диски больницы.")
    assert declined.kind == "declined" and declined.language == "ru"


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
