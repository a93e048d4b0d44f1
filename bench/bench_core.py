"""Foundation benchmarks at 100,000 guests: scan → verdict, search, import.

Baselines, measured in the same run on the same machine:
- scan: plain ``sqlite3`` with the same pragmas (WAL, synchronous=FULL) doing one indexed SELECT, one
  INSERT and one COMMIT per scan — the least any durable check-in can do. The engine also verifies an
  Ed25519 signature, checks revocation, writes the journal entry and the check-in row and updates the
  guest. The COMMIT (the fsync) is reported on its own.
- search: one plain indexed ``SELECT ... WHERE key = ?`` on the same search table (exact lookup only).
- import: ``csv.reader`` over the same file and ``executemany`` of the raw rows into a bare table.

Run: ``.venv/bin/python bench/bench_core.py [--guests 100000]``; appends to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from make_guest_csv import write_guest_csv

from kiosk.core.checkin import CheckinService
from kiosk.core.demo import create_demo
from kiosk.core.desk import Desk
from kiosk.core.importing import import_guests
from kiosk.core.issuing import IssuingService
from kiosk.core.search import search
from kiosk.models.database import PRAGMAS, db


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def machine() -> str:
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    import os

    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"


def bench_baseline_scan(folder: Path, n_guests: int, scans: int) -> tuple[list[float], list[float]]:
    path = folder / "baseline.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    for name, value in PRAGMAS.items():
        connection.execute(f"PRAGMA {name} = {value}")
    connection.execute("CREATE TABLE guest (id TEXT PRIMARY KEY, name TEXT, arrived INTEGER)")
    connection.execute("CREATE TABLE checkin (id TEXT PRIMARY KEY, guest_id TEXT, at INTEGER)")
    connection.execute("BEGIN")
    connection.executemany("INSERT INTO guest VALUES (?, ?, NULL)", ((f"g{i:08d}", f"n{i}") for i in range(n_guests)))
    connection.execute("COMMIT")
    totals, commits = [], []
    rng = random.Random(1)
    for i in range(scans):
        start = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("SELECT id, name, arrived FROM guest WHERE id = ?", (f"g{rng.randrange(n_guests):08d}",)).fetchone()
        connection.execute("INSERT INTO checkin VALUES (?, ?, ?)", (f"c{i}", "g", i))
        before_commit = time.perf_counter()
        connection.execute("COMMIT")
        end = time.perf_counter()
        totals.append(end - start)
        commits.append(end - before_commit)
    connection.close()
    return totals, commits


def bench_scan(desk: Desk, codes: list[str], scans: int) -> tuple[list[float], list[float]]:
    service = CheckinService(desk)
    commits: list[float] = []
    # Time the COMMIT inside the engine's transaction by wrapping the connection's commit.
    original_commit = db.commit

    def timed_commit():
        start = time.perf_counter()
        try:
            return original_commit()
        finally:
            commits.append(time.perf_counter() - start)

    db.commit = timed_commit  # type: ignore[method-assign]
    totals = []
    try:
        for code in codes[:scans]:
            start = time.perf_counter()
            verdict = service.scan(code, "Bench desk")
            totals.append(time.perf_counter() - start)
            assert verdict.reason == "checked_in", verdict
    finally:
        db.commit = original_commit  # type: ignore[method-assign]
    return totals, commits


def bench_search(desk: Desk, queries: list[str], repeat: int = 3) -> list[float]:
    times = []
    for _ in range(repeat):
        for query in queries:
            start = time.perf_counter()
            search(query, limit=50)
            times.append(time.perf_counter() - start)
    return times


def bench_search_baseline(queries: list[str], repeat: int = 3) -> list[float]:
    connection = db.connection()
    times = []
    for _ in range(repeat):
        for query in queries:
            start = time.perf_counter()
            connection.execute("SELECT guest_id FROM search_key WHERE key = ? LIMIT 50", (query,)).fetchall()
            times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--guests", type=int, default=100_000)
    parser.add_argument("--scans", type=int, default=2000)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    lines = [f"\n## Foundation (issue 2) — {time.strftime('%Y-%m-%d %H:%M')}\n", f"Machine: {machine()}\n"]

    def report(text: str) -> None:
        print(text)
        lines.append(text)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # --- import -------------------------------------------------------------------------------
        csv_path = write_guest_csv(folder / "guests.csv", args.guests)
        start = time.perf_counter()
        with open(csv_path, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        bare = sqlite3.connect(folder / "bare.sqlite3")
        bare.execute(f"CREATE TABLE raw ({', '.join(f'c{i}' for i in range(len(rows[0])))})")
        bare.executemany(f"INSERT INTO raw VALUES ({', '.join('?' * len(rows[0]))})", rows[1:])
        bare.commit()
        bare.close()
        baseline_import = time.perf_counter() - start
        importer = Desk(folder / "import")
        importer.create_event(name="Bench", date_text="2099-06-30", venue="", timezone="Asia/Shanghai")
        start = time.perf_counter()
        result = import_guests(importer, csv_path)
        elapsed = time.perf_counter() - start
        assert result.imported + len(result.duplicates) == args.guests and not result.errors, result.errors[:3]
        importer.close()
        report(
            f"- import of a {args.guests:,}-row CSV: **{elapsed:.2f} s** (target ≤ 10 s; "
            f"{result.imported:,} imported, {len(result.duplicates)} duplicates) — baseline csv.reader + "
            f"executemany into a bare table: {baseline_import:.2f} s"
        )

        # --- scan ---------------------------------------------------------------------------------
        desk = Desk(folder / "scan")
        start = time.perf_counter()
        create_demo(desk, guests=args.guests)
        report(f"- demo event with {args.guests:,} guests created in {time.perf_counter() - start:.1f} s")
        guest_ids = [row[0] for row in db.connection().execute("SELECT id FROM guest ORDER BY random() LIMIT ?", (args.scans,))]
        issuing = IssuingService(desk)
        codes = [issuing.current(guest_id).text for guest_id in guest_ids]
        totals, commits = bench_scan(desk, codes, args.scans)
        base_totals, base_commits = bench_baseline_scan(folder, args.guests, args.scans)
        report(
            f"- scan → verdict at {args.guests:,} guests ({len(totals)} first arrivals): p50 **{ms(statistics.median(totals))}**, "
            f"p99 **{ms(percentile(totals, 99))}** (target ≤ 3 ms); of which COMMIT p50 {ms(statistics.median(commits))}, "
            f"p99 {ms(percentile(commits, 99))}"
        )
        ratio = statistics.median(totals) / statistics.median(base_totals)
        report(
            f"- baseline plain sqlite3 SELECT+INSERT+COMMIT: p50 {ms(statistics.median(base_totals))}, p99 "
            f"{ms(percentile(base_totals, 99))}, COMMIT p50 {ms(statistics.median(base_commits))} → engine p50 is "
            f"**{ratio:.2f}×** the baseline (target ≤ 2×)"
        )

        # --- search -------------------------------------------------------------------------------
        connection = db.connection()
        sample = connection.execute("SELECT name, phone FROM guest ORDER BY random() LIMIT 200").fetchall()
        two_char = [name for name, _ in sample if len(name) == 2][:60]
        from kiosk.models.search_keys import guest_keys

        initials = [key for name, _ in sample[:60] for key, rank in guest_keys(name) if rank == 2][:60]
        tails = [phone[-4:] for _, phone in sample if phone][:60]
        for label, queries in (("two-character names", two_char), ("initials", initials), ("phone tails", tails)):
            times = bench_search(desk, queries)
            base = bench_search_baseline(queries)
            report(
                f"- search {label} ({len(queries)} queries ×3): p50 {ms(statistics.median(times))}, p99 "
                f"**{ms(percentile(times, 99))}** (target ≤ 20 ms) — baseline exact indexed lookup p99 "
                f"{ms(percentile(base, 99))}"
            )
        desk.close()
    if not args.no_record:
        with open(Path(__file__).with_name("RESULTS.md"), "a", encoding="utf-8") as results:
            results.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
