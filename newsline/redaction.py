"""Secrets out of everything newsline shows: masked values and database URLs.

Passwords reach newsline in two places: the Kafka SASL and TLS key passwords
(``Secret`` values in the settings) and the database URL, in its user-info part or as
libpq's ``password``/``sslpassword`` query parameters. Anything printed or logged goes
through here first.
"""

from __future__ import annotations

import re

MASK = "***"

#: "user:password@" anywhere (a URL's user-info, even in a malformed URL)
_USERINFO_PASSWORD = re.compile(r"((?:^|[/\s])[^\s:/@?#]*:)[^\s@/?#]*@")
_QUERY_PASSWORD = re.compile(r"([?&](?:ssl)?password=)[^&#]*", re.IGNORECASE)
#: libpq's "key=value" connection strings, as a driver may quote them in an error
_CONNINFO_PASSWORD = re.compile(
    r"\b((?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&#]+)", re.IGNORECASE
)


class Secret:
    """A value that must never be printed or logged: repr and str show only asterisks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The value itself, for the one call that sends it to the server."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class MaskedStr(str):
    """A secret in the form client libraries need (a str) whose repr is masked.

    kafka-python's KafkaAdminClient logs its whole configuration at DEBUG; a dict's
    text uses each value's repr, so the password shows as '***' there.
    """

    def __repr__(self) -> str:
        return repr(MASK)


def masked_url(url: str) -> str:
    """``url`` fit to print: its password and libpq password parameters as ***.

    A URL SQLAlchemy cannot parse is masked by pattern, since the message that says
    it is malformed must not show the password either.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        shown = _USERINFO_PASSWORD.sub(rf"\g<1>{MASK}@", url)
    return _QUERY_PASSWORD.sub(rf"\g<1>{MASK}", shown)


def scrubbed(message: str, *secrets: str | None) -> str:
    """A driver's or library's message with every password-shaped part masked.

    Masks URL passwords, ``password=...`` pairs (URL query or libpq connection
    string) and, wherever they appear, the known ``secrets`` themselves.
    """
    text = _USERINFO_PASSWORD.sub(rf"\g<1>{MASK}@", message)
    text = _CONNINFO_PASSWORD.sub(rf"\g<1>{MASK}", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text
