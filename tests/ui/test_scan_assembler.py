"""The scan assembler, fed plain (key, time) pairs — no Qt, no event loop."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.ui.scan_assembler import ENTER, TAB, Output, ScanAssembler

CODE = "KQ1AAAB5T2XLMNOPQRSTUVWXYZ234567"
code_text = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=6, max_size=160)


def run(assembler: ScanAssembler, keys: list[tuple[str, int]], end: int | None = None) -> Output:
    out = Output()
    for key, t in keys:
        out.extend(assembler.feed(key, t))
    last = keys[-1][1] if keys else 0
    out.extend(assembler.flush((end if end is not None else last) + 10_000))
    return out


def burst(code: str, start: int, gaps: list[int] | int, terminator: str | None) -> list[tuple[str, int]]:
    keys, t = [], start
    for i, ch in enumerate(code):
        if i:
            t += gaps if isinstance(gaps, int) else gaps[(i - 1) % len(gaps)]
        keys.append((ch, t))
    if terminator:
        keys.append((terminator, t + (gaps if isinstance(gaps, int) else gaps[0])))
    return keys


@settings(max_examples=200, deadline=None)
@given(
    code=code_text,
    gaps=st.lists(st.integers(1, 30), min_size=1, max_size=20),
    terminator=st.sampled_from([ENTER, TAB, None]),
)
def test_any_scanner_burst_is_one_scan(code, gaps, terminator):
    out = run(ScanAssembler(), burst(code, 1000, gaps, terminator))
    assert out.scans == [code]
    assert out.typed == []


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="abc王芳 123", min_size=1, max_size=30), gaps=st.lists(st.integers(60, 400), min_size=1))
def test_a_person_typing_is_released_in_order_and_never_a_scan(text, gaps):
    out = run(ScanAssembler(), burst(text, 0, gaps, None))
    assert out.scans == []
    assert "".join(out.typed) == text


@settings(max_examples=100, deadline=None)
@given(
    before=st.text(alphabet="wang", min_size=0, max_size=6),
    code=code_text,
    after=st.text(alphabet="fang", min_size=0, max_size=6),
    scan_gap=st.integers(1, 30),
    terminator=st.sampled_from([ENTER, TAB, None]),
)
def test_human_typing_around_a_scan(before, code, after, scan_gap, terminator):
    keys = burst(before, 0, 150, None)
    start = (keys[-1][1] if keys else 0) + 200
    keys += burst(code, start, scan_gap, terminator)
    keys += burst(after, keys[-1][1] + 200, 120, None)
    out = run(ScanAssembler(), keys)
    assert out.scans == [code]
    assert "".join(out.typed) == before + after


@settings(max_examples=100, deadline=None)
@given(code=code_text, pause=st.integers(0, 1400), terminator=st.sampled_from([ENTER, TAB, None]))
def test_double_firing_scanner_gives_one_scan(code, pause, terminator):
    first = burst(code, 0, 5, terminator)
    second = burst(code, first[-1][1] + 100 + pause, 5, terminator)
    assert run(ScanAssembler(), first + second).scans == [code]


def test_the_same_code_later_is_a_new_scan():
    first = burst(CODE, 0, 5, ENTER)
    second = burst(CODE, first[-1][1] + 1600, 5, ENTER)
    assert run(ScanAssembler(), first + second).scans == [CODE, CODE]


def test_two_different_codes_in_quick_succession_are_two_scans():
    first = burst(CODE, 0, 5, ENTER)
    second = burst("A0001234", first[-1][1] + 100, 5, ENTER)
    assert run(ScanAssembler(), first + second).scans == [CODE, "A0001234"]


def test_full_width_ime_characters_are_a_scan_and_dedupe_against_ascii():
    full = "".join(chr(ord(c) + 0xFEE0) for c in CODE)  # ＫＱ１...
    first = burst(full, 0, 8, ENTER)
    second = burst(CODE, first[-1][1] + 50, 8, ENTER)
    out = run(ScanAssembler(), first + second)
    assert out.scans == [full]


def test_terminator_ends_the_scan_and_is_swallowed():
    assembler = ScanAssembler()
    for key, t in burst(CODE, 0, 3, None):
        assert assembler.feed(key, t).scans == []
    out = assembler.feed(ENTER, len(CODE) * 3)
    assert out.scans == [CODE] and out.swallowed_terminator and out.typed == []
    assert not assembler.holding and assembler.deadline() is None


def test_a_persons_enter_and_tab_pass_through():
    assembler = ScanAssembler()
    assert assembler.feed(ENTER, 0).typed == [ENTER]
    assembler.feed("a", 100)
    out = assembler.feed(TAB, 300)
    assert out.typed == ["a", TAB] and not out.swallowed_terminator


def test_a_short_fast_run_is_typing_not_a_scan():
    out = run(ScanAssembler(), [("a", 0), ("b", 10), ("c", 20), (ENTER, 25)])
    assert out.scans == [] and out.typed == ["a", "b", "c", ENTER]


def test_no_terminator_ends_after_the_quiet_gap_only():
    assembler = ScanAssembler(quiet_ms=60)
    for key, t in burst(CODE, 0, 5, None):
        assembler.feed(key, t)
    last = (len(CODE) - 1) * 5
    assert assembler.deadline() == last + 61
    assert assembler.flush(last + 30).scans == []
    assert assembler.flush(last + 60).scans == [CODE]


def test_interrupt_releases_held_keys_first():
    assembler = ScanAssembler()
    assembler.feed("x", 0, payload="event-x")
    assert assembler.interrupt().typed == ["event-x"]
    assert not assembler.holding


def test_payloads_come_back_as_typed():
    assembler = ScanAssembler()
    assembler.feed("a", 0, payload=("w", 1))
    assert assembler.flush(1000).typed == [("w", 1)]


def test_a_pause_mid_code_splits_it():
    keys = burst(CODE[:10], 0, 5, None) + burst(CODE[10:], 45 + 300, 5, ENTER)
    assert run(ScanAssembler(), keys).scans == [CODE[:10], CODE[10:]]


def test_rejects_a_named_key():
    assembler = ScanAssembler()
    try:
        assembler.feed("Backspace", 0)
    except ValueError:
        pass
    else:
        raise AssertionError("expected ValueError")


def test_a_fast_typist_rolling_over_a_short_word_is_typing():
    # "wang" with 30–45 ms between keys: fast, but shorter than any code the desk accepts.
    keys = [("w", 0), ("a", 35), ("n", 65), ("g", 110)]
    out = run(ScanAssembler(), keys)
    assert out.scans == [] and out.typed == ["w", "a", "n", "g"]
