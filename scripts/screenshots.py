"""Screenshots of the desk window's main states, in Chinese and English, for the docs.

    python scripts/screenshots.py [--out docs/screenshots]

Runs offscreen (Qt's offscreen platform renders with the system fonts; WenQuanYi Zen Hei or Noto CJK
must be installed for the Chinese text). Each state is one PNG at 1280×800:
idle, green (checked in), amber (already arrived), red (refused), search results, walk-in dialog,
arrivals (after a simulated morning of arrivals), the Agreements tab. The sync corner of the status bar
shows "No hub" (the demo folder has none).
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

from PySide6.QtCore import QEventLoop, QPoint, QTimer  # noqa: E402
from PySide6.QtGui import QColor, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

SIZE = (1280, 800)


def wait(app: QApplication, window, ms: int = 50) -> None:
    """Let queued results (writer thread → signals) arrive and the window repaint."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    while window.tasks.busy or window._stats_soon.isActive() or window._stats_running:
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()
    app.processEvents()


def save(window, path: Path, dialog=None) -> None:
    image = window.grab().toImage()
    if dialog is not None:
        painter = QPainter(image)
        painter.fillRect(image.rect(), QColor(0, 0, 0, 90))
        shot = dialog.grab()
        painter.drawPixmap(QPoint((image.width() - shot.width()) // 2, (image.height() - shot.height()) // 3), shot)
        painter.end()
    image.save(str(path), "PNG")
    _shrink(path)
    print(path, f"{path.stat().st_size // 1024} KB")


def _shrink(path: Path) -> None:
    """128-colour palette PNG (a third of the size; UI flats and text survive it) when Pillow is there."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        palette = image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    palette.save(path, optimize=True)


def simulate_morning(desk, guest_ids: list[str]) -> None:
    """Check-ins spread over the last two hours, so the arrivals chart has a shape (demo data only)."""
    import random

    from kiosk.models.clock import wall_ms
    from kiosk.models.ids import uuid7

    rng = random.Random(7)
    now = wall_ms()
    with desk.write():
        for guest_id in guest_ids:
            minutes = min(rng.expovariate(1 / 35), 115)
            desk.record(
                "checkin",
                {
                    "checkin_id": uuid7(),
                    "guest_id": guest_id,
                    "kind": "arrival",
                    "station": rng.choice(["1号签到台", "2号签到台", "Desk 3"]),
                    "session": "MAIN",
                    "category": "guest",
                    "at": now - int(minutes * 60_000),
                },
            )


def shoot(language: str, out: Path) -> None:
    from kiosk.core.demo import create_demo
    from kiosk.core.desk import Desk
    from kiosk.core.guests import GuestService
    from kiosk.core.issuing import IssuingService
    from kiosk.ui.launch import _application
    from kiosk.ui.main_window import DeskWindow
    from kiosk.ui.settings import DeskSettings
    from kiosk.ui.translator import apply_language

    app = _application()
    apply_language(language)
    with tempfile.TemporaryDirectory() as folder:
        desk = Desk(Path(folder) / "data")
        create_demo(desk, guests=300)
        guests = GuestService(desk).all()
        station = "2号签到台" if language == "zh" else "Desk 2"
        operator = "李雷" if language == "zh" else "Li Lei"
        window = DeskWindow(desk, DeskSettings(muted=True), install_scanner=False, save_settings=False)
        window.resize(*SIZE)
        window.show()
        window.start_shift(station, "MAIN", operator)
        simulate_morning(desk, [g.id for g in guests[40:200]])
        window.search.run_search()
        window.refresh_stats()
        wait(app, window, 200)
        suffix = f"-{language}.png"
        save(window, out / f"idle{suffix}")

        speaker = next(g for g in guests[:40] if g.note)
        code = IssuingService(desk).current(speaker.id).text
        window.scan(code)
        wait(app, window, 300)
        save(window, out / f"green{suffix}")
        window.scan(code)
        wait(app, window)
        save(window, out / f"amber{suffix}")
        damaged = code[:-6] + ("A" if code[-6] != "A" else "B") + code[-5:]  # one misread character
        window.scan(damaged)
        wait(app, window)
        save(window, out / f"red{suffix}")

        window.verdict.clear()
        window.search.box.setText("zhang" if language == "en" else "张")
        window.search.run_search()
        window.search.table.selectRow(1)
        wait(app, window)
        save(window, out / f"search{suffix}")

        dialog = window.open_walk_in()
        dialog.name.setText("周杰")
        dialog.organisation.setText("东营港经济开发区管委会")
        dialog.title.setText("招商局副局长" if language == "zh" else "Deputy Director")
        dialog.category.setCurrentIndex(dialog.category.findData("government"))
        dialog.adjustSize()
        wait(app, window)
        save(window, out / f"walk-in{suffix}", dialog)
        dialog.reject()

        window.refresh_stats()
        wait(app, window, 200)
        save(window.arrivals, out / f"arrivals{suffix}")

        window.tabs.setCurrentIndex(window.AGREEMENTS_TAB)
        window.agreements.refresh()
        window.agreements.table.selectRow(2)
        wait(app, window)
        save(window, out / f"agreements{suffix}")
        window.shutdown()
        window.close()
        window.deleteLater()
        app.processEvents()
        desk.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--lang", choices=("zh", "en"), action="append")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for language in args.lang or ["zh", "en"]:
        shoot(language, args.out)


if __name__ == "__main__":
    main()
