"""The sync commands as a person runs them: separate processes for the hub and each desk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.sync.conftest import ROOT


def kiosk(data: Path | None, *args: str) -> subprocess.CompletedProcess:
    prefix = ["--data", str(data)] if data else []
    return subprocess.run(
        [sys.executable, "-m", "tests.sync.runner", "--lang", "en", *prefix, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def ok_json(data: Path | None, *args: str):
    result = kiosk(data, *args, "--json")
    assert result.returncode == 0, f"{args}: {result.returncode}\n{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout)


def test_cli_organiser_hub_desk(tmp_path, hub_processes):
    db = f"sqlite:///{tmp_path / 'hub.sqlite3'}"
    org, desk = tmp_path / "org", tmp_path / "desk"
    token = ok_json(None, "hub", "token", "--db", db, "--device", "organiser", "--organiser")["token"]
    event = ok_json(org, "demo", "--guests", "30")
    hub = hub_processes(db)
    first = ok_json(org, "sync", "--hub", hub.url, "--token", token)
    assert first["pushed"] > 30 and first["pulled"] == 0 and first["conflicts"] == 0
    code = ok_json(org, "credentials")[0]

    desk_token = ok_json(None, "hub", "token", "--db", db, "--device", "Desk 2", "--event", event["id"])["token"]
    joined = ok_json(desk, "join", "--hub", hub.url, "--token", desk_token)
    assert joined["event_id"] == event["id"] and joined["pulled"] > 30
    assert ok_json(desk, "--station", "Desk 2", "scan", code["text"])["status"] == "ok"
    assert ok_json(desk, "sync")["pushed"] >= 1  # hub and token remembered
    assert ok_json(org, "sync")["pulled"] >= 1
    assert ok_json(org, "stats")["arrived"] == 1
    assert ok_json(org, "conflicts") == []

    bundle = tmp_path / "desk.bundle"
    assert ok_json(desk, "bundle", "export", "-o", str(bundle))["entries"] > 30
    assert ok_json(org, "bundle", "import", str(bundle))["new"] == 0  # the hub brought it all already
    bundle.write_bytes(bundle.read_bytes().replace(b"Desk 2", b"Desk 3", 1))
    refused = kiosk(org, "bundle", "import", str(bundle), "--json")
    assert refused.returncode == 1 and json.loads(refused.stdout)["error"] == "bundle_refused"

    # Revoked: refused, exit 1; the hub away: exit 1 with "unreachable".
    assert ok_json(None, "hub", "revoke", "--db", db, "--device", "Desk 2")["revoked"] == 1
    revoked = kiosk(desk, "sync", "--json")
    assert revoked.returncode == 1 and json.loads(revoked.stdout)["error"] == "unauthorised"
    away = kiosk(org, "sync", "--hub", "http://127.0.0.1:9", "--json")
    assert away.returncode == 1 and json.loads(away.stdout)["error"] == "unreachable"
    assert kiosk(tmp_path / "new", "sync", "--json").returncode == 2  # no hub known yet
