"""The staff PIN (hashed, throttled, persisted) and staff unlock codes."""

from __future__ import annotations

import json
import time
import uuid
from datetime import date, timedelta

import pytest

from kiosk.categories import CATEGORY_BYTE
from kiosk.core import credentials, staff
from kiosk.core.desk import Desk
from kiosk.core.keys import SigningKey
from kiosk.models.tables import LocalSetting
from tests.helpers.desks import make_desk

PIN = "739164"


class Clock:
    def __init__(self, start: float = 1_900_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def test_delay_grows_and_is_capped():
    assert [staff.delay_after(n) for n in range(0, 7)] == [0, 0, 1, 2, 4, 8, 16]
    assert staff.delay_after(50) == staff.MAX_DELAY_S


@pytest.mark.parametrize("bad", ["", "123", "12345678901234", "12a4", "１２３４", "12 34"])
def test_pin_must_be_digits(desk, bad):
    with pytest.raises(staff.PinError):
        staff.set_pin(desk, bad)
    assert not staff.has_pin(desk)


def test_no_pin_never_unlocks(desk):
    assert not staff.check_pin(desk, "0000").ok
    assert not staff.check_pin(desk, "").ok


def test_right_pin_unlocks_and_resets(desk):
    clock = Clock()
    staff.set_pin(desk, PIN)
    assert staff.check_pin(desk, PIN, now=clock).ok
    assert not staff.check_pin(desk, "000000", now=clock).ok
    assert staff.check_pin(desk, PIN, now=clock).ok
    assert staff.throttle(desk).failures == 0


def test_wrong_tries_wait_longer_each_time(desk):
    clock = Clock()
    staff.set_pin(desk, PIN)
    waits = []
    for _ in range(6):
        result = staff.check_pin(desk, "111111", now=clock)
        assert not result.ok and not result.locked
        waits.append(result.wait_seconds(clock.now))
        clock.now = result.locked_until  # exactly when the next try is allowed
    assert waits == [0, 1, 2, 4, 8, 16]


def test_a_try_while_locked_is_not_checked(desk):
    clock = Clock()
    staff.set_pin(desk, PIN)
    staff.check_pin(desk, "1", now=clock)
    second = staff.check_pin(desk, "2222", now=clock)
    assert second.locked_until == clock.now + 1
    clock.now += 0.5
    early = staff.check_pin(desk, PIN, now=clock)  # even the right PIN is refused while locked
    assert early.locked and not early.ok and early.failures == 2
    clock.now += 0.5
    assert staff.check_pin(desk, PIN, now=clock).ok


def test_the_delay_survives_a_restart(tmp_path):
    clock = Clock()
    first = make_desk(tmp_path / "data")
    staff.set_pin(first, PIN)
    for _ in range(4):
        result = staff.check_pin(first, "0000", now=clock)
        clock.now = result.locked_until
    result = staff.check_pin(first, "0000", now=clock)
    first.close()
    again = Desk(tmp_path / "data")
    try:
        state = staff.throttle(again)
        assert state.failures == 5
        assert state.locked_until == result.locked_until == clock.now + 8
        assert staff.check_pin(again, PIN, now=clock).locked
    finally:
        again.close()


def test_the_pin_is_never_stored_in_clear(tmp_path):
    pin = "80417263"  # a string that occurs nowhere else
    desk = make_desk(tmp_path / "data")
    try:
        staff.set_pin(desk, pin)
        assert staff.check_pin(desk, pin).ok
        staff.check_pin(desk, pin + "9")
        values = [row.value for row in LocalSetting.select()]
        assert not any(pin in value for value in values)
        record = json.loads(LocalSetting.get(LocalSetting.key == staff.PIN_KEY).value)
        assert record["kdf"] == "scrypt" and record["n"] >= 2**14 and len(bytes.fromhex(record["salt"])) == 16
    finally:
        desk.close()
    for path in (tmp_path / "data").iterdir():
        if path.is_file():
            data = path.read_bytes()
            assert pin.encode() not in data, path
            assert pin.encode("utf-16-le") not in data, path


def test_same_pin_gets_a_different_salt(desk):
    staff.set_pin(desk, PIN)
    first = LocalSetting.get(LocalSetting.key == staff.PIN_KEY).value
    staff.set_pin(desk, PIN)
    assert LocalSetting.get(LocalSetting.key == staff.PIN_KEY).value != first


# --- unlock codes ---------------------------------------------------------------------------------------


def test_unlock_code_round_trip(desk):
    code = staff.issue_unlock_code(desk)
    assert code.startswith("FKS")
    assert credentials.decode(code).key_id == desk.device_key.key_id
    assert staff.check_unlock_code(desk, code)
    assert staff.check_unlock_code(desk, code.lower())  # Caps Lock / case-blind scanners


def test_unlock_code_expires(desk):
    clock = Clock(time.time())
    code = staff.issue_unlock_code(desk, minutes=30, now=clock)
    clock.now += 29 * 60
    assert staff.check_unlock_code(desk, code, now=clock)
    clock.now += 2 * 60
    assert not staff.check_unlock_code(desk, code, now=clock)


def test_default_code_lasts_a_day(desk):
    clock = Clock(time.time())
    code = staff.issue_unlock_code(desk, now=clock)
    clock.now += 23 * 3600
    assert staff.check_unlock_code(desk, code, now=clock)
    clock.now += 2 * 3600
    assert not staff.check_unlock_code(desk, code, now=clock)


def _staff_code(desk, key, *, event_id=None, kind="staff", valid_until=None):
    return credentials.encode(
        key, kind=kind, event_id=event_id or desk.require_event().id, subject_id=str(uuid.uuid4()),
        category=CATEGORY_BYTE["staff"], valid_until=valid_until or date.today() + timedelta(days=1), serial=0,
    )


def test_unlock_code_refusals(desk):
    good = staff.issue_unlock_code(desk)
    stranger = SigningKey.generate()
    refused = [
        "",
        "hello",
        good[:-3],
        good[:-1] + ("A" if good[-1] != "A" else "B"),  # damaged signature
        _staff_code(desk, stranger),  # unknown key
        _staff_code(desk, desk.device_key, event_id="another-event"),
        _staff_code(desk, desk.device_key, valid_until=date.today() - timedelta(days=1)),
        _staff_code(desk, desk.device_key, kind="guest"),  # a guest code is not a staff code
    ]
    for text in refused:
        assert not staff.check_unlock_code(desk, text), text


def test_guest_scan_of_a_staff_code_is_refused(desk):
    from kiosk.core.checkin import CheckinService

    verdict = CheckinService(desk).scan(staff.issue_unlock_code(desk))
    assert verdict.status == "refused"


def test_code_of_another_trusted_desk_works(desk, tmp_path):
    """A code signed by another desk whose key the event certified (it arrived through sync)."""
    from kiosk.core.keys import certificate_message

    other = SigningKey.generate()
    with desk.write():
        desk.record("key.add", {
            "key_id": other.key_id, "public_key": other.public_bytes.hex(), "owner": "device", "device_id": "other",
            "certificate": desk.event_key.sign(certificate_message("other", other.public_bytes)).hex(),
        })
    assert other.key_id in desk.trusted_keys()
    assert staff.check_unlock_code(desk, _staff_code(desk, other))

