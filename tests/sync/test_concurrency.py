"""Two hub processes on one database, concurrent pushes, a puller paging all along: no skipped entry."""

from __future__ import annotations

import threading

import httpx
import pytest

from tests.sync.conftest import _reset_postgres, issue
from tests.sync.test_hub import entry

EVENT = "busy-event"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_db(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hub.sqlite3'}"
    url = request.getfixturevalue("pg_url")
    _reset_postgres(url)
    return url


def test_two_hubs_concurrent_pushes_and_a_pager_never_skip(shared_db, hub_processes):
    hubs = [hub_processes(shared_db), hub_processes(shared_db)]  # both create the tables at start
    token = issue(shared_db, "organiser", organiser=True)
    headers = {"Authorization": f"Bearer {token}"}
    clients = [httpx.Client(base_url=hub.url, headers=headers, timeout=60) for hub in hubs]
    try:
        assert clients[0].post(f"/v1/events/{EVENT}/entries", json={"entries": [entry()]}).status_code == 200
        pushed: list[str] = []
        errors: list[str] = []
        lock = threading.Lock()

        def pusher(number: int) -> None:
            for round_ in range(25):
                batch = [entry() for _ in range(1 + (number + round_) % 12)]
                response = clients[(number + round_) % 2].post(f"/v1/events/{EVENT}/entries", json={"entries": batch})
                if response.status_code != 200:
                    errors.append(response.text)
                    return
                with lock:
                    pushed.extend(e["id"] for e in batch)

        seen: list[str] = []
        done = threading.Event()

        def pager() -> None:
            cursor, turn = 0, 0
            while True:
                finished = done.is_set()  # read before pulling: the last pull starts after every push ended
                page = clients[turn % 2].get(f"/v1/events/{EVENT}/entries", params={"after": cursor, "limit": 17})
                turn += 1
                if page.status_code != 200:
                    errors.append(page.text)
                    return
                data = page.json()
                seen.extend(e["id"] for e in data["entries"])
                cursor = data["cursor"]
                if finished and not data["more"]:
                    return

        threads = [threading.Thread(target=pusher, args=(n,)) for n in range(6)]
        reader = threading.Thread(target=pager)
        reader.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        done.set()
        reader.join(timeout=120)
        assert not reader.is_alive() and not any(thread.is_alive() for thread in threads)
        assert not errors, errors[:3]

        final, cursor = [], 0
        while True:
            data = clients[1].get(f"/v1/events/{EVENT}/entries", params={"after": cursor, "limit": 1000}).json()
            final.extend(e["id"] for e in data["entries"])
            cursor = data["cursor"]
            if not data["more"]:
                break
        assert len(final) == len(set(final)) == len(pushed) + 1
        assert len(seen) == len(set(seen))  # never the same entry twice
        assert set(seen) == set(final)  # and never one skipped
        assert seen == final  # in one order, the hub's
    finally:
        for client in clients:
            client.close()
