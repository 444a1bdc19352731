"""The receiving desk: check an incoming request against the convention's forms and draft the reply.

reader (file -> lines, with the ingest extractors) -> segment (headings, paragraphs, sentences) -> matcher
(similarities by meaning and structure, decisions) -> considerations and reply -> api.Reviewer; cli registers
`uncc review`. See docs/review.md.
"""

from assistant.review.api import Reviewer
from assistant.review.errors import NotARequest, UnreadableRequest
from assistant.review.model import ElementResult, Review

__all__ = ["ElementResult", "NotARequest", "Review", "Reviewer", "UnreadableRequest"]
