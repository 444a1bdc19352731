"""Convention-shaped texts in Arabic, Russian and Chinese, written for the tests in our own words (never the
authentic text): each language's heading shapes and paragraph and item numbering as the UN's official texts
write them, a fake two-paragraph provision under every article, and our own unofficial titles
(knowledge/i18n/<lang>.yaml). Headings vary on purpose: Western and Arabic-Indic digits and ordinal words in
Arabic, digits and Chinese numerals in Chinese, Latin and Cyrillic item letters in Russian.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.knowledge import MapEntry

ROMAN = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")
CJK = "一二三四五六七八九"
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
ARABIC_ARTICLES = {1: "الأولى", 21: "الحادية والعشرون", 68: "الثامنة والستون"}
ARABIC_CHAPTERS = ("", "الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع")


def cjk(n: int) -> str:
    """42 -> 四十二, 10 -> 十, 7 -> 七."""
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else f"{CJK[tens - 1]}十")
    return head + (CJK[units - 1] if units else "")


def _arabic_digits(article: int, number: int) -> str:
    """Western digits in even articles, Arabic-Indic ones in odd articles."""
    return str(number) if article % 2 == 0 else str(number).translate(ARABIC_INDIC)


@dataclass(frozen=True)
class Shape:
    """How one language writes a convention: headings, numbering, and the fake text of each article."""

    article: Callable[[int], str]
    chapter: Callable[[int], str]  # chapter 1-9 -> its heading
    marker: Callable[[int, int], str]  # (article, paragraph) -> "1." / "١-"
    items: Callable[[int], tuple[str, str]]  # article -> the labels of its two items
    intro: str  # the first paragraph, ending in a colon, before its items
    item_texts: tuple[str, str]
    second: str  # the second paragraph
    front: tuple[str, ...]  # the resolution before chapter I, with a numbered paragraph of its own
    testimonium: str


SHAPES = {
    "ru": Shape(
        article=lambda n: f"Статья {n}",
        chapter=lambda c: f"Глава {ROMAN[c]}",
        marker=lambda n, k: f"{k}.",
        items=lambda n: ("а)", "б)") if n % 2 else ("a)", "b)"),  # Cyrillic letters, then Latin ones
        intro="Каждое Государство-участник для целей проверки принимает следующие меры:",
        item_texts=("первую проверочную меру;", "вторую проверочную меру."),
        second="Настоящий пункт написан только для испытания разбора текста.",
        front=("Генеральная Ассамблея,", "1. принимает проверочный текст, прилагаемый к настоящей резолюции;",
               "Приложение", "Государства — участники проверочного текста договорились о нижеследующем:"),
        testimonium="В удостоверение чего нижеподписавшиеся представители подписали настоящий проверочный текст.",
    ),
    "zh": Shape(
        article=lambda n: f"第{cjk(n)}条" if n % 2 else f"第{n}条",
        chapter=lambda c: f"第{cjk(c)}章",
        marker=lambda n, k: f"{k}．" if n % 2 else f"{k}.",  # full-width and ASCII full stops
        items=lambda n: ("(a)", "（b）"),
        intro="各缔约国均应为检验目的采取下列措施：",
        item_texts=("第一项检验措施；", "第二项检验措施。"),
        second="本款仅为检验文本解析而写。",
        front=("大会，", "1. 通过本决议所附的检验文本；", "附件", "检验文本各缔约国议定如下："),
        testimonium="为此，下列签署人经正式授权，签署了本检验文本。",
    ),
    "ar": Shape(
        article=lambda n: f"المادة {ARABIC_ARTICLES.get(n) or _arabic_digits(n, n)}",
        chapter=lambda c: f"الفصل {ARABIC_CHAPTERS[c]}",
        marker=lambda n, k: f"{_arabic_digits(n, k)}-",
        items=lambda n: ("(أ)", "(ب)"),
        intro="تتخذ كل دولة طرف، لأغراض الاختبار، التدابير التالية:",
        item_texts=("التدبير الأول للاختبار؛", "التدبير الثاني للاختبار."),
        second="وضعت هذه الفقرة لاختبار تحليل النص فقط.",
        front=("إن الجمعية العامة،", "1- تعتمد النص الاختباري المرفق بهذا القرار؛", "المرفق",
               "إن الدول الأطراف في هذا النص الاختباري قد اتفقت على ما يلي:"),
        testimonium="وإثباتاً لذلك، وقّع الممثلون الموقعون أدناه هذا النص الاختباري.",
    ),
}  # fmt: skip


def titles(knowledge_dir: Path, lang: str) -> tuple[dict[int, str], dict[str, str]]:
    """Our unofficial article and chapter titles in this language."""
    data = yaml.safe_load((knowledge_dir / "i18n" / f"{lang}.yaml").read_text(encoding="utf-8"))
    return {int(n): t for n, t in data["titles"].items()}, {str(c): t for c, t in data["chapters"].items()}


def expected(lang: str, number: int) -> list[tuple[str, str]]:
    """The paragraphs a correct parse returns for every article: (number, text), items on their own lines."""
    shape = SHAPES[lang]
    first, second = shape.items(number)
    intro = "\n".join([shape.intro, f"{first} {shape.item_texts[0]}", f"{second} {shape.item_texts[1]}"])
    return [("1", intro), ("2", shape.second)]


def convention_lines(
    lang: str, article_map: dict[int, MapEntry], knowledge_dir: Path, retitle: dict[int, str] | None = None
) -> list[str]:
    """The whole text, one line a paragraph and "" between blocks; `retitle` gives some articles other titles."""
    shape = SHAPES[lang]
    article_titles, chapter_titles = titles(knowledge_dir, lang)
    article_titles |= retitle or {}
    out = [*shape.front, ""]
    chapter = ""
    for number, entry in sorted(article_map.items()):
        if entry.chapter != chapter:
            chapter = entry.chapter
            out += [shape.chapter(ROMAN.index(chapter)), chapter_titles[chapter], ""]
        first, second = shape.items(number)
        out += [shape.article(number), article_titles[number], ""]
        out += [f"{shape.marker(number, 1)} {shape.intro}", f"{first} {shape.item_texts[0]}"]
        out += [f"{second} {shape.item_texts[1]}", "", f"{shape.marker(number, 2)} {shape.second}", ""]
    return [*out, shape.testimonium]


def write_txt(lines: list[str], path: Path) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_docx(lines: list[str], path: Path) -> Path:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))
    return path
