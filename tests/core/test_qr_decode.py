"""Decoding QR codes from camera-like luminance planes, and ignoring a code held in view."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from kiosk.core import credentials
from kiosk.core.keys import SigningKey
from kiosk.core.qr_decode import DuplicateFilter, decode_luma, luma_view
from tests.helpers.camera_frames import HEIGHT, WIDTH, frame, padded

KEY = SigningKey.generate()


def credential(n: int = 0) -> str:
    return credentials.encode(
        KEY, kind="guest", event_id="event", subject_id=str(uuid.UUID(int=n + 1)), category=1,
        valid_until=date(2099, 1, 1), serial=n,
    )


CODE = credential()


def decode(plane, stride=None):
    stride = stride or WIDTH
    return decode_luma(padded(plane, stride), WIDTH, HEIGHT, stride)


CONDITIONS = {
    "plain": {},
    "small (3 px a module)": {"module_px": 3},
    "large (9 px a module)": {"module_px": 9},
    "rotated 17°": {"angle": 17},
    "rotated 90°": {"angle": 90},
    "rotated 200°": {"angle": 200},
    "blurred": {"blur": 1.5},
    "noisy": {"noise": 18},
    "low contrast": {"contrast": 0.25},
    "dim and noisy": {"contrast": 0.3, "brightness": -40, "noise": 6},
    "phone glare": {"glare": 0.45, "contrast": 0.6},
    "inverted (dark mode)": {"invert": True},
    "corner": {"position": (20, 20)},
    "rotated, blurred, noisy": {"angle": 8, "blur": 1.0, "noise": 8, "contrast": 0.6},
}


@pytest.mark.parametrize("condition", sorted(CONDITIONS))
def test_reads_the_credential(condition):
    assert decode(frame(CODE, **CONDITIONS[condition])) == [CODE]


@pytest.mark.parametrize("stride", [WIDTH, WIDTH + 64, 1536])
def test_honours_the_row_stride(stride):
    assert decode(frame(CODE, angle=5), stride) == [CODE]


def test_many_different_credentials():
    for n in range(20):
        text = credential(n)
        assert decode(frame(text, angle=n * 7, module_px=4 + n % 4, noise=4, seed=n)) == [text]


def test_empty_scene_reads_nothing():
    assert decode(frame(None)) == []
    assert decode(frame(None, noise=30, seed=3)) == []


def test_too_small_buffer_is_an_error():
    with pytest.raises(ValueError):
        luma_view(b"\0" * 100, WIDTH, HEIGHT, WIDTH)
    with pytest.raises(ValueError):
        luma_view(b"\0" * (WIDTH * HEIGHT), WIDTH, HEIGHT, WIDTH - 1)


def test_reads_in_place_from_a_bytearray_and_memoryview():
    raw = bytearray(padded(frame(CODE), WIDTH + 32))
    assert decode_luma(raw, WIDTH, HEIGHT, WIDTH + 32) == [CODE]
    assert decode_luma(memoryview(raw), WIDTH, HEIGHT, WIDTH + 32) == [CODE]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_duplicate_filter_ignores_a_code_held_in_view():
    clock = Clock()
    seen = DuplicateFilter(3.0, clock=clock)
    assert seen.accept("FKGABC")
    for _ in range(10):  # held in front of the camera for 5 s, seen every half second
        clock.now += 0.5
        assert not seen.accept("FKGABC")
    assert seen.accept("FKGXYZ")
    clock.now += 3.0
    assert seen.accept("fkgabc")  # away for 3 s: counts again, case-blind


def test_duplicate_filter_reset():
    clock = Clock()
    seen = DuplicateFilter(3.0, clock=clock)
    assert seen.accept("A")
    seen.reset()
    assert seen.accept("A")


def test_buffer_ending_after_the_last_pixel():
    stride = WIDTH + 16
    raw = padded(frame(CODE), stride)[: stride * (HEIGHT - 1) + WIDTH]
    assert decode_luma(raw, WIDTH, HEIGHT, stride) == [CODE]
