"""Printing dialogs: the print jobs panel, another printer, a reprint's reason, the printer settings.

None of them prints or writes: they emit what the volunteer chose, and the window hands it to the
:class:`~kiosk.ui.print_controller.PrintController`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.print_queue import PrinterPrefs, PrintJobView
from kiosk.i18n import _
from kiosk.printing.layout import LayoutError, list_layouts
from kiosk.ui.dialogs import DIALOG_STYLE, _Form
from kiosk.ui.print_jobs_model import PrintJobModel


class PrintJobsDialog(QDialog):
    """The desk's print jobs, failed first, with Retry and Send to another printer.

    Signals:
        retry_requested(str): send this job again (job id).
        move_requested(str): choose another printer for this job (job id).
        refresh_requested(): ask the print system now.
    """

    retry_requested = Signal(str)
    move_requested = Signal(str)
    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None, model: PrintJobModel) -> None:
        super().__init__(parent)
        self.model = model
        self.setStyleSheet(DIALOG_STYLE + " QTableView { font-size: 15px; } QHeaderView::section { font-size: 14px; }")
        self.resize(980, 520)
        self.summary = QLabel()
        self.summary.setObjectName("printSummary")
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        header = self.table.horizontalHeader()
        for column, width in enumerate((110, 200, 170, 80, 300)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.retry = QPushButton()
        self.retry.setObjectName("printRetry")
        self.move = QPushButton()
        self.refresh = QPushButton()
        self.close_button = QPushButton()
        buttons = QHBoxLayout()
        for button in (self.retry, self.move, self.refresh):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._selected = ""
        self.retry.clicked.connect(self._on_retry_clicked)
        self.move.clicked.connect(self._on_move_clicked)
        self.refresh.clicked.connect(self.refresh_requested)
        self.close_button.clicked.connect(self.close)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        model.modelReset.connect(self._on_model_reset)
        model.dataChanged.connect(self._on_model_data_changed)
        self.retranslate()
        self._on_model_reset()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Print jobs"))
        self.retry.setText(_("Retry"))
        self.move.setText(_("Send to another printer…"))
        self.refresh.setText(_("Refresh"))
        self.close_button.setText(_("Close"))
        self._update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def current_job(self) -> PrintJobView | None:
        index = self.table.currentIndex()
        row = self.model.row(index.row()) if index.isValid() else None
        return row.job if row else None

    def select_job(self, job_id: str) -> None:
        row = self.model.row_of(job_id)
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _update(self) -> None:
        failed = self.model.failed_count
        total = self.model.rowCount()
        if failed:
            self.summary.setText(_("{failed} of {total} print jobs failed: check the printer, then retry.").format(
                failed=failed, total=total))
            self.summary.setStyleSheet("#printSummary { color: #a8231c; font-weight: 800; }")
        else:
            self.summary.setText(_("{total} print jobs, none failed.").format(total=total))
            self.summary.setStyleSheet("")
        job = self.current_job()
        self.retry.setEnabled(job is not None and job.state != "done")
        self.move.setEnabled(job is not None and job.state != "done")

    def _on_model_reset(self) -> None:
        # Keep the volunteer's row when the jobs are reloaded (a periodic refresh must not jump).
        if self._selected and self.model.row_of(self._selected) >= 0:
            self.select_job(self._selected)
        elif self.model.rowCount():
            self.select_job(self.model.row(0).job.id)  # type: ignore[union-attr]
        self._update()

    def _on_model_data_changed(self, *_args) -> None:
        self._update()

    def _on_current_row_changed(self, *_args) -> None:
        job = self.current_job()
        self._selected = job.id if job else ""
        self._update()

    def _on_retry_clicked(self) -> None:
        job = self.current_job()
        if job is not None:
            self.retry_requested.emit(job.id)

    def _on_move_clicked(self) -> None:
        job = self.current_job()
        if job is not None:
            self.move_requested.emit(job.id)


class PrinterChoiceDialog(_Form):
    """Pick a printer from a list or type its name."""

    def __init__(self, parent: QWidget | None, current: str = "") -> None:
        super().__init__(parent, _("Send to another printer"))
        self.printer = QComboBox()
        self.printer.setEditable(True)
        self.printer.setEditText(current)
        self.printer.lineEdit().setPlaceholderText(_("printer name"))
        self.form.addRow(_("Printer"), self.printer)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Send"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))

    def set_printers(self, names: list[str]) -> None:
        text = self.printer.currentText()
        self.printer.clear()
        self.printer.addItems(names)
        self.printer.setEditText(text)

    def problem(self) -> str:
        return "" if self.value() else _("Choose or type a printer.")

    def value(self) -> str:
        return self.printer.currentText().strip()


class ReasonDialog(_Form):
    """A reprint needs a reason (lost badge, misspelt name…)."""

    def __init__(self, parent: QWidget | None, name: str) -> None:
        super().__init__(parent, _("Reprint the badge"))
        intro = QLabel(_("The badge of {name} was printed before. Why print another?").format(name=name))
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.reason = self._line(_("Reason"), "", _("e.g. badge lost, name misspelt"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Reprint"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))

    def problem(self) -> str:
        return "" if self.value() else _("Please give a reason for the reprint.")

    def value(self) -> str:
        return " ".join(self.reason.text().split())


BACKENDS = ("pdf", "cups", "qt")


class PrinterSettingsDialog(_Form):
    """This desk's printer: kind, name, layout, copies, calibration offsets, automatic printing.

    Signals:
        backend_changed(str): the volunteer chose another kind of printer (list its printers).
        test_requested(object): print a sample badge with these (unsaved) settings (PrinterPrefs).
    """

    backend_changed = Signal(str)
    test_requested = Signal(object)

    def __init__(self, parent: QWidget | None, prefs: PrinterPrefs) -> None:
        super().__init__(parent, _("Printer"))
        self.setMinimumWidth(620)
        self._prefs = prefs
        self.backend = QComboBox()
        labels = {"pdf": _("PDF files in a folder"), "cups": _("CUPS printer"), "qt": _("System printer (Qt)")}
        for key in BACKENDS:
            self.backend.addItem(labels[key], key)
        self.backend.setCurrentIndex(max(0, self.backend.findData(prefs.backend)))
        self.form.addRow(_("Kind"), self.backend)
        self.printer = QComboBox()
        self.printer.setEditable(True)
        self.printer.setEditText(prefs.printer)
        self.form.addRow(_("Printer"), self.printer)
        self.layout_box = QComboBox()
        try:
            layouts = list_layouts()
        except LayoutError:
            layouts = []
        for info in layouts:
            self.layout_box.addItem(f"{info.name}  ({info.width_mm:g} × {info.height_mm:g} mm)", info.name)
        if self.layout_box.findData(prefs.layout) < 0:
            self.layout_box.addItem(prefs.layout, prefs.layout)
        self.layout_box.setCurrentIndex(max(0, self.layout_box.findData(prefs.layout)))
        self.form.addRow(_("Badge layout"), self.layout_box)
        self.copies = QSpinBox()
        self.copies.setRange(1, 10)
        self.copies.setValue(prefs.copies)
        self.copies.setMaximumWidth(120)
        self.form.addRow(_("Copies"), self.copies)
        self.offset_x = self._offset(prefs.offset_x_mm)
        self.offset_y = self._offset(prefs.offset_y_mm)
        offsets = QHBoxLayout()
        offsets.addWidget(QLabel(_("right")))
        offsets.addWidget(self.offset_x)
        offsets.addSpacing(16)
        offsets.addWidget(QLabel(_("down")))
        offsets.addWidget(self.offset_y)
        offsets.addStretch(1)
        self.form.addRow(_("Offset (mm)"), offsets)
        self.auto_print = QCheckBox(_("Print the badge automatically at check-in"))
        self.auto_print.setChecked(prefs.auto_print)
        self.form.addRow("", self.auto_print)
        self.font_path = QLineEdit(prefs.font_path)
        self.font_path.setPlaceholderText(_("Automatic (an installed TrueType Chinese font)"))
        self.font_path.setToolTip(_("A .ttf or .ttc font file with Chinese glyphs, e.g. C:\\Windows\\Fonts\\simhei.ttf"))
        self.form.addRow(_("Font file"), self.font_path)
        self.test = QPushButton(_("Print test badge"))
        self.test.setObjectName("printTest")
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test)
        test_row.addWidget(self.test_result, 1)
        self.form.addRow("", test_row)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.backend.currentIndexChanged.connect(self._on_backend_current_index_changed)
        self.test.clicked.connect(self._on_test_clicked)
        self._update_printer_hint()

    @staticmethod
    def _offset(value: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(-20.0, 20.0)
        box.setSingleStep(0.5)
        box.setDecimals(1)
        box.setSuffix(" mm")
        box.setValue(value)
        return box

    def set_printers(self, names: list[str]) -> None:
        text = self.printer.currentText()
        self.printer.clear()
        self.printer.addItems(names)
        self.printer.setEditText(text)

    def values(self) -> PrinterPrefs:
        return PrinterPrefs(
            backend=self.backend.currentData(),
            printer=self.printer.currentText().strip(),
            layout=self.layout_box.currentData() or self._prefs.layout,
            copies=self.copies.value(),
            offset_x_mm=self.offset_x.value(),
            offset_y_mm=self.offset_y.value(),
            auto_print=self.auto_print.isChecked(),
            pending_timeout_s=self._prefs.pending_timeout_s,
            font_path=self.font_path.text().strip(),
        )

    def problem(self) -> str:
        try:
            self.values().validate()
        except ValueError as error:  # the core's own words (LayoutError is one too)
            return str(error)
        return ""

    def show_problem(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def show_test_result(self, message: str, ok: bool) -> None:
        self.test_result.setText(message)
        self.test_result.setStyleSheet("" if ok else "color: #a8231c; font-weight: 700;")
        self.test.setEnabled(True)

    def _update_printer_hint(self) -> None:
        hints = {
            "pdf": _("folder (empty: the data folder's “printed”)"),
            "cups": _("CUPS queue"),
            "qt": _("empty: the default printer"),
        }
        self.printer.lineEdit().setPlaceholderText(hints.get(self.backend.currentData(), ""))

    def _on_backend_current_index_changed(self, _index: int) -> None:
        self.set_printers([])
        self._update_printer_hint()
        self.backend_changed.emit(self.backend.currentData())

    def _on_test_clicked(self) -> None:
        problem = self.problem()
        self.show_problem(problem)
        if problem:
            return
        self.test.setEnabled(False)
        self.test_result.setStyleSheet("")
        self.test_result.setText(_("Printing the test badge…"))
        self.test_requested.emit(self.values())
