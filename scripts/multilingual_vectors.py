"""Embed the knowledge's passages with the multilingual model and store them in knowledge/vectors/ (float16,
keyed by a hash of the model and the texts), so that index builds copy them instead of embedding for minutes;
then the answer lines as translated into each other language (knowledge/vectors/answers-<lang>.*, only the
lines whose text changed are embedded again).

    make vectors        # after any change to knowledge/convention, knowledge/guidance or knowledge/answers

tests/test_multilingual.py fails while the shipped vectors do not match the knowledge.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.index import ship_multilingual
from assistant.line_vectors import ship_translations
from assistant.settings import Settings

if __name__ == "__main__":
    print(f"Wrote {ship_multilingual(Settings())}")
    for path in ship_translations(Settings()):
        print(f"Wrote {path}")
