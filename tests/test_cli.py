"""The command-line contract other tools rely on: names, keys, exit codes; Qt never loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.helpers.desks import kiosk, kiosk_json

GUEST_KEYS = {"id", "name", "organisation", "title", "category", "checked_in", "station", "note"}
VERDICT_KEYS = {"status", "reason", "message", "guest", "checkin_id"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    data = tmp_path_factory.mktemp("cli") / "data"
    kiosk(data, "demo", "--guests", "80", check=True)
    return data


def test_event_and_guests(demo):
    event = kiosk_json(demo, "event")
    assert set(event) >= {"id", "name", "date", "venue", "timezone", "sessions"}
    assert event["timezone"] == "Asia/Shanghai" and event["date"].endswith("-06-30")
    assert {s["code"] for s in event["sessions"]} == {"MAIN", "EXPO"}
    assert all(set(s) >= {"code", "name", "categories"} for s in event["sessions"])
    guests = kiosk_json(demo, "guests")
    assert len(guests) == 80 and all(set(g) >= GUEST_KEYS for g in guests)


def test_scan_undo_exit_codes_and_station(demo):
    guest = kiosk_json(demo, "guests")[3]
    code = kiosk_json(demo, "credential", guest["id"])
    assert code == {"guest_id": guest["id"], "text": code["text"]} and len(code["text"]) < 160
    first = kiosk(demo, "--station", "北门 Desk 3", "scan", code["text"], "--json")
    verdict = json.loads(first.stdout)
    assert first.returncode == 0 and set(verdict) >= VERDICT_KEYS
    assert verdict["status"] == "ok" and verdict["reason"] == "checked_in"
    assert verdict["guest"]["station"] == "北门 Desk 3" and verdict["guest"]["checked_in"]
    again = kiosk(demo, "scan", code["text"], "--station", "Desk 4", "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["reason"] == "already_checked_in"
    refused = kiosk(demo, "scan", "NOT-A-CODE", "--json")
    assert refused.returncode == 1 and json.loads(refused.stdout)["status"] == "refused"
    undone = kiosk(demo, "undo", verdict["checkin_id"], "--json")
    assert undone.returncode == 0
    missing = kiosk(demo, "undo", "nope", "--json")
    assert missing.returncode == 1 and json.loads(missing.stdout)["error"] == "unknown_checkin"
    assert kiosk(demo, "scan").returncode == 2
    assert kiosk(demo, "frobnicate").returncode == 2
    assert kiosk(demo, "credential", "nope", "--json").returncode == 1


def test_scan_stdin_gives_one_verdict_per_line(demo):
    codes = kiosk_json(demo, "credentials")
    assert len(codes) == 80 and all(set(c) == {"guest_id", "text"} for c in codes)
    lines = "\n".join([codes[10]["text"], "", "garbage", codes[10]["text"]]) + "\n"
    result = kiosk(demo, "scan", "--stdin", "--session", "MAIN", stdin=lines)
    verdicts = [json.loads(line) for line in result.stdout.splitlines()]
    assert [v["reason"] for v in verdicts] == ["checked_in", "malformed", "unknown", "already_checked_in"]
    assert all(set(v) >= VERDICT_KEYS for v in verdicts)


def test_search_and_stats(demo):
    guest = kiosk_json(demo, "guests")[20]
    found = kiosk_json(demo, "search", guest["name"])
    assert found[0]["name"] == guest["name"] and set(found[0]) >= GUEST_KEYS
    stats = kiosk_json(demo, "stats")
    assert stats["expected"] == 80 and set(stats) >= {"expected", "arrived", "by_category", "by_session"}
    assert set(stats["by_session"]) == {"MAIN", "EXPO"}
    assert all(set(c) == {"expected", "arrived"} for c in stats["by_category"].values())


def test_errors_are_json_with_exit_1(tmp_path):
    empty = kiosk(tmp_path / "empty", "event", "--json")
    assert empty.returncode == 1 and json.loads(empty.stdout)["error"] == "no_event"
    kiosk(tmp_path / "e", "init", "--name", "X", "--date", "2099-01-01", check=True)
    twice = kiosk(tmp_path / "e", "init", "--name", "X", "--date", "2099-01-01", "--json")
    assert twice.returncode == 1 and json.loads(twice.stdout)["error"] == "event_exists"
    assert kiosk(tmp_path / "f", "init", "--name", "X", "--date", "30/06").returncode == 2
    assert kiosk(tmp_path / "f", "init", "--name", "X", "--date", "2099-01-01", "--timezone", "Mars/Base").returncode == 2


def test_english_messages(demo):
    result = kiosk(demo, "--lang", "en", "scan", "NOPE", "--json")
    assert "No guest has this code" in json.loads(result.stdout)["message"]
    result = kiosk(demo, "--lang", "zh", "scan", "NOPE", "--json")
    assert "没有" in json.loads(result.stdout)["message"]


def test_headless_scan_never_loads_qt(demo):
    code = kiosk_json(demo, "guests")[0]["id"]
    program = (
        "import sys; from kiosk.app import main\n"
        f"main(['--data', {str(demo)!r}, 'scan', 'NOPE', '--json'])\n"
        f"main(['--data', {str(demo)!r}, 'search', {code!r}])\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt was imported'\n"
    )
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr


def test_printing_commands(demo, tmp_path):
    layouts = kiosk_json(demo, "layouts")
    assert {"badge-90x130", "badge-100x140", "a6", "cr80", "label-4x3in", "brother-62x100", "a4-2x4", "a4-2x5"} <= {
        layout["name"] for layout in layouts
    }
    assert all(set(layout) == {"name", "width_mm", "height_mm", "per_page"} for layout in layouts)
    assert next(layout for layout in layouts if layout["name"] == "a4-2x5")["per_page"] == 10
    guests = kiosk_json(demo, "guests")
    out = kiosk_json(demo, "badge", guests[0]["id"], guests[1]["id"], "-o", str(tmp_path / "two.pdf"), "--layout", "a6")
    assert out["badges"] == 2 and (tmp_path / "two.pdf").stat().st_size > 1000
    kiosk(demo, "printer", "--backend", "pdf", "--name", str(tmp_path / "printed"), check=True)
    job = kiosk_json(demo, "print", guests[5]["id"])
    assert job["state"] == "done" and list((tmp_path / "printed").glob("*.pdf"))
    again = kiosk(demo, "print", guests[5]["id"], "--json")
    assert again.returncode == 1 and json.loads(again.stdout)["error"] == "reason_required"
    assert kiosk(demo, "printer", "--copies", "0").returncode == 2
    letters = kiosk_json(demo, "invitations", "-o", str(tmp_path / "inv.pdf"))
    assert letters["invitations"] == 80
