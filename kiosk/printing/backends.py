"""Where a finished PDF goes: a folder, or a CUPS queue. Qt-free; the QPrinter backend lives in kiosk.ui.

A job's state always comes from the print system itself (CUPS's job-state), never from the exit
code of the submitting command: ``lp`` succeeds as soon as the job is queued, even on a paused queue.
"""

from __future__ import annotations

import csv
import enum
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from kiosk.i18n import _


class PrintError(RuntimeError):
    """The print system refused the job or could not be asked; the message is for the desk."""


class JobStatus(enum.StrEnum):
    PENDING = "pending"  # queued, held, or the queue is stopped
    SENT = "sent"  # the print system is processing it
    DONE = "done"  # the print system reports it printed
    FAILED = "failed"  # cancelled, aborted, or unknown to the print system


@dataclass(frozen=True, slots=True)
class JobState:
    status: JobStatus
    reason: str = ""  # the print system's words (job-state-reasons), for the log and the desk

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


@runtime_checkable
class PrintBackend(Protocol):
    """What the print-job queue needs from a printer."""

    def submit(
        self, pdf: bytes, *, printer: str, media_mm: tuple[float, float], copies: int = 1, title: str = ""
    ) -> str:
        """Hand over one PDF; returns the print system's job id. Raises PrintError."""
        ...

    def job_state(self, job_id: str) -> JobState:
        """The job's state as the print system sees it now."""
        ...


class PdfFileBackend:
    """Writes each job as a PDF file into ``folder``; a job is done as soon as it is written."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def submit(
        self, pdf: bytes, *, printer: str = "", media_mm: tuple[float, float] = (0, 0), copies: int = 1, title: str = ""
    ) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        stem = _safe_filename(title) or "print"
        job_id = f"{stem}-{uuid.uuid4().hex[:12]}"
        target = self.folder / f"{job_id}.pdf"
        temp = target.with_suffix(".part")
        try:
            temp.write_bytes(pdf)
            os.replace(temp, target)  # never a half-written PDF under the final name
        except OSError as exc:
            raise PrintError(
                _("Cannot write the PDF to {folder}: {error}").format(folder=self.folder, error=exc.strerror or exc)
            ) from exc
        return job_id

    def job_state(self, job_id: str) -> JobState:
        if (self.folder / f"{job_id}.pdf").is_file():
            return JobState(JobStatus.DONE)
        return JobState(JobStatus.FAILED, _("The PDF file is missing."))

    def path_of(self, job_id: str) -> Path:
        return self.folder / f"{job_id}.pdf"


def _safe_filename(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text, flags=re.UNICODE).strip("._")[:60]


_REQUEST_ID = re.compile(r"request id is (\S+)")
# IPP job-state (RFC 8011 §5.3.7) → ours. processing-stopped: the queue is paused mid-job → pending.
_IPP_STATES = {
    "pending": JobStatus.PENDING,
    "pending-held": JobStatus.PENDING,
    "processing": JobStatus.SENT,
    "processing-stopped": JobStatus.PENDING,
    "canceled": JobStatus.FAILED,
    "aborted": JobStatus.FAILED,
    "completed": JobStatus.DONE,
}
_GET_JOB_TEST = """{
    NAME "kiosk get-job-attributes"
    OPERATION Get-Job-Attributes
    GROUP operation-attributes-tag
    ATTR charset attributes-charset utf-8
    ATTR naturalLanguage attributes-natural-language en
    ATTR uri printer-uri $uri
    ATTR integer job-id $job_id
    ATTR name requesting-user-name $user
    ATTR keyword requested-attributes job-state,job-state-reasons,job-state-message
    STATUS successful-ok
    DISPLAY job-state
    DISPLAY job-state-reasons
    DISPLAY job-state-message
}
"""


class CupsBackend:
    """Submits with ``lp``; reads job states with ``ipptool`` (or ``lpstat`` when ipptool is missing).

    ``server`` is a CUPS server "host[:port]" (default: the local scheduler). Job ids are CUPS's own,
    "QUEUE-NUMBER" (e.g. "CUPS-PDF-12").
    """

    def __init__(self, server: str | None = None, *, timeout: float = 15.0) -> None:
        self.server = server
        self.timeout = timeout
        self._test_file: Path | None = None

    # --- commands -------------------------------------------------------------------------------------
    def _run(self, args: list[str], *, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        if shutil.which(args[0]) is None:
            raise PrintError(_("{command} is not installed (CUPS client tools are needed).").format(command=args[0]))
        if self.server and args[0] in ("lp", "lpstat", "cancel"):
            args = [args[0], "-h", self.server, *args[1:]]
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}  # we parse the output
        try:
            return subprocess.run(args, input=data, capture_output=True, timeout=self.timeout, env=env, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PrintError(
                _("The print system did not answer within {seconds} s.").format(seconds=self.timeout)
            ) from exc

    # --- PrintBackend ---------------------------------------------------------------------------------
    def submit(
        self, pdf: bytes, *, printer: str, media_mm: tuple[float, float], copies: int = 1, title: str = ""
    ) -> str:
        if not pdf.startswith(b"%PDF"):
            raise PrintError(_("Not a PDF document."))
        if copies < 1:
            raise ValueError("copies must be at least 1")
        w, h = media_mm
        args = [
            "lp",
            "-d",
            printer,
            "-n",
            str(copies),
            "-o",
            f"media=Custom.{w:g}x{h:g}mm",
            "-o",
            "fit-to-page=false",
            "-t",
            title or "Forum Kiosk",
            "--",
            "-",
        ]
        result = self._run(args, data=pdf)
        out = result.stdout.decode("utf-8", "replace")
        match = _REQUEST_ID.search(out)
        if result.returncode != 0 or not match:
            err = (result.stderr or result.stdout).decode("utf-8", "replace").strip()
            raise PrintError(
                _("The printer {printer} refused the job: {error}").format(
                    printer=printer, error=err or result.returncode
                )
            )
        return match.group(1)

    def job_state(self, job_id: str) -> JobState:
        queue, _sep, number = job_id.rpartition("-")
        if not queue or not number.isdigit():
            raise ValueError(f"not a CUPS job id: {job_id!r}")
        if shutil.which("ipptool"):
            return self._state_ipp(queue, int(number))
        return self._state_lpstat(job_id, queue)

    def cancel(self, job_id: str) -> None:
        result = self._run(["cancel", job_id])
        if result.returncode != 0:
            err = result.stderr.decode("utf-8", "replace").strip()
            raise PrintError(_("Cannot cancel {job}: {error}").format(job=job_id, error=err))

    def list_printers(self) -> list[str]:
        """The queues CUPS knows, in its order."""
        result = self._run(["lpstat", "-e"])
        if result.returncode != 0:
            return []
        return [line.split()[0] for line in result.stdout.decode("utf-8", "replace").splitlines() if line.strip()]

    # --- state readers --------------------------------------------------------------------------------
    def _state_ipp(self, queue: str, number: int) -> JobState:
        if self._test_file is None or not self._test_file.exists():
            fd, name = tempfile.mkstemp(prefix="kiosk-get-job-", suffix=".test")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(_GET_JOB_TEST)
            self._test_file = Path(name)
        host = self.server or "localhost"
        uri = f"ipp://{host}/printers/{queue}"
        user = os.environ.get("USER") or "root"
        result = self._run(["ipptool", "-c", "-d", f"job_id={number}", "-d", f"user={user}", uri, str(self._test_file)])
        lines = [line for line in result.stdout.decode("utf-8", "replace").splitlines() if line.strip()]
        # CSV: a header line, then one line of values (omitted when the request failed).
        if result.returncode != 0 or len(lines) < 2:
            err = result.stderr.decode("utf-8", "replace").strip() or " ".join(lines)
            if "not-found" in err or "does not exist" in err or "not found" in err.lower():
                return JobState(JobStatus.FAILED, _("The print system does not know this job."))
            raise PrintError(
                _("Cannot read the state of job {job}: {error}").format(
                    job=f"{queue}-{number}", error=err or result.returncode
                )
            )
        header = _csv(lines[0])
        values = _csv(lines[1])
        row = dict(zip(header, values, strict=False))
        state = row.get("job-state", "")
        reasons = row.get("job-state-reasons", "")
        message = row.get("job-state-message", "")
        status = _IPP_STATES.get(state)
        if status is None:
            raise PrintError(f"unexpected job-state {state!r} for {queue}-{number}")
        parts = [state] if status is JobStatus.FAILED else []  # "canceled" / "aborted" say the most
        reason = ", ".join(r for r in (*parts, reasons, message) if r and r != "none")
        return JobState(status, reason)

    def _state_lpstat(self, job_id: str, queue: str) -> JobState:
        for which, status in (("not-completed", None), ("completed", JobStatus.DONE)):
            result = self._run(["lpstat", "-l", "-W", which, "-o", queue])
            text = result.stdout.decode("utf-8", "replace")
            block = _lpstat_block(text, job_id)
            if block is None:
                continue
            if status is JobStatus.DONE:
                if "cancel" in block or "aborted" in block:
                    return JobState(JobStatus.FAILED, block.strip().splitlines()[-1].strip())
                return JobState(JobStatus.DONE)
            # "now printing" appears in plain lpstat -o output for the active job
            printing = "printing" in self._run(["lpstat", "-o", queue]).stdout.decode("utf-8", "replace")
            held = "held" in block or "stopped" in block
            return JobState(
                JobStatus.SENT if printing and not held else JobStatus.PENDING, block.strip().splitlines()[-1].strip()
            )
        return JobState(JobStatus.FAILED, _("The print system does not know this job."))


def _lpstat_block(text: str, job_id: str) -> str | None:
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.split()[:1] == [job_id]:
            block = [line]
            for more in lines[i + 1 :]:
                if more.startswith((" ", "\t")):
                    block.append(more)
                else:
                    break
            return "\n".join(block)
    return None


def _csv(line: str) -> list[str]:
    return next(csv.reader([line]))


def list_printers(server: str | None = None) -> list[str]:
    """CUPS queues on ``server`` (the local scheduler by default); [] when CUPS is absent."""
    try:
        return CupsBackend(server).list_printers()
    except PrintError:
        return []
