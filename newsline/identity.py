"""Event identity: one happening, one id, however many articles or languages report it.

The id hashes the event's key — type, subtype, the sorted country set and the date at
the precision it was reported — so the French and the English report of the same
visit, or two agencies' reports of one sanctions package, fold into one timeline event
with several sources. Blocs are part of the key only when no country takes part (an
"EU-NATO" meeting would otherwise share its key with every other country-less event).
The version prefix lets a future key change coexist with old ids.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from newsline.domain.event import Event

ID_VERSION = "v1"


def event_key(
    event_type: str,
    subtype: str,
    countries: Iterable[str],
    date: str | None,
    blocs: Iterable[str] = (),
) -> str:
    """The canonical text the id hashes (kept readable for debugging and docs)."""
    parties = sorted(set(countries)) or sorted({f"bloc:{code}" for code in blocs})
    return "|".join([ID_VERSION, event_type, subtype, ",".join(parties), date or "undated"])


def event_id(event: Event) -> str:
    """24 hex characters (96 bits): collision-free at any news volume, short to type."""
    blocs = [actor.code for actor in event.actors]
    key = event_key(event.type, event.subtype, event.countries, event.date, blocs)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
