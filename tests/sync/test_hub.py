"""The hub's wire contract: push, pull, idempotency, all-or-nothing batches, tokens."""

from __future__ import annotations

from kiosk.models.ids import uuid7
from kiosk.models.journal import Entry
from kiosk.sync import store
from tests.sync.conftest import issue

EVENT = "event-1"


def entry(entry_kind: str = "guest.set", **payload) -> dict:
    return Entry(
        id=uuid7(),
        device="dev-a",
        operator="op",
        hlc=1 << 40,
        wall_time=1_700_000_000_000,
        kind=entry_kind,
        schema_version=1,
        payload=payload or {"guest_id": uuid7(), "fields": {"name": "王芳"}},
    ).to_wire()


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def push(hub, token, entries, event=EVENT, **headers):
    return hub.post(f"/v1/events/{event}/entries", json={"entries": entries}, headers={**auth(token), **headers})


def pull_all(hub, token, event=EVENT, limit=7) -> list[dict]:
    seen, cursor = [], 0
    while True:
        page = hub.get(f"/v1/events/{event}/entries", params={"after": cursor, "limit": limit}, headers=auth(token))
        assert page.status_code == 200, page.text
        data = page.json()
        seen += data["entries"]
        cursor = data["cursor"]
        if not data["more"]:
            return seen


def test_push_then_pull_in_pages_is_idempotent(hub, hub_url):
    organiser = issue(hub_url, "organiser", organiser=True)
    batch = [entry() for _ in range(20)]
    first = push(hub, organiser, batch, **{"X-Kiosk-Clock": "0"})
    assert first.status_code == 200, first.text
    assert first.json()["accepted"] == 20
    assert first.json()["skew_ms"] < -1_000_000  # a clock at 1970 is reported far behind
    again = push(hub, organiser, batch[5:] + [entry()])  # a retry after a lost reply, plus one new
    assert again.json() == {**again.json(), "accepted": 1, "duplicates": 15}
    pulled = pull_all(hub, organiser)
    assert [e["id"] for e in pulled] == [e["id"] for e in batch] + [pulled[-1]["id"]]
    assert pulled[0] == batch[0]


def test_a_bad_batch_is_refused_whole(hub, hub_url):
    organiser = issue(hub_url, "organiser", organiser=True)
    push(hub, organiser, [entry()])
    bad = entry()
    bad["hlc"] = "soon"
    response = push(hub, organiser, [entry(), bad, entry()])
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "bad_entries" and body["problems"][0]["index"] == 1
    assert len(pull_all(hub, organiser)) == 1
    for garbage in (b"not json", b"[]", b'{"entries": 3}'):
        response = hub.post(f"/v1/events/{EVENT}/entries", content=garbage, headers=auth(organiser))
        assert response.status_code == 400


def test_tokens_401_touch_nothing_and_desks_stay_in_their_event(hub, hub_url):
    organiser = issue(hub_url, "organiser", organiser=True)
    desk = issue(hub_url, "desk-1", event_id=EVENT)
    # A desk cannot publish an event; before the organiser's first push its event is unknown.
    assert push(hub, desk, [entry()]).status_code == 404
    assert push(hub, organiser, [entry()]).status_code == 200
    for token in (None, "wrong", desk + "x"):
        headers = auth(token) if token is not None else {}
        assert hub.post(f"/v1/events/{EVENT}/entries", json={"entries": [entry()]}, headers=headers).status_code == 401
        assert hub.get(f"/v1/events/{EVENT}/entries", headers=headers).status_code == 401
    assert push(hub, desk, [entry()], event="other").status_code == 403
    assert hub.get("/v1/events/other/entries", headers=auth(desk)).status_code == 403
    # Desks may not bring event keys.
    forged = entry("key.add", key_id="k", public_key="00" * 32, owner="event")
    assert push(hub, desk, [forged]).status_code == 400
    assert push(hub, desk, [entry()]).status_code == 200
    assert store.revoke_tokens("desk-1") == 1
    assert push(hub, desk, [entry()]).status_code == 401
    assert len(pull_all(hub, organiser)) == 2
    with store.hub_db.connection_context():
        assert {row.device for row in store.devices(EVENT)} == {"organiser", "desk-1"}
    assert hub.get("/v1/whoami", headers=auth(organiser)).json()["organiser"] is True


def test_bad_cursors_and_the_openapi_description(hub, hub_url):
    organiser = issue(hub_url, "organiser", organiser=True)
    push(hub, organiser, [entry()])
    for params in ({"after": "x"}, {"after": -1}, {"limit": 0}, {"limit": 10**6}):
        assert hub.get(f"/v1/events/{EVENT}/entries", params=params, headers=auth(organiser)).status_code == 400
    spec = hub.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.") and "/v1/events/{event_id}/entries" in spec["paths"]


def test_live_page_counts_arrivals_by_category_and_desk(hub, hub_url):
    organiser = issue(hub_url, "organiser", organiser=True)
    guests = [uuid7() for _ in range(3)]
    batch = [entry("guest.set", guest_id=g, fields={"name": "x", "category": "expert"}) for g in guests]
    checkins = [uuid7() for _ in range(3)]
    batch += [
        entry("checkin", checkin_id=checkins[0], guest_id=guests[0], at=5, station="Desk 1", kind="arrival"),
        entry("checkin", checkin_id=checkins[1], guest_id=guests[0], at=9, station="Desk 2", kind="arrival"),
        entry("checkin.undo", checkin_id=checkins[2]),  # the undo before its check-in
        entry("checkin", checkin_id=checkins[2], guest_id=guests[1], at=7, station="Desk 2", kind="arrival"),
    ]
    push(hub, organiser, batch, **{"X-Kiosk-Clock": "1"})
    data = hub.get(f"/live/{EVENT}/data", headers=auth(organiser)).json()
    assert data["arrived"] == 1 and data["expected"] == 3
    assert data["by_category"]["expert"] == {"expected": 3, "arrived": 1}
    assert data["by_station"] == {"Desk 1": 1}
    assert data["devices"][0]["device"] == "organiser"
    page = hub.get(f"/live/{EVENT}", params={"token": organiser})
    assert page.status_code == 200 and 'http-equiv="refresh"' in page.text and "Desk 1" in page.text
    desk = issue(hub_url, "desk-1", event_id=EVENT)
    assert hub.get(f"/live/{EVENT}/data", headers=auth(desk)).status_code == 403
