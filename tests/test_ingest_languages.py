"""Ingesting the convention in Arabic, Russian and Chinese: each language's headings and numbering parse into
the articles and paragraphs of the document, validation checks them per language, and a text that is not the
convention is refused. The documents are synthetic (tests/ingest_fixtures/languages.py), in our own words."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_fixtures.languages import convention_lines, expected, titles, write_docx, write_txt

from assistant.ingest import ingest_file, render_report
from assistant.ingest.parse import get_language, parse
from assistant.knowledge import load_map
from assistant.official import load_official
from assistant.settings import PROJECT_ROOT

KNOWLEDGE = PROJECT_ROOT / "knowledge"
ARTICLE_MAP = load_map(KNOWLEDGE)


@pytest.mark.parametrize(
    ("lang", "write"), [("ru", write_txt), ("zh", write_txt), ("ar", write_txt), ("ar", write_docx)]
)
def test_the_text_parses_into_its_articles_and_paragraphs(lang, write, settings, tmp_path: Path) -> None:
    suffix = "docx" if write is write_docx else "txt"
    path = write(convention_lines(lang, ARTICLE_MAP, KNOWLEDGE), tmp_path / f"convention-{lang}.{suffix}")
    report = ingest_file(path, settings, lang=lang)
    assert report.ok and report.found == list(range(1, 69)) and report.lang == lang, report.message
    assert report.title_mismatches == [] and report.paragraphs == 2 * 68
    assert report.stored_path == str(settings.official_dir / f"{lang}.json")
    stored = load_official(settings)
    ours, chapters = titles(KNOWLEDGE, lang)
    for article in stored:
        assert article.language == lang and article.source == "official"
        assert [(p.number, p.text) for p in article.paragraphs] == expected(lang, article.number), article.number
        assert article.title == ours[article.number]
        assert article.chapter_title == chapters[article.chapter]  # "Глава IV", "第四章", "الفصل الرابع" -> IV


def test_heading_and_numbering_shapes_of_each_language() -> None:
    arabic = [
        "الفصل الأول", "أحكام عامة", "",
        "المادة الأولى", "بيان الغرض", "", "١- نص الفقرة الأولى:", "(أ) البند الأول؛", "(ب) البند الثاني.", "",
        "٢- نص الفقرة الثانية.", "",
        "المادة ٤٢ - عنوان على سطر العنوان", "",
        "نص المادة 42 من هذه الاتفاقية دون رقم فقرة.",  # a reference inside a sentence, not a heading
        "المادة الحادية والعشرون", "عنوان", "", "نص.",
        "وإثباتا لذلك، وقع الموقعون أدناه.", "المادة 9",
    ]  # fmt: skip
    first, second, third = parse(arabic, get_language("ar"))
    assert (first.number, first.chapter, first.title) == (1, "I", "بيان الغرض")
    assert [(p.number, p.text) for p in first.paragraphs] == [
        ("1", "نص الفقرة الأولى:\n(أ) البند الأول؛\n(ب) البند الثاني."),
        ("2", "نص الفقرة الثانية."),
    ]
    assert (second.number, second.title) == (42, "عنوان على سطر العنوان")
    assert second.paragraphs[0].number is None and "المادة 42 من" in second.paragraphs[0].text
    assert third.number == 21  # the testimonium ends the text: "المادة 9" after it is not an article

    chinese = ["第一章 总则", "第四十二条", "标题", "", "1．第一款：", "（a）第一项；", "(b) 第二项。",
               "第42条所述请求不是标题。", "第9条 另一标题", "2. 第二款。"]  # fmt: skip
    forty_two, ninth = parse(chinese, get_language("zh"))
    assert (forty_two.number, forty_two.chapter, forty_two.chapter_title) == (42, "I", "总则")
    wrapped = "(b) 第二项。第42条所述请求不是标题。"  # a wrapped line joins without a space; not a heading
    assert forty_two.paragraphs[0].text.splitlines() == ["第一款：", "（a）第一项；", wrapped]
    assert (ninth.number, ninth.title) == (9, "另一标题")

    russian = [
        "ГЛАВА I", "Общие положения", "Статья 7. Заголовок", "1. Первый пункт:", "а) кириллическая буква;",
        "b) латинская буква; и", "в) снова кириллица.", "Статья 7 настоящей Конвенции тоже упоминается.",
    ]  # fmt: skip
    (seventh,) = parse(russian, get_language("ru"))
    assert (seventh.number, seventh.chapter, seventh.title) == (7, "I", "Заголовок")
    assert seventh.paragraphs[0].text.splitlines() == [
        "Первый пункт:",
        "а) кириллическая буква;",
        "b) латинская буква; и",
        "в) снова кириллица. Статья 7 настоящей Конвенции тоже упоминается.",
    ]


def test_a_misnumbered_article_is_reported_by_its_title_but_stored(settings, tmp_path: Path) -> None:
    ours, _ = titles(KNOWLEDGE, "ru")
    lines = convention_lines("ru", ARTICLE_MAP, KNOWLEDGE, retitle={5: ours[40]})
    report = ingest_file(write_txt(lines, tmp_path / "ru.txt"), settings, lang="ru")
    assert report.ok and report.stored_path
    assert [(m.article, m.resembles) for m in report.title_mismatches] == [(5, 40)]
    assert "like our title of art. 40" in render_report(report)


@pytest.mark.parametrize(
    ("lang", "text", "heading"),
    [
        ("ru", "Статья в журнале рассказывает о конференции.\nВ ней 42 участника и 3 доклада.", "Статья N"),
        ("zh", "本文介绍一次会议。\n会议共有四十二名代表。", "第N条"),
        ("ar", "يتناول هذا المقال مؤتمرا عقد في المدينة.\nوحضره 42 مشاركا.", "المادة N"),
    ],
)
def test_a_text_that_is_not_the_convention_is_refused(lang, text, heading, settings, tmp_path: Path) -> None:
    report = ingest_file(write_txt(text.splitlines(), tmp_path / "other.txt"), settings, lang=lang)
    assert not report.ok and report.stored_path is None and report.found == []
    assert heading in report.message and "--lang" in report.message
    assert not settings.official_dir.exists()


def test_the_convention_in_another_language_than_said_is_refused(settings, tmp_path: Path) -> None:
    path = write_txt(convention_lines("zh", ARTICLE_MAP, KNOWLEDGE), tmp_path / "zh.txt")
    report = ingest_file(path, settings, lang="ru")
    assert not report.ok and report.stored_path is None and "Статья N" in report.message
