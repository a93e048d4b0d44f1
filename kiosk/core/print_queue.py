"""Printing badges: persisted, journalled print jobs whose state comes from the print system.

A job is created pending, rendered and handed to the desk's backend (sent), and then follows the
print system's own job state to done or failed. A failed job keeps the check-in; it is listed for
the desk and can be retried, on the same or another printer. A guest gets an automatic badge only
while no badge job of theirs has reached done — pre-printed batches included — and a reprint asks
for a reason.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kiosk.core.desk import Desk, EventInfo
from kiosk.core.issuing import IssuingService
from kiosk.i18n import _, language
from kiosk.models.clock import wall_ms
from kiosk.models.database import db
from kiosk.models.ids import uuid7
from kiosk.models.tables import LocalSetting
from kiosk.printing.backends import CupsBackend, JobStatus, PdfFileBackend, PrintBackend, PrintError
from kiosk.printing.badge import BadgeData, render_badge, render_badges
from kiosk.printing.fonts import FontNotFound, MissingGlyphs, register_fonts
from kiosk.printing.invitation import InvitationData, render_invitations
from kiosk.printing.layout import LayoutError, load_layout

PREFS_KEY = "printing"
BACKENDS = ("pdf", "cups", "qt")


class ReasonRequired(ValueError):
    """A guest whose badge was already printed gets another only with a reason."""


class UnknownJob(LookupError):
    pass


@dataclass
class PrinterPrefs:
    """This desk's printer (never synced: each desk has its own)."""

    backend: str = "pdf"  # pdf | cups | qt
    printer: str = ""  # CUPS queue / Qt printer name; for "pdf" a folder (default: DATA/printed)
    layout: str = "badge-90x130"
    copies: int = 1
    offset_x_mm: float = 0.0
    offset_y_mm: float = 0.0
    auto_print: bool = False
    pending_timeout_s: float = 60.0  # a job the print system holds this long is called failed
    font_path: str = ""  # a TrueType CJK font file to use instead of the best installed one

    @classmethod
    def from_json(cls, text: str) -> PrinterPrefs:
        prefs = cls()
        try:
            raw = json.loads(text)
        except ValueError:
            return prefs
        if not isinstance(raw, dict):
            return prefs
        for name, default in asdict(prefs).items():
            value = raw.get(name, default)
            if isinstance(default, bool):
                ok = isinstance(value, bool)
            elif isinstance(default, (int, float)):
                ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            else:
                ok = isinstance(value, str)
            if ok:
                setattr(prefs, name, type(default)(value))
        prefs.validate()
        return prefs

    def validate(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(_("Unknown printer kind {kind}: use pdf, cups or qt.").format(kind=self.backend))
        if not 1 <= self.copies <= 10:
            raise ValueError(_("Copies must be between 1 and 10."))
        if abs(self.offset_x_mm) > 20 or abs(self.offset_y_mm) > 20:
            raise ValueError(_("A printer offset is at most 20 mm each way."))
        if not 1 <= self.pending_timeout_s <= 3600:
            raise ValueError(_("The waiting time must be between 1 and 3600 seconds."))
        load_layout(self.layout)  # raises LayoutError naming what is wrong
        if self.font_path:
            try:
                register_fonts(self.font_path)
            except FontNotFound as error:
                raise ValueError(str(error)) from None

    @property
    def font(self) -> str | None:
        return self.font_path or None


@dataclass(frozen=True)
class PrintJobView:
    id: str
    guest_id: str
    kind: str
    layout: str
    printer: str
    copies: int
    state: str
    attempts: int
    reason: str
    error: str
    system_job: str
    created_at: int
    updated_at: int

    def to_json(self, event: EventInfo | None = None) -> dict[str, Any]:
        data = asdict(self)
        if event is not None:
            data["created_at"] = event.iso(self.created_at)
            data["updated_at"] = event.iso(self.updated_at)
        return data


_JOB_COLUMNS = (
    "id", "guest_id", "kind", "layout", "printer", "copies", "state", "attempts", "reason", "error", "system_job",
    "created_at", "updated_at",
)


def event_date_text(event: EventInfo) -> str:
    """The event's date as a badge shows it, in the current language."""
    try:
        year, month, day = (int(part) for part in event.date.split("-"))
    except ValueError:
        return event.date
    if language() == "zh":
        return f"{year}年{month}月{day}日"
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"]
    return f"{day} {months[month - 1]} {year}" if 1 <= month <= 12 else event.date


class PrintQueue:
    """The desk's print jobs. ``backend_factory(prefs)`` may supply the Qt printer from the window."""

    def __init__(self, desk: Desk, backend_factory: Callable[[PrinterPrefs], PrintBackend] | None = None) -> None:
        self.desk = desk
        self._backend_factory = backend_factory

    # --- preferences -------------------------------------------------------------------------------

    def prefs(self) -> PrinterPrefs:
        row = LocalSetting.get_or_none(LocalSetting.key == PREFS_KEY)
        return PrinterPrefs.from_json(row.value) if row else PrinterPrefs()

    def set_prefs(self, prefs: PrinterPrefs) -> None:
        prefs.validate()
        with self.desk.write():
            LocalSetting.replace(key=PREFS_KEY, value=json.dumps(asdict(prefs))).execute()

    def backend(self, prefs: PrinterPrefs | None = None) -> PrintBackend:
        prefs = prefs or self.prefs()
        if self._backend_factory is not None and prefs.backend == "qt":
            return self._backend_factory(prefs)
        if prefs.backend == "cups":
            return CupsBackend()
        if prefs.backend == "qt":
            raise PrintError(_("The system printer (Qt) can only be used from the desk window."))
        return PdfFileBackend(self._pdf_folder(prefs))

    def _pdf_folder(self, prefs: PrinterPrefs) -> Path:
        return Path(prefs.printer) if prefs.printer else self.desk.data_dir / "printed"

    # --- jobs ----------------------------------------------------------------------------------------

    def job(self, job_id: str) -> PrintJobView:
        row = db.connection().execute(
            f"SELECT {', '.join(_JOB_COLUMNS)} FROM print_job WHERE id = ?", (job_id,)
        ).fetchone()
        if row is None:
            raise UnknownJob(job_id)
        return PrintJobView(*row)

    def jobs(self, *, states: Iterable[str] | None = None, guest_id: str | None = None) -> list[PrintJobView]:
        sql = f"SELECT {', '.join(_JOB_COLUMNS)} FROM print_job WHERE 1 = 1"
        args: list[Any] = []
        if states is not None:
            wanted = list(states)
            sql += f" AND state IN ({','.join('?' * len(wanted))})"
            args += wanted
        if guest_id is not None:
            sql += " AND guest_id = ?"
            args.append(guest_id)
        return [PrintJobView(*row) for row in db.connection().execute(sql + " ORDER BY created_at, id", args)]

    def badge_printed(self, guest_id: str) -> bool:
        """Has any badge of this guest — printed at a desk or in a pre-printed batch — reached done?"""
        return (
            db.connection().execute(
                "SELECT 1 FROM print_job WHERE guest_id = ? AND kind IN ('badge', 'batch') AND state = 'done' LIMIT 1",
                (guest_id,),
            ).fetchone()
            is not None
        )

    def _record(self, job_id: str, **fields: Any) -> None:
        fields["updated_at"] = wall_ms()
        self.desk.record("print.job", {"job_id": job_id, "fields": fields})

    # --- printing ------------------------------------------------------------------------------------

    def print_badge(
        self, guest_id: str, *, reason: str = "", printer: str | None = None, automatic: bool = False,
        wait: float = 0.0,
    ) -> PrintJobView | None:
        """Queue and send a badge. Automatic prints are skipped (None) once a badge reached done; a
        manual reprint then needs ``reason`` (ReasonRequired)."""
        prefs = self.prefs()
        reason = " ".join(reason.split())[:200]
        with self.desk.write():
            if db.connection().execute(
                "SELECT 1 FROM guest WHERE id = ?", (guest_id,)
            ).fetchone() is None:
                raise LookupError(guest_id)
            if self.badge_printed(guest_id):
                if automatic:
                    return None
                if not reason:
                    raise ReasonRequired(_("This guest's badge was already printed: give a reason for the reprint."))
            job_id = uuid7()
            now = wall_ms()
            self._record(
                job_id, guest_id=guest_id, kind="badge", layout=prefs.layout,
                printer=printer if printer is not None else prefs.printer, copies=prefs.copies, state="pending",
                attempts=0, reason=reason, error="", system_job="", device=self.desk.device_id, created_at=now,
            )
        self._send(job_id, prefs)
        if wait > 0:
            return self.wait(job_id, wait)
        return self.job(job_id)

    def after_checkin(self, guest_id: str, reason: str) -> PrintJobView | None:
        """The automatic badge of a first arrival (never for a re-entry), when the desk prints automatically."""
        if reason != "checked_in" or not self.prefs().auto_print:
            return None
        name = db.connection().execute("SELECT name FROM guest WHERE id = ?", (guest_id,)).fetchone()
        if not name or not name[0]:
            return None  # a signed guest this desk does not know yet: the badge waits for the name
        return self.print_badge(guest_id, automatic=True)

    def retry(self, job_id: str, *, printer: str | None = None, wait: float = 0.0) -> PrintJobView:
        """Send a failed (or stuck) job again, on the same or another printer."""
        job = self.job(job_id)
        if job.state == "done":
            return job
        if job.system_job and job.state in ("pending", "sent"):
            self._cancel(job)
        if printer is not None and printer != job.printer:
            with self.desk.write():
                self._record(job_id, printer=printer)
        self._send(job_id, self.prefs())
        return self.wait(job_id, wait) if wait > 0 else self.job(job_id)

    def _send(self, job_id: str, prefs: PrinterPrefs) -> None:
        job = self.job(job_id)
        attempts = job.attempts + 1
        try:
            layout = load_layout(job.layout or prefs.layout)
            data = self.badge_data(job.guest_id)
            pdf = render_badge(data, layout, offset_mm=(prefs.offset_x_mm, prefs.offset_y_mm), font_path=prefs.font)
            system_job = self.backend(prefs).submit(
                pdf, printer=job.printer, media_mm=(layout.page_width_mm, layout.page_height_mm),
                copies=job.copies, title=f"badge-{job.guest_id[:8]}",
            )
        except (MissingGlyphs, LayoutError, FontNotFound, PrintError, OSError) as error:
            with self.desk.write():
                self._record(job_id, state="failed", attempts=attempts, error=str(error), system_job="")
            return
        with self.desk.write():
            self._record(job_id, state="sent", attempts=attempts, error="", system_job=system_job)
        self.refresh(job_id)

    def refresh(self, job_id: str) -> PrintJobView:
        """Read the job's state from the print system; a job held longer than the desk's limit fails."""
        job = self.job(job_id)
        if job.state not in ("pending", "sent") or not job.system_job:
            return job
        prefs = self.prefs()
        try:
            state = self.backend(prefs).job_state(job.system_job)
        except PrintError as error:
            status, detail = JobStatus.PENDING, str(error)
        else:
            status, detail = state.status, state.reason
        new_state = {JobStatus.DONE: "done", JobStatus.FAILED: "failed", JobStatus.SENT: "sent"}.get(status, "pending")
        if new_state == "pending" and wall_ms() - job.updated_at > prefs.pending_timeout_s * 1000:
            self._cancel(job)
            new_state = "failed"
            detail = _("The printer did not take the job ({detail}). Check the printer, then retry.").format(
                detail=detail or _("queue stopped or printer off")
            )
        if new_state != job.state or (new_state == "failed" and detail != job.error):
            with self.desk.write():
                fields: dict[str, Any] = {"state": new_state}
                if new_state == "failed":
                    fields["error"] = detail or _("The print system cancelled the job.")
                self._record(job_id, **fields)
        return self.job(job_id)

    def wait(self, job_id: str, timeout: float) -> PrintJobView:
        """Poll until the job is done or failed, at most ``timeout`` seconds; then it is failed if still held."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.refresh(job_id)
            if job.state in ("done", "failed"):
                return job
            if time.monotonic() >= deadline:
                self._cancel(job)
                with self.desk.write():
                    self._record(job_id, state="failed",
                                 error=_("The printer did not print the badge in time. Check the printer, then retry."))
                return self.job(job_id)
            time.sleep(0.2)

    def _cancel(self, job: PrintJobView) -> None:
        backend = self.backend()
        cancel = getattr(backend, "cancel", None)
        if cancel is not None and job.system_job:
            try:
                cancel(job.system_job)
            except PrintError:
                pass  # already gone: nothing will print twice

    # --- data for the renderers --------------------------------------------------------------------------

    def badge_data(self, guest_id: str) -> BadgeData:
        guest = db.connection().execute(
            "SELECT name, organisation, title, category, note FROM guest WHERE id = ?", (guest_id,)
        ).fetchone()
        if guest is None:
            raise LookupError(guest_id)
        event = self.desk.require_event()
        credential = IssuingService(self.desk).current(guest_id).text
        return BadgeData(
            guest_id=guest_id, name=guest[0], organisation=guest[1], title=guest[2], category=guest[3],
            credential=credential, event_name=event.name, event_date=event_date_text(event), venue=event.venue,
            note=guest[4],
        )

    def _guest_ids(self, guest_ids: Iterable[str] | None) -> list[str]:
        if guest_ids is not None:
            return list(dict.fromkeys(guest_ids))
        return [row[0] for row in db.connection().execute(
            "SELECT id FROM guest WHERE stub = 0 AND state != 'cancelled' ORDER BY organisation, name, id")]

    def _codes(self, ids: list[str]) -> dict[str, str]:
        """Current codes of ``ids`` (issuing the missing ones in one transaction)."""
        issuing = IssuingService(self.desk)
        with self.desk.write():
            return {guest_id: issuing._current(guest_id, False).text for guest_id in ids}

    def batch_pdf(
        self, output: Path, *, guest_ids: Iterable[str] | None = None, layout: str | None = None,
        progress: Callable[[int, int], None] | None = None, record: bool = True,
    ) -> int:
        """All guests' (or the given guests') badges in one PDF, for pre-printing. Returns the count.

        Memory stays bounded: guests are read in chunks while the renderer streams pages to ``output``.
        With ``record`` each badge is journalled as a pre-printed (done) batch job, so the desk will
        not print it again automatically.
        """
        prefs = self.prefs()
        chosen = load_layout(layout or prefs.layout)
        ids = self._guest_ids(guest_ids)
        codes = self._codes(ids)
        event = self.desk.require_event()
        date_text = event_date_text(event)

        def badges() -> Iterator[BadgeData]:
            for guest_id, row in _guest_rows(ids, "name, organisation, title, category, note"):
                yield BadgeData(guest_id, row[0], row[1], row[2], row[3], codes[guest_id], event.name, date_text,
                                event.venue, row[4])

        total = len(ids)
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".part")
        with partial.open("wb") as handle:
            render_badges(badges(), chosen, offset_mm=(prefs.offset_x_mm, prefs.offset_y_mm), output=handle,
                          progress=(lambda n: progress(n, total)) if progress else None, font_path=prefs.font)
        partial.replace(output)
        if record and ids:
            now = wall_ms()
            with self.desk.write():
                entries = [
                    self.desk.journal.make(
                        "print.job",
                        {"job_id": uuid7(), "fields": {
                            "guest_id": guest_id, "kind": "batch", "layout": chosen.name, "printer": str(output),
                            "copies": 1, "state": "done", "attempts": 1, "reason": "", "error": "",
                            "system_job": "", "device": self.desk.device_id, "created_at": now, "updated_at": now}},
                        self.desk.operator,
                    )
                    for guest_id in ids
                ]
                self.desk.journal.record_entries(entries)
        return total

    def invitations_pdf(self, output: Path, *, guest_ids: Iterable[str] | None = None,
                        progress: Callable[[int, int], None] | None = None) -> int:
        """One A4 invitation letter per guest with their QR code, for mailing before the event."""
        ids = self._guest_ids(guest_ids)
        codes = self._codes(ids)
        event = self.desk.require_event()
        sessions = tuple(session["name"] for session in self.desk.sessions())
        date_text = event_date_text(event)

        def letters() -> Iterator[InvitationData]:
            for guest_id, row in _guest_rows(ids, "name, organisation, title"):
                yield InvitationData(guest_id, row[0], row[1], row[2], codes[guest_id], event.name, date_text,
                                     event.venue, sessions)

        total = len(ids)
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".part")
        with partial.open("wb") as handle:
            render_invitations(letters(), output=handle, progress=(lambda n: progress(n, total)) if progress else None,
                               font_path=self.prefs().font)
        partial.replace(output)
        return total


def _guest_rows(ids: list[str], columns: str) -> Iterator[tuple[str, tuple]]:
    """(id, the guest's ``columns``) in the order of ``ids``, read 500 at a time (bounded memory)."""
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = {row[0]: row[1:] for row in db.connection().execute(
            f"SELECT id, {columns} FROM guest WHERE id IN ({marks})", chunk)}
        for guest_id in chunk:
            if guest_id not in rows:
                raise LookupError(guest_id)
            yield guest_id, rows[guest_id]
