"""Shared fixtures. Every test gets its own data directory; the real model and a real Chroma store are used."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser_support import app_url, browser, page  # noqa: F401  # fixtures, registered for every module

from assistant.settings import PROJECT_ROOT, Settings, get_settings

KNOWLEDGE = PROJECT_ROOT / "knowledge"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Point every data path at tmp_path, so no test touches a user's .uncc/ or another test's files."""
    monkeypatch.setenv("UNCC_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home")


def _write_article(folder: Path, number: int, title: str, chapter: str, body: str, related=()) -> None:
    folder.joinpath(f"article-{number:02d}.md").write_text(
        f"---\narticle: {number}\ntitle: {title}\nchapter: {chapter}\ntopics: [test]\n"
        f"related: {list(related)}\nmirrors: []\nconfidence: medium\n---\n{body}",
        encoding="utf-8",
    )


@pytest.fixture
def tiny_knowledge(tmp_path: Path) -> Path:
    """Three small articles and one guidance note, with the real article map: fast to index."""
    root = tmp_path / "knowledge"
    (root / "convention").mkdir(parents=True)
    (root / "guidance").mkdir()
    shutil.copy(KNOWLEDGE / "convention" / "map.json", root / "convention" / "map.json")
    conv = root / "convention"
    _write_article(
        conv,
        7,
        "Illegal access",
        "II",
        "## Summary\nHacking: entering a computer system without right is an offence.\n\n"
        "### 1\nEach State Party makes intentional access without right to an ICT system a criminal offence.\n\n"
        "### 2\nA State may require that security measures were infringed.\n",
    )
    _write_article(
        conv,
        37,
        "Extradition",
        "V",
        "## Summary\nSurrender of fugitives between States for offences under the convention.\n\n"
        "### 1\nExtradition applies where the conduct is punishable in both States by at least one year.\n\n"
        "### Later paragraphs (numbering not established)\n"
        "- **Nationals**: a State that does not extradite its nationals must submit the case for prosecution.\n"
        "- **Discrimination**: no duty to extradite where the request aims to punish a person for their sex,\n"
        "  race, religion, nationality, ethnic origin or political opinions.\n",
        related=[7],
    )
    _write_article(
        conv,
        42,
        "International cooperation for the purpose of expedited preservation of stored electronic data",
        "V",
        "## Summary\nQuick freeze of stored data abroad until a mutual legal assistance request follows.\n\n"
        "### 1\nA State Party may ask another to preserve data stored in its territory quickly.\n\n"
        "## Practice notes\n- Send it through the 24/7 network when time is short.\n",
        related=[37],
    )
    (root / "guidance" / "extradition.md").write_text(
        "---\ntitle: Extradition in practice\narticles: [37]\ntopics: [fugitive]\n---\n"
        "## When to use it\nWhen the suspect is abroad and you want them surrendered.\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture
def tiny_settings(tmp_path: Path, tiny_knowledge: Path) -> Settings:
    return Settings(home=tmp_path / "home", knowledge_dir=tiny_knowledge)


@pytest.fixture(scope="session")
def full_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding an index of the real knowledge base, built once per test session."""
    from assistant.index import ensure_index

    home = tmp_path_factory.mktemp("full-home")
    ensure_index(Settings(home=home))
    return home


@pytest.fixture(scope="session")
def full_runtime(full_home: Path):
    """The real knowledge base, index, model and retriever, opened once per test session."""
    from assistant.runtime import load_runtime

    return load_runtime(Settings(home=full_home), ensure=False)
