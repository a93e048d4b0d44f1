"""Helpers for the printing tests: realistic badge data, PDF → image / text, QR decoding."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import numpy as np
import zxingcpp
from PIL import Image

from kiosk.printing.badge import BadgeData

BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
EVENT = "黄河三角洲高端油服产业技术创新发展论坛"
DATE = "2027年6月30日"
VENUE = "东营市河口区"
NAMES = {
    "chinese": "王芳",
    "english": "Alexander Christopher Fitzgerald-Montgomery",
    # exactly 50 characters, mixed scripts
    "fifty": "Maximiliane Alexander 欧阳明远 von Hohenzollern-Sigmar",
}
assert len(NAMES["fifty"]) == 50, len(NAMES["fifty"])


def make_credential(seed: int | str, length: int = 155) -> str:
    """A credential like the real ones: "FKG" and Base32 (A–Z, 2–7), ~155 characters."""
    rng = random.Random(seed)
    return "FKG" + "".join(rng.choice(BASE32) for _ in range(length - 3))


def make_badge(name: str = "王芳", *, seed: int | str = 1, category: str = "academic", **changes) -> BadgeData:
    fields = dict(
        guest_id=f"g-{seed}",
        name=name,
        organisation="中国石油大学（华东）石油工程学院",
        title="教授",
        category=category,
        credential=make_credential(seed),
        event_name=EVENT,
        event_date=DATE,
        venue=VENUE,
    )
    fields.update(changes)
    return BadgeData(**fields)


def pdf_to_images(pdf: bytes, tmp_path: Path, dpi: int = 200) -> list[Image.Image]:
    """Every page as a greyscale image, rendered by poppler (not by us)."""
    source = tmp_path / f"render-{dpi}.pdf"
    source.write_bytes(pdf)
    prefix = tmp_path / f"page-{dpi}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(source), str(prefix)], check=True, timeout=60)
    images = []
    for path in sorted(tmp_path.glob(f"page-{dpi}*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
        with Image.open(path) as im:
            images.append(im.convert("L"))
    return images


def decode_qr(image: Image.Image) -> list[str]:
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [r.text for r in results]


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "text.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(source), "-"], check=True, capture_output=True, timeout=60)
    return out.stdout.decode("utf-8")


def matrix_image(rows: list[list[bool]], module_px: int) -> Image.Image:
    arr = np.where(np.array(rows, dtype=bool), 0, 255).astype(np.uint8)
    return Image.fromarray(arr.repeat(module_px, 0).repeat(module_px, 1), mode="L")
