"""The organiser's live page in headless Chromium: its own script fetches the counts and draws them.

Skipped when Chromium is not installed (scripts/setup.sh installs it in CI).
"""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from kiosk.core import stats
from kiosk.core.checkin import CheckinService
from kiosk.core.demo import create_demo
from kiosk.core.desk import Desk
from kiosk.core.issuing import IssuingService
from kiosk.core.sync_service import SyncService
from kiosk.models.tables import Checkin
from kiosk.sync import store
from tests.sync.conftest import ThreadHub

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class _Rows(HTMLParser):
    """The live page's rows: ``data-category``/``data-station`` → their numbers; ``#live``'s data-state."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[tuple[str, str], dict[str, str]] = {}
        self.state = None
        self.ids: dict[str, str] = {}
        self._row: dict[str, str] | None = None
        self._cell: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") == "live":
            self.state = attrs.get("data-state")
        if tag == "tr" and ("data-category" in attrs or "data-station" in attrs):
            key = ("category", attrs["data-category"]) if "data-category" in attrs else ("station", attrs["data-station"])
            self._row = self.rows.setdefault(key, {})
        elif tag == "td" and self._row is not None:
            self._cell = (attrs.get("class") or "").split()[-1] if attrs.get("class") else "label"
        elif tag == "span" and attrs.get("id"):
            self._cell = "#" + attrs["id"]

    def handle_endtag(self, tag):
        if tag == "tr":
            self._row = None
        if tag in {"td", "span"}:
            self._cell = None

    def handle_data(self, data):
        if self._cell and self._cell.startswith("#"):
            self.ids[self._cell[1:]] = self.ids.get(self._cell[1:], "") + data
        elif self._cell and self._row is not None:
            self._row[self._cell] = self._row.get(self._cell, "") + data


def _chromium(tmp_path, *args: str) -> subprocess.CompletedProcess:
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--virtual-time-budget=3000",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_live_page_in_chromium_shows_the_desks_counts(tmp_path):
    hub = ThreadHub(f"sqlite:///{tmp_path / 'hub.sqlite3'}")
    desk = Desk(tmp_path / "organiser")
    try:
        event = create_demo(desk, guests=20)
        codes = [code.text for code in IssuingService(desk).all_current()]
        service = CheckinService(desk)
        for number, code in enumerate(codes[:9]):
            assert service.scan(code, f"Desk {1 + number % 2}").ok
        assert service.scan(codes[0], "Desk 2").status == "warn"  # again: still one arrival
        figures = stats.compute()
        by_station: dict[str, int] = {}
        for row in Checkin.select().where(Checkin.undone == False, Checkin.kind == "arrival"):  # noqa: E712
            by_station[row.station] = by_station.get(row.station, 0) + 1
        token = store.issue_token("organiser", organiser=True)
        SyncService(desk).sync(hub.url, token)
        url = f"{hub.url}/live/{event.id}?token={token}"

        dumped = _chromium(tmp_path, "--dump-dom", url)
        assert dumped.returncode == 0, dumped.stderr[-2000:]
        page = _Rows()
        page.feed(dumped.stdout)
        assert page.state == "fresh", "the page's script did not refresh the counts"
        assert page.ids["arrived"].strip() == str(figures.arrived) == "9"
        assert page.ids["expected"].strip() == str(figures.expected) == "20"
        shown = {name: row for (kind, name), row in page.rows.items() if kind == "category"}
        expected = {name: c for name, c in figures.by_category.items() if c.expected or c.arrived}
        assert shown.keys() == expected.keys()
        for name, counts in expected.items():
            assert (shown[name]["arrived"], shown[name]["expected"]) == (str(counts.arrived), str(counts.expected))
        stations = {name: int(row["arrived"]) for (kind, name), row in page.rows.items() if kind == "station"}
        assert stations == by_station == {"Desk 1": 5, "Desk 2": 4}

        shot = tmp_path / "live.png"
        taken = _chromium(tmp_path, "--window-size=1920,1080", f"--screenshot={shot}", url)
        assert taken.returncode == 0, taken.stderr[-2000:]
        assert shot.stat().st_size > 10_000
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        desk.close()
        hub.stop()
