"""Which language a question is in: one of the convention's six, or another one.

lingua, kept to the six languages, decides among them (right on every full and mixed question of the probe in
docs/evaluation.md, 0.2 ms a call); py3langid, over its 97 languages, tells a language outside the six, which a
detector kept to six would file under the nearest of them (Ukrainian under Russian, Portuguese under Spanish).
A mixed question, English legal terms inside a Spanish sentence, takes the sentence's language.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

SIX = ("en", "fr", "es", "ru", "ar", "zh")
LETTERS = re.compile(r"[^\W\d_]+")  # words of any script
# Below this many letters a question is too short to tell a language outside the six from a term of ours.
MIN_OTHER_LETTERS = 20
# Common English function words that French, Spanish, Portuguese, Italian and German do not also use.
ENGLISH_MARKERS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "is",
        "are",
        "be",
        "been",
        "can",
        "could",
        "does",
        "did",
        "how",
        "what",
        "which",
        "who",
        "whom",
        "when",
        "where",
        "why",
        "if",
        "or",
        "not",
        "for",
        "with",
        "at",
        "by",
        "from",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "we",
        "our",
        "us",
        "you",
        "your",
        "they",
        "their",
        "them",
        "he",
        "his",
        "she",
        "her",
        "my",
        "may",
        "must",
        "should",
        "would",
        "shall",
        "has",
        "have",
        "had",
        "there",
        "any",
        "all",
        "about",
        "under",
        "between",
        "into",
        "than",
        "then",
        "also",
        "only",
        "such",
        "each",
        "other",
        "another",
        "own",
        "after",
        "before",
        "whether",
    ]
)
MIN_LETTERS = 12  # a word or two is too little to tell a language from a term the knowledge base lacks


@dataclass(frozen=True)
class Detected:
    code: str  # ISO 639-1: one of SIX, or the language outside them
    supported: bool


class Detector:
    def __init__(self):
        from lingua import Language, LanguageDetectorBuilder
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        six = [Language.ENGLISH, Language.FRENCH, Language.SPANISH, Language.RUSSIAN, Language.ARABIC, Language.CHINESE]
        self._six = LanguageDetectorBuilder.from_languages(*six).build()
        self._all = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        self._lock = threading.Lock()  # py3langid keeps per-call state on the identifier

    def detect(self, text: str) -> Detected:
        found = self._six.detect_language_of(text)
        code = found.iso_code_639_1.name.lower() if found else "en"
        letters = sum(map(len, LETTERS.findall(text)))
        if letters >= MIN_OTHER_LETTERS:
            with self._lock:
                other, confidence = self._all.classify(text)
            # Only a confident verdict: English legal terms in a short question read as Portuguese or Galician.
            if other not in SIX and confidence >= 0.9 and not _english_terms_only(text, code):
                return Detected(other, False)
        return Detected(code, True)


def _english_terms_only(text: str, code: str) -> bool:
    return code == "en" and any(w.lower() in ENGLISH_MARKERS for w in LETTERS.findall(text))


@lru_cache(maxsize=1)
def get_detector() -> Detector:
    """The one detector of this process (lingua's six models load in about a second)."""
    return Detector()


def reads_as_english(text: str, known_share: Callable[[str], float], min_known: float) -> bool:
    """False for a question with no English function word whose words the knowledge base mostly does not use
    (`known_share`, the Speller's measure, asked only when the function words leave it open): off-topic English
    ("how do I bake bread?") and bare keyword queries ("dual criminality extradition") still read as English."""
    words = [w.lower() for w in LETTERS.findall(text)]
    if sum(map(len, words)) < MIN_LETTERS or any(w in ENGLISH_MARKERS for w in words):
        return True
    return known_share(text) >= min_known
