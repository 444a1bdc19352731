"""Repair typing slips in a question ("extradtion", "jurisdicton") against the knowledge base's own words.

A long lower-case word whose stem the knowledge base never uses is replaced by the one known word it is a
near-miss of. Known words and their other forms ("attacked" when "attack" is known), short words, capitalised
words (names: "Australian" is not a slip for "australia"), numbers and words without a close match are left
alone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from difflib import SequenceMatcher
from functools import lru_cache

from assistant.language import LETTERS
from assistant.text import stem

WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
# Shorter words have too many real neighbours ("cashes" / "crashes") to correct safely.
MIN_LENGTH = 8
SIMILARITY = 0.9  # SequenceMatcher ratio a correction needs: one slip in a 10-letter word is about 0.95
# An answer reads the same question's words two or three times (retrieval, answer vector, language check).
WORD_CACHE = 4096


class Speller:
    def __init__(self, texts: Iterable[str]):
        self._known = {w.lower() for text in texts for w in WORD.findall(text)}
        self._stems = {stem(w) for w in self._known}
        # Candidates are looked up by first letter and length, which keeps a correction well under a millisecond.
        self._by_key: dict[tuple[str, int], list[str]] = defaultdict(list)
        for word in self._known:
            if len(word) >= MIN_LENGTH - 1:
                self._by_key[(word[0], len(word))].append(word)
        self._word = lru_cache(maxsize=WORD_CACHE)(self._closest_known)

    def known_share(self, text: str) -> float:
        """The share of the text's lower-case words, in any script, that the knowledge base uses in some form
        (1.0 when there are none). Capitalised words are left out: names say nothing about the language."""
        words = [w for w in LETTERS.findall(text) if w == w.lower()]
        if not words:
            return 1.0
        return sum(w in self._known or stem(w) in self._stems for w in words) / len(words)

    def correct(self, text: str) -> str:
        return WORD.sub(lambda m: self._word(m.group(0)), text)

    def _closest_known(self, word: str) -> str:
        lower = word.lower()
        if len(word) < MIN_LENGTH or word != lower or "'" in word or stem(lower) in self._stems:
            return word
        best, score = word, SIMILARITY
        for length in (len(lower) - 1, len(lower), len(lower) + 1):
            for candidate in self._by_key.get((lower[0], length), ()):
                ratio = SequenceMatcher(None, lower, candidate).ratio()
                if ratio > score:
                    best, score = candidate, ratio
        return best
