"""Hostile input never makes the hub fail (no 5xx), on SQLite and PostgreSQL.

Stands in for a schemathesis run: hypothesis drives the endpoints of /openapi.json with random
bodies, cursors, paths and tokens, and near-valid entries with one field broken.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sync.conftest import issue
from tests.sync.test_hub import entry

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
FIELDS = ["id", "device", "operator", "hlc", "wall_time", "kind", "schema_version", "payload"]
FUZZ = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def organiser(hub, hub_url) -> str:
    token = issue(hub_url, "organiser", organiser=True)
    from kiosk.sync import store

    store.open_hub_database(hub_url)
    assert hub.post("/v1/events/fuzz/entries", json={"entries": [entry()]}, headers=_auth(token)).status_code == 200
    return token


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _sane(response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert {"error", "message"} <= response.json().keys()


@FUZZ
@given(body=json_values, broken=st.sampled_from(FIELDS), value=json_values, event=st.text(min_size=1, max_size=70))
def test_push_never_fails(hub, organiser, body, broken, value, event):
    _sane(hub.post("/v1/events/fuzz/entries", json=body, headers=_auth(organiser)))
    near = entry()
    near[broken] = value
    _sane(hub.post("/v1/events/fuzz/entries", json={"entries": [near]}, headers=_auth(organiser)))
    path = quote(event, safe="")
    if path not in {".", ".."}:
        _sane(hub.post(f"/v1/events/{path}/entries", json={"entries": [entry()]}, headers=_auth(organiser)))


@FUZZ
@given(
    after=st.one_of(st.integers(), st.text(max_size=25)),
    limit=st.one_of(st.integers(), st.text(max_size=5)),
    token=st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=300),
    clock=st.text(alphabet="0123456789-x", max_size=25),
)
def test_pull_and_tokens_never_fail(hub, organiser, after, limit, token, clock):
    _sane(hub.get("/v1/events/fuzz/entries", params={"after": after, "limit": limit}, headers=_auth(organiser)))
    _sane(hub.get("/v1/events/fuzz/entries", headers=_auth(token)))
    _sane(hub.get("/live/fuzz/data", headers=_auth(token)))
    headers = {**_auth(organiser), "X-Kiosk-Clock": clock}
    _sane(hub.post("/v1/events/fuzz/entries", json={"entries": [entry()]}, headers=headers))
