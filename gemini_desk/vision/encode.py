"""Scale and JPEG-encode frames with Pillow (runs in a worker thread, never on the GUI)."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass

from PIL import Image

from gemini_desk.vision.geometry import output_size

PREVIEW_SIDE = 320


@dataclass(frozen=True, slots=True)
class EncodedFrame:
    """One JPEG as sent, plus a small RGB preview decoded from those very bytes."""

    jpeg: bytes
    width: int
    height: int
    source_width: int
    source_height: int
    sent_at: float  # time.time()
    preview_rgb: bytes
    preview_width: int
    preview_height: int


def scale(image: Image.Image, max_side: int, sharp: bool) -> Image.Image:
    """Downscale to the output size (never up). Lanczos keeps small text legible."""
    size = output_size(image.width, image.height, max_side, sharp)
    if size == image.size:
        return image
    # reducing_gap: a fast integer box reduction first, then Lanczos for the rest.
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)


def encode_jpeg(image: Image.Image, quality: int, full_chroma: bool = False) -> bytes:
    """JPEG bytes; ``full_chroma`` (4:4:4) keeps thin coloured text crisp at some size cost."""
    out = io.BytesIO()
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    subsampling = "4:4:4" if full_chroma else "4:2:0"
    rgb.save(out, "JPEG", quality=quality, optimize=False, subsampling=subsampling)
    return out.getvalue()


def preview_of(jpeg: bytes, side: int = PREVIEW_SIDE) -> Image.Image:
    """Decode the sent JPEG at reduced size (libjpeg's draft mode is nearly free)."""
    image = Image.open(io.BytesIO(jpeg))
    image.draft("RGB", (side, side))
    image = image.convert("RGB")
    image.thumbnail((side, side), Image.Resampling.BILINEAR)
    return image


def make_frame(image: Image.Image, max_side: int, sharp: bool, quality: int) -> EncodedFrame:
    """Scale, encode, and build the preview of what was encoded."""
    scaled = scale(image, max_side, sharp)
    jpeg = encode_jpeg(scaled, quality, full_chroma=sharp)
    preview = preview_of(jpeg)
    return EncodedFrame(
        jpeg=jpeg,
        width=scaled.width,
        height=scaled.height,
        source_width=image.width,
        source_height=image.height,
        sent_at=time.time(),
        preview_rgb=preview.tobytes(),
        preview_width=preview.width,
        preview_height=preview.height,
    )
