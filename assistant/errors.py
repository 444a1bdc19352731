"""One error tree: every message says what went wrong and how to fix it.

The CLI and the app show `str(error)`; they never show a traceback for these.
"""


class AssistantError(Exception):
    """Base of every error this project raises on purpose."""

    exit_code = 1


class InvalidInput(AssistantError):
    """The user gave an argument or a question we cannot use."""

    exit_code = 2


class KnowledgeError(AssistantError):
    """A knowledge file is malformed: the message names the file and the problem."""


class IndexMissing(AssistantError):
    """No index has been built yet."""


class IndexCorrupt(AssistantError):
    """The index on disk is damaged or half-written."""


class IndexBusy(AssistantError):
    """Another process kept building the index for longer than this one would wait."""


class IndexReadOnly(AssistantError):
    """The index needs a build, but the data folder may not be written by this process."""


class ModelError(AssistantError):
    """The embedding model could not be loaded from its local folder."""


class LLMError(AssistantError):
    """An optional chat-model backend failed or could not be reached."""


class DraftError(AssistantError):
    """A drafting request could not be carried out (bad type, case file or output path)."""

    exit_code = 2


class IngestError(AssistantError):
    """The official text could not be read or did not validate."""
