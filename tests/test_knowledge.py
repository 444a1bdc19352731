"""The real knowledge base loads and matches the article map; malformed files fail with a clear message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.errors import KnowledgeError
from assistant.knowledge import ARTICLE_COUNT, load_knowledge, load_map
from assistant.paragraph_refs import inferred_references, verified_paragraphs
from tests.conftest import KNOWLEDGE


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(KNOWLEDGE)


def test_all_68_articles_with_titles_and_chapters_of_the_map(kb):
    article_map = load_map(KNOWLEDGE)
    assert [a.number for a in kb.articles] == list(range(1, ARTICLE_COUNT + 1))
    assert sorted(p.name for p in (KNOWLEDGE / "convention").glob("article-*.md")) == [
        f"article-{n:02d}.md" for n in range(1, 69)
    ]
    for a in kb.articles:
        assert article_map[a.number].title.lower() in a.title.lower()
        assert a.chapter == article_map[a.number].chapter


def test_every_article_has_summary_paragraphs_and_valid_related(kb):
    numbers = {a.number for a in kb.articles}
    for a in kb.articles:
        assert a.summary.strip(), a.number
        assert a.paragraphs, a.number
        assert set(a.related) <= numbers, a.number
        assert a.number not in a.related, f"article {a.number} lists itself as related"
        assert a.confidence in ("high", "medium", "low"), a.number


def test_paragraph_numbers_are_plain_numbers(kb):
    for a in kb.articles:
        for p in a.paragraphs:
            assert p.number is None or re.fullmatch(r"\d{1,2}(\([a-z]{1,4}\))?", p.number), (a.number, p.number)


def test_guidance_notes_name_existing_articles(kb):
    assert len(kb.guidance) >= 12
    for note in kb.guidance:
        assert note.articles and all(1 <= n <= ARTICLE_COUNT for n in note.articles), note.slug
        assert note.sections, note.slug


def test_guidance_covers_each_form_of_cooperation(kb):
    slugs = {g.slug for g in kb.guidance}
    for needed in (
        "extradition",
        "mutual-legal-assistance",
        "joint-investigations",
        "transfer-of-proceedings",
        "transfer-of-sentenced-persons",
        "confiscation-and-asset-return",
        "numbering-traps",
        "background-and-calendar",
        "law-enforcement-cooperation",
        "personal-data-in-cooperation",
    ):
        assert needed in slugs


def test_no_file_claims_to_be_the_official_text():
    for path in KNOWLEDGE.rglob("*.md"):
        text = path.read_text(encoding="utf-8").lower()
        assert "this is the official text" not in text and "this is the authentic text" not in text, path


def test_practitioner_words_reach_the_right_articles(kb):
    topics = {a.number: " ".join(a.topics).lower() + " " + a.summary.lower() for a in kb.articles}
    assert "hacking" in topics[7]
    assert "ddos" in topics[10]
    assert "mlat" in topics[40] or "mla" in topics[40]
    assert "jit" in topics[48]


def test_only_paragraphs_seen_in_an_official_text_are_verified(kb):
    """The fact sheet saw paragraph numbers only in arts. 1-15 and in art. 64(1) and 65(1)."""
    verified = verified_paragraphs(kb.articles)
    assert verified[40] == verified[42] == frozenset()
    assert verified[65] == frozenset({"1"})
    assert all(not verified[n] for n in range(16, 64))


@pytest.mark.parametrize(
    ("text", "articles"),
    [
        ("bank secrecy cannot bar MLA (art. 40(8))", [40]),
        ("a separate mechanism (art. 40(10) to 40(12))", [40, 40]),
        ("see arts. 37(1) and 40(2)", [37, 40]),
        ("shared under art. 40(4) and (5)", [40, 40]),
        ("paragraph 8 of article 40", [40]),
        ("Article 40, paragraph 8", [40]),
        ("Art. 44 (Mutual legal assistance in accessing stored electronic data), paras 1 to 3", [44, 44]),
        ("the threshold of Budapest 24(1) is UN art. 37(1)", [37]),
        ("later parties: art. 65(2)", [65]),
        ("in force under art. 65(1); see art. 14(1)(b) and art. 2(h), (k)", []),
        ("mirrors Budapest art. 29(2) and the parent UNTOC art. 18(15)", []),
        ("cite it as art. 40 (the paragraph on bank secrecy)", []),
    ],
)
def test_inferred_paragraph_numbers_are_found_in_every_shape(text: str, articles: list[int]):
    verified = {14: frozenset({"1", "2"}), 65: frozenset({"1"})}
    assert [article for article, _, _ in inferred_references(text, verified)] == articles


# -- malformed files ---------------------------------------------------------------------------------------

GOOD = (
    "---\narticle: 7\ntitle: Illegal access\nchapter: II\ntopics: [a]\nrelated: []\n---\n## Summary\nS.\n\n### 1\nT.\n"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no front matter\n", "expected YAML front matter"),
        ("---\narticle: 7\ntitle: [unclosed\n---\n", "not valid YAML"),
        (GOOD.replace("title: Illegal access", "title: Fraud"), "does not match the article map"),
        (GOOD.replace("chapter: II", "chapter: V"), "differs from the map"),
        (GOOD.replace("related: []", "related: [99]"), "do not exist"),
        (GOOD.replace("## Summary\nS.\n", ""), "Summary"),
        (GOOD.replace("### 1\nT.\n", ""), "no '### ' paragraph"),
        (GOOD.replace("article: 7\n", ""), "required field 'article'"),
        (GOOD.replace("### 1\nT.\n", "### 1\n\n### 2\nT.\n"), "is empty"),
        (GOOD + "\n## Questions\n- What does article 7 make a crime?\n", "must not name an article number"),
        (GOOD + "\n## Questions\nIs hacking a crime?\n", "Questions take one '- question?' bullet"),
        (GOOD + "\n## Questions\n- Hacking is a crime.\n", "Questions take one '- question?' bullet"),
    ],
)
def test_malformed_article_names_file_and_problem(tiny_knowledge: Path, text: str, message: str):
    path = tiny_knowledge / "convention" / "article-07.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(tiny_knowledge)
    assert "article-07.md" in str(err.value)
    assert message in str(err.value)


def test_question_hints_are_read_in_order(tiny_knowledge: Path):
    path = tiny_knowledge / "convention" / "article-07.md"
    path.write_text(GOOD + "\n## Questions\n- Is hacking a crime?\n-   Can we prosecute  a password guesser?\n")
    article = load_knowledge(tiny_knowledge).article(7)
    assert article.questions == ("Is hacking a crime?", "Can we prosecute a password guesser?")
    assert "hacking" not in article.practice_notes + article.summary


def test_guidance_without_articles_is_rejected(tiny_knowledge: Path):
    (tiny_knowledge / "guidance" / "bad.md").write_text("---\ntitle: X\narticles: []\n---\n## A\nB\n")
    with pytest.raises(KnowledgeError, match=r"bad\.md.*at least one article"):
        load_knowledge(tiny_knowledge)


def test_file_number_must_match_front_matter(tiny_knowledge: Path):
    (tiny_knowledge / "convention" / "article-08.md").write_text(GOOD, encoding="utf-8")
    with pytest.raises(KnowledgeError, match="file name says article 8"):
        load_knowledge(tiny_knowledge)


def test_every_policy_kind_has_its_statement(kb):
    from assistant.answering.answerer import POLICY_STATEMENTS
    from assistant.prompts import policy_patterns

    cues = {"crime_help", "follow_up_start", "follow_up_pronoun", "cross_border", "domestic"}
    assert set(policy_patterns()) - cues == set(POLICY_STATEMENTS)
    headings = {s.heading for g in kb.guidance if g.kind == "absence" for s in g.sections}
    assert set(POLICY_STATEMENTS.values()) <= headings


# -- paragraph numbers not seen in an official text ----------------------------------------------------------

VERIFIED_7 = (
    GOOD.replace("chapter: II\n", 'chapter: II\nverified_paragraphs: ["1", "2"]\n')
    + "\n### 2\nA State may require that security measures were infringed.\n"
)


def test_an_article_citing_an_inferred_paragraph_is_refused(tiny_knowledge: Path):
    path = tiny_knowledge / "convention" / "article-07.md"
    path.write_text(GOOD + "\n## Practice notes\n- Extradition needs a one-year maximum (art. 37(1)).\n")
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(tiny_knowledge)
    assert "article-07.md:15" in str(err.value)
    assert "'art. 37(1)'" in str(err.value)
    assert "cite it as art. 37; the paragraph number is inferred" in str(err.value)


def test_a_guidance_note_citing_an_inferred_paragraph_is_refused(tiny_knowledge: Path):
    note = tiny_knowledge / "guidance" / "extradition.md"
    note.write_text(note.read_text() + "- Preserve the data first under paragraph 1 of article 42.\n")
    with pytest.raises(KnowledgeError, match=r"extradition\.md:8: 'paragraph 1 of article 42'.*cite it as art\. 42"):
        load_knowledge(tiny_knowledge)


def test_verified_paragraphs_other_treaties_and_comments_may_be_cited(tiny_knowledge: Path):
    (tiny_knowledge / "convention" / "article-07.md").write_text(
        VERIFIED_7 + "\n## Practice notes\n<!-- Fact row F059 (art. 37(1)). -->\n"
        "- The qualifier is in art. 7(2); the parent is Budapest art. 2, and UNTOC art. 16(1) has no twin here.\n"
    )
    assert load_knowledge(tiny_knowledge).article(7).paragraphs[0].verified


def _answer_line(tiny_knowledge: Path, answer: str) -> None:
    folder = tiny_knowledge / "answers" / "en"
    folder.mkdir(parents=True)
    (tiny_knowledge / "convention" / "article-07.md").write_text(VERIFIED_7)
    (folder / "article-07.yaml").write_text(
        f"article: 7\nanswers:\n  - q: May a State require that security measures were broken?\n"
        f"    a: '{answer}'\n    para: '2'\n"
    )


def test_an_answer_line_citing_an_inferred_paragraph_is_refused(tiny_knowledge: Path):
    _answer_line(tiny_knowledge, "Yes, and extradition then needs a one-year maximum (art. 37(1)).")
    with pytest.raises(KnowledgeError, match=r"article-07\.yaml: answer 1: 'art\. 37\(1\)'.*cite it as art\. 37;"):
        load_knowledge(tiny_knowledge)


def test_an_answer_line_citing_a_verified_paragraph_loads(tiny_knowledge: Path):
    _answer_line(tiny_knowledge, "Yes. A State may require that security measures were infringed (art. 7(2)).")
    assert next(line.text for line in load_knowledge(tiny_knowledge).answers).endswith("(art. 7(2)).")
