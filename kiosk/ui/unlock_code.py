"""A staff unlock code on screen (desk window → *Staff unlock code…*), for a kiosk's camera or scanner."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from kiosk.core.desk import Desk
from kiosk.core.staff import DEFAULT_CODE_MINUTES, issue_unlock_code
from kiosk.i18n import _
from kiosk.printing.qr import encode


def qr_pixmap(text: str, module_px: int = 4) -> QPixmap:
    """``text`` as a QR code, dark on white, quiet zone included."""
    symbol = encode(text)
    side = symbol.size * module_px
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    for x, y, w, h in symbol.rects():
        painter.fillRect(x * module_px, y * module_px, w * module_px, h * module_px, QColor("black"))
    painter.end()
    return QPixmap.fromImage(image)


class UnlockCodeDialog(QDialog):
    """Shows a fresh unlock code signed by this desk's key. Open with ``open()`` (never ``exec()``)."""

    def __init__(self, desk: Desk, parent: QWidget | None = None, *, minutes: int = DEFAULT_CODE_MINUTES) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Staff unlock code"))
        self.code = issue_unlock_code(desk, minutes)
        picture = QLabel()
        picture.setPixmap(qr_pixmap(self.code))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        note = QLabel(_("Scan this code at a kiosk to open its staff screen. It works for {hours} hours; "
                        "do not leave it where guests can photograph it.").format(hours=max(1, minutes // 60)))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(picture)
        layout.addWidget(note)
        layout.addWidget(buttons)
