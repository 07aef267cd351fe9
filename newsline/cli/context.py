"""What every command shares: the settings, built once from the environment on first use.

Built lazily rather than in the app callback so that ``--help`` works even when a
variable is malformed; the first command that needs settings reports the bad variable.
"""

from __future__ import annotations

from functools import cache

import typer

from newsline.config import Settings


@cache
def settings() -> Settings:
    return Settings.from_env()


def say(message: str) -> None:
    """Progress and results for people go to stderr, so stdout stays clean for data."""
    typer.echo(message, err=True)


def examples(*commands: str, note: str = "") -> str:
    """A command's epilog: ``Examples:``, one command a paragraph, then ``note``.

    Each command stands in a paragraph of its own because click rewraps the lines
    of a paragraph into one.
    """
    return "\n\n".join(["Examples:", *(f"  {command}" for command in commands), note]).rstrip()
