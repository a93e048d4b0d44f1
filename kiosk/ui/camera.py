"""The camera view for scanning codes (desk and kiosk): QCamera → QMediaCaptureSession → QVideoWidget.

Every frame the widget's video sink receives is offered to a :class:`FrameDecoder`, which decodes
a few of them a second on a worker thread. QtMultimedia is optional (on Linux it needs libpulse0):
without it, or without a camera, the view shows a short note and the desk works with the USB
scanner alone.
"""

from __future__ import annotations

import logging
import os

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QLabel, QStackedLayout, QWidget

from kiosk.i18n import _
from kiosk.ui.frame_decoder import FrameDecoder

log = logging.getLogger(__name__)

CAMERA_OFF = "off"  # the settings value that turns the camera off


def multimedia():
    """The QtMultimedia module, or None when it cannot load (no libpulse0, no codecs)."""
    # QtMultimedia lists every backend library it cannot find; a desk without them is fine.
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia*=false")
    try:
        from PySide6 import QtMultimedia
    except ImportError as error:
        log.info("no camera support: %s", error)
        return None
    return QtMultimedia


def camera_choices() -> list[tuple[str, str]]:
    """(id, description) of every camera, for the settings; the id is what ``CameraView`` takes."""
    module = multimedia()
    if module is None:
        return []
    return [
        (bytes(device.id().data()).decode("latin-1"), device.description())
        for device in module.QMediaDevices.videoInputs()
    ]


def find_camera(device_id: str = ""):
    """The QCameraDevice with ``device_id`` (or the default one), or None."""
    module = multimedia()
    if module is None or device_id == CAMERA_OFF:
        return None
    devices = module.QMediaDevices.videoInputs()
    for device in devices:
        if device_id and bytes(device.id().data()).decode("latin-1") == device_id:
            return device
    if device_id and devices:
        log.warning("camera %r not found; using the default one", device_id)
    default = module.QMediaDevices.defaultVideoInput()
    return None if default.isNull() else default


class CameraView(QWidget):
    """A live camera picture that reads QR codes.

    Signals:
        scanned(str): a code read by the camera (each code once while it stays in view).
        unavailable(str): there is no camera, or it failed (the message is for people).
    """

    scanned = Signal(str)
    unavailable = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, device_id: str = "", decoder: FrameDecoder | None = None):
        super().__init__(parent)
        self.device_id = device_id
        self.decoder = decoder or FrameDecoder(self)
        self.decoder.scanned.connect(self.scanned)
        self.camera = None
        self.session = None
        self.video = None
        self.note = QLabel()
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        self.note.setObjectName("cameraNote")
        self.note.setStyleSheet("#cameraNote { color: #667; font-size: 16px; }")
        self._layout = QStackedLayout(self)
        self._layout.addWidget(self.note)
        self._message = ""
        self.retranslate()

    @property
    def active(self) -> bool:
        return self.camera is not None and self.camera.isActive()

    def start(self) -> bool:
        """Open the chosen camera; False (and ``unavailable``) when there is none."""
        if self.camera is not None:
            return True
        module = multimedia()
        device = find_camera(self.device_id)
        if module is None or device is None:
            self._unavailable(_("No camera: scan with the USB scanner.") if self.device_id != CAMERA_OFF else "")
            return False
        from PySide6.QtMultimediaWidgets import QVideoWidget

        self.video = QVideoWidget(self)
        self.video.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self._layout.addWidget(self.video)
        self._layout.setCurrentWidget(self.video)
        self.camera = module.QCamera(device, self)
        self.camera.errorOccurred.connect(self._on_camera_error_occurred)
        self.session = module.QMediaCaptureSession(self)
        self.session.setCamera(self.camera)
        self.session.setVideoOutput(self.video)
        self.video.videoSink().videoFrameChanged.connect(self.decoder.submit)
        self.camera.start()
        return True

    def stop(self) -> None:
        if self.camera is not None:
            self.camera.stop()
            self.camera.deleteLater()
            self.camera = None
        if self.video is not None:
            self._layout.removeWidget(self.video)
            self.video.deleteLater()
            self.video = None
        self.session = None
        self._layout.setCurrentWidget(self.note)

    def close_decoder(self) -> None:
        self.stop()
        self.decoder.close()

    def _unavailable(self, message: str) -> None:
        self._message = message
        self.note.setText(message)
        self._layout.setCurrentWidget(self.note)
        self.unavailable.emit(message)

    def _on_camera_error_occurred(self, _error, text: str) -> None:
        log.warning("camera error: %s", text)
        self.stop()
        self._unavailable(_("The camera stopped working: scan with the USB scanner."))

    def retranslate(self) -> None:
        if not self._message:
            self.note.setText(_("Camera starting…"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
