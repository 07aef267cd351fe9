"""One error root for everything newsline expects to go wrong.

The CLI prints a NewslineError as one line (its code and message) and exits 1; any
other exception is a bug and shows its traceback only under ``--debug``. Messages say
what to do next, because the operator reading them has no other context.
"""


class NewslineError(Exception):
    """Root of every expected failure; ``code`` is stable for scripts and docs."""

    code = "NL000"


class ConfigError(NewslineError):
    """A setting is missing or malformed."""

    code = "NL001"


class ArticleFormatError(NewslineError):
    """An article file or message cannot be read as an article."""

    code = "NL100"


class BrokerError(NewslineError):
    """The Kafka broker cannot be fetched, started, stopped or reached."""

    code = "NL200"


class MissingTopics(BrokerError):
    """A topic to be read does not exist (another prefix, or topics never created).

    Its own class so that a caller for whom a missing topic means "nothing on it yet"
    can say so without reading the message; it prints as any BrokerError.
    """


class BrokerUnavailable(BrokerError):
    """No broker answers at the configured bootstrap address."""

    code = "NL201"


class ExtractionError(NewslineError):
    """The extraction engine cannot run: its data files are missing or malformed."""

    code = "NL500"


class KnowledgeDataError(ExtractionError):
    """A trigger, lexicon or knowledge file does not match its expected shape."""

    code = "NL501"


class StoreError(NewslineError):
    """The timeline store is misconfigured or a write/read failed."""

    code = "NL300"


class StoreUnavailable(StoreError):
    """The database does not answer."""

    code = "NL301"


class InvalidEventMessage(StoreError):
    """An event message lacks a field the projection needs; upstream validation missed it."""

    code = "NL320"


class PositionConflict(StoreError):
    """Another projector recorded this topic/partition position first; nothing was written."""

    code = "NL321"


class InvalidQuery(StoreError):
    """A timeline query argument (date, type, format) is malformed."""

    code = "NL322"


class UnknownCountry(InvalidQuery):
    """A country argument matches no ISO code or English/French name."""

    code = "NL323"


class UnknownEvent(StoreError):
    """No stored event has the requested id."""

    code = "NL324"


class WorkerRunning(StoreError):
    """A rebuild would replace the store the running worker writes to."""

    code = "NL340"


class ExportError(NewslineError):
    """An export cannot be written where it was asked to go."""

    code = "NL350"


class DeadLetterNotFound(NewslineError):
    """No dead letter sits at the PARTITION:OFFSET asked for."""

    code = "NL601"


class ReplayNeedsSelector(NewslineError):
    """``dlq replay`` without --reason, --article or --all: replaying must be explicit."""

    code = "NL602"
