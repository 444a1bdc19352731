"""Ingest the authentic text of the convention from the user's PDF, DOCX, HTML or TXT file.

detect (format from magic bytes) -> extract / pdf (lines) -> clean (layout artefacts) -> parse (articles)
-> validate (against the article map) -> api.ingest_file (store) ; cli registers `uncc ingest`.
"""

from assistant.ingest.api import ingest_file
from assistant.ingest.parse import LANGUAGES
from assistant.ingest.report import IngestReport, render_report
from assistant.ingest.validate import TitleMismatch

__all__ = ["LANGUAGES", "IngestReport", "TitleMismatch", "ingest_file", "render_report"]
