"""Forms and wording templates: they load, and every element cites an article that really says it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from assistant.drafting import api
from assistant.drafting.forms import load_form
from assistant.errors import DraftError, KnowledgeError
from assistant.knowledge import load_map
from assistant.settings import PROJECT_ROOT, Settings

KNOWLEDGE = PROJECT_ROOT / "knowledge"
TYPES = ["confiscation", "extradition", "jit", "mla", "preservation", "traffic-disclosure", "transfer-proceedings"]

# The articles each type may cite, from ../shared/convention/facts.md. A wrong article number is the worst
# bug this desk can have, so any new citation has to be added here on purpose.
ALLOWED_ARTICLES = {
    "mla": {40, 41, 42, 44},
    "preservation": {41, 42},
    "traffic-disclosure": {41, 42, 43},
    "extradition": {37},
    "jit": {5, 48},
    "transfer-proceedings": {39},
    "confiscation": {40, 49, 50, 52},
}
LEGAL_BASIS = {
    "mla": 40,
    "preservation": 42,
    "traffic-disclosure": 43,
    "extradition": 37,
    "jit": 48,
    "transfer-proceedings": 39,
    "confiscation": 50,
}
# Words the article map's title must contain: ties each number to its subject.
SUBJECT = {
    5: "sovereignty",
    37: "extradition",
    39: "transfer of criminal proceedings",
    40: "mutual legal assistance",
    41: "24/7",
    42: "preservation",
    43: "traffic data",
    44: "stored electronic data",
    48: "joint investigations",
    49: "recovery of property",
    50: "confiscation",
    52: "return and disposal",
}
PARAGRAPH_CITATION = re.compile(r"\b(art\.?|article)\s*\d{1,2}\s*\(\d", re.I)


def test_every_type_has_a_form() -> None:
    assert api.list_types() == TYPES


@pytest.mark.parametrize("request_type", TYPES)
def test_form_cites_only_the_articles_that_govern_it(request_type: str) -> None:
    form = api.form(request_type)
    assert form.legal_basis.article == LEGAL_BASIS[request_type]
    assert set(form.articles) <= ALLOWED_ARTICLES[request_type]
    titles = load_map(KNOWLEDGE)
    for number in form.articles:
        assert SUBJECT[number] in titles[number].title.lower()


@pytest.mark.parametrize("request_type", TYPES)
def test_no_paragraph_numbers_anywhere_in_forms_or_templates(request_type: str) -> None:
    form_text = str(api.form(request_type).model_dump())
    template = (PROJECT_ROOT / "prompts" / "drafting" / f"{request_type}.md.j2").read_text(encoding="utf-8")
    assert not PARAGRAPH_CITATION.search(form_text)
    assert not PARAGRAPH_CITATION.search(template)


def test_art_51_is_never_cited() -> None:
    assert all(51 not in api.form(t).articles for t in TYPES)


def test_extradition_contents_are_good_practice_except_basis_and_threshold() -> None:
    form = api.form("extradition")
    on_convention = {f.name for f in form.fields if f.basis.kind == "convention"}
    assert on_convention == {"treaty_basis", "dual_criminality", "provisional_arrest"}
    assert "one year" in form.field("dual_criminality").basis.note


def test_jit_agreement_elements_are_good_practice_except_sovereignty() -> None:
    form = api.form("jit")
    on_convention = [f for f in form.fields if f.basis.kind == "convention"]
    assert [f.name for f in on_convention] == ["operating_states"]
    assert on_convention[0].basis.articles == (48, 5)
    assert all("Eurojust" in (f.basis.source or "") for f in form.fields if f.basis.kind == "good-practice")


def test_basis_labels() -> None:
    form = api.form("jit")
    assert form.field("operating_states").basis.label == "Art. 48, see also Art. 5"
    assert form.field("costs").basis.label == "good practice: Eurojust/Europol JIT model agreement"


def test_unknown_type_lists_the_valid_ones() -> None:
    with pytest.raises(DraftError) as err:
        api.form("mutual-assistance")
    assert "mutual-assistance" in str(err.value)
    assert ", ".join(TYPES) in str(err.value)


def test_a_type_name_cannot_reach_outside_the_forms_folder() -> None:
    with pytest.raises(DraftError, match="Unknown request type"):
        api.form("../forms/mla")


# -- a malformed form is a knowledge error that names the file ------------------------------------------

GOOD_FIELD = "{name: facts, label: Facts, type: long_text, required: true, basis: {kind: convention, article: 42}}"


def _form(tmp_path: Path, fields: str, extra: str = "", name: str = "preservation") -> Path:
    root = tmp_path / "knowledge"
    (root / "forms").mkdir(parents=True)
    (root / "forms" / f"{name}.yaml").write_text(
        f"type: preservation\ntitle: T\nsummary: S\nlegal_basis: {{kind: convention, article: 42}}\n{extra}"
        f"fields:\n  - {fields}\n",
        encoding="utf-8",
    )
    return root


@pytest.mark.parametrize(
    ("field", "problem"),
    [
        (GOOD_FIELD.replace("article: 42", "article: 69"), "do not exist"),
        (GOOD_FIELD.replace("article: 42", "article: 42, source: UNODC"), "no 'source'"),
        (GOOD_FIELD.replace("kind: convention, article: 42", "kind: good-practice"), "needs 'source'"),
        (
            GOOD_FIELD.replace("kind: convention, article: 42", "kind: good-practice, source: X, article: 42"),
            "no article",
        ),
        (GOOD_FIELD.replace("long_text", "essay"), "type"),
        (GOOD_FIELD.replace("long_text", "date, min_words: 30"), "min_words"),
        (GOOD_FIELD.replace("long_text", "text, choices: [a]"), "choices"),
        (GOOD_FIELD.replace("name: facts", "name: Facts Field"), "snake_case"),
        (GOOD_FIELD.replace("name: facts", "name: form"), "snake_case"),
        (GOOD_FIELD.replace("long_text", "date, not_before: start"), "not_before"),
        (GOOD_FIELD.replace("article: 42}", "article: 42, paragraph: 3}"), "basis.paragraph"),
        (GOOD_FIELD + "\n  - " + GOOD_FIELD, "twice"),
    ],
)
def test_malformed_form_is_rejected_with_its_file(tmp_path: Path, field: str, problem: str) -> None:
    root = _form(tmp_path, field)
    with pytest.raises(KnowledgeError) as err:
        load_form(root, "preservation")
    assert "preservation.yaml" in str(err.value)
    assert problem in str(err.value)


def test_form_type_must_match_its_file_name(tmp_path: Path) -> None:
    root = _form(tmp_path, GOOD_FIELD, name="mla")
    with pytest.raises(KnowledgeError, match="differs from the file name"):
        load_form(root, "mla")


def test_form_file_with_invalid_yaml(tmp_path: Path) -> None:
    root = _form(tmp_path, GOOD_FIELD)
    (root / "forms" / "preservation.yaml").write_text("type: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="cannot be read as YAML"):
        load_form(root, "preservation")


# -- templates are checked against their form ----------------------------------------------------------


def _prompts(tmp_path: Path, template: str) -> Settings:
    folder = tmp_path / "prompts" / "drafting"
    folder.mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "prompts" / "drafting" / "_annex.md.j2", folder)
    shutil.copytree(PROJECT_ROOT / "prompts" / "drafting" / "i18n", folder / "i18n")
    (folder / "preservation.md.j2").write_text(template, encoding="utf-8")
    return Settings(home=tmp_path / "home", prompts_dir=tmp_path / "prompts")


def test_template_that_drops_a_required_element_is_refused(tmp_path: Path) -> None:
    source = (PROJECT_ROOT / "prompts" / "drafting" / "preservation.md.j2").read_text(encoding="utf-8")
    settings = _prompts(tmp_path, source.replace("{{ necessity }}", ""))
    with pytest.raises(KnowledgeError, match=r"never prints the required elements \['necessity'\]"):
        api.draft_markdown("preservation", api.example_case("preservation"), settings)


def test_template_that_uses_an_unknown_variable_is_refused(tmp_path: Path) -> None:
    source = (PROJECT_ROOT / "prompts" / "drafting" / "preservation.md.j2").read_text(encoding="utf-8")
    settings = _prompts(tmp_path, source + "{{ suspect_name }}\n")
    with pytest.raises(KnowledgeError, match="suspect_name"):
        api.draft_markdown("preservation", api.example_case("preservation"), settings)


def test_template_syntax_error_names_the_line(tmp_path: Path) -> None:
    settings = _prompts(tmp_path, "# Title\n\n{% if facts.present %}\n")
    with pytest.raises(KnowledgeError, match=r"preservation\.md\.j2:\d+: template syntax error"):
        api.draft_markdown("preservation", {}, settings)
