"""Writes the desk's three verdict sounds (run: python resources/sounds/generate.py).

ok: a rising two-note chime; warn: two equal mid tones; refused: a low buzz. 16-bit mono, 22.05 kHz.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22050


def tone(freq: float, seconds: float, volume: float = 0.5, harmonics: tuple[float, ...] = (1.0,), decay: float = 4.0):
    count = int(RATE * seconds)
    for i in range(count):
        t = i / RATE
        attack = min(1.0, i / (RATE * 0.008))
        envelope = attack * math.exp(-decay * t)
        value = sum(h * math.sin(2 * math.pi * freq * (n + 1) * t) for n, h in enumerate(harmonics))
        yield volume * envelope * value / sum(harmonics)


def silence(seconds: float):
    yield from (0.0 for _ in range(int(RATE * seconds)))


def write(path: Path, samples) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"".join(struct.pack("<h", int(max(-1.0, min(1.0, s)) * 32000)) for s in samples))


def main() -> None:
    here = Path(__file__).parent
    write(here / "ok.wav", [*tone(880, 0.12, harmonics=(1, 0.3)), *tone(1318.5, 0.35, harmonics=(1, 0.3))])
    write(here / "warn.wav", [*tone(660, 0.14, decay=2), *silence(0.07), *tone(660, 0.14, decay=2)])
    write(here / "refused.wav", list(tone(150, 0.45, volume=0.6, harmonics=(1, 0.6, 0.4, 0.3), decay=1.0)))


if __name__ == "__main__":
    main()
