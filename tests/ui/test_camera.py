"""Camera scanning: QVideoFrames built from rendered codes go through the path the camera uses."""

from __future__ import annotations

import gc

import numpy as np
import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QVideoFrame, QVideoFrameFormat

from kiosk.ui import camera
from kiosk.ui.camera import CameraView
from kiosk.ui.frame_decoder import FrameDecoder, luma_of
from tests.core.test_qr_decode import CODE, credential
from tests.helpers.camera_frames import HEIGHT, WIDTH, frame

PF = QVideoFrameFormat.PixelFormat


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread():
    """Garbage of a test (Qt wrappers in cycles) is collected here, on the GUI thread — never later on
    some worker thread where the collector happens to run (deleting a widget there crashes)."""
    yield
    gc.collect()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def video_frame(plane: np.ndarray, pixel_format=PF.Format_NV12) -> QVideoFrame:
    """A QVideoFrame of ``pixel_format`` whose luminance is ``plane`` (chroma neutral)."""
    height, width = plane.shape
    video = QVideoFrame(QVideoFrameFormat(QSize(width, height), pixel_format))
    assert video.map(QVideoFrame.MapMode.WriteOnly)
    try:
        if pixel_format in (PF.Format_YUYV, PF.Format_UYVY):
            stride = video.bytesPerLine(0)
            packed = np.full((height, stride), 128, np.uint8)
            offset = 0 if pixel_format == PF.Format_YUYV else 1
            packed[:, offset : offset + 2 * width : 2] = plane
            memoryview(video.bits(0))[: stride * height] = packed.tobytes()
        else:
            stride = video.bytesPerLine(0)
            rows = np.full((height, stride), 0, np.uint8)
            rows[:, :width] = plane
            memoryview(video.bits(0))[: stride * height] = rows.tobytes()
            for index in range(1, video.planeCount()):
                size = video.mappedBytes(index)
                memoryview(video.bits(index))[:size] = b"\x80" * size
    finally:
        video.unmap()
    return video


def rgb_frame(plane: np.ndarray) -> QVideoFrame:
    rgb = np.ascontiguousarray(np.repeat(plane[:, :, None], 4, axis=2))
    image = QImage(rgb.data, plane.shape[1], plane.shape[0], plane.shape[1] * 4, QImage.Format.Format_RGBX8888)
    return QVideoFrame(image.copy())


@pytest.mark.parametrize(
    "pixel_format", [PF.Format_NV12, PF.Format_NV21, PF.Format_YUV420P, PF.Format_YV12, PF.Format_YUYV, PF.Format_UYVY]
)
def test_luminance_of_yuv_frames_is_the_plane(qapp, pixel_format):
    plane = frame(CODE, angle=12)
    luma = luma_of(video_frame(plane, pixel_format))
    got = np.frombuffer(luma.data, np.uint8).reshape(luma.height, luma.stride)[:, : luma.width]
    assert (luma.width, luma.height) == (WIDTH, HEIGHT)
    assert np.array_equal(got, plane)
    assert luma.decode() == [CODE]


def test_rgb_frames_are_converted_by_qt(qapp):
    luma = luma_of(rgb_frame(frame(CODE, angle=30, noise=5)))
    assert luma.decode() == [CODE]


@pytest.mark.parametrize(
    "condition",
    [
        {},
        {"angle": 45},
        {"blur": 1.4},
        {"noise": 15},
        {"contrast": 0.3},
        {"module_px": 3},
        {"glare": 0.4, "contrast": 0.6},
    ],
)
def test_nv12_frames_decode_on_the_worker(qtbot, condition):
    decoder = FrameDecoder()
    try:
        with qtbot.waitSignal(decoder.scanned, timeout=5000) as blocker:
            assert decoder.submit(video_frame(frame(CODE, **condition)))
        assert blocker.args == [CODE]
    finally:
        decoder.close()


def test_frames_are_dropped_while_busy_and_throttled(qtbot):
    clock = Clock()
    decoder = FrameDecoder(max_rate=8, clock=clock)
    empty = video_frame(frame(None))
    try:
        with qtbot.waitSignal(decoder.decoded, timeout=5000):
            assert decoder.submit(empty)
            assert not decoder.submit(empty)  # a decode is running
        assert not decoder.submit(empty)  # idle, but within 1/8 s of the last start
        clock.now += 0.125
        with qtbot.waitSignal(decoder.decoded, timeout=5000):
            assert decoder.submit(empty)
        assert (decoder.taken, decoder.dropped) == (2, 2)
    finally:
        decoder.close()


def test_the_same_code_in_view_counts_once(qtbot):
    clock = Clock()
    decoder = FrameDecoder(repeat_seconds=3, clock=clock)
    seen: list[str] = []
    decoder.scanned.connect(seen.append)
    code_frame = video_frame(frame(CODE))
    other = credential(5)
    try:
        for _step in range(5):  # the guest holds the phone up for 2 s
            with qtbot.waitSignal(decoder.decoded, timeout=5000):
                assert decoder.submit(code_frame)
            clock.now += 0.5
        with qtbot.waitSignal(decoder.decoded, timeout=5000):
            decoder.submit(video_frame(frame(other)))
        clock.now += 3.5
        with qtbot.waitSignal(decoder.decoded, timeout=5000):
            decoder.submit(code_frame)
    finally:
        decoder.close()
    assert seen == [CODE, other, CODE]


def test_without_a_camera_the_view_says_so(qtbot, monkeypatch, english):
    monkeypatch.setattr(camera, "find_camera", lambda device_id="": None)
    view = CameraView()
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.unavailable) as blocker:
        assert not view.start()
    assert "USB scanner" in blocker.args[0]
    assert not view.active
    view.close_decoder()


def test_without_qtmultimedia_the_view_says_so(qtbot, monkeypatch):
    monkeypatch.setattr(camera, "multimedia", lambda: None)
    assert camera.camera_choices() == []
    view = CameraView()
    qtbot.addWidget(view)
    assert not view.start()
    assert view.note.text()
    view.close_decoder()


def test_camera_turned_off_is_silent(qtbot):
    view = CameraView(device_id=camera.CAMERA_OFF)
    qtbot.addWidget(view)
    assert not view.start()
    assert view.note.text() == ""
    view.close_decoder()


def test_camera_choices_is_a_list(qapp):
    assert isinstance(camera.camera_choices(), list)  # no cameras on a test machine, but no error
