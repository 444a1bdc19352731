"""Index freshness, atomic swap and recovery, on a real Chroma store with the real model."""

from __future__ import annotations

import shutil

import pytest

from assistant.errors import IndexCorrupt, IndexMissing
from assistant.index import ensure_index, open_index


def test_build_then_up_to_date_then_rebuild_on_change(tiny_settings, tiny_knowledge):
    first = ensure_index(tiny_settings)
    assert first.action == "built"
    index = open_index(tiny_settings)
    assert index.manifest.count == len(index.passages) == index.vectors.shape[0] > 0
    assert first.index.manifest == first.manifest  # the caller gets the opened index, not a second read
    assert ensure_index(tiny_settings).action == "up to date"

    path = tiny_knowledge / "convention" / "article-07.md"
    path.write_text(path.read_text() + "\n### 3\nA new paragraph about botnets.\n")
    again = ensure_index(tiny_settings)
    assert again.action == "rebuilt" and "changed" in again.reason
    assert again.manifest.fingerprint != first.manifest.fingerprint
    assert any("botnets" in p.text for p in open_index(tiny_settings).passages)


def test_swap_is_a_symlink_and_old_builds_are_removed(tiny_settings):
    ensure_index(tiny_settings)
    old_target = tiny_settings.index_dir.resolve()
    ensure_index(tiny_settings, rebuild=True)
    assert tiny_settings.index_dir.is_symlink()
    assert tiny_settings.index_dir.resolve() != old_target
    assert not old_target.exists()
    assert len(list((tiny_settings.home / "index-builds").iterdir())) == 1


def test_failed_build_leaves_the_live_index_untouched(tiny_settings, tiny_knowledge):
    ensure_index(tiny_settings)
    before = tiny_settings.index_dir.resolve()
    (tiny_knowledge / "convention" / "article-07.md").write_text("broken")
    with pytest.raises(Exception, match="front matter"):
        ensure_index(tiny_settings)
    assert tiny_settings.index_dir.resolve() == before
    assert open_index(tiny_settings).manifest.count > 0


def test_missing_index_is_reported(tiny_settings):
    with pytest.raises(IndexMissing, match="uncc index"):
        open_index(tiny_settings)


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: (d / "manifest.json").unlink(),
        lambda d: (d / "manifest.json").write_text("{not json"),
        lambda d: (d / "passages.jsonl").write_text('{"id": "x"}\n'),
        lambda d: shutil.rmtree(d / "chroma"),
        lambda d: (d / "vectors.npy").write_bytes(b"garbage"),
    ],
    ids=["no-manifest", "bad-manifest", "bad-passages", "no-chroma", "bad-vectors"],
)
def test_damaged_index_is_detected_and_rebuilt(tiny_settings, damage):
    ensure_index(tiny_settings)
    damage(tiny_settings.index_dir.resolve())
    with pytest.raises(IndexCorrupt):
        open_index(tiny_settings)
    result = ensure_index(tiny_settings)
    assert result.action == "rebuilt" and "damaged" in result.reason
    assert open_index(tiny_settings).manifest.count == result.manifest.count


def test_numpy_backend_serves_an_index_copied_without_its_chroma_store(tiny_settings):
    from assistant.dense import NumpyIndex
    from assistant.settings import ChromaSettings

    built = ensure_index(tiny_settings)
    shutil.rmtree(tiny_settings.index_dir.resolve() / "chroma")
    numpy_settings = tiny_settings.model_copy(update={"chroma": ChromaSettings(backend="numpy")})
    result = ensure_index(numpy_settings)
    assert result.action == "up to date" and result.manifest == built.manifest  # nothing rebuilt
    assert isinstance(result.index.dense, NumpyIndex)
    first = result.index.passages[0]
    assert result.index.dense.query(result.index.vectors[0], 1) == [first.id]
    of42 = {p.id for p in result.index.passages if p.article == 42}
    assert set(result.index.dense.query(result.index.vectors[0], 50, article=42)) == of42
