"""Camera-like frames holding a rendered QR code, as a 1280×720 luminance plane (numpy, uint8).

The code is rendered module by module (``kiosk.printing.qr.encode``, what badges print) and then
degraded the way a camera sees it: scaled, rotated, blurred, noisy, low contrast, glare.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

from kiosk.printing.qr import encode

WIDTH, HEIGHT = 1280, 720


def code_image(text: str, module_px: int = 5) -> Image.Image:
    """The QR code of ``text`` as a greyscale image (quiet zone included), dark on white."""
    symbol = encode(text)
    modules = np.full((symbol.size, symbol.size), 255, np.uint8)
    for x, y, w, h in symbol.rects():
        modules[y : y + h, x : x + w] = 0
    image = Image.fromarray(modules, "L")
    return image.resize((symbol.size * module_px, symbol.size * module_px), Image.Resampling.NEAREST)


def frame(
    text: str | None,
    *,
    module_px: float = 5,
    angle: float = 0.0,
    blur: float = 0.0,
    noise: float = 0.0,
    contrast: float = 1.0,
    brightness: int = 0,
    glare: float = 0.0,
    invert: bool = False,
    position: tuple[int, int] | None = None,
    seed: int = 1,
    background: int = 150,
) -> np.ndarray:
    """A HEIGHT×WIDTH uint8 luminance plane with the code of ``text`` (None: an empty scene)."""
    rng = np.random.default_rng(seed)
    # A scene with some texture, as a hallway behind the guest's phone would be.
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH]
    scene = background + 30 * np.sin(xx / 53.0) * np.cos(yy / 71.0)
    if text is not None:
        image = code_image(text, 4)
        size = round(image.width * module_px / 4)
        image = image.resize((size, size), Image.Resampling.BILINEAR)
        if angle:
            image = image.rotate(angle, Image.Resampling.BILINEAR, expand=True, fillcolor=255)
        code = np.asarray(image, np.float64)
        if invert:
            code = 255 - code
        # Low contrast: dark modules are lifted towards the light ones (a dim phone screen).
        code = 128 + (code - 128) * contrast + brightness
        h, w = code.shape
        x0, y0 = position or ((WIDTH - w) // 2, (HEIGHT - h) // 2)
        scene[y0 : y0 + h, x0 : x0 + w] = code[: HEIGHT - y0, : WIDTH - x0]
    if glare:
        # A bright blob across part of the code (a lamp reflected in the phone's glass).
        blob = np.exp(-(((xx - WIDTH * 0.55) / 140.0) ** 2 + ((yy - HEIGHT * 0.45) / 110.0) ** 2))
        scene = scene + glare * 255 * blob
    if blur:
        scene = np.asarray(
            Image.fromarray(np.clip(scene, 0, 255).astype(np.uint8), "L").filter(ImageFilter.GaussianBlur(blur)),
            np.float64,
        )
    if noise:
        scene = scene + rng.normal(0, noise, scene.shape)
    return np.clip(scene, 0, 255).astype(np.uint8)


def padded(plane: np.ndarray, stride: int) -> bytes:
    """The plane's bytes with each row padded to ``stride`` (as camera buffers often are)."""
    height, width = plane.shape
    out = np.full((height, stride), 7, np.uint8)
    out[:, :width] = plane
    return out.tobytes()
