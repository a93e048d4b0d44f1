"""The hub: an ASGI service desks sync their journals with (Starlette on uvicorn).

Wire format (JSON, UTF-8; every error is ``{"error": code, "message": text}``):

- ``Authorization: Bearer TOKEN`` on every ``/v1`` call (the live page also takes ``?token=``);
  a missing, unknown or revoked token is 401 and changes nothing.
- ``POST /v1/events/{event_id}/entries`` with ``{"entries": [entry, …]}`` (``Entry.to_wire()``,
  at most 5,000) and ``X-Kiosk-Clock: <sender's epoch ms>`` → ``{"accepted": n, "duplicates": n,
  "cursor": n, "hub_time": ms, "skew_ms": ms}``. All or nothing: one bad entry → 400 naming it.
  Idempotent by entry id. An organiser token's first push publishes the event.
- ``GET /v1/events/{event_id}/entries?after=CURSOR&limit=N[&skip_device=ID]`` → ``{"entries":
  [...], "cursor": n, "more": bool}``; the cursor is the hub number of the last entry read (start
  from 0); ``skip_device`` leaves out the puller's own entries, which it has already.
- ``GET /v1/whoami`` → ``{"device", "event_id", "organiser"}``; ``GET /v1/health``.
- ``GET /live/{event_id}`` (HTML, refreshes itself) and ``GET /live/{event_id}/data`` (JSON).

Endpoints are plain functions run in Starlette's thread pool, because Peewee is synchronous; the
push endpoint only awaits its request body before handing over to one.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from kiosk.i18n import _
from kiosk.models.clock import wall_ms
from kiosk.models.journal import BadEntry, Entry
from kiosk.sync import store
from kiosk.sync.client import CLOCK_HEADER
from kiosk.sync.live import LiveCache, render_page
from kiosk.sync.store import Grant, hub_db

MAX_BATCH = 5000
MAX_BODY = 64 * 1024 * 1024
MAX_PAGE = 5000


def _error(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": code, "message": message, **extra}, status_code=status)


def _unauthorised() -> JSONResponse:
    return _error(401, "unauthorised", _("Missing, unknown or revoked token."))


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.query_params.get("token")


def _grant(request: Request) -> Grant | None:
    return store.grant_for(_bearer(request))


def _event_id(request: Request) -> str | None:
    event_id = request.path_params["event_id"]
    return event_id if 0 < len(event_id) <= 64 and "\x00" not in event_id else None


def _forbidden_entry(entry: Entry, grant: Grant) -> str | None:
    """What a desk may not push: only the organiser publishes event keys and the event itself."""
    if grant.organiser:
        return None
    if entry.kind == "key.add" and entry.payload.get("owner") == "event":
        return "only the organiser may add an event key"
    if entry.kind == "event.set":
        return "only the organiser may change the event"
    return None


# --- endpoints ------------------------------------------------------------------------------------


def health(request: Request) -> Response:
    return JSONResponse({"ok": True, "hub_time": wall_ms()})


def whoami(request: Request) -> Response:
    with hub_db.connection_context():
        grant = _grant(request)
    if grant is None:
        return _unauthorised()
    return JSONResponse({"device": grant.device, "event_id": grant.event_id, "organiser": grant.organiser})


async def push(request: Request) -> Response:
    body = await request.body()
    return await run_in_threadpool(_push, request, body)


def _push(request: Request, body: bytes) -> Response:
    with hub_db.connection_context():
        grant = _grant(request)
        if grant is None:
            return _unauthorised()
        event_id = _event_id(request)
        if event_id is None or not (grant.organiser or grant.event_id == event_id):
            return _error(403, "wrong_event", _("This token is for another event."))
        if len(body) > MAX_BODY:
            return _error(413, "too_large", _("The batch is too large."))
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return _error(400, "bad_json", _("The request body is not JSON."))
        raw = data.get("entries") if isinstance(data, dict) else None
        if not isinstance(raw, list) or len(raw) > MAX_BATCH:
            return _error(
                400, "bad_batch", _('Send an object with "entries": a list of at most {n} entries.').format(n=MAX_BATCH)
            )
        entries, problems = [], []
        for index, item in enumerate(raw):
            try:
                entry = Entry.from_wire(item)
            except BadEntry as error:
                problems.append({"index": index, "problem": str(error)})
                continue
            if "\x00" in entry.id + entry.device + entry.operator + entry.kind:
                # PostgreSQL text cannot hold NUL; no entry made by a desk has one.
                problems.append({"index": index, "problem": "NUL character in a text field"})
                continue
            entries.append(entry)
        if problems:
            return _error(
                400,
                "bad_entries",
                _("The batch was refused: {n} bad entries.").format(n=len(problems)),
                problems=problems[:50],
            )
        clock = request.headers.get(CLOCK_HEADER, "")
        clock_ms = int(clock) if clock.isdigit() and len(clock) < 19 else None
        try:
            result = store.store_entries(event_id, entries, grant, clock_ms, lambda e: _forbidden_entry(e, grant))
        except store.ForbiddenEntries as error:
            return _error(
                400,
                "forbidden_entries",
                _("The batch was refused: {n} entries only the organiser may add.").format(n=len(error.problems)),
                problems=error.problems[:50],
            )
        except store.UnknownEvent:
            return _error(404, "unknown_event", _("This event is not on the hub yet: the organiser must sync first."))
    now = wall_ms()
    return JSONResponse(
        {
            "accepted": result.accepted,
            "duplicates": result.duplicates,
            "cursor": result.last_seq,
            "hub_time": now,
            "skew_ms": 0 if clock_ms is None else clock_ms - now,
        }
    )


def pull(request: Request) -> Response:
    try:
        after = int(request.query_params.get("after", "0"))
        limit = int(request.query_params.get("limit", "1000"))
    except ValueError:
        return _error(400, "bad_cursor", _("after and limit must be whole numbers."))
    if after < 0 or not 1 <= limit <= MAX_PAGE or after >= 1 << 62:
        return _error(400, "bad_cursor", _("after must be 0 or more and limit between 1 and {n}.").format(n=MAX_PAGE))
    with hub_db.connection_context():
        grant = _grant(request)
        if grant is None:
            return _unauthorised()
        event_id = _event_id(request)
        if event_id is None or not grant.may_read(event_id):
            return _error(403, "wrong_event", _("This token is for another event."))
        if not store.event_exists(event_id):
            return _error(404, "unknown_event", _("This event is not on the hub yet: the organiser must sync first."))
        rows = store.entries_after(event_id, after, limit)
    cursor = rows[-1][0] if rows else after
    more = "true" if len(rows) == limit else "false"
    skip = request.query_params.get("skip_device")
    # The bodies are stored as wire JSON already: splice them instead of parsing and re-encoding.
    bodies = ",".join(body for _seq, device, body in rows if device != skip)
    text = '{"entries":[' + bodies + f'],"cursor":{cursor},"more":{more}}}'
    return Response(text, media_type="application/json")


def _live_data(request: Request) -> dict[str, Any] | Response:
    with hub_db.connection_context():
        grant = _grant(request)
        if grant is None:
            return _unauthorised()
        event_id = _event_id(request)
        if event_id is None or not grant.organiser:
            return _error(403, "organiser_only", _("Only the organiser's token shows the live page."))
        if not store.event_exists(event_id):
            return _error(404, "unknown_event", _("This event is not on the hub yet: the organiser must sync first."))

        def fetch(after: int) -> list[tuple[int, dict]]:
            return [(seq, json.loads(body)) for seq, _device, body in store.entries_after(event_id, after, 5000)]

        data = request.app.state.live.snapshot(event_id, fetch)
        data["event_id"] = event_id
        data["hub_time"] = wall_ms()
        data["devices"] = [
            {"device": row.device, "last_sync": row.last_sync, "skew_ms": row.skew_ms}
            for row in store.devices(event_id)
        ]
    return data


def live_data(request: Request) -> Response:
    data = _live_data(request)
    return data if isinstance(data, Response) else JSONResponse(data)


def live_page(request: Request) -> Response:
    data = _live_data(request)
    if isinstance(data, Response):
        return data
    return HTMLResponse(render_live(data))


def render_live(data: dict[str, Any]) -> str:
    """The live page in the current language (kiosk.sync.live.render_page lays it out)."""
    from kiosk.categories import CATEGORIES, category_label

    text = {
        "title": _("Live arrivals"),
        "arrived_of": _("Arrived {arrived} of {expected}").format(**data),
        "agreements": _("Agreements signed: {n}"),
        "updated": _("Updated {time}"),
        "by_category": _("By category"),
        "category": _("Category"),
        "arrived": _("Arrived"),
        "expected": _("Expected"),
        "by_desk": _("By desk"),
        "desk": _("Desk"),
        "devices": _("Devices"),
        "device": _("Device"),
        "last_sync": _("Last sync"),
        "skew": _("Clock skew (s)"),
        "categories": {name: category_label(name) for name in (*CATEGORIES, *data["by_category"])},
    }
    return render_page(data, text)


def openapi(request: Request) -> Response:
    return JSONResponse(OPENAPI)


_ERROR = {"$ref": "#/components/schemas/Error"}
_EVENT = {"name": "event_id", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}


def _responses(ok: dict, *codes: int) -> dict:
    responses: dict[str, Any] = {"200": {"description": "OK", "content": {"application/json": {"schema": ok}}}}
    for code in codes:
        responses[str(code)] = {"description": "Error", "content": {"application/json": {"schema": _ERROR}}}
    return responses


OPENAPI: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Forum Kiosk hub", "version": "1"},
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error", "message"],
                "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
            },
            "Entry": {
                "type": "object",
                "required": ["id", "device", "operator", "hlc", "wall_time", "kind", "schema_version", "payload"],
                "properties": {
                    "id": {"type": "string", "maxLength": 64, "minLength": 1},
                    "device": {"type": "string", "maxLength": 64, "minLength": 1},
                    "operator": {"type": "string", "maxLength": 100},
                    "hlc": {"type": "integer", "minimum": 0},
                    "wall_time": {"type": "integer", "minimum": 0},
                    "kind": {"type": "string", "maxLength": 64, "minLength": 1},
                    "schema_version": {"type": "integer", "minimum": 0},
                    "payload": {"type": "object"},
                },
            },
        },
    },
    "security": [{"bearer": []}],
    "paths": {
        "/v1/health": {"get": {"security": [], "responses": _responses({"type": "object"})}},
        "/v1/whoami": {"get": {"responses": _responses({"type": "object"}, 401)}},
        "/v1/events/{event_id}/entries": {
            "post": {
                "summary": "Push a batch of journal entries (idempotent by entry id; all or nothing)",
                "parameters": [
                    _EVENT,
                    {"name": CLOCK_HEADER, "in": "header", "required": False, "schema": {"type": "string"}},
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["entries"],
                                "properties": {
                                    "entries": {
                                        "type": "array",
                                        "maxItems": MAX_BATCH,
                                        "items": {"$ref": "#/components/schemas/Entry"},
                                    }
                                },
                            }
                        }
                    },
                },
                "responses": _responses(
                    {
                        "type": "object",
                        "properties": {
                            "accepted": {"type": "integer"},
                            "duplicates": {"type": "integer"},
                            "cursor": {"type": "integer"},
                            "hub_time": {"type": "integer"},
                            "skew_ms": {"type": "integer"},
                        },
                    },
                    400,
                    401,
                    403,
                    404,
                    413,
                ),
            },
            "get": {
                "summary": "Pull the entries numbered after a cursor, in hub order",
                "parameters": [
                    _EVENT,
                    {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1000},
                    },
                    {
                        "name": "skip_device",
                        "in": "query",
                        "description": "leave out this device's entries (the cursor still moves past them)",
                        "schema": {"type": "string"},
                    },
                ],
                "responses": _responses(
                    {
                        "type": "object",
                        "properties": {
                            "entries": {"type": "array", "items": {"$ref": "#/components/schemas/Entry"}},
                            "cursor": {"type": "integer"},
                            "more": {"type": "boolean"},
                        },
                    },
                    400,
                    401,
                    403,
                    404,
                ),
            },
        },
        "/live/{event_id}": {
            "get": {"parameters": [_EVENT], "responses": {"200": {"description": "HTML page"}}},
        },
        "/live/{event_id}/data": {
            "get": {"parameters": [_EVENT], "responses": _responses({"type": "object"}, 401, 403, 404)},
        },
    },
}


def create_app() -> Starlette:
    """The ASGI application; bind the storage first with ``store.open_hub_database``."""
    app = Starlette(
        routes=[
            Route("/openapi.json", openapi),
            Route("/v1/health", health),
            Route("/v1/whoami", whoami),
            Route("/v1/events/{event_id}/entries", push, methods=["POST"]),
            Route("/v1/events/{event_id}/entries", pull, methods=["GET"]),
            Route("/live/{event_id}", live_page),
            Route("/live/{event_id}/data", live_data),
        ]
    )
    app.state.live = LiveCache()  # per app: one app serves one database
    return app


def serve(db_url: str | None, host: str = "127.0.0.1", port: int = 8765, announce=None) -> None:
    """Run the hub until interrupted. ``port=0`` picks a free port; ``announce(port)`` is told which."""
    import socket

    import uvicorn

    store.open_hub_database(db_url)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    if announce is not None:
        announce(sock.getsockname()[1])
    config = uvicorn.Config(create_app(), log_level="warning", lifespan="off", access_log=False)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
        store.close_hub_database()
