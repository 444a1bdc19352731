"""The six-language glossary: it loads and validates, finds the convention's terms in each language, and reads
article and paragraph numbers in the names each language uses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from assistant.errors import KnowledgeError
from assistant.glossary import (
    GLOSSARY,
    LANGUAGES,
    article_numbers,
    chinese_number,
    concept_articles,
    expand,
    load_glossary,
    normalize,
    paragraph_numbers,
)
from assistant.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def glossary():
    return load_glossary()


def test_every_concept_has_six_languages_and_real_articles(glossary):
    article_map = json.loads((PROJECT_ROOT / "knowledge" / "convention" / "map.json").read_text(encoding="utf-8"))
    articles = {a["article"] for a in article_map["articles"]}
    assert len(glossary.concepts) >= 40
    for concept in glossary.concepts:
        assert set(concept.terms) == set(LANGUAGES), concept.id
        assert set(concept.articles) <= articles, concept.id


def test_the_file_says_its_translations_are_unofficial():
    header = GLOSSARY.read_text(encoding="utf-8").split("\n\n")[0]
    assert "UNOFFICIAL" in header and "our own translations" in header


@pytest.mark.parametrize(
    ("concept", "articles"),
    [
        ("extradition", [37]),
        ("mutual_legal_assistance", [40]),
        ("network_24_7", [41]),
        ("expedited_preservation", [25, 42]),
        ("joint_investigation", [48]),
        ("transfer_of_criminal_proceedings", [39]),
        ("transfer_of_sentenced_persons", [38]),
        ("return_of_assets", [52]),
        ("illegal_access", [7]),
        ("non_consensual_intimate_images", [16]),
        ("entry_into_force", [65]),
    ],
)
def test_key_concepts_point_at_their_articles(glossary, concept, articles):
    assert glossary.concept(concept).articles == articles


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "glossary.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _raw() -> dict:
    return yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))


def test_a_concept_missing_a_language_is_refused(tmp_path):
    data = _raw()
    del data["concepts"][0]["terms"]["ar"]
    with pytest.raises(KnowledgeError, match="ar"):
        load_glossary(_write(tmp_path, data))


def test_an_article_outside_1_to_68_is_refused(tmp_path):
    data = _raw()
    data["concepts"][0]["articles"] = [69]
    with pytest.raises(KnowledgeError, match="69"):
        load_glossary(_write(tmp_path, data))


def test_a_reference_pattern_without_its_number_is_refused(tmp_path):
    data = _raw()
    data["references"]["article"]["ru"] = ["статья"]
    with pytest.raises(KnowledgeError, match=r"\{n\}"):
        load_glossary(_write(tmp_path, data))


def test_one_phrase_for_two_concepts_is_refused(tmp_path):
    data = _raw()
    data["concepts"][1]["terms"]["es"]["variants"].append("extradición")
    with pytest.raises(KnowledgeError, match="both"):
        load_glossary(_write(tmp_path, data))


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(KnowledgeError, match="missing"):
        load_glossary(tmp_path / "nowhere.yaml")


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "Can they refuse to extradite our national?", ["grounds for refusal", "extradition"]),
        ("es", "¿Qué debe contener una solicitud de asistencia jurídica mutua?", ["mutual legal assistance"]),
        ("es", "¿Se exige la doble incriminación para la conservación rápida?", None),
        ("fr", "Pouvons-nous constituer une équipe commune d'enquête ?", ["joint investigation"]),
        ("fr", "Quelle est la compétence de nos tribunaux ?", ["jurisdiction"]),
        ("ru", "Может ли государство отказать в выдаче своего гражданина?", ["grounds for refusal", "extradition"]),
        ("ru", "Как получить информацию об абонентах через сеть 24/7?", ["subscriber information", "24/7 network"]),
        ("ar", "هل يجوز رفض طلب تسليم المجرمين؟", ["grounds for refusal", "extradition"]),
        ("ar", "كيف نحصل على بيانات الحركة ومعلومات المشتركين؟", ["traffic data", "subscriber information"]),
        (
            "zh",
            "能否以双重犯罪为由拒绝司法协助？",
            ["dual criminality", "grounds for refusal", "mutual legal assistance"],
        ),
        ("zh", "《联合国打击网络犯罪公约》何时生效？", ["entry into force"]),
    ],
)
def test_expand_finds_the_concepts_a_question_names(lang, text, expected):
    found = expand(text, lang)
    if expected is None:  # only that both are found, in order
        assert found[:2] == ["dual criminality", "expedited preservation of stored electronic data"]
    else:
        assert found == expected


def test_expand_ignores_case_accents_and_arabic_vowel_marks():
    assert expand("EXTRADICION de nacionales", "es") == ["extradition of nationals"]
    assert expand("ازدواجيّة التجريم", "ar") == ["dual criminality"]


def test_inflected_russian_and_gapped_spanish_terms_are_found():
    assert expand("запрос о взаимной правовой помощи", "ru") == ["mutual legal assistance"]
    assert expand("protección de los datos personales", "es") == ["protection of personal data"]


def test_english_terms_inside_another_language_are_found():
    assert expand("¿Cómo enviamos una preservation request al proveedor?", "es") == [
        "expedited preservation of stored electronic data",
        "service provider",
    ]
    assert "mutual legal assistance" in expand("我们能否通过24/7 network提交MLA request？", "zh")


def test_a_term_inside_a_longer_term_of_another_concept_is_not_counted():
    assert expand("interceptación ilícita", "es") == ["illegal interception"]
    assert expand("незаконный перехват", "ru") == ["illegal interception"]


def test_a_gap_never_swallows_another_term():
    # "بيانات ... المشتركين" must not be read as "subscriber data" across "الحركة" (traffic).
    assert "traffic data" in expand("بيانات الحركة والمشتركين", "ar")


def test_concept_articles_follow_the_concepts():
    assert concept_articles("¿doble incriminación en la extradición?", "es") == [35, 37, 40, 42]


def test_a_question_about_nothing_in_the_convention_names_no_concept():
    assert expand("¿Qué tiempo hará mañana en Madrid?", "es") == []
    assert expand("明天北京天气怎么样？", "zh") == []


def test_unknown_language_is_an_error():
    with pytest.raises(ValueError, match="de"):
        expand("Auslieferung", "de")


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "What does art. 42 say, and articles 43 to 45?", [42, 43, 44, 45]),
        ("en", "Budapest art 29: the UN article?", [29]),  # which treaty is decided elsewhere
        ("es", "¿Qué dice el artículo 42?", [42]),
        ("es", "Véanse los arts. 40 y 41", [40, 41]),
        ("es", "los artículos 42 a 44", [42, 43, 44]),
        ("fr", "L'article 37 et l'art. 22", [37, 22]),
        ("ru", "Что говорит статья 42?", [42]),
        ("ru", "пункт 3 статьи 40 и ст. 41", [40, 41]),
        ("ru", "статьи 44-46", [44, 45, 46]),
        ("zh", "第四十二条规定了什么？", [42]),
        ("zh", "第42条和第三十七条", [42, 37]),
        ("zh", "第４２、43条", [42, 43]),
        ("ar", "ماذا تنص المادة 42؟", [42]),
        ("ar", "وفقا للمادة ٣٧ والمادتين 44 و45", [37, 44, 45]),
    ],
)
def test_article_numbers_in_each_language(lang, text, expected):
    assert article_numbers(text, lang) == expected


def test_article_names_of_another_language_or_plain_numbers_are_not_read():
    assert article_numbers("a sentence of 5 years and 42 days", "en") == []
    assert article_numbers("party 3 and start 4", "en") == []
    assert article_numbers("第42款", "zh") == []


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "paragraph 3 of article 42", [3]),
        ("es", "el párrafo 2 del artículo 40", [2]),
        ("fr", "le paragraphe 4", [4]),
        ("ru", "пункт 3 статьи 40", [3]),
        ("zh", "第四十条第三款", [3]),
        ("ar", "الفقرة 2 من المادة 40", [2]),
    ],
)
def test_paragraph_numbers_in_each_language(lang, text, expected):
    assert paragraph_numbers(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "number"),
    [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("四十二", 42), ("六十八", 68), ("一百零三", 103), ("x", None)],
)
def test_chinese_numerals(text, number):
    assert chinese_number(text) == number


def test_normalize_strips_bidi_controls_and_keeps_cyrillic_letters():
    assert normalize("\u200fالمادة\u200e 42") == "الماده 42"
    assert normalize("Статьёй ЙОД") == "статьей йод"
