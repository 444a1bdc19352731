"""Embed the knowledge's passages with the multilingual model and store them in knowledge/vectors/ (float16,
keyed by a hash of the model and the texts), so that index builds copy them instead of embedding for minutes.

    make vectors        # after any change to knowledge/convention, knowledge/guidance or knowledge/answers/en

tests/test_multilingual.py fails while the shipped vectors do not match the knowledge.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.index import ship_multilingual
from assistant.settings import Settings

if __name__ == "__main__":
    print(f"Wrote {ship_multilingual(Settings())}")
