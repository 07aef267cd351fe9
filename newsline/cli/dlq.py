"""``newsline dlq list|show|replay``: inspect dead letters and re-inject them once fixed.

Only translation and printing live here; reading, selecting and replaying are in
``newsline.operations.dlq``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from newsline.cli.context import examples, say, settings
from newsline.cli.store_io import (
    aligned,
    choices,
    echo_lines,
    format_option,
    many_option,
    one_of,
    pick_format,
    say_none_found,
    write_json,
    write_records,
)
from newsline.errors import ReplayNeedsSelector
from newsline.operations import dlq
from newsline.topics import dead_letter_topic

LIST_FORMATS = ("table", "jsonl")
SHOW_FORMATS = ("text", "json")
PREVIEW_CHARS = 4000

#: ``--reason`` of ``list`` and ``replay``
Reasons = Annotated[
    list[str] | None, many_option("--reason", "CODE", "A reason code: " + one_of(dlq.REASON_CODES))
]

dlq_app = typer.Typer(
    help=(
        "Dead letters: messages the worker could not process, kept whole in "
        "$NEWSLINE_TOPIC_PREFIX + articles.dlq with the reason, the agent that failed "
        "them and their original bytes. List them, look at one, and replay them once "
        "the cause is fixed."
    ),
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the ``dlq`` command group to the console facade."""
    app.add_typer(dlq_app, name="dlq")


@dlq_app.command(
    "list",
    epilog=examples(
        "newsline dlq list",
        "newsline dlq list --reason no_publication_date --limit 20",
        "newsline dlq list --format jsonl | jq .reason_code | sort | uniq -c",
    ),
)
def list_command(
    limit: Annotated[
        int | None,
        typer.Option("--limit", metavar="N", min=1, help="Only the N newest (still newest last)."),
    ] = None,
    reasons: Reasons = None,
    fmt: Annotated[str, format_option(LIST_FORMATS)] = "table",
) -> None:
    """Every dead letter, oldest first and newest last.

    Shows where each sits (PARTITION:OFFSET, for `newsline dlq show`), when and by which
    agent it failed, its reason code, the article id when it could be read, and why.
    """
    fmt = pick_format(fmt, LIST_FORMATS)
    wanted = choices(reasons or [], dlq.REASON_CODES, "--reason")
    letters = _dead_letters()
    total = len(letters)
    letters = dlq.select(letters, wanted, everything=True)
    matching = len(letters)
    if limit is not None:
        letters = letters[-limit:]
    if fmt == "jsonl":
        write_records((d.summary() for d in letters), "jsonl", [])
    elif letters:
        rows = [("where", "failed_at", "agent", "reason_code", "article", "reason")]
        for d in letters:
            rows.append(
                (d.ref, d.failed_at, d.agent, d.reason_code, _cut(d.article or "-", 40),
                 _cut(d.reason, 70))
            )  # fmt: skip
        echo_lines(aligned(rows))
    if not letters:
        what = f" with reason {', '.join(wanted)}" if wanted else ""
        topic = dead_letter_topic(settings().topic_prefix)
        say_none_found(f"no dead letters{what} in {topic} ({total} in all)", fmt)
    elif len(letters) < matching:
        say(f"showing the {len(letters)} newest of {matching}; raise --limit for more")


@dlq_app.command(
    "show",
    epilog=examples(
        "newsline dlq show 2:17     # partition 2, offset 17, as `dlq list` shows them",
        "newsline dlq show 17       # enough when only one partition has offset 17",
        "newsline dlq show 2:17 --format json   # the dead letter as stored",
    ),
)
def show_command(
    where: Annotated[
        str, typer.Argument(metavar="PARTITION:OFFSET", help="From `newsline dlq list`.")
    ],
    fmt: Annotated[
        str, format_option(SHOW_FORMATS, json="the dead letter with all bytes, in base64")
    ] = "text",
) -> None:
    """One dead letter: why it failed, where it came from and its original bytes.

    The bytes are shown as text when they are UTF-8 (control characters escaped, so
    nothing in a message can drive your terminal), else as a hex preview and base64.
    """
    fmt = pick_format(fmt, SHOW_FORMATS)
    letter = dlq.find(_dead_letters(), where)
    if fmt == "json":
        write_json(
            {
                **letter.summary(),
                "key_base64": dlq.base64_of(letter.original_key) if letter.original_key else None,
                "value_base64": dlq.base64_of(letter.original_value),
            }
        )
        return
    prefix = settings().topic_prefix
    origin = "-"
    if letter.original_topic:
        origin = f"{letter.original_topic}[{letter.original_partition}]@{letter.original_offset}"
    lines = [
        ("dead letter", f"{letter.ref} in {dead_letter_topic(prefix)}"),
        ("failed at", letter.failed_at or "-"),
        ("agent", letter.agent),
        ("reason", f"{letter.reason_code}: {letter.reason}"),
        ("article id", letter.article_id or "-"),
        ("came from", origin),
        ("replays to", dlq.replay_target(letter, prefix)),
        ("key", _bytes_line(letter.original_key)),
    ]
    for label, value in lines:
        typer.echo(f"{label:12} {value}")
    typer.echo(f"{'value':12} {len(letter.original_value):,} bytes")
    echo_lines(_preview(letter.original_value))


@dlq_app.command(
    "replay",
    epilog=examples(
        "newsline dlq replay --reason extraction_failed --dry-run",
        "newsline dlq replay --reason extraction_failed",
        "newsline dlq replay --article 000_98cf7ec9cc4599a5",
        "newsline dlq replay --all",
    ),
)
def replay_command(
    reasons: Reasons = None,
    article_id: Annotated[
        str | None,
        typer.Option(
            "--article", metavar="ID", help="Only this article's letters (its id or message key)."
        ),
    ] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Every dead letter (nothing else selects all).")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be re-sent; send nothing.")
    ] = False,
) -> None:
    """Re-send dead letters' original bytes so fixed code or data gets another try.

    Each message goes back, byte for byte with its original key, to the topic the
    failing agent read it from: articles for ingest's dead letters, articles.valid for
    extract's (ingest would drop an article it already passed as a duplicate). Safe to
    repeat: ingest drops an article already seen with the same content and the
    timeline folds each mention once, so no event is lost or counted twice. A message
    that fails again becomes a new dead letter; the old ones stay in the log.
    """
    wanted = choices(reasons or [], dlq.REASON_CODES, "--reason")
    if not (wanted or article_id is not None or everything):
        raise ReplayNeedsSelector(
            "say which dead letters to replay: --reason CODE, --article ID or --all "
            "(add --dry-run to see them first)"
        )
    config = settings()
    letters = _dead_letters()
    chosen = dlq.select(letters, wanted, article_id, everything)
    for letter in chosen:
        target = dlq.replay_target(letter, config.topic_prefix)
        say(
            f"{'would replay' if dry_run else 'replay'} {letter.ref} {letter.reason_code} "
            f"{letter.article or '-'} -> {target} ({len(letter.original_value):,} bytes)"
        )
    if dry_run:
        say(f"dry run: would re-send {len(chosen)} of {len(letters)} dead letters; sent nothing")
        return
    sent = dlq.replay(config.bootstrap_servers, config.topic_prefix, chosen)
    where = ", ".join(f"{n} to {topic}" for topic, n in sorted(sent.items()))
    say(f"re-sent {len(chosen)} of {len(letters)} dead letters" + (f" ({where})" if where else ""))


def _dead_letters() -> list[dlq.DeadLetter]:
    config = settings()
    return dlq.read_dead_letters(config.bootstrap_servers, config.topic_prefix)


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _bytes_line(data: bytes | None) -> str:
    if data is None:
        return "(none)"
    shown = dlq.safe_text(data, 200)
    if shown is not None:
        return shown[0] + (" …" if shown[1] else "")
    return f"(not UTF-8) hex {dlq.hex_preview(data, 32)}"


def _preview(data: bytes) -> list[str]:
    """The value as indented text, or a hex preview and base64 when it is not UTF-8."""
    shown = dlq.safe_text(data, PREVIEW_CHARS)
    if shown is not None:
        text, cut = shown
        lines = [f"  {line}" for line in text.split("\n")] if text else ["  (empty)"]
        if cut:
            lines.append(f"  … cut at {PREVIEW_CHARS:,} characters (--format json has it all)")
        return lines
    lines = ["  not UTF-8; first bytes in hex:", f"  {dlq.hex_preview(data)}"]
    encoded = dlq.base64_of(data)
    if len(encoded) <= PREVIEW_CHARS:
        lines += ["  base64:", f"  {encoded}"]
    else:
        lines.append("  (base64 too long to show; --format json has it)")
    return lines
