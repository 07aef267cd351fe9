"""Store test helpers: event messages from the seed article and its English twin, and
a store URL of its own per test.

The messages are what the extract agent publishes for ONTOLOGY.md section 5: the
French seed (published 2025-08-20, extracted that morning) and an English report of
the same visit (extracted that evening), which corroborates three of its events.
Every message is checked against schemas/event.v1.json where it is built.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from newsline.contracts import problems
from newsline.operations.parse_ahead import ParsedBatch, RawRecord, parse_batch
from newsline.readers import read_path

SEED_PATH = Path(__file__).resolve().parents[2] / "seeds" / "000_98cf7ec9cc4599a5.txt"
(SEED,) = read_path(SEED_PATH)
FR_ID = SEED.id
EN_ID = "reuters-en-2025-08-20-belarus-iran"
FR_EXTRACTED = "2025-08-20T09:15:00Z"
EN_EXTRACTED = "2025-08-20T17:40:00Z"

EN_TEXT = (
    "Belarusian President Alexander Lukashenko hosted Iran's President Masoud Pezeshkian "
    "in Minsk on Wednesday. The two leaders agreed to work on a treaty on strategic "
    "partnership, Belarus's state news agency Belta reported. Pezeshkian said Western "
    "sanctions against both countries were illegal."
)

LUKASHENKO_FR = ("Alexandre Loukachenko", "BLR", "président")
PEZESHKIAN_FR = ("Massoud Pezeshkian", "IRN", "président")
PUTIN_FR = ("Vladimir Poutine", "RUS", "président")


def event_id(kind: str, countries: tuple[str, ...], when: str | None) -> str:
    """A deterministic id from the event's key, as the extract agent derives one."""
    key = "|".join((kind, ",".join(countries), when or "-"))
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def actor(who: tuple[str, str, str | None] | tuple[str, str], role: str) -> dict[str, Any]:
    name, code, *title = who
    data: dict[str, Any] = {"name": name, "code": code, "role": role}
    if title and title[0]:
        data["title"] = title[0]
    return data


def mention(
    kind: str,
    countries: tuple[str, ...],
    when: str | None,
    evidence: str,
    actors: list[dict[str, Any]],
    *,
    article: str = FR_ID,
    confidence: float = 0.8,
    **extra: Any,
) -> dict[str, Any]:
    """One event.v1 message; ``evidence`` is a phrase of the article, its span computed."""
    body = SEED.text if article == FR_ID else EN_TEXT
    start = body.index(evidence)
    type_, subtype = kind.split("/")
    french = article == FR_ID
    message: dict[str, Any] = {
        "schema_version": 1,
        "event_id": event_id(kind, countries, when),
        "article_id": article,
        "reported_at": "2025-08-20" if french else "2025-08-20T16:55:00+00:00",
        "lang": "fr" if french else "en",
        "source": "Reuters (FR)" if french else "Reuters",
        "url": None if french else "https://www.reuters.com/world/belarus-iran-2025-08-20/",
        "title": None if french else "Belarus and Iran pledge closer ties",
        "type": type_,
        "subtype": subtype,
        "countries": sorted(countries),
        "actors": actors,
        "date": when,
        "date_precision": {0: None, 4: "year", 7: "month", 10: "day"}[len(when or "")],
        "location": None,
        "evidence": {"text": evidence, "start": start, "end": start + len(evidence)},
        "confidence": confidence,
        "extractor": "rules-0.4.0",
        "trigger": None,
        "rule": f"{'fr' if french else 'en'}.{type_}.{subtype}",
        "extracted_at": FR_EXTRACTED if french else EN_EXTRACTED,
        **extra,
    }
    assert problems("event.v1", message) == [], problems("event.v1", message)
    return message


def seed_messages() -> list[dict[str, Any]]:
    """The ten events of the French seed article (ONTOLOGY.md section 5)."""
    bi = ("BLR", "IRN")
    return [
        mention("meeting/visit", bi, "2025-08-20",
                "ont déclaré mercredi leurs présidents lors d'une rencontre dans la capitale "
                "biélorusse Minsk",
                [actor(LUKASHENKO_FR, "host"), actor(PEZESHKIAN_FR, "guest")],
                confidence=0.9, trigger="rencontre",
                location={"name": "Minsk", "country": "BLR"}),
        mention("agreement/intent", bi, "2025-08-20",
                "sont convenus de travailler à l'élaboration d'un traité de partenariat "
                "stratégique",
                [actor(LUKASHENKO_FR, "party"), actor(PEZESHKIAN_FR, "party")],
                trigger="sont convenus de travailler"),
        mention("military/cooperation", bi, "2025-08-20",
                'en citant notamment le "coopération militaro-technique"',
                [actor(LUKASHENKO_FR, "party"), actor(PEZESHKIAN_FR, "party")], confidence=0.6),
        mention("sanctions/condemned", bi, "2025-08-20",
                'a qualifié de "sanctions occidentales illégales"',
                [actor(PEZESHKIAN_FR, "speaker"), actor(("occidentales", "WEST"), "sender"),
                 actor(("la Biélorussie", "BLR"), "target")]),
        mention("sanctions/evasion", bi, "2025-08-20",
                'l\'Iran était disposé à aider la Biélorussie à "neutraliser" ces mesures',
                [actor(("l'Iran", "IRN"), "speaker"),
                 actor(("la Biélorussie", "BLR"), "beneficiary")]),
        mention("agreement/signed", ("IRN", "RUS"), "2025-01",
                "a signé en janvier avec Vladimir Poutine un traité de coopération stratégique",
                [actor(PEZESHKIAN_FR, "party"), actor(PUTIN_FR, "party")]),
        mention("military/cooperation", ("BLR", "RUS"), "2022-02",
                "a autorisé la Russie de son homologue Vladimir Poutine à utiliser le "
                "territoire de la Biélorussie",
                [actor(LUKASHENKO_FR, "party"), actor(("la Russie", "RUS"), "party")]),
        mention("military/attack", ("RUS", "UKR"), "2022-02",
                "son invasion à grande échelle de l'Ukraine en février 2022",
                [actor(("la Russie", "RUS"), "sender"), actor(("l'Ukraine", "UKR"), "target")]),
        mention("military/deployment", ("BLR", "RUS"), None,
                "le déploiement dans son pays de missiles nucléaires tactiques russes",
                [actor(("russes", "RUS"), "sender"), actor(("son pays", "BLR"), "target")],
                confidence=0.7),
        mention("military/arms_transfer", ("IRN", "RUS"), None,
                "L'Iran fournit pour sa part des drones à la Russie",
                [actor(("L'Iran", "IRN"), "sender"), actor(("la Russie", "RUS"), "beneficiary")],
                confidence=0.7),
    ]  # fmt: skip


def english_messages() -> list[dict[str, Any]]:
    """The English report: the visit, the treaty intent and the condemned sanctions again."""
    bi = ("BLR", "IRN")
    lukashenko = ("Alexander Lukashenko", "BLR", "President")
    pezeshkian = ("Masoud Pezeshkian", "IRN", "President")
    return [
        mention("meeting/visit", bi, "2025-08-20",
                "Belarusian President Alexander Lukashenko hosted Iran's President Masoud "
                "Pezeshkian in Minsk on Wednesday",
                [actor(lukashenko, "host"), actor(pezeshkian, "guest")],
                article=EN_ID, confidence=0.95, trigger="hosted",
                location={"name": "Minsk", "country": "BLR"}),
        mention("agreement/intent", bi, "2025-08-20",
                "The two leaders agreed to work on a treaty on strategic partnership",
                [actor(lukashenko, "party"), actor(pezeshkian, "party")], article=EN_ID),
        mention("sanctions/condemned", bi, "2025-08-20",
                "Pezeshkian said Western sanctions against both countries were illegal",
                [actor(("Pezeshkian", "IRN"), "speaker"), actor(("Western", "WEST"), "sender")],
                article=EN_ID, confidence=0.85),
    ]  # fmt: skip


def records(
    messages: list[dict[str, Any]], start: int = 0, partition: int = 0
) -> list[tuple[str, int, int, dict[str, Any]]]:
    """Consumed records: each message on its typed topic, offsets counted per topic."""
    counters: dict[str, int] = {}
    batch = []
    for message in messages:
        topic = f"newsline.events.{message['type']}"
        offset = counters.get(topic, start)
        counters[topic] = offset + 1
        batch.append((topic, partition, offset, message))
    return batch


def as_read(batch: list[tuple[str, int, int, dict[str, Any]]]) -> ParsedBatch:
    """The batch as a rebuild's reader hands it over (``parse_ahead.parse_batch``): its
    mentions' rows prepared, the mentions themselves still raw JSON."""
    return parse_batch(RawRecord(t, p, o, json.dumps(m).encode()) for t, p, o, m in batch)


def newsline(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m newsline ARGS`` against the store at ``url``."""
    return subprocess.run(
        [sys.executable, "-m", "newsline", *args],
        env={**os.environ, "NEWSLINE_DATABASE_URL": url, "COLUMNS": "120"},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
