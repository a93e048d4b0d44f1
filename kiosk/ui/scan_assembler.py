"""Telling a keyboard-wedge scanner's burst from a person typing. Qt-free: fed (key, time) pairs.

A USB scanner types its code as keystrokes 1–30 ms apart, ending with Enter, Tab or nothing; a person
types 60 ms or more apart. Printable keys are *held* while they might be a scan. A held run becomes:

- a scan, when it is at least ``min_length`` (6) keys long — shorter than any code, longer than a fast
  typist's rolled-over burst —, every gap within ``max_gap_ms``, and it ends
  with Enter/Tab within ``max_gap_ms`` or with ``quiet_ms`` of silence (scanners without terminator);
- typing, released to the widget in order, when a gap is longer, or the run is too short.

The same code completed twice within ``dedupe_ms`` (a double-firing scanner) is one scan. Codes are
compared NFKC-folded, so an IME typing full-width characters (ＡＢＣ) matches ASCII; the scan itself is
returned as typed (the core's ``clean_scan`` folds it).

The caller (kiosk.ui.scanner) feeds keys, delivers ``Output.typed`` payloads to the focused widget,
and calls :meth:`flush` at :meth:`deadline` (a timer).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

ENTER = "Enter"
TAB = "Tab"
TERMINATORS = frozenset({ENTER, TAB})


@dataclass
class Output:
    """What one call decided: completed scans, and held keys released as a person's typing."""

    scans: list[str] = field(default_factory=list)
    typed: list[Any] = field(default_factory=list)  # the payloads given to feed(), in order
    swallowed_terminator: bool = False  # the Enter/Tab just fed ended a scan: do not deliver it

    def extend(self, other: Output) -> None:
        self.scans += other.scans
        self.typed += other.typed


class ScanAssembler:
    def __init__(self, *, max_gap_ms: int = 50, quiet_ms: int = 60, min_length: int = 6, dedupe_ms: int = 1500) -> None:
        self.max_gap_ms = max_gap_ms
        self.quiet_ms = max(quiet_ms, max_gap_ms)
        self.min_length = min_length
        self.dedupe_ms = dedupe_ms
        self._held: list[tuple[str, int, Any]] = []
        self._last_scan: tuple[str, int] | None = None  # (folded code, time)

    @property
    def holding(self) -> bool:
        return bool(self._held)

    def deadline(self) -> int | None:
        """When :meth:`flush` must be called (ms, same clock as feed), or None when nothing is held."""
        return self._held[-1][1] + self.quiet_ms + 1 if self._held else None

    def feed(self, key: str, t_ms: int, payload: Any = None) -> Output:
        """One key: a printable character (any length-1 string) or ENTER/TAB.

        ``payload`` is what comes back in ``Output.typed`` if the key turns out to be typing
        (defaults to the key itself).
        """
        payload = key if payload is None else payload
        out = Output()
        if self._held and t_ms - self._held[-1][1] > self.max_gap_ms:
            out.extend(self._resolve(self._held[-1][1], by_gap=True))
        if key in TERMINATORS:
            if self._held and len(self._held) >= self.min_length:
                out.extend(self._complete(t_ms))
                out.swallowed_terminator = True
            else:
                out.typed += [p for _k, _t, p in self._held]
                self._held.clear()
                out.typed.append(payload)
            return out
        if len(key) != 1:
            raise ValueError(f"not a key: {key!r}")
        self._held.append((key, t_ms, payload))
        return out

    def interrupt(self) -> Output:
        """Another key (Backspace, arrows, a shortcut) arrived: held keys are typing; deliver them first."""
        out = Output(typed=[p for _k, _t, p in self._held])
        self._held.clear()
        return out

    def flush(self, now_ms: int) -> Output:
        """Time passed: a held run that has been quiet for ``quiet_ms`` is resolved."""
        if self._held and now_ms - self._held[-1][1] >= self.quiet_ms:
            return self._resolve(self._held[-1][1], by_gap=True)
        return Output()

    # --- inside ---------------------------------------------------------------------------------

    def _resolve(self, last_key_ms: int, *, by_gap: bool) -> Output:
        if len(self._held) >= self.min_length:
            return self._complete(last_key_ms)
        out = Output(typed=[p for _k, _t, p in self._held])
        self._held.clear()
        return out

    def _complete(self, end_ms: int) -> Output:
        # A double fire: the same code starting within dedupe_ms of the previous scan's end.
        start_ms = self._held[0][1]
        code = "".join(k for k, _t, _p in self._held)
        self._held.clear()
        folded = unicodedata.normalize("NFKC", code).strip().upper()
        last = self._last_scan
        self._last_scan = (folded, end_ms)
        if last is not None and last[0] == folded and start_ms - last[1] <= self.dedupe_ms:
            return Output()
        return Output(scans=[code])
