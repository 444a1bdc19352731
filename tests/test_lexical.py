import numpy as np
from rank_bm25 import BM25Okapi

from assistant.lexical import LexicalIndex

DOCS = [
    ["extradit", "nation", "refus"],
    ["preserv", "data", "day", "data"],
    ["mutual", "legal", "assist", "request", "refus"],
    ["extradit", "request", "provision", "arrest", "extradit"],
]


def test_scores_equal_bm25okapi():
    ours, reference = LexicalIndex(DOCS), BM25Okapi(DOCS)
    for query in (["extradit"], ["refus", "request"], ["data", "unknown"], [], ["extradit", "extradit"]):
        assert np.allclose(ours.scores(query), reference.get_scores(query))
