"""Screenshots of every self-service kiosk screen, in Chinese and English, at 1920×1080 and 1280×800.

    python scripts/kiosk_screenshots.py [--out docs/kiosk]

Runs offscreen (WenQuanYi Zen Hei or Noto CJK must be installed for the Chinese text). Screens:
attract, welcome (badge printing), badge preview, amber (already checked in), red (refused),
printer trouble, PIN entry (after wrong tries), staff screen with alerts.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false;qt.multimedia*=false")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtGui import QPixmap  # noqa: E402

SIZES = ((1920, 1080), (1280, 800))


def settle(app, window, ms: int = 30) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    while window.tasks.busy:
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()
    app.processEvents()


def save(window, path: Path) -> None:
    window.grab().toImage().save(str(path), "PNG")
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        palette = image.convert("RGB").quantize(colors=96, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    palette.save(path, optimize=True)
    print(path, f"{path.stat().st_size // 1024} KB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "kiosk"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from kiosk.core import staff
    from kiosk.core.demo import create_demo
    from kiosk.core.desk import Desk
    from kiosk.core.print_queue import PrintQueue
    from kiosk.core.self_service import ALREADY_IN, PRINTER_TROUBLE, REFUSED, WELCOME, KioskOptions
    from kiosk.models.database import db
    from kiosk.printing.badge import render_badge
    from kiosk.printing.layout import load_layout
    from kiosk.ui.kiosk_mode import KioskWindow, rasterise_pdf
    from kiosk.ui.launch import _application
    from kiosk.ui.translator import apply_language

    app = _application()
    with tempfile.TemporaryDirectory() as folder:
        desk = Desk(Path(folder) / "data")
        create_demo(desk, guests=40)
        desk.station = "Kiosk 1"
        staff.set_pin(desk, "2468")
        rows = list(db.connection().execute(
            "SELECT id, name, title, organisation FROM guest WHERE stub = 0 AND title != '' AND organisation != ''"
            " ORDER BY length(organisation) DESC LIMIT 2"))
        guest_id, name, title, organisation = rows[0]
        detail = f"{title} · {organisation}"
        queue = PrintQueue(desk)
        pdf = render_badge(queue.badge_data(guest_id), load_layout(queue.prefs().layout))
        from kiosk.core.self_service import report_print_trouble

        report_print_trouble(desk, name, "printer offline")
        report_print_trouble(desk, rows[1][1], "paper out")
        for language in ("zh", "en"):
            apply_language(language)
            for width, height in SIZES:
                window = KioskWindow(desk, camera_id="off", options=KioskOptions(), install_filters=False)
                window.show()
                window.resize(width, height)
                settle(app, window)
                assert (window.width(), window.height()) == (width, height), window.size()
                tag = f"{language}-{width}x{height}"

                window.show_attract()
                settle(app, window)
                save(window, out / f"attract-{tag}.png")
                window.show_outcome(WELCOME, name, detail)
                settle(app, window)
                save(window, out / f"welcome-{tag}.png")
                image = rasterise_pdf(pdf, round(height * 0.8))
                window.preview.set_badge(QPixmap.fromImage(image))
                window._show("preview", window.preview)
                settle(app, window)
                save(window, out / f"preview-{tag}.png")
                window.show_outcome(ALREADY_IN, name, detail)
                settle(app, window)
                save(window, out / f"amber-{tag}.png")
                window.show_outcome(REFUSED)
                settle(app, window)
                save(window, out / f"red-{tag}.png")
                window.show_outcome(PRINTER_TROUBLE, name)
                settle(app, window)
                save(window, out / f"printer-trouble-{tag}.png")
                window._show_pin("unlock")
                window.pin.field.setText("24")
                window.pin.show_wrong(window.clock() + 4)
                window.pin.field.setText("24")
                settle(app, window)
                save(window, out / f"pin-{tag}.png")
                window._show_pin("unlock")
                window.open_staff()
                settle(app, window)
                save(window, out / f"staff-{tag}.png")
                window.leave()
                settle(app, window)
        desk.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
