"""Wire datelines ("WASHINGTON, March 9 - ..."): where the story was filed, not who acts.

Reuters copy opens with the filing city in capitals and the filing date. The city
is the reporter's location (it is what "here" refers to), never a party, and the
date is the publication date, never the date of an event; reading either as such
made "WASHINGTON" a participant in every story filed from there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# An upper-case place (optionally ", STATE" / ", Mich."), a month and a day, a dash.
_DATELINE = re.compile(
    r"\A\s*(?P<place>[A-Z][A-Z.'\- ]*[A-Z.](?:,\s*[A-Z][A-Za-z.]*\.?)*)"
    r",\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s+-+\s"
)


@dataclass(frozen=True, slots=True)
class Dateline:
    """The dateline's span and the place it names (offsets into the article)."""

    end: int
    place: str
    place_start: int
    place_end: int


def find_dateline(text: str) -> Dateline | None:
    """The article's dateline, or None when it opens with the story itself."""
    found = _DATELINE.match(text)
    if found is None:
        return None
    return Dateline(found.end(), found.group("place"), found.start("place"), found.end("place"))
