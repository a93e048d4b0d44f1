"""Badge rendering speed (issue 4). Run: /tmp/venv/bin/python bench/bench_badges.py [--append]

Baseline, measured in the same run: the same strings and the same QR text drawn with plain ReportLab
calls — ``canvas.drawString`` with the same registered CJK font, and ReportLab's own
``reportlab.graphics.barcode.qr.QrCodeWidget`` rendered onto the canvas — one page per badge.

Figures:
- one badge into its own PDF (font already registered, QR not cached): target ≤ 20 ms;
- 1,000 badges into one PDF (distinct credentials): target ≤ 5 s on a 2-core machine;
- QR encoding on its own: ``qrcode`` with its default mask search vs a fixed mask (our credentials);
- QR drawing on its own: our single vector path vs ReportLab's QrCodeWidget;
- peak RSS of a 10,000-badge batch written to a file (bounded memory).

``--append`` adds the figures to bench/RESULTS.md under "## Badges (issue 4)".
"""

from __future__ import annotations

import io
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
EVENT = "黄河三角洲高端油服产业技术创新发展论坛"


def credential(rng: random.Random) -> str:
    return "FKG" + "".join(rng.choice(BASE32) for _ in range(152))


def badges(n: int, seed: int = 7):
    from kiosk.printing.badge import BadgeData

    rng = random.Random(seed)
    names = ["王芳", "欧阳明远", "Alexander Christopher Fitzgerald-Montgomery", "李建国", "Anna Müller"]
    for i in range(n):
        yield BadgeData(
            f"g{i}",
            names[i % len(names)],
            "中国石油大学（华东）石油工程学院",
            "教授",
            ("academic", "expert", "enterprise", "government", "media")[i % 5],
            credential(rng),
            EVENT,
            "2027年6月30日",
            "东营市河口区",
        )


def baseline(items, out) -> None:
    """Plain ReportLab: drawString with the same font, QrCodeWidget for the QR code."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from kiosk.printing.fonts import register_fonts

    font = register_fonts().name
    c = Canvas(out, pagesize=(90 * mm, 130 * mm), pageCompression=1)
    for b in items:
        c.setFont(font, 12)
        c.drawString(5 * mm, 120 * mm, b.event_name)
        c.drawString(5 * mm, 114 * mm, f"{b.event_date}  ·  {b.venue}")
        c.setFont(font, 36)
        c.drawString(5 * mm, 90 * mm, b.name)
        c.setFont(font, 12)
        c.drawString(5 * mm, 80 * mm, b.title)
        c.drawString(5 * mm, 74 * mm, b.organisation)
        c.drawString(5 * mm, 5 * mm, b.category)
        widget = QrCodeWidget(b.credential, barLevel="M", barBorder=4)
        x0, y0, x1, y1 = widget.getBounds()
        size = 32 * mm
        d = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        d.add(widget)
        renderPDF.draw(d, c, 29 * mm, 19 * mm)
        c.showPage()
    c.save()


def timed(fn, repeat: int = 1) -> float:
    best = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best.append(time.perf_counter() - t)
    return min(best)


def peak_rss_10k() -> tuple[float, float, float]:
    """Peak RSS (MB) of a child process rendering 10,000 badges to a file."""
    code = (
        (
            "import resource, sys, tempfile, os\n"
            f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
            "from bench_badges import badges\n"
            "from kiosk.printing.badge import render_badges\n"
            "from kiosk.printing.fonts import register_fonts\n"
            "register_fonts()\n"
            "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "with tempfile.TemporaryDirectory() as d:\n"
            "    render_badges(badges(10000), 'badge-90x130', output=os.path.join(d, 'b.pdf'), workers=1)\n"
            "    size = os.path.getsize(os.path.join(d, 'b.pdf'))\n"
            "print(before / 1024, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, size / 1e6)\n"
        )
        .replace("%r", "{folder!r}")
        .format(folder=str(Path(__file__).parent))
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    before, after, size = map(float, out.split())
    return before, after, size


def main() -> None:
    import qrcode
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from kiosk.printing import qr
    from kiosk.printing.badge import render_badges
    from kiosk.printing.fonts import register_fonts
    from kiosk.printing.pdfcanvas import draw_qr

    register_fonts()
    render_badges(badges(1), "badge-90x130")  # warm: layout parsed, font tables loaded
    lines: list[str] = []

    def report(label: str, value: str) -> None:
        print(f"{label:<58} {value}")
        lines.append(f"| {label} | {value} |")

    # One badge, a fresh credential each time (no QR cache hit).
    one = list(badges(25, seed=11))
    times = []
    for b in one:
        t = time.perf_counter()
        render_badges([b], "badge-90x130")
        times.append(time.perf_counter() - t)
    base_times = []
    for b in one:
        t = time.perf_counter()
        baseline([b], io.BytesIO())
        base_times.append(time.perf_counter() - t)
    report("one badge, badge-90x130 (median of 25)", f"{statistics.median(times) * 1000:.1f} ms")
    report("one badge, plain ReportLab baseline (median of 25)", f"{statistics.median(base_times) * 1000:.1f} ms")

    # 1,000 badges into one PDF.
    with tempfile.TemporaryDirectory() as d:
        qr.clear_cache()
        t_pool = timed(lambda: render_badges(badges(1000), "badge-90x130", output=f"{d}/a.pdf", workers=None))
        qr.clear_cache()
        t_serial = timed(lambda: render_badges(badges(1000), "badge-90x130", output=f"{d}/b.pdf"))
        # the widget needs ~70 ms a code: 200 badges, scaled to 1,000
        t_base = timed(lambda: baseline(badges(200), f"{d}/c.pdf")) * 5
        size = os.path.getsize(f"{d}/a.pdf") / 1e6
    report("1,000 badges → one PDF, QR pre-encoded on both cores (workers=None)", f"{t_pool:.2f} s ({size:.1f} MB)")
    report("1,000 badges → one PDF, one process (the default)", f"{t_serial:.2f} s")
    report("1,000 badges → one PDF, plain ReportLab baseline (200 × 5)", f"{t_base:.1f} s")

    # QR encoding alone.
    rng = random.Random(3)
    texts = [credential(rng) for _ in range(200)]

    def qrcode_default():
        for t in texts:
            code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
            code.add_data(t)
            code.make(fit=True)
            code.get_matrix()

    def ours():
        qr.clear_cache()
        for t in texts:
            qr.encode(t)

    report("QR encode, qrcode default (8-mask search), per code", f"{timed(qrcode_default) / 200 * 1000:.2f} ms")
    report("QR encode, fixed mask + known version, per code", f"{timed(ours, 3) / 200 * 1000:.2f} ms")
    thousand = [credential(rng) for _ in range(1000)]
    qr.clear_cache()
    t_many = timed(lambda: qr.encode_many(thousand, workers=os.cpu_count()))
    report("QR encode, 1,000 codes in a process pool (incl. start-up)", f"{t_many:.2f} s")

    # QR drawing alone: the same symbol, 200 times on one page stream.
    symbol = qr.encode(texts[0])

    def draw_ours():
        c = Canvas(io.BytesIO(), pagesize=(90 * mm, 130 * mm), pageCompression=1)
        for _ in range(200):
            draw_qr(c, symbol, 29 * mm, 19 * mm, 32 * mm)
        c.showPage()
        c.save()

    def draw_widget():
        c = Canvas(io.BytesIO(), pagesize=(90 * mm, 130 * mm), pageCompression=1)
        for _ in range(200):
            widget = QrCodeWidget(texts[0], barLevel="M", barBorder=4)
            x0, y0, x1, y1 = widget.getBounds()
            size = 32 * mm
            dr = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
            dr.add(widget)
            renderPDF.draw(dr, c, 29 * mm, 19 * mm)
        c.showPage()
        c.save()

    def encode_draw_ours():
        c = Canvas(io.BytesIO(), pagesize=(90 * mm, 130 * mm), pageCompression=1)
        for _ in range(200):
            qr.clear_cache()
            draw_qr(c, qr.encode(texts[0], fast=False), 29 * mm, 19 * mm, 32 * mm)
        c.showPage()
        c.save()

    t_ours, t_widget = timed(draw_ours, 3) / 200, timed(draw_widget) / 200
    t_full = timed(encode_draw_ours) / 200
    report("QR draw only (symbol cached), our vector path, per code", f"{t_ours * 1000:.2f} ms")
    report("QR encode+draw, ours with the full 8-mask search, per code", f"{t_full * 1000:.2f} ms")
    report(
        "QR encode+draw, ReportLab QrCodeWidget, per code",
        f"{t_widget * 1000:.2f} ms "
        f"({t_widget / t_full:.1f}× ours with mask search, {t_widget / t_ours:.0f}× our drawing)",
    )

    before, after, size = peak_rss_10k()
    report(
        "10,000 badges → file: peak RSS (after imports → end)", f"{before:.0f} MB → {after:.0f} MB ({size:.0f} MB PDF)"
    )

    if "--append" in sys.argv:
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        results = Path(__file__).with_name("RESULTS.md")
        text = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
        section = [
            "",
            "## Badges (issue 4)",
            "",
            f"`bench/bench_badges.py`, {time.strftime('%Y-%m-%d')}: {os.cpu_count()} cores (nproc), {cpu}, "
            f"Python {platform.python_version()}. Machine shared with other work: figures vary ±25 %.",
            "Baseline = the same strings with `canvas.drawString` and ReportLab's `QrCodeWidget`.",
            "",
            "| measure | result |",
            "|---|---|",
            *lines,
            "",
        ]
        results.write_text(text.rstrip("\n") + "\n" + "\n".join(section), encoding="utf-8")
        print(f"appended to {results}")


if __name__ == "__main__":
    main()
