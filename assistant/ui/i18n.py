"""The page in the six languages of the convention.

prompts/ui.yaml holds the page's English wording; prompts/i18n/ui/<lang>.yaml our own, unofficial translation of
every entry into each of the five other languages, with the same {placeholders} (checked here, at every start).

A wording reaches the page in one of two ways:
- a fixed label, button, tab name, placeholder or help line is a Gradio translation key (`label("name_ask")`):
  the browser shows it in the page's language, and a change of language relabels the page without a round trip;
- a sentence with {placeholders}, or one that depends on what is shown (the reader's article and chapters), is
  filled in on the server (`page_text(lang, key, ...)`) in the page's language (`page_language(request)`).

The page's language follows the browser's preferred languages (the first of the six, else English) until the
user picks one in the selector; this browser then keeps the choice in a cookie, which the server reads too. It
sets the interface only: an answer is always in the language of its question.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import gradio as gr
import yaml
from gradio.i18n import I18nData

from assistant.errors import AssistantError
from assistant.prompts import PLACEHOLDER, PROMPTS, checked_wording
from assistant.translations import BIDI, LANGUAGES
from assistant.ui.ask import RIGHT_TO_LEFT

COOKIE = "uncc-lang"
# Gradio's own wording (its upload boxes, buttons of the chat) has a Chinese of "zh-CN", not "zh"; our
# translations, registered as "zh", are found from it.
BROWSER_LOCALE = {"zh": "zh-CN"}


@cache
def ui_wording(folder: Path = PROMPTS) -> dict[str, dict[str, str]]:
    """Every entry of prompts/ui.yaml in the six languages, by language code, checked: each translation has
    every English entry, no other, the same placeholders, and no bidirectional control characters."""
    path = folder / "ui.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise AssistantError(f"{path} is missing or not valid YAML ({exc}); restore it from git.") from exc
    if not isinstance(raw, dict):
        raise AssistantError(f"{path} must map each entry's name to its text; restore it from git.")
    expected = {key: set(PLACEHOLDER.findall(str(value))) for key, value in raw.items()}
    out = {"en": checked_wording(path, expected)}
    for code in (c for c in LANGUAGES if c != "en"):
        translated = folder / "i18n" / "ui" / f"{code}.yaml"
        out[code] = checked_wording(translated, expected)
        extra = sorted(set(yaml.safe_load(translated.read_text(encoding="utf-8"))) - set(expected))
        if extra:
            raise AssistantError(f"{translated} has entries prompts/ui.yaml does not: {extra}; remove them.")
        marked = [key for key, value in out[code].items() if BIDI.search(value)]
        if marked:
            raise AssistantError(f"{translated}: {marked} hold bidirectional control characters; remove them.")
    return out


def translations(extra: Mapping[str, Mapping[str, str]] | None = None) -> gr.I18n:
    """The page's fixed wording for Gradio, by language: the entries without placeholders (those with
    placeholders are filled in on the server), and `extra` wording the page builds itself (the forms' fields,
    by language, under keys of their own)."""
    fixed = {
        code: {key: value for key, value in words.items() if not PLACEHOLDER.search(value)}
        | dict((extra or {}).get(code, {}))
        for code, words in ui_wording().items()
    }
    return gr.I18n(**fixed)


def label(key: str) -> I18nData:
    """A fixed label for a component: shown by the browser in the page's language."""
    value = ui_wording()["en"].get(key)
    if value is None or PLACEHOLDER.search(value):
        raise AssistantError(f"prompts/ui.yaml has no fixed entry '{key}' (one without placeholders).")
    return I18nData(key)


def page_text(lang: str, key: str, **values: object) -> str:
    """One entry in the language `lang` (English for any other code), its placeholders filled in."""
    words = ui_wording()
    return words.get(lang, words["en"])[key].format(**values)


def language_code(value: object) -> str:
    """The language code the page sent, or English for anything else."""
    return value if isinstance(value, str) and value in LANGUAGES else "en"


def language_choices() -> list[tuple[str, str]]:
    """('Français', 'fr') for each of the six languages: each named in its own language."""
    return [(words["language_name"], code) for code, words in ui_wording().items()]


def page_language(request: gr.Request | None) -> str:
    """The page's language for a request: the user's choice (the cookie), else the first of the browser's
    preferred languages (Accept-Language) among the six, else English."""
    if request is None:
        return "en"
    chosen = request.cookies.get(COOKIE) if hasattr(request, "cookies") else None
    if chosen in LANGUAGES:
        return chosen
    return preferred(request.headers.get("accept-language", ""))


def preferred(accept_language: str) -> str:
    """The first language of an Accept-Language header ("fr-CH, fr;q=0.9, en;q=0.8") among the six, by
    weight; English when none is."""
    ranked = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, weight = part.strip().partition(";q=")
        try:
            q = float(weight) if weight else 1.0
        except ValueError:
            continue
        ranked.append((-q, position, tag.split("-")[0].lower()))
    return next((code for _, _, code in sorted(ranked) if code in LANGUAGES), "en")


# The browser's side: `start()` applies the language on load (the cookie, else the browser's) and returns it
# for the selector; `choose(code)` keeps the user's choice and applies it. Applying sets the page's direction
# and tells Gradio's own translation layer (its `changeLocale`, in the module the page already loaded; found
# by its file name, and only if present: without it the labels change at the next load).
# Gradio marks each Markdown block dir="ltr": on a right-to-left page they follow the page, and each paragraph
# takes the direction of its own first letter, so the English restatement still reads left to right.
LANGUAGE_HEAD = """<style>
html[dir="rtl"] .block[dir="ltr"] { direction: rtl; }
html[dir="rtl"] .block[dir="ltr"] :is(p, li, h1, h2, h3, h4, blockquote) { unicode-bidi: plaintext; text-align: start; }
</style>
<script>
(() => {
  const { codes, locales, rtl, cookie } = SETTINGS;
  const apply = async (code) => {
    document.documentElement.dir = rtl.includes(code) ? "rtl" : "ltr";
    const core = performance.getEntriesByType("resource").map((e) => e.name)
      .find((name) => /\\/assets\\/core-[^/]*\\.js$/.test(name));
    if (core) (await import(core)).changeLocale(locales[code] || code);
  };
  const kept = () => {
    const found = document.cookie.split("; ").find((c) => c.startsWith(cookie + "="));
    return found ? found.slice(cookie.length + 1) : null;
  };
  const browser = () => (navigator.languages || [navigator.language])
    .map((tag) => String(tag).split("-")[0].toLowerCase()).find((code) => codes.includes(code));
  window.unccLanguage = {
    start() {
      const code = [kept(), browser(), "en"].find((c) => codes.includes(c));
      apply(code);
      return code;
    },
    choose(code) {
      if (!codes.includes(code)) return;
      document.cookie = `${cookie}=${code}; path=/; max-age=31536000; SameSite=Lax`;
      apply(code);
    },
  };
})();
</script>""".replace(
    "SETTINGS",
    json.dumps({"codes": list(LANGUAGES), "locales": BROWSER_LOCALE, "rtl": sorted(RIGHT_TO_LEFT), "cookie": COOKIE}),
)
START_JS = "() => (window.unccLanguage ? window.unccLanguage.start() : 'en')"
CHOOSE_JS = "(code, ...rest) => { window.unccLanguage?.choose(code); return [code, ...rest]; }"
