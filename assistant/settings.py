"""The one settings object. This is the only module that reads environment variables (`UNCC_*`).

Nested sections are set with a double underscore, e.g. `UNCC_RETRIEVAL__K=8`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RetrievalSettings(_Section):
    k: int = Field(5, description="Distinct articles returned by default.")
    max_k: int = Field(68, description="Upper clamp for k (the convention has 68 articles).")
    candidates: int = Field(
        100,
        description="Passages taken from each of the dense and lexical lists before fusion, per five articles "
        "asked for (40 sometimes yielded fewer than five distinct articles once question hints were indexed; "
        "100 put the lead article right for one dev question more than 60, 2026-11-29).",
    )
    rrf_k: int = Field(60, description="Reciprocal-rank-fusion constant.")
    dense_weight: float = Field(1.0, description="Weight of the dense (embedding) ranking in the fusion.")
    lexical_weight: float = Field(
        1.0,
        description="Weight of the BM25 ranking in the fusion. Equal to the dense weight: with 930 question hints "
        "indexed, 1.0 beat 0.7 on evals/dev.jsonl (lead article right 0.856 against 0.851 at 60 candidates) and "
        "on held-out question hints (0.738 against 0.727), 2026-11-29.",
    )
    reference_boost: float = Field(1.0, description="Score added to passages of an article the question names.")
    side_boost: float = Field(
        0.003,
        description="Added to Chapter V passages when a question is about another State, or to Chapter IV "
        "passages when it is explicitly domestic (a few ranks' worth of fusion score).",
    )
    article_evidence: int = Field(
        2,
        description="An article ranks by the sum of its best this-many passage scores (question hints included); "
        "2 beat 1, 3 and 5 on evals/dev.jsonl.",
    )
    passages_per_article: int = Field(3, description="Passages kept per article in a result.")
    max_query_chars: int = Field(2000, description="Longer queries are cut to this many characters.")


class ChunkingSettings(_Section):
    max_chars: int = Field(1200, description="A passage longer than this is split at sentence ends.")


class AnswerSettings(_Section):
    abstain_below: float = Field(
        0.34,
        description="Abstain when the best cosine similarity of the question to a retrieved article's passages "
        "and question hints is below this (calibrated on evals/dev.jsonl with `python -m evals.calibrate`).",
    )
    absence_margin: float = Field(
        0.03,
        description="Abstain when a statement of what the convention does not contain (or one of its question "
        "hints) is within this much similarity of the best article passage or hint, or closer (calibrated on "
        "evals/dev.jsonl, 2026-11-29).",
    )
    min_known: float = Field(
        0.35,
        description="A question with no English function word, of whose lower-case words fewer than this share "
        "are used by the knowledge base in some form, is taken to be in another language and gets a clear "
        "message. Questions in French, Spanish, German and Portuguese scored at most 0.29.",
    )
    line_floor: float = Field(
        0.45,
        description="An authored answer line leads only if its similarity to the question is at least this; "
        "otherwise the best sentence of the closest passage does.",
    )
    polarity_min: float = Field(
        0.70,
        description="'Yes'/'No' is said only when the leading line carries that polarity and is at least this "
        "similar to a yes/no question; otherwise the line is given without it.",
    )
    line_lexical_weight: float = Field(
        0.1, description="Weight of shared words (BM25, scaled to the best line) when answer lines are ranked."
    )
    notes_penalty: float = Field(
        0.05,
        description="Subtracted from a practice-note line's rank, so that a line restating a provision of the "
        "article comes first when it fits about as well (see docs/evaluation.md, 2026-12-08).",
    )
    lead_words: int = Field(40, description="A lead sentence taken from a passage is cut to about this many words.")
    max_points: int = Field(3, description="Supporting points after the lead sentence, at most.")
    max_chars: int = Field(
        680,
        description="Supporting points are added, best first, only while the answer's lines stay within this many "
        "characters, so short lines fit where long ones do not. Chosen on the dev set, 2026-12-07, with the floors "
        "below: key facts 0.683 at a median answer of 605 characters (620: 0.679 at 571; no limit with floors "
        "0.40/0.75: 0.667 at 591; no limit with these floors: 0.700 at 702, over the 700 aimed for).",
    )
    point_floor: float = Field(0.35, description="A supporting line must be at least this similar to the question.")
    min_relative: float = Field(0.65, description="...and at least this share of the lead line's similarity.")
    duplicate_above: float = Field(0.92, description="A line this similar to one already shown is left out.")
    overview_min: float = Field(
        0.65,
        description="An overview (a map of articles) answers a question recognised as an overview question when "
        "its own question is at least this similar (0.60 let the offences overview answer a dev question about "
        "victims and witnesses at 0.62; the right overviews scored 0.67-0.75).",
    )
    any_type_min: float = Field(
        0.80,
        description="An overview or a background line answers a question of any other type when it is at least "
        "this similar.",
    )
    background_min: float = Field(
        0.55, description="A background or calendar line answers when it is at least this similar to the question."
    )
    llm_lines: int = Field(12, description="Authored answer lines given to a language model with the passages.")
    reference_mismatch: float = Field(
        0.75,
        description="A named article is set aside when its best similarity (passages and question hints) is "
        "below this share of the best retrieved article's.",
    )


class MultilingualSettings(_Section):
    """Questions in French, Spanish, Russian, Arabic and Chinese (and any other language): searched with the
    multilingual model, whose similarities run higher than the English model's, so its thresholds are its own."""

    enabled: bool = Field(True, description="Answer questions in the other five languages (False: English only).")
    lexical_weight: float = Field(
        0.0,
        description="Weight of BM25 over the English terms of the glossary concepts a question names. 0: those "
        "terms widen the dense query only. On evals/dev_multilingual.jsonl (400 answerable questions in five "
        "languages, 2026-12-07) recall@1 was 0.632 at 0, 0.583 at 0.25, 0.555 at 0.5, 0.525 at 1 (recall@5 "
        "0.88 throughout).",
    )
    translated_lines: bool = Field(
        False,
        description="Match a question against the answer lines as translated into its language (the shipped "
        "knowledge/vectors/answers-<lang>.*) in place of the English lines. Off: on evals/dev_multilingual.jsonl "
        "(2026-12-07, 525 non-English questions) it lowered citation precision 0.45 -> 0.30 and recall 0.56 -> 0.43 "
        "(Chinese recall 0.58 -> 0.21) and recall@1 0.635 -> 0.608: "
        "lines in the question's own language outscore every English passage, whatever they say.",
    )
    abstain_below: float = Field(
        0.78,
        description="As answer.abstain_below, for the multilingual model (0.70-0.80 gave the same abstention "
        "accuracy on evals/dev_multilingual.jsonl with `python -m evals.calibrate_multilingual`, 2026-12-07).",
    )
    line_lexical_weight: float = Field(
        0.03,
        description="As answer.line_lexical_weight; the shared words are counted between the question and the "
        "lines as translated into its language.",
    )
    absence_margin: float = Field(
        0.003,
        description="As answer.absence_margin, for the multilingual model: abstention accuracy 0.842 on the "
        "multilingual dev set at 0.003, 0.836 at 0, 0.787 at 0.01 (2026-12-07).",
    )
    line_floor: float = Field(0.80, description="As answer.line_floor, for the multilingual model.")
    polarity_min: float = Field(0.86, description="As answer.polarity_min, for the multilingual model.")
    point_floor: float = Field(0.80, description="As answer.point_floor, for the multilingual model.")
    min_relative: float = Field(0.95, description="As answer.min_relative, for the multilingual model.")
    duplicate_above: float = Field(0.96, description="As answer.duplicate_above, for the multilingual model.")
    overview_min: float = Field(0.88, description="As answer.overview_min, for the multilingual model.")
    any_type_min: float = Field(
        0.89,
        description="As answer.any_type_min, for the multilingual model: above 90% of the non-background questions "
        "of the multilingual dev set (their best background line: median 0.80, 90th percentile 0.83). At 0.86 "
        "overviews answered non-English dev questions whose English originals got none; at 0.89 (2026-12-08, "
        "525 non-English dev questions) citation precision 0.453 -> 0.642, recall 0.561 -> 0.576, abstention "
        "unchanged (replayed: 0.87 gave most of the precision, 0.89 all of it).",
    )
    background_min: float = Field(
        0.80,
        description="As answer.background_min, for the multilingual model: the background questions of the "
        "multilingual dev set reach their best background line at a median 0.82 (25th percentile 0.81).",
    )
    reference_mismatch: float = Field(0.92, description="As answer.reference_mismatch, for the multilingual model.")

    def answer_settings(self, base: AnswerSettings) -> AnswerSettings:
        """The answer settings with this model's thresholds: every field here but `enabled`, `lexical_weight` and
        `translated_lines` replaces the answer setting of the same name (a field without one is a mistake, not
        silently ignored)."""
        fields = set(type(self).model_fields) - {"enabled", "lexical_weight", "translated_lines"}
        unknown = fields - set(AnswerSettings.model_fields)
        if unknown:
            raise ValueError(f"settings.multilingual fields with no answer setting of that name: {sorted(unknown)}")
        return base.model_copy(update={f: getattr(self, f) for f in fields})


class LLMSettings(_Section):
    backend: Literal["none", "ollama", "openai", "llamacpp"] = Field("none", description="Chat-model backend.")
    model: str = Field("", description="Model name on the server, or path of a GGUF file for llamacpp.")
    base_url: str = Field("", description="Server URL (Ollama or OpenAI-compatible).")
    api_key: str = Field("not-needed", description="API key for an OpenAI-compatible server, if it needs one.")
    timeout: float = Field(60.0, description="Seconds to wait for the server.")
    temperature: float = Field(0.0, description="Sampling temperature.")


class ChromaSettings(_Section):
    backend: Literal["chroma", "numpy"] = Field(
        "chroma",
        description="Where dense (embedding) search runs. 'chroma': the Chroma store inside the index on this "
        "machine, or the Chroma server at `url` when that is set. 'numpy': exact cosine over the index's own "
        "vectors.npy, without Chroma: for tests, and for serving a copied index whose Chroma store is left out "
        "or read-only (cannot be combined with `url`).",
    )
    url: str = Field(
        "",
        description="A Chroma server shared by several front ends, e.g. http://127.0.0.1:8000 (started with "
        "`chroma run --path DIR --host 127.0.0.1 --port 8000`; see docs/chroma-server.md). When set, `uncc index` "
        "fills the server's collection for this knowledge version (one collection per version) from the vectors "
        "on this machine, and every command searches that collection. An unreachable server, or one without this "
        "version, is an error naming the URL: never a fallback to the store on this machine. Empty: the Chroma "
        "store inside the index on this machine.",
    )
    timeout: float = Field(5.0, description="Seconds to wait for the Chroma server's first answer.")


class PlanSettings(_Section):
    preservation_days: int = Field(
        60,
        ge=1,
        description="Shortest preservation period the convention sets (art. 42): data stays preserved at least this "
        "many days to allow the follow-up request.",
    )
    safety_margin_days: int = Field(
        14, ge=0, description="Send the follow-up MLA request this many days before the preservation period could end."
    )
    extradition_min_years: float = Field(
        1.0, ge=0, description="Art. 37: the conduct must carry a maximum of at least this many years of imprisonment."
    )


class DraftingSettings(_Section):
    paper: Literal["A4", "Letter"] = Field(
        "A4",
        description="Page size of the DOCX and PDF drafts: A4 (the UN and most central authorities) or US Letter.",
    )
    max_field_chars: int = Field(
        100_000,
        ge=1_000,
        description="Characters one field of a case may hold (a list's items together), counted as the draft "
        "prints them: a request summarises, and supporting documents travel as annexes.",
    )
    max_case_chars: int = Field(
        150_000,
        ge=1_000,
        description="Characters a case (a request's fields, or a whole case file) may hold in all: about 60 "
        "pages. Bounds the time of rendering: a PDF of 100,000 characters took 5 s on 2 busy cores (2026-12-07).",
    )
    max_case_file_kb: int = Field(
        1_000,
        ge=10,
        description="Kilobytes (1,000 bytes) a case file may take, checked by its size before it is read or parsed, "
        "from disk, an upload or the API: parsing YAML costs about a second per megabyte on a busy core (a 2 MB file "
        "took 6.7 s before being refused by the character limits). A case at `max_case_chars`, even in a script of "
        "three bytes a character, stays under it with its field names and comments.",
    )


class ReviewSettings(_Section):
    """The receiving desk (`uncc review`). The similarity thresholds were calibrated on evals/review/dev only, with
    `python -m evals.review_eval --calibrate` (2026-12-08, 19 requests); the figures are in docs/review.md."""

    max_file_mb: int = Field(
        10, ge=1, description="A request file larger than this many MB is refused (a 40-page request is under 1 MB)."
    )
    max_inflated_mb: int = Field(
        25,
        ge=1,
        description="A DOCX whose text part inflates beyond this many MB is refused (a ZIP bomb), counted while "
        "inflating, whatever sizes the archive declares; its other parts (pictures) are never inflated.",
    )
    max_units: int = Field(
        120,
        ge=20,
        description="Sentences of a request embedded and compared with the forms at most: embedding is the cost of a "
        "review (a 10-page request has about 220 sentences; 120 cost about 2.5 s of CPU, under 2 s on 2 idle cores). "
        "Beyond it, the opening, labelled lines and first sentences of each paragraph are kept, and the review "
        "says so.",
    )
    threads: int = Field(
        1,
        ge=1,
        description="Threads the model embeds a request's sentences on. One: a 10-page request cost 3.5-4.0 s of CPU "
        "on two threads and 1.7 s on one, measured on a loaded 2-core machine: the second thread mostly waits.",
    )
    present_min: float = Field(
        0.50, description="An element is present when a passage that no other element fits better is this similar."
    )
    unclear_min: float = Field(
        0.30, description="Below `present_min`, an element is unclear when its closest passage is this similar."
    )
    standout_min: float = Field(
        2.25,
        description="A passage also supplies an element when its similarity to it (at least `unclear_min`) stands this "
        "many standard deviations above its mean similarity to all the form's elements: a sentence that names the "
        "person sought is far from any model wording, but far closer to that element than to the others. Set by the "
        "dev grid (2.0 let a left-out element through; 2.5 found fewer of those that are there).",
    )
    heading_min: float = Field(
        0.5,
        description="A section heading or line label ('Facts', 'Contact:') this similar to an element's label or "
        "heading words supplies the element.",
    )
    margin: float = Field(
        0.08, description="A passage counts for an element only if no other element is more than this much closer."
    )
    narrative_factor: float = Field(
        2.0,
        description="A text element with a minimum length (the facts) is present when the passages close to it hold "
        "at least this many times its minimum number of words, even if none is close enough on its own. Set by "
        "judgment, not by the grid: the grid's 1.0 raised dev figures and lowered held-out ones (facts left out "
        "were then taken as present).",
    )
    clause_lead: float = Field(
        0.08,
        description="A clause of a long sentence (compared with the elements as well as the sentence) counts for an "
        "element only when it is at least this much closer to it than to any other: a short clause comes close to "
        "several model wordings at once. Set on the dev grid (0 to 0.04 let left-out elements through).",
    )
    pattern_bonus: float = Field(
        0.0,
        description="Added to a passage's similarity to an element when it has what the element's content check "
        "needs (a date, a provision of law, a telephone number ...: prompts/review/checks.yaml).",
    )
    type_title_weight: float = Field(
        0.3,
        description="Weight of the opening passages' match with a type's title and phrases, against the coverage of "
        "the type's own required elements (those most forms share are left out); 0.3 gave the widest smallest "
        "margin of the right type on dev.",
    )
    type_article_bonus: float = Field(
        0.2, description="Added to a type's score when the request cites that type's article of the convention."
    )
    type_temperature: float = Field(
        0.02,
        description="Softmax temperature turning type scores into a confidence (temperature scaling on dev, floored at "
        "0.02: every dev type is right, so lower would only claim more certainty than 15 requests can show).",
    )
    request_min: float = Field(0.3, description="Below this type score, the text does not look like a request.")
    min_words: int = Field(40, ge=1, description="A text of fewer words does not look like a request.")
    min_particulars: int = Field(
        2,
        ge=0,
        description="A request gives particulars of a case: at least this many kinds among dates, provisions of law, "
        "contact details and file references (prompts/review/checks.yaml). A guidance note or a news report does not.",
    )


class WebSettings(_Section):
    """The web app's bounds under load (`make loadtest` measures them; see docs/evaluation.md)."""

    answer_timeout: float = Field(
        30.0,
        gt=0,
        description="Seconds an answer may take in the web app (the Ask tab and `/ask`); a question not answered by "
        "then gets a message saying so. A warm answer takes well under a second; a language model's own "
        "`llm.timeout` applies within it.",
    )
    session_idle_minutes: float = Field(
        60.0,
        gt=0,
        description="A browser session no request has used for this long is dropped from the server's memory (its "
        "next click starts afresh, as a reloaded page does).",
    )
    session_closed_seconds: float = Field(
        60.0,
        ge=0,
        description="A session whose page was closed is dropped this long after its last request. A session that "
        "keeps nothing (API calls to `/ask`) is dropped 10 s after its last request (assistant.ui.sessions).",
    )
    max_sessions: int = Field(
        500,
        ge=10,
        description="Sessions kept at most (each holds the components its page's handlers changed, and its "
        "`gr.State` values); beyond it the least recently used goes. Gradio's default is 10,000.",
    )
    model_threads: int = Field(
        1,
        ge=1,
        description="Threads the embedding model uses for one question in the web app. One: the app already answers "
        "two questions at a time, and a second model thread mostly spins waiting for the first (measured on a busy "
        "2-core machine: 205 ms of CPU per `/ask` on two threads, 37-44 ms on one; see docs/evaluation.md).",
    )


class Settings(BaseSettings):
    """Everything configurable, with its default."""

    model_config = SettingsConfigDict(env_prefix="UNCC_", env_nested_delimiter="__", extra="forbid")

    home: Path = Field(Path(".uncc"), description="Data directory: index, ingested official text.")
    knowledge_dir: Path = Field(PROJECT_ROOT / "knowledge", description="Restatement, guidance and forms.")
    prompts_dir: Path = Field(PROJECT_ROOT / "prompts", description="Prompts and wording templates.")
    model_path: Path | None = Field(
        None, description="Folder of a sentence-transformers model; default: the packaged all-MiniLM-L6-v2."
    )
    host: str = Field("127.0.0.1", description="Address the app binds to.")
    port: int = Field(7860, description="Port the app listens on.")
    auth: str = Field("", description="Optional basic auth for the app as 'user:password'.")
    admin: bool = Field(
        False,
        description="Let the web app load an official text (which changes what every user is shown); "
        "only together with `auth`.",
    )
    read_only: bool = Field(
        False,
        description="Serve the data folder without writing anything to it (a shared index on a read-only mount "
        "is detected by itself): the index must already be built there, and dense search runs over its "
        "vectors.npy unless `chroma.url` names a Chroma server. See README, Serving to an office.",
    )
    build_wait: float = Field(
        300.0,
        ge=0,
        description="Seconds to wait for another process's build of the index (a full build takes about a minute "
        "on 2 cores) before giving up with a message.",
    )
    retrieval: RetrievalSettings = RetrievalSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    answer: AnswerSettings = AnswerSettings()
    multilingual: MultilingualSettings = MultilingualSettings()
    llm: LLMSettings = LLMSettings()
    chroma: ChromaSettings = ChromaSettings()
    plan: PlanSettings = PlanSettings()
    drafting: DraftingSettings = DraftingSettings()
    review: ReviewSettings = ReviewSettings()
    web: WebSettings = WebSettings()

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def official_dir(self) -> Path:
        return self.home / "official"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the environment, read once per process."""
    return Settings()
