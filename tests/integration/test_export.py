"""`newsline export COUNTRY --html FILE`: one offline page that a browser draws with
the seed's events in their lanes and shows an event's evidence when it is clicked."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from newsline.store.engine import make_engine
from newsline.store.projector import Projector

from .browser_support import dump_dom
from .store_support import EN_ID, english_messages, event_id, newsline, records, seed_messages

pytestmark = pytest.mark.integration

BI = ("BLR", "IRN")
VISIT = event_id("meeting/visit", BI, "2025-08-20")
DEPLOYMENT = event_id("military/deployment", ("BLR", "RUS"), None)
BLR_LABELS = {
    "cooperation 2022-02", "visit 2025-08-20", "intent 2025-08-20", "condemned 2025-08-20",
    "evasion 2025-08-20", "cooperation 2025-08-20", "deployment 2025-08-20*",
}  # fmt: skip


@pytest.fixture
def url(store_url: str) -> str:
    """A store holding the seed article and its English twin."""
    engine = make_engine(store_url)
    projector = Projector(engine)
    projector.apply(records(seed_messages()))
    projector.apply(records(english_messages(), start=10))
    engine.dispose()
    return store_url


class _Marks(HTMLParser):
    """Each timeline mark: (lane, event id, classes, label text)."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[dict] = []
        self.lane: str | None = None
        self._open: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        if tag == "div" and found.get("class") == "lane":
            self.lane = found.get("data-type")
        if tag == "button" and "mark" in (found.get("class") or "").split():
            self._open = {"lane": self.lane, "id": found.get("data-event-id"),
                          "classes": set(found["class"].split()), "label": ""}  # fmt: skip

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open["label"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "button" and self._open is not None:
            self.marks.append(self._open)
            self._open = None


def _details(dom: str) -> str:
    match = re.search(r'<section id="details"[^>]*>(.*?)</section>', dom, re.S)
    assert match, "no details panel"
    return re.sub(r"<[^>]+>", " ", match.group(1))


def test_the_page_is_self_contained(url: str, tmp_path: Path) -> None:
    page = tmp_path / "belarus.html"

    result = newsline(url, "export", "Biélorussie", "--html", str(page))

    assert result.returncode == 0, result.stderr
    assert result.stderr == f"wrote {page}: 7 events for BLR\n"
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"<link|<img|<iframe|\ssrc=|@import|url\(", html)
    data = json.loads(
        re.search(
            r'<script type="application/json" id="timeline-data">(.*?)</script>', html, re.S
        ).group(1)
    )
    assert data["country"] == "BLR" and len(data["events"]) == 7
    visit = next(e for e in data["events"] if e["event_id"] == VISIT)
    assert [s["article_id"] for s in visit["sources"]] == ["000_98cf7ec9cc4599a5", EN_ID]


def test_chromium_shows_the_lanes_and_the_evidence_on_click(url: str, tmp_path: Path) -> None:
    page = tmp_path / "belarus.html"
    assert newsline(url, "export", "BLR", "--html", str(page)).returncode == 0
    clicked = tmp_path / "clicked.html"  # the same page, plus a click on the visit's mark
    clicked.write_text(
        page.read_text(encoding="utf-8").replace(
            "</body>",
            f"<script>document.querySelector('.mark[data-event-id=\"{VISIT}\"]').click();"
            "</script></body>",
        ),
        encoding="utf-8",
    )

    drawn, after_click = dump_dom(page), dump_dom(clicked)

    parser = _Marks()
    parser.feed(drawn)
    assert {m["label"] for m in parser.marks} == BLR_LABELS
    lanes = {m["id"]: m["lane"] for m in parser.marks}
    assert lanes[VISIT] == "meeting" and lanes[DEPLOYMENT] == "military"
    assert [m["id"] for m in parser.marks if "undated" in m["classes"]] == [DEPLOYMENT]
    assert "Select an event." in _details(drawn)
    details = _details(after_click)
    assert "meeting/visit — 2025-08-20 (day)" in details
    assert "Belarusian President Alexander Lukashenko hosted Iran" in details
    assert "lors d'une rencontre dans la capitale biélorusse Minsk" in details.replace("&#39;", "'")
    assert "host: Alexander Lukashenko / Alexandre Loukachenko (BLR)" in details
    assert "guest: Masoud Pezeshkian / Massoud Pezeshkian (IRN)" in details


def test_filters_and_bad_input(url: str, tmp_path: Path) -> None:
    page = tmp_path / "sanctions.html"
    result = newsline(url, "export", "BY", "--html", str(page), "--type", "sanctions")
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"wrote {page}: 2 events for BLR\n"

    unknown = newsline(url, "export", "Atlantis", "--html", str(page))
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("error [NL323]: ") and unknown.stderr.count("\n") == 1

    nowhere = newsline(url, "export", "BLR", "--html", str(tmp_path / "missing" / "x.html"))
    assert nowhere.returncode == 1
    assert nowhere.stderr.startswith("error [NL350]: cannot write ")
    assert nowhere.stderr.count("\n") == 1
