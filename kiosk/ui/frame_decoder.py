"""Camera frames → QR texts, on a worker thread, throttled so the window stays smooth.

A frame is taken only when the worker is idle and at most ``max_rate`` times a second; every other
frame is dropped (the camera delivers 30 a second, a code stays in view for many). Taking a frame
copies its luminance plane — for NV12/NV21/YUV420P/YV12 that is plane 0, read in place through its
row stride; for packed YUV every other byte; for RGB formats Qt converts to Grayscale8 — and the
worker runs :func:`kiosk.core.qr_decode.decode_luma` on it. The same code seen again within
``repeat_seconds`` is ignored (a guest holding their phone up).

QtMultimedia is imported lazily, so this module loads on a machine without it (no libpulse).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage

from kiosk.core.qr_decode import DuplicateFilter, decode_luma

log = logging.getLogger(__name__)

MAX_RATE = 8.0  # decodes a second at most
REPEAT_SECONDS = 3.0


@dataclass(frozen=True)
class Luma:
    """A luminance plane: ``height`` rows of ``width`` bytes, ``stride`` apart, each ``step`` bytes a pixel."""

    data: bytes
    width: int
    height: int
    stride: int

    def decode(self) -> list[str]:
        return decode_luma(self.data, self.width, self.height, self.stride)


def _planar_formats() -> set:
    from PySide6.QtMultimedia import QVideoFrameFormat

    pf = QVideoFrameFormat.PixelFormat
    names = (
        "Format_NV12",
        "Format_NV21",
        "Format_YUV420P",
        "Format_YV12",
        "Format_YUV422P",
        "Format_IMC1",
        "Format_IMC2",
        "Format_IMC3",
        "Format_IMC4",
        "Format_Y8",
    )
    return {getattr(pf, name) for name in names if hasattr(pf, name)}


def _packed_formats() -> dict:
    """Packed 4:2:2: the byte offset of Y in each 2-byte pixel."""
    from PySide6.QtMultimedia import QVideoFrameFormat

    pf = QVideoFrameFormat.PixelFormat
    return {pf.Format_YUYV: 0, pf.Format_UYVY: 1}


_PLANAR: set | None = None
_PACKED: dict | None = None


def luma_of(frame) -> Luma | None:
    """Copy the luminance of a QVideoFrame (None if it cannot be read)."""
    global _PLANAR, _PACKED
    if _PLANAR is None or _PACKED is None:
        _PLANAR, _PACKED = _planar_formats(), _packed_formats()
    from PySide6.QtMultimedia import QVideoFrame

    if not frame.isValid():
        return None
    pixel_format = frame.pixelFormat()
    width, height = frame.width(), frame.height()
    if pixel_format in _PLANAR or pixel_format in _PACKED:
        if not frame.map(QVideoFrame.MapMode.ReadOnly):
            return None
        try:
            stride = frame.bytesPerLine(0)
            plane = memoryview(frame.bits(0))
            if pixel_format in _PLANAR:
                # The Y plane, as is: one copy of width×height bytes, no conversion.
                return Luma(bytes(plane[: stride * height]), width, height, stride)
            # YUYV / UYVY: Y is every other byte; pick it out row by row with a slice.
            offset = _PACKED[pixel_format]
            rows = bytes(plane[: stride * height])
            data = b"".join(
                rows[row * stride + offset : row * stride + offset + 2 * width : 2] for row in range(height)
            )
            return Luma(data, width, height, width)
        finally:
            frame.unmap()
    image = frame.toImage()
    if image.isNull():
        return None
    return luma_of_image(image)


def luma_of_image(image: QImage) -> Luma:
    """An RGB image's luminance (Qt's own conversion to Grayscale8)."""
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    return Luma(bytes(grey.constBits()), grey.width(), grey.height(), grey.bytesPerLine())


class FrameDecoder(QObject):
    """Feed it every frame (``submit``); it decodes some of them off the GUI thread.

    Signals:
        scanned(str): a code read from the camera, not seen within ``repeat_seconds``.
        decoded(object): every decode's result (list[str]), for tests and statistics.
    """

    scanned = Signal(str)
    decoded = Signal(object)
    _finished = Signal(object)  # from the worker thread: the future

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        max_rate: float = MAX_RATE,
        repeat_seconds: float = REPEAT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.min_interval = 1.0 / max_rate if max_rate > 0 else 0.0
        self.duplicates = DuplicateFilter(repeat_seconds, clock=clock)
        self._clock = clock
        self._executor: ThreadPoolExecutor | None = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qr-decode")
        self._busy = False
        self._last_start = float("-inf")
        self.taken = 0
        self.dropped = 0
        self.last_decode_ms = 0.0
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        return self._busy

    def submit(self, frame) -> bool:
        """Offer a QVideoFrame; returns whether it was taken (False: dropped)."""
        if not self._ready():
            self.dropped += 1
            return False
        try:
            luma = luma_of(frame)
        except (RuntimeError, ValueError) as error:
            log.warning("camera frame unreadable: %s", error)
            luma = None
        return self._start(luma)

    def submit_luma(self, luma: Luma) -> bool:
        """Offer a luminance plane directly (a still image, tests)."""
        if not self._ready():
            self.dropped += 1
            return False
        return self._start(luma)

    def _ready(self) -> bool:
        return self._executor is not None and not self._busy and self._clock() - self._last_start >= self.min_interval

    def _start(self, luma: Luma | None) -> bool:
        if luma is None or self._executor is None:
            self.dropped += 1
            return False
        self._busy = True
        self._last_start = self._clock()
        self.taken += 1
        future = self._executor.submit(self._decode, luma)
        # Runs on the worker: only emit (queued to the GUI thread).
        future.add_done_callback(self._finished.emit)
        return True

    def _decode(self, luma: Luma) -> list[str]:
        start = time.perf_counter()
        texts = luma.decode()
        self.last_decode_ms = (time.perf_counter() - start) * 1000
        return texts

    def _on_finished(self, future: Future) -> None:
        self._busy = False
        try:
            texts = future.result()
        except Exception as error:  # a frame zxing could not take: the next one will do
            log.warning("decoding failed: %s", error)
            texts = []
        self.decoded.emit(texts)
        for text in texts:
            if self.duplicates.accept(text):
                self.scanned.emit(text)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
