"""Whether a question is in English, the language of the knowledge base and of the embedding model."""

from __future__ import annotations

import re
from collections.abc import Callable

LETTERS = re.compile(r"[^\W\d_]+")  # words of any script
# Common English function words that French, Spanish, Portuguese, Italian and German do not also use
# ("a", "i", "in", "on", "do", "die", "was", "will", "no", "me" are left out for that reason).
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


def reads_as_english(text: str, known_share: Callable[[str], float], min_known: float) -> bool:
    """False for a question with no English function word whose words the knowledge base mostly does not use
    (`known_share`, the Speller's measure, asked only when the function words leave it open): off-topic English
    ("how do I bake bread?") and bare keyword queries ("dual criminality extradition") still read as English."""
    words = [w.lower() for w in LETTERS.findall(text)]
    if sum(map(len, words)) < MIN_LETTERS or any(w in ENGLISH_MARKERS for w in words):
        return True
    return known_share(text) >= min_known
