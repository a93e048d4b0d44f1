"""Screenshots of the desk window's printing: the print jobs panel with a failed job, the printer settings.

    python scripts/printing_screenshots.py [--out docs/screenshots]

Saves print-jobs-{zh,en}.png and printer-settings-{zh,en}.png (offscreen, 1280×800, like
scripts/screenshots.py, whose helpers it uses).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screenshots import ROOT, SIZE, save, wait


def shoot(language: str, out: Path, window_too: bool = False) -> None:
    from kiosk.core.demo import create_demo
    from kiosk.core.desk import Desk
    from kiosk.core.guests import GuestService
    from kiosk.core.issuing import IssuingService
    from kiosk.core.print_queue import PrinterPrefs
    from kiosk.ui.launch import _application
    from kiosk.ui.main_window import DeskWindow
    from kiosk.ui.settings import DeskSettings
    from kiosk.ui.translator import apply_language

    app = _application()
    apply_language(language)
    with tempfile.TemporaryDirectory() as folder:
        desk = Desk(Path(folder) / "data")
        create_demo(desk, guests=120)
        guests = [g for g in GuestService(desk).all() if g.name]
        station = "2号签到台" if language == "zh" else "Desk 2"
        operator = "李雷" if language == "zh" else "Li Lei"
        window = DeskWindow(desk, DeskSettings(muted=True), install_scanner=False, save_settings=False)
        window.resize(*SIZE)
        window.show()
        window.start_shift(station, "MAIN", operator)
        wait(app, window, 100)

        def use(prefs: PrinterPrefs) -> None:
            window.printing.queue.set_prefs(prefs)
            window.printing.prefs = prefs

        use(PrinterPrefs(backend="pdf", auto_print=True))
        for guest in guests[:5]:
            window.scan(IssuingService(desk).current(guest.id).text)
            wait(app, window, 50)
        # The badge printer is unplugged: the next badge fails.
        use(PrinterPrefs(backend="qt", printer="Zebra-ZD421", auto_print=True, copies=1, offset_x_mm=0.5))
        window.scan(IssuingService(desk).current(guests[7].id).text)
        wait(app, window, 200)
        window.printing.refresh()
        wait(app, window, 100)

        suffix = f"-{language}.png"
        if window_too:
            save(window, out / f"print-failed{suffix}")
        panel = window.open_print_jobs()
        panel.resize(1060, 420)
        wait(app, window, 100)
        save(window, out / f"print-jobs{suffix}", panel)
        panel.close()

        dialog = window.open_printer_settings()
        dialog.set_printers(["Zebra-ZD421", "Brother-QL-820NWB"])
        dialog.printer.setEditText("Zebra-ZD421")
        dialog.adjustSize()
        wait(app, window, 100)
        save(window, out / f"printer-settings{suffix}", dialog)
        dialog.reject()

        window.shutdown()
        window.close()
        window.deleteLater()
        app.processEvents()
        desk.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--lang", choices=("zh", "en"), action="append")
    parser.add_argument("--window", action="store_true", help="also the window with the failed badge")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for language in args.lang or ["zh", "en"]:
        shoot(language, args.out, args.window)


if __name__ == "__main__":
    main()
