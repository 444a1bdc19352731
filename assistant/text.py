"""Small pure text helpers shared by retrieval and answering."""

from __future__ import annotations

import re
import unicodedata

from assistant.errors import InvalidInput

WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    "a an and are as at be by can could do does for from has have how i if in is it its may me must of on or "
    "our should so that the their then there these they this to under us was we what when where which who "
    "will with would you your about any also into not no than".split()
)


def clean_query(text: object, max_chars: int) -> str:
    """Normalise a user's query: drop control characters, fold whitespace, cut to max_chars."""
    if not isinstance(text, str):
        raise InvalidInput("The question must be text.")
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = " ".join(text.split())[:max_chars].strip()
    if not any(ch.isalnum() for ch in text):
        raise InvalidInput("The question is empty: type a question about the convention.")
    return text


def _stem(word: str) -> str:
    # A light plural fold so "requests" meets "request"; a full stemmer buys little on legal prose and
    # mangles terms ("purposes" must still meet "purpose").
    if len(word) <= 4:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    return [_stem(w) for w in WORD.findall(text.lower()) if w not in STOPWORDS]
