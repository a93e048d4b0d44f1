"""A CUPS scheduler with the cups-pdf queue for tests: reuse the running one, or start a private cupsd.

Only what this helper started is stopped (by pid); a queue it added is deleted again.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

QUEUE = "CUPS-PDF"
SOCKET = Path("/run/cups/cups.sock")
PPD_CANDIDATES = (
    "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd",
    "lsb/usr/cups-pdf/CUPS-PDF_noopt.ppd",
)


class CupsUnavailable(RuntimeError):
    pass


@dataclass
class CupsQueue:
    queue: str
    output_dirs: list[Path]  # where cups-pdf may write (Out, then AnonDirName)

    def find_output(self, title_fragment: str, *, timeout: float = 10.0) -> Path:
        """The PDF cups-pdf wrote for the job whose title contains ``title_fragment``."""
        deadline = time.monotonic() + timeout
        while True:
            for folder in self.output_dirs:
                if folder.is_dir():
                    hits = sorted(folder.glob(f"*{title_fragment}*.pdf"))
                    if hits:
                        return hits[-1]
            if time.monotonic() > deadline:
                raise TimeoutError(f"no output for {title_fragment!r} in {self.output_dirs}")
            time.sleep(0.05)


def cupsd_installed() -> bool:
    return shutil.which("cupsd") is not None or Path("/usr/sbin/cupsd").exists()


def _run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, capture_output=True, text=True, timeout=30, check=check, env={**os.environ, "LC_ALL": "C"}
    )


def _scheduler_running() -> bool:
    return _run("lpstat", "-r", check=False).stdout.strip() == "scheduler is running"


def _output_dirs() -> list[Path]:
    conf = Path("/etc/cups/cups-pdf.conf")
    out, anon = "${HOME}/PDF", "/var/spool/cups-pdf/ANONYMOUS"
    if conf.exists():
        for line in conf.read_text(errors="replace").splitlines():
            m = re.match(r"^\s*(Out|AnonDirName)\s+(\S+)", line)
            if m:
                if m.group(1) == "Out":
                    out = m.group(2)
                else:
                    anon = m.group(2)
    home = str(Path.home())
    user = os.environ.get("USER") or Path.home().name
    dirs = [Path(out.replace("${HOME}", home).replace("${USER}", user)), Path(anon)]
    return dirs


@contextmanager
def cups_pdf_queue() -> Iterator[CupsQueue]:
    """A running scheduler with an enabled ``CUPS-PDF`` queue, for the duration of the block."""
    if not cupsd_installed():
        raise CupsUnavailable("cupsd is not installed (apt install cups cups-client cups-bsd printer-driver-cups-pdf)")
    started: subprocess.Popen[bytes] | None = None
    added_queue = False
    try:
        if not _scheduler_running():
            Path("/run/cups").mkdir(parents=True, exist_ok=True)
            cupsd = shutil.which("cupsd") or "/usr/sbin/cupsd"
            started = subprocess.Popen([cupsd, "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 15
            while not _scheduler_running():
                if started.poll() is not None:
                    raise CupsUnavailable(f"cupsd exited with {started.returncode}")
                if time.monotonic() > deadline:
                    raise CupsUnavailable("cupsd did not start within 15 s")
                time.sleep(0.05)
        if QUEUE not in _run("lpstat", "-e", check=False).stdout.split():
            models = _run("lpinfo", "-m", check=False).stdout
            ppd = next((p for p in PPD_CANDIDATES if p in models), None)
            if ppd is None:
                raise CupsUnavailable("the cups-pdf driver is missing (apt install printer-driver-cups-pdf)")
            _run("lpadmin", "-p", QUEUE, "-E", "-v", "cups-pdf:/", "-m", ppd)
            added_queue = True
        _run("cupsenable", QUEUE)
        _run("cupsaccept", QUEUE)
        yield CupsQueue(QUEUE, _output_dirs())
    finally:
        if added_queue:
            _run("lpadmin", "-x", QUEUE, check=False)
        if started is not None:
            started.send_signal(signal.SIGTERM)
            try:
                started.wait(timeout=10)
            except subprocess.TimeoutExpired:
                started.kill()
                started.wait()
