"""The frame path's one-pass steps keep pixels, sizes and quality (issue 22)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from gemini_desk.vision.encode import from_pil, make_frame, preview_of, scale, to_pil
from tests.support.qt import qapp, qt_warnings_fatal  # noqa: F401


def colourful(width: int, height: int, seed: int = 7) -> Image.Image:
    """Random colour noise under lines of black text: every channel and byte matters."""
    rng = np.random.default_rng(seed)
    image = Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))
    draw = ImageDraw.Draw(image)
    for y in range(10, height - 10, 24):
        draw.text((8, y), "The quick brown fox 0123456789", fill="black")
    return image


def smooth_page(width: int, height: int) -> Image.Image:
    """A colour gradient under lines of black text: what JPEG is meant for, so that a
    comparison measures decoding and scaling, not the noise JPEG cannot keep."""
    x = np.linspace(0, 255, width, dtype=np.float32)[None, :]
    y = np.linspace(0, 255, height, dtype=np.float32)[:, None]
    arr = np.stack(
        [
            np.broadcast_to(x, (height, width)),
            np.broadcast_to(y, (height, width)),
            np.full((height, width), 128, np.float32),
        ],
        axis=2,
    ).astype(np.uint8)
    image = Image.fromarray(arr)
    draw = ImageDraw.Draw(image)
    for y0 in range(10, height - 10, 24):
        draw.text((8, y0), "The quick brown fox 0123456789", fill="black")
    return image


def as_rgb888(image: QImage) -> np.ndarray:
    """The slow, obvious conversion the fast path replaces."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    data = np.frombuffer(bytes(rgb.constBits()), np.uint8).reshape(h, stride)
    return data[:, : 3 * w].reshape(h, w, 3)


@pytest.mark.parametrize(
    "fmt",
    [
        QImage.Format.Format_RGB32,
        QImage.Format.Format_ARGB32,
        QImage.Format.Format_ARGB32_Premultiplied,
        QImage.Format.Format_RGB888,
        QImage.Format.Format_Grayscale8,
    ],
)
def test_to_pil_gives_the_same_pixels_as_an_rgb888_conversion(fmt: QImage.Format) -> None:
    source = from_pil(colourful(333, 77)).convertToFormat(fmt)  # odd width: padded rows
    converted = to_pil(source)
    assert converted.mode == "RGB" and converted.size == (333, 77)
    assert np.array_equal(np.asarray(converted), as_rgb888(source))


def test_to_pil_owns_its_pixels() -> None:
    source = from_pil(colourful(64, 32)).convertToFormat(QImage.Format.Format_RGB32)
    converted = to_pil(source)
    expected = np.asarray(converted).copy()
    source.fill(Qt.GlobalColor.black)  # the QImage changes (or goes) afterwards
    del source
    assert np.array_equal(np.asarray(converted), expected)


@pytest.mark.parametrize(
    ("size", "side", "expected"),
    [
        ((1024, 576), 320, (320, 180)),
        ((1920, 1080), 320, (320, 180)),
        ((576, 1024), 320, (180, 320)),
        ((200, 100), 320, (200, 100)),  # never enlarged
    ],
)
def test_preview_fits_the_side_keeps_the_aspect_and_looks_like_the_frame(
    size: tuple[int, int], side: int, expected: tuple[int, int]
) -> None:
    # Smooth content (a gradient with a few bars) so that the comparison measures the
    # decoding and scaling, not the noise JPEG cannot keep.
    w, h = size
    x = np.linspace(0, 255, w, dtype=np.float32)[None, :, None]
    y = np.linspace(0, 255, h, dtype=np.float32)[:, None, None]
    arr = np.concatenate(
        [
            np.broadcast_to(x, (h, w, 1)),
            np.broadcast_to(y, (h, w, 1)),
            np.full((h, w, 1), 128, np.float32),
        ],
        axis=2,
    ).astype(np.uint8)
    image = Image.fromarray(arr)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    preview = preview_of(out.getvalue(), side)
    assert preview.size == expected
    reference = image.resize(expected, Image.Resampling.BOX)
    diff = np.abs(np.asarray(preview, np.int16) - np.asarray(reference, np.int16))
    assert diff.mean() < 3.0


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 10 * np.log10(255.0**2 / mse)


@pytest.mark.parametrize(("sharp", "size"), [(False, (1024, 576)), (True, (1920, 1080))])
def test_frames_keep_their_size_and_quality(sharp: bool, size: tuple[int, int]) -> None:
    source = from_pil(smooth_page(1920, 1080)).convertToFormat(QImage.Format.Format_RGB32)
    frame = make_frame(source, max_side=1024, sharp=sharp, quality=80)
    decoded = Image.open(io.BytesIO(frame.jpeg))
    assert decoded.size == (frame.width, frame.height) == size
    # What was sent is what was meant: the scaled source, through JPEG at quality 80.
    meant = as_rgb888(scale(source, 1024, sharp))
    assert psnr(np.asarray(decoded.convert("RGB")), meant) > 35.0  # ~40 dB here
    # And the thumbnail shows those bytes.
    assert max(frame.preview_width, frame.preview_height) == 320
