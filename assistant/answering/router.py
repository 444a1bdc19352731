"""One answerer per language: each question goes to the answerer of the language it is written in.

English questions keep the English pipeline unchanged. A question in French, Spanish, Russian, Arabic or Chinese
is searched with the multilingual model and answered in its language; one in a language outside the six is
searched the same way and answered in English, with a note saying which languages are supported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from assistant.answering.answerer import Answerer
from assistant.answering.state import Turn
from assistant.errors import InvalidInput
from assistant.language import Detected
from assistant.records import Answer
from assistant.translations import Language

OTHER = "other"  # the answerer for languages outside the six: multilingual search, English answers


class LanguageRouter:
    def __init__(self, answerers: dict[str, Answerer], detect: Callable[[str], Detected], unsupported: str):
        self.answerers = answerers
        self.detect = detect
        self.unsupported = unsupported  # the note for a language outside the six, in English

    @property
    def english(self) -> Answerer:
        return self.answerers["en"]

    @property
    def llm(self):
        return self.english.llm

    @property
    def max_question_chars(self) -> int:
        return self.english.max_question_chars

    def wording(self, code: str) -> Language:
        """The words and fixed sentences of answers in this language (English where it has none)."""
        return self.answerers.get(code, self.english).language

    def clear_cache(self) -> None:
        for answerer in self.answerers.values():
            answerer.clear_cache()

    def route(self, question: object, lang: str | None = None) -> tuple[Answerer, bool]:
        """The answerer for this question (`lang` overrides detection), and whether its language is supported."""
        if lang:
            if lang not in self.answerers or lang == OTHER:
                languages = ", ".join(k for k in self.answerers if k != OTHER)
                raise InvalidInput(f"Unknown answer language {lang!r}; choose one of {languages}.")
            return self.answerers[lang], True
        if not isinstance(question, str) or not question.strip():
            return self.english, True
        found = self.detect(question)
        if not found.supported:
            return self.answerers.get(OTHER, self.english), False
        return self.answerers.get(found.code, self.english), True

    def answer(self, question: object, previous: Turn | None = None, *, lang: str | None = None) -> Answer:
        answerer, supported = self.route(question, lang)
        answer = answerer.answer(question, previous)
        return answer if supported else self._noted(answer)

    def stream(
        self, question: object, previous: Turn | None = None, *, lang: str | None = None
    ) -> Iterator[str | Answer]:
        answerer, supported = self.route(question, lang)
        for item in answerer.stream(question, previous):
            yield item if supported or isinstance(item, str) else self._noted(item)

    def _noted(self, answer: Answer) -> Answer:
        return answer.model_copy(
            update={"text": f"{answer.text}\n\n_Note: {self.unsupported}_", "notes": (*answer.notes, self.unsupported)}
        )
