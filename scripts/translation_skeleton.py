"""Write or refresh the skeleton of one language's unofficial translations, for a translator to fill in.

    python scripts/translation_skeleton.py fr

For every file of knowledge/answers/en/ it writes knowledge/answers/<lang>/<same name> with one entry per English
line: its `id`, `src` (a hash of the English answer, so a changed English line shows up as stale) and `a`, the
translation, kept from an existing file when its `src` still matches and empty otherwise; the English answer
is a comment above each entry. knowledge/i18n/<lang>.yaml (titles, chapter titles, summaries) and
prompts/i18n/<lang>.yaml (fixed sentences) are written only when missing, with the English as comments.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.knowledge import load_knowledge  # noqa: E402
from assistant.translations import LANGUAGES, line_hash  # noqa: E402


def _quote(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, width=10_000).removesuffix("\n...\n").strip()


def answers(lang: str) -> None:
    source = ROOT / "knowledge/answers/en"
    target = ROOT / "knowledge/answers" / lang
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "overviews" in data:
            items, prefix = data["overviews"], "overview"
        elif "article" in data:
            items, prefix = data["answers"], str(data["article"])
        else:
            items, prefix = data["answers"], f"g:{data['guidance']}"
        old_path = target / path.name
        old = {}
        if old_path.exists():
            old = {e["id"]: e for e in (yaml.safe_load(old_path.read_text(encoding="utf-8")) or {}).get("answers", [])}
        out = [
            f"# Unofficial {LANGUAGES[lang]} translation of knowledge/answers/en/{path.name}: our own words, not the",
            "# official text. Each `a` translates the English answer in the comment above it; `src` ties it to that",
            "# English line (a changed English line makes the translation stale until it is translated again).",
            f"lang: {lang}",
            "answers:",
        ]
        for number, item in enumerate(items, start=1):
            english = " ".join(str(item["a"]).split())
            key = f"{prefix}:{number}"
            src = line_hash(english)
            kept = old.get(key, {})
            text = kept.get("a", "") if kept.get("src") == src else ""
            out += [f"  # en: {english}", f"  - id: {_quote(key)}", f"    src: {_quote(src)}", f"    a: {_quote(text)}"]
        old_path.write_text("\n".join(out) + "\n", encoding="utf-8")


def titles(lang: str) -> None:
    path = ROOT / "knowledge/i18n" / f"{lang}.yaml"
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    articles = load_knowledge(ROOT / "knowledge").articles
    chapters = {}
    for a in articles:
        chapters.setdefault(a.chapter, a.chapter_title)
    out = [
        f"# Unofficial {LANGUAGES[lang]} translation of the article titles, chapter titles and summaries of our",
        "# restatement (knowledge/convention/): our own words, not the official text.",
        f"lang: {lang}",
        "chapters:",
    ]
    out += [f"  # en: {title}\n  {key}: ''" for key, title in chapters.items()]
    out.append("titles:")
    out += [f"  # en: {a.title}\n  {a.number}: ''" for a in articles]
    out.append("summaries:")
    for a in articles:
        out.append(f"  # en: {' '.join(a.summary.split())}\n  {a.number}: ''")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def messages(lang: str) -> None:
    path = ROOT / "prompts/i18n" / f"{lang}.yaml"
    if path.exists():
        return
    english = yaml.safe_load((ROOT / "prompts/i18n/en.yaml").read_text(encoding="utf-8"))
    base = yaml.safe_load((ROOT / "prompts/messages.yaml").read_text(encoding="utf-8"))
    out = [
        f"# Fixed sentences and words of answers in {LANGUAGES[lang]} (unofficial translation of prompts/messages.yaml",
        "# and prompts/i18n/en.yaml). Keep every {placeholder} exactly as in English.",
        "words:",
    ]
    # The note for languages outside the six is always English, so it is not translated.
    words = {k: v for k, v in english["words"].items() if k != "unsupported"}
    out += [f"  # en: {_quote(v)}\n  {_quote(k)}: ''" for k, v in words.items()]
    out.append("messages:")
    out += [f"  # en: {_quote(' '.join(str(v).split()))}\n  {k}: ''" for k, v in base.items()]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    for code in sys.argv[1:]:
        answers(code)
        titles(code)
        messages(code)
