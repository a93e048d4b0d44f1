"""Hubs for the sync tests: in-process (Starlette's TestClient) on SQLite or a fresh PostgreSQL
database, and real uvicorn subprocesses on free ports, always stopped."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_HOST, PG_PORT = "127.0.0.1", 5432


@pytest.fixture(autouse=True)
def english():
    """Messages in English, so tests can match them; the default language again afterwards."""
    from kiosk.i18n import DEFAULT_LANGUAGE, set_language

    set_language("en")
    yield
    set_language(DEFAULT_LANGUAGE)


def postgres_listening() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this run, dropped afterwards."""
    if not postgres_listening():
        pytest.skip("no PostgreSQL listening at 127.0.0.1:5432")
    import psycopg2

    name = f"kiosk_sync_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(host=PG_HOST, port=PG_PORT, user="postgres", dbname="test")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield f"postgresql://postgres@{PG_HOST}:{PG_PORT}/{name}"
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.close()


def _reset_postgres(url: str) -> None:
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS hub_event, hub_entry, hub_token, hub_device")
    finally:
        connection.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def hub_url(request, tmp_path) -> str:
    """A database URL for a hub: a new SQLite file, or the run's PostgreSQL database emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hub.sqlite3'}"
    url = request.getfixturevalue("pg_url")
    _reset_postgres(url)
    return url


class ThreadHub:
    """The hub served by uvicorn in a thread of this process, on a free port; a real ``httpx.Client``."""

    def __init__(self, db_url: str) -> None:
        import threading

        import httpx
        import uvicorn

        from kiosk.sync import store
        from kiosk.sync.hub import create_app

        store.open_hub_database(db_url)
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        config = uvicorn.Config(create_app(), log_level="warning", lifespan="off", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)
        self.thread.start()
        self.http = httpx.Client(base_url=self.url, timeout=30)

    # The tests call the hub like a client: hub.get(...), hub.post(...).
    def get(self, path: str, **kwargs):
        return self.http.get(path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.http.post(path, **kwargs)

    def stop(self) -> None:
        from kiosk.sync import store

        self.http.close()
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.socket.close()
        store.close_hub_database()


@pytest.fixture
def hub(hub_url):
    """The hub in this process (a thread), on the test's database."""
    served = ThreadHub(hub_url)
    try:
        yield served
    finally:
        served.stop()


def issue(db_url: str, device: str, *, event_id: str | None = None, organiser: bool = False) -> str:
    """A token, written through the hub's own storage (works while a hub process runs)."""
    from kiosk.sync import store

    store.open_hub_database(db_url)
    try:
        return store.issue_token(device, event_id=event_id, organiser=organiser)
    finally:
        store.close_hub_database()


class HubProcess:
    """``hub serve --port 0`` in a subprocess; the port is read from its first line."""

    def __init__(self, db_url: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.sync.runner", "hub", "serve", "--db", db_url, "--port", "0"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        line = self._first_line(timeout=30)
        self.url = json.loads(line)["listening"]

    def _first_line(self, timeout: float) -> str:
        import selectors

        selector = selectors.DefaultSelector()
        selector.register(self.process.stdout, selectors.EVENT_READ)
        try:
            if not selector.select(timeout):
                self.stop()
                raise AssertionError("the hub did not start in time")
        finally:
            selector.close()
        line = self.process.stdout.readline()
        if not line:
            self.stop()
            raise AssertionError(f"the hub did not start: {self.process.stderr.read()}")
        return line

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream:
                stream.close()


@pytest.fixture
def hub_processes():
    """Start hub subprocesses with ``start(db_url)``; all are stopped at the end of the test."""
    started: list[HubProcess] = []

    def start(db_url: str) -> HubProcess:
        process = HubProcess(db_url)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()
