"""Small pure text helpers shared by retrieval and answering."""

from __future__ import annotations

import re
import threading
import unicodedata

import snowballstemmer

from assistant.errors import InvalidInput

WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "could",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "may",
        "me",
        "must",
        "of",
        "on",
        "or",
        "our",
        "should",
        "so",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "under",
        "us",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
        "about",
        "any",
        "also",
        "into",
        "not",
        "no",
        "than",
    }
)


# Every passage is about this convention, so naming it ("under the UN cybercrime treaty") carries no signal and
# only pulls generic passages (art. 1, the final clauses) up; it is dropped before ranking.
# "the UN cybercrime convention", "the Hanoi Convention", "UNCC", "UNCAC"-free: names of this convention say
# nothing about the subject of a question, and would pull it towards passages that name the convention.
SELF_REFERENCE = re.compile(
    r"\b(?:(?:of|in|under|by|from)\s+)?(?:the\s+)?(?:(?:UN|U\.N\.|united nations|hanoi)\s+)?"
    r"(?:cyber[- ]?crime\s+)?(?:convention|treaty)(?:\s+against\s+cybercrime)?(?:'s)?\b"
    r"|\b(?:(?:of|in|under|by|from)\s+)?(?:the\s+)?UNCC\b",
    re.I,
)


# ...except where the question is about the name itself ("why is it called the Hanoi Convention?", "the
# 'Hanoi Convention'"): there the name is the subject, and dropping it left nothing to find the answer with.
NAMING = re.compile(r"(?:\bcall(?:ed|s)?(?:\s+it)?|\bknown\s+as|\bnamed?|\bnicknamed?|\btitled?)\s+(?:the\s+)?$", re.I)
QUOTES = tuple("'\"‘’“”")


def _drop_reference(match: re.Match) -> str:
    before, after = match.string[: match.start()], match.string[match.end() :]
    quoted = before.endswith(QUOTES) and after.startswith(QUOTES)
    return match.group(0) if quoted or NAMING.search(before[-40:]) else " "


def without_self_reference(text: str) -> str:
    stripped = " ".join(SELF_REFERENCE.sub(_drop_reference, text).split())
    return stripped if any(ch.isalnum() for ch in stripped) else text


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


# A Snowball stemmer keeps the word it works on in itself: one shared by the web app's threads mixed up two
# questions' words (an IndexError under `make loadtest`). Each thread has its own.
_LOCAL = threading.local()


def _stemmer():
    stemmer = getattr(_LOCAL, "stemmer", None)
    if stemmer is None:
        stemmer = _LOCAL.stemmer = snowballstemmer.stemmer("english")
    return stemmer


def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def tokens(text: str) -> list[str]:
    """BM25 terms: lower-case words, stop words dropped, Snowball-stemmed so "extradite" meets "extradition"."""
    return _stemmer().stemWords([w for w in WORD.findall(text.lower()) if w not in STOPWORDS])
