"""QR codes as vector rectangles: module matrix from ``qrcode``, drawn as one filled path.

Encoding speed: ``qrcode`` builds the symbol once per mask pattern (eight times) to score them, which
costs ~8 ms for a 155-character credential. Our credentials are Base32 of a signature, i.e. uniformly
random text, so no mask produces the degenerate patterns the scoring exists to avoid; we fix the mask
(:data:`FAST_MASK`) and build the symbol once (~1.5 ms). tests/printing/test_badge_qr.py decodes
hundreds of random credentials encoded this way with zxing-cpp at print-like resolution. Any other
text (short plain codes, URLs) goes through the full mask search. A batch can also be encoded in a
process pool (:func:`encode_many`).
"""

from __future__ import annotations

import re
import threading
from array import array
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import qrcode
from qrcode.constants import ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q

QUIET_ZONE = 4  # modules, as ISO/IEC 18004 requires
FAST_MASK = 2  # any fixed mask decodes; see the module docstring and the decodability test
_RANDOM_LOOKING = re.compile(r"^[A-Z2-7]{40,}$")


@dataclass(frozen=True, slots=True)
class QrSymbol:
    """A QR symbol as runs of dark modules, quiet zone included in ``size``.

    Rectangles are (x, y, width, height) in modules, y counted from the top; horizontal runs with the
    same extent on consecutive rows are merged into one taller rectangle, so the path stays short.
    They are stored packed (4 × uint16 each, ~3.5 KB a credential) so a cache of many stays small.
    """

    text: str
    size: int  # modules per side, quiet zone included
    packed: array  # x, y, w, h, x, y, w, h, ...

    def rects(self) -> Iterator[tuple[int, int, int, int]]:
        p = self.packed
        for i in range(0, len(p), 4):
            yield p[i], p[i + 1], p[i + 2], p[i + 3]

    @property
    def path_ops(self) -> str:
        """The rectangles as PDF path operators filled with the nonzero rule ("x y w h re ... f")."""
        return "\n".join(f"{x} {y} {w} {h} re" for x, y, w, h in self.rects()) + "\nf"


def error_correction_for(text: str) -> int:
    """Q for short codes, M up to ~160 characters, L beyond (keeps the symbol version ≤ 10)."""
    if len(text) <= 40:
        return ERROR_CORRECT_Q
    if len(text) <= 160:
        return ERROR_CORRECT_M
    return ERROR_CORRECT_L


def encode(text: str, *, fast: bool | None = None) -> QrSymbol:
    """Encode ``text``; ``fast`` fixes the mask (default: only for random-looking Base32 credentials).

    Results are cached per (text, fast) for the process, so a reprint or a duplicate costs nothing.
    """
    if fast is None:
        fast = bool(_RANDOM_LOOKING.match(text))
    key = (text, fast)
    symbol = _cache.get(key)
    if symbol is None:
        symbol = _encode(text, fast)
        _remember(key, symbol)
    return symbol


def _encode(text: str, fast: bool) -> QrSymbol:
    ec = error_correction_for(text)
    # Base32 credentials of one length always need the same symbol version: find it once.
    version = _versions.get((len(text), ec)) if fast else None
    code = qrcode.QRCode(
        version=version, error_correction=ec, border=QUIET_ZONE, mask_pattern=FAST_MASK if fast else None
    )
    code.add_data(text)
    code.make(fit=version is None)
    if fast:
        _versions[(len(text), ec)] = code.version
    matrix = code.get_matrix()  # quiet zone included
    packed = array("H")
    for rect in _rects(matrix):
        packed.extend(rect)
    return QrSymbol(text, len(matrix), packed)


def _rects(matrix: list[list[bool]]) -> Iterator[tuple[int, int, int, int]]:
    open_runs: dict[tuple[int, int], list[int]] = {}  # (x, width) -> [y, height]
    for y, row in enumerate(matrix):
        runs = []
        x, n = 0, len(row)
        while x < n:
            if row[x]:
                start = x
                while x < n and row[x]:
                    x += 1
                runs.append((start, x - start))
            else:
                x += 1
        current = set(runs)
        for key in list(open_runs):
            if key not in current:
                ry, rh = open_runs.pop(key)
                yield (key[0], ry, key[1], rh)
        for key in runs:
            if key in open_runs:
                open_runs[key][1] += 1
            else:
                open_runs[key] = [y, 1]
    for key, (ry, rh) in open_runs.items():
        yield (key[0], ry, key[1], rh)


def encode_many(texts: Iterable[str], *, workers: int | None = None, chunksize: int = 16) -> int:
    """Encode many texts into the cache on all cores (a ProcessPoolExecutor); returns how many were new.

    Worth it from a few hundred codes on (starting the workers costs ~0.1 s); later :func:`encode`
    calls for these texts are cache hits.
    """
    todo = [t for t in dict.fromkeys(texts) if (t, bool(_RANDOM_LOOKING.match(t))) not in _cache]
    if len(todo) < 64 or workers == 1:
        for text in todo:
            encode(text)
        return len(todo)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for text, symbol in zip(todo, pool.map(_encode_for_pool, todo, chunksize=chunksize), strict=True):
            _remember((text, bool(_RANDOM_LOOKING.match(text))), symbol)
    return len(todo)


def _encode_for_pool(text: str) -> QrSymbol:
    return _encode(text, bool(_RANDOM_LOOKING.match(text)))


_versions: dict[tuple[int, int], int] = {}
CACHE_SIZE = 2048  # > two read-ahead chunks of a batch; ~7 MB at most
_cache: dict[tuple[str, bool], QrSymbol] = {}
_cache_lock = threading.Lock()


def _remember(key: tuple[str, bool], symbol: QrSymbol) -> None:
    with _cache_lock:
        _cache[key] = symbol
        while len(_cache) > CACHE_SIZE:
            _cache.pop(next(iter(_cache)))


def encode_list(texts: list[str]) -> list[QrSymbol]:
    """Encode in order (a process-pool task: keeps the worker's imports to qrcode alone)."""
    return [encode(t) for t in texts]


def remember_many(texts: Iterable[str], symbols: Iterable[QrSymbol]) -> None:
    """Put symbols encoded elsewhere (another process) into this process's cache."""
    for text, symbol in zip(texts, symbols, strict=True):
        _remember((text, bool(_RANDOM_LOOKING.match(text))), symbol)


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
