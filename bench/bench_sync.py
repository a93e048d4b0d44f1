"""100,000 journal entries from one desk through the hub into a second desk (SQLite and PostgreSQL).

Prints, for each hub database: the push (desk A → hub), the join (hub → desk B, applied to its state
tables), their sum against the 30 s budget, and beside it a plain bulk insert of the same rows into
the same hub database in the same run. The hub runs as its own process (uvicorn), as in production.

    python bench/bench_sync.py [--entries 100000] [--no-postgres]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.core.desk import Desk  # noqa: E402
from kiosk.core.sync_service import SyncService  # noqa: E402
from kiosk.models.clock import wall_ms  # noqa: E402
from kiosk.models.ids import uuid7  # noqa: E402
from kiosk.models.tables import Guest, JournalEntry  # noqa: E402
from kiosk.sync import store  # noqa: E402

SERVE = (
    "import json,sys; from kiosk.sync.hub import serve; "
    "serve(sys.argv[1], '127.0.0.1', 0, lambda p: print(json.dumps(p), flush=True))"
)


def make_source(folder: Path, count: int) -> str:
    """Desk A with an event and ``count`` entries (half new guests, half their check-ins)."""
    desk = Desk(folder)
    try:
        event = desk.create_event(name="Bench", date_text="2099-06-30", venue="", timezone="Asia/Shanghai")
        guests = count // 2
        with desk.write():
            entries = []
            for number in range(guests):
                guest_id = uuid7()
                entries.append(
                    desk.journal.make(
                        "guest.set",
                        {
                            "guest_id": guest_id,
                            "fields": {"name": f"嘉宾{number}", "organisation": f"单位{number % 500}"},
                        },
                        "bench",
                    )
                )
                entries.append(
                    desk.journal.make(
                        "checkin",
                        {
                            "checkin_id": uuid7(),
                            "guest_id": guest_id,
                            "kind": "arrival",
                            "station": "A",
                            "at": wall_ms(),
                        },
                        "bench",
                    )
                )
            desk.journal.record_entries(entries)
        return event.id
    finally:
        desk.close()


def run(db_url: str, label: str, count: int, work: Path) -> dict:
    store.open_hub_database(db_url)
    organiser = store.issue_token("organiser", organiser=True)
    source, target = work / f"{label}-a", work / f"{label}-b"
    event_id = make_source(source, count)
    desk_token = store.issue_token("desk-b", event_id=event_id)
    store.close_hub_database()
    hub = subprocess.Popen([sys.executable, "-c", SERVE, db_url], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{json.loads(hub.stdout.readline())}"
        desk = Desk(source)
        try:
            started = time.perf_counter()
            pushed = SyncService(desk, timeout=300).sync(url, organiser).pushed
            push_s = time.perf_counter() - started
        finally:
            desk.close()
        desk = Desk(target)
        try:
            started = time.perf_counter()
            pulled = SyncService(desk, timeout=300).join(url, desk_token).pulled
            join_s = time.perf_counter() - started
            arrived = Guest.select().where(Guest.arrived_at.is_null(False)).count()
            assert arrived == count // 2, arrived
            assert JournalEntry.select().count() >= count
        finally:
            desk.close()
    finally:
        hub.terminate()
        hub.wait(timeout=30)
        hub.stdout.close()

    # The same rows, bulk-inserted straight into the same hub database: the floor for the hub's part.
    store.open_hub_database(db_url)
    try:
        with store.hub_db.connection_context():
            rows = [
                (f"bulk-{event_id}", seq, row.entry_id, row.device, row.kind, row.body)
                for seq, row in enumerate(store.HubEntry.select().where(store.HubEntry.event_id == event_id), 1)
            ]
            fields = [
                store.HubEntry.event_id,
                store.HubEntry.seq,
                store.HubEntry.entry_id,
                store.HubEntry.device,
                store.HubEntry.kind,
                store.HubEntry.body,
            ]
            started = time.perf_counter()
            with store.write_transaction():
                for start in range(0, len(rows), 400):
                    store.HubEntry.insert_many(rows[start : start + 400], fields=fields).execute()
            bulk_s = time.perf_counter() - started
    finally:
        store.close_hub_database()
    return {
        "hub": label,
        "entries": count,
        "pushed": pushed,
        "pulled": pulled,
        "push_s": round(push_s, 2),
        "join_s": round(join_s, 2),
        "total_s": round(push_s + join_s, 2),
        "bulk_insert_s": round(bulk_s, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        results.append(run(f"sqlite:///{work / 'hub.sqlite3'}", "sqlite", args.entries, work))
        if not args.no_postgres:
            import psycopg2

            name = f"kiosk_bench_{uuid.uuid4().hex[:10]}"
            admin = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="test")
            admin.autocommit = True
            admin.cursor().execute(f'CREATE DATABASE "{name}"')
            try:
                results.append(run(f"postgresql://postgres@127.0.0.1:5432/{name}", "postgresql", args.entries, work))
            finally:
                admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.close()
    for result in results:
        verdict = "ok" if result["total_s"] <= 30 else "OVER BUDGET"
        print(
            f"{result['hub']:<10} {result['entries']:>7} entries: push {result['push_s']:>6.2f} s + join (pull, apply)"
            f" {result['join_s']:>6.2f} s = {result['total_s']:>6.2f} s (budget 30 s: {verdict});"
            f" plain bulk insert of the same rows {result['bulk_insert_s']:.2f} s"
        )


if __name__ == "__main__":
    main()
