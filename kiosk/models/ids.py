"""Globally unique, time-ordered ids (UUIDv7) for every row that syncs.

Python 3.11's ``uuid`` module has no uuid7 (it arrives in 3.14); RFC 9562's layout is a few lines.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_sequence = 0


def uuid7() -> str:
    """A UUIDv7 string; ids made in one process are strictly increasing."""
    global _last_ms, _sequence
    entropy = int.from_bytes(os.urandom(10), "big")  # one system call for all 72 random bits
    with _lock:
        now = time.time_ns() // 1_000_000
        if now <= _last_ms:
            _sequence += 1
            if _sequence >= 1 << 12:
                _last_ms += 1
                _sequence = 0
            now = _last_ms
        else:
            _sequence = entropy & 0x3FF
        _last_ms = now
        sequence = _sequence
    random_tail = entropy >> 10 & ((1 << 62) - 1)
    text = f"{(now << 80) | (0x7 << 76) | (sequence << 64) | (0b10 << 62) | random_tail:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def parse_uuid(text: str) -> bytes | None:
    """The 16 bytes of a UUID string, or None when ``text`` is not one."""
    try:
        return uuid.UUID(text).bytes
    except (ValueError, AttributeError, TypeError):
        return None
