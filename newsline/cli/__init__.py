"""The ``newsline`` console command: one facade, one module per command group.

Every module under ``newsline.cli`` exposes ``register(app)``; this facade only wires
them together and turns expected failures (NewslineError) into one line on stderr and
exit code 1. ``--debug`` (or NEWSLINE_DEBUG=1) shows the traceback instead.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import click
import typer

from newsline.cli import (
    broker,
    countries,
    dlq,
    export,
    extract,
    publish,
    rebuild,
    reprocess,
    run,
    show_event,
    status,
    subscribe,
    timeline,
    topics,
    worker,
)
from newsline.errors import NewslineError

app = typer.Typer(
    name="newsline",
    help=(
        "newsline turns news articles flowing through Apache Kafka into typed political "
        "events (meetings, agreements, sanctions, military facts) and a per-country "
        "timeline.\n\nStart with `newsline run seeds/`; every command has --help."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

_debug = {"on": os.environ.get("NEWSLINE_DEBUG", "") not in ("", "0")}


@app.callback()
def _global_options(
    debug: Annotated[
        bool,
        typer.Option("--debug", help="Show full tracebacks on errors. [env: NEWSLINE_DEBUG=1]"),
    ] = False,
) -> None:
    if debug:
        _debug["on"] = True


for _module in (
    run,
    publish,
    worker,
    broker,
    topics,
    extract,
    timeline,
    show_event,
    countries,
    rebuild,
    reprocess,
    export,
    dlq,
    subscribe,
    status,
):
    _module.register(app)


def main() -> None:
    """Console entry point: run the app, printing expected failures as one line."""
    try:
        code = app(prog_name="newsline", standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except NewslineError as exc:
        if _debug["on"]:
            raise
        typer.secho(f"error [{exc.code}]: {exc}", fg=typer.colors.RED, err=True)
        sys.exit(1)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:  # usage errors: click's own one-line message
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug: say so plainly, trace only on request
        if _debug["on"]:
            raise
        typer.secho(
            f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for the trace)",
            fg=typer.colors.RED,
            err=True,
        )
        sys.exit(2)
