"""Reading QR codes from camera frames: zxing-cpp on the luminance plane, nothing else. Qt-free.

A camera delivers NV12/YUV420 frames whose first plane is the luminance (Y), one byte a pixel: that
*is* a greyscale image, so the decoder reads it in place through a strided view (no conversion of
the whole frame, no copy). Only QR codes are searched for, which keeps a 1280×720 frame well under
15 ms (bench/bench_camera.py).

Phones showing the code on a screen give glare, moiré and low contrast: when the fast pass finds
nothing, a second pass with the global-histogram binarizer gets some of those (``thorough``; at full
resolution only, ~1.5 ms, so an empty frame stays cheap).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import zxingcpp

_QR = zxingcpp.BarcodeFormat.QRCode


def luma_view(buffer, width: int, height: int, stride: int) -> zxingcpp.ImageView:
    """A greyscale view of ``height`` rows of ``width`` bytes, ``stride`` bytes apart, in ``buffer``."""
    if width <= 0 or height <= 0 or stride < width:
        raise ValueError(f"bad frame geometry {width}x{height} stride {stride}")
    view = memoryview(buffer).cast("B")
    needed = stride * (height - 1) + width
    if len(view) < needed:
        raise ValueError(f"frame buffer holds {len(view)} bytes, {needed} needed")
    full = stride * height
    if len(view) < full:  # zxing wants whole rows; a buffer ending right after the last pixel is padded (rare)
        view = memoryview(bytes(view) + bytes(full - len(view)))
    view = view[:full]
    return zxingcpp.ImageView(view, width, height, zxingcpp.ImageFormat.Lum, stride, 1)


def decode_luma(buffer, width: int, height: int, stride: int, *, thorough: bool = True) -> list[str]:
    """The texts of the QR codes in a luminance plane (empty when none is readable)."""
    image = luma_view(buffer, width, height, stride)
    found = zxingcpp.read_barcodes(image, formats=_QR, try_rotate=True, try_downscale=True, try_invert=True)
    if not found and thorough:
        found = zxingcpp.read_barcodes(
            image, formats=_QR, try_rotate=True, try_downscale=False, try_invert=False,
            binarizer=zxingcpp.Binarizer.GlobalHistogram,
        )
    texts: list[str] = []
    for barcode in found:
        if barcode.valid and barcode.text and barcode.text not in texts:
            texts.append(barcode.text)
    return texts


class DuplicateFilter:
    """Passes a code once; the same code seen again within ``seconds`` of its last sighting is ignored.

    A code held in front of the camera is seen in every frame: it counts once while it stays there,
    and again only after it has been away for ``seconds``.
    """

    def __init__(self, seconds: float = 3.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._seen: dict[str, float] = {}

    def accept(self, text: str) -> bool:
        now = self._clock()
        self._seen = {code: at for code, at in self._seen.items() if now - at < self.seconds}
        key = text.strip().upper()  # our credentials are case-blind
        fresh = key not in self._seen
        self._seen[key] = now
        return fresh

    def reset(self) -> None:
        self._seen.clear()
