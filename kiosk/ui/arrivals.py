"""Arrivals: expected vs arrived per category and per session, arrivals per 10 minutes, this desk's hour.

The figures are computed on the reader thread (``kiosk.core.stats``) and handed in as plain data.
The chart is painted by hand: it needs nothing beyond QtGui and stays legible at small sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QProgressBar, QVBoxLayout, QWidget

from kiosk.categories import CATEGORIES, category_label
from kiosk.core.desk import EventInfo
from kiosk.core.stats import BUCKET_MS, Stats
from kiosk.i18n import _
from kiosk.models.clock import wall_ms

CHART_BUCKETS = 18  # three hours of 10-minute bars
# Dark text on a light fill: legible whether the text sits over the filled part or not.
PROGRESS_STYLE = (
    "QProgressBar { border: 1px solid #aab4c0; border-radius: 3px; background: #ffffff; color: #111111;"
    " text-align: center; font-size: 13px; }"
    "QProgressBar::chunk { background: #9cc9f0; }"
)


@dataclass(frozen=True)
class ArrivalFigures:
    stats: Stats
    station_last_hour: int


class BarChart(QWidget):
    """Arrivals per 10 minutes, the last ``CHART_BUCKETS`` buckets."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(100)
        self.bars: list[tuple[str, int]] = []

    def set_bars(self, bars: list[tuple[str, int]]) -> None:
        self.bars = bars
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(30, 8, -6, -24)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        font = QFont(self.font())
        font.setPixelSize(12)
        painter.setFont(font)
        painter.setPen(QPen(QColor("#6b7785")))
        if not self.bars:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, _("No arrivals yet"))
            return
        top = max(1, max(count for _label, count in self.bars))
        painter.drawText(QRectF(0, rect.top() - 6, 26, 14), Qt.AlignmentFlag.AlignRight, str(top))
        painter.drawText(QRectF(0, rect.bottom() - 8, 26, 14), Qt.AlignmentFlag.AlignRight, "0")
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        slot = rect.width() / len(self.bars)
        for i, (label, count) in enumerate(self.bars):
            height = rect.height() * count / top
            bar = QRectF(rect.left() + i * slot + slot * 0.15, rect.bottom() - height, slot * 0.7, height)
            painter.fillRect(bar, QColor("#2f6db5"))
            if i % 3 == 0:
                painter.drawText(
                    QRectF(rect.left() + i * slot - 10, rect.bottom() + 4, slot * 3, 16),
                    Qt.AlignmentFlag.AlignLeft,
                    label,
                )
        painter.end()


class ArrivalsPanel(QGroupBox):
    """Shows :class:`ArrivalFigures`; the window refreshes it after check-ins and on a timer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figures: ArrivalFigures | None = None
        self._event: EventInfo | None = None
        self.total = QLabel()
        self.total.setObjectName("arrivalsTotal")
        self.total.setStyleSheet("#arrivalsTotal { font-size: 22px; font-weight: 700; }")
        self.station = QLabel()
        self.station.setObjectName("arrivalsStation")
        self.grid = QGridLayout()
        self.grid.setVerticalSpacing(3)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(3, 1)
        self.chart_title = QLabel()
        self.chart = BarChart()
        layout = QVBoxLayout(self)
        layout.addWidget(self.total)
        layout.addWidget(self.station)
        layout.addLayout(self.grid)
        layout.addWidget(self.chart_title)
        layout.addWidget(self.chart, 1)
        self._bars: dict[str, tuple[QLabel, QProgressBar]] = {}
        self.retranslate()

    def set_figures(self, figures: ArrivalFigures, event: EventInfo | None, sessions: dict[str, str]) -> None:
        self.figures = figures
        self._event = event
        self._sessions = sessions
        self._fill()

    def _row(self, key: str, position: int) -> tuple[QLabel, QProgressBar]:
        """Two figures per grid row, so the panel fits beside the guest details on a 800-pixel screen."""
        if key not in self._bars:
            label = QLabel()
            bar = QProgressBar()
            bar.setTextVisible(True)
            bar.setFixedHeight(20)
            bar.setStyleSheet(PROGRESS_STYLE)
            row, column = divmod(position, 2)
            self.grid.addWidget(label, row, column * 2)
            self.grid.addWidget(bar, row, column * 2 + 1)
            self._bars[key] = (label, bar)
        return self._bars[key]

    def _fill(self) -> None:
        figures = self.figures
        if figures is None:
            self.total.setText(_("Arrivals"))
            self.station.setText("")
            return
        stats = figures.stats
        self.total.setText(_("Arrived {arrived} of {expected}").format(arrived=stats.arrived, expected=stats.expected))
        self.station.setText(
            _("This desk, last hour: {count}   Walk-ins: {walk_ins}").format(
                count=figures.station_last_hour, walk_ins=stats.walk_ins
            )
        )
        row = 0
        for name in CATEGORIES:
            counts = stats.by_category.get(name)
            if counts is None or counts.expected == 0:
                continue
            label, bar = self._row("c:" + name, row)
            label.setText(category_label(name))
            self._set_bar(bar, counts.arrived, counts.expected)
            row += 1
        for code, counts in stats.by_session.items():
            label, bar = self._row("s:" + code, row)
            label.setText(_("Session {name}").format(name=getattr(self, "_sessions", {}).get(code, code)))
            self._set_bar(bar, counts.arrived, counts.expected)
            row += 1
        self.chart.set_bars(self._chart_bars(stats.buckets))

    def _chart_bars(self, buckets: list[tuple[int, int]]) -> list[tuple[str, int]]:
        """The last CHART_BUCKETS ten-minute slots up to now (or the last arrival), empty ones too."""
        if not buckets:
            return []
        counts = dict(buckets)
        last = max(buckets[-1][0], wall_ms() // BUCKET_MS * BUCKET_MS)
        event = self._event
        bars = []
        for i in range(CHART_BUCKETS - 1, -1, -1):
            start = last - i * BUCKET_MS
            label = event.local_time(start).strftime("%H:%M") if event else ""
            bars.append((label, counts.get(start, 0)))
        return bars

    @staticmethod
    def _set_bar(bar: QProgressBar, arrived: int, expected: int) -> None:
        bar.setRange(0, max(1, expected))
        bar.setValue(min(arrived, max(1, expected)))
        bar.setFormat(f"{arrived} / {expected}")

    def retranslate(self) -> None:
        self.setTitle(_("Arrivals"))
        self.chart_title.setText(_("Arrivals per 10 minutes"))
        self._fill()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
