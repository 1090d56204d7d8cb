"""Regions in logical (Qt) and physical (device) pixels; output sizes for sending."""

from __future__ import annotations

from dataclasses import dataclass

# "Sharp text" sends the region's native size, but never more than this on the long side:
# beyond it frames grow without the model reading any better.
SHARP_CAP = 2560
DEFAULT_MAX_SIDE = 1024


@dataclass(frozen=True, slots=True)
class Rect:
    """An axis-aligned rectangle; ``x``/``y`` may be negative (monitors left of/above 0,0)."""

    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    def contains(self, px: float, py: float) -> bool:
        return self.x <= px < self.right and self.y <= py < self.bottom

    def intersected(self, other: Rect) -> Rect | None:
        x0, y0 = max(self.x, other.x), max(self.y, other.y)
        x1, y1 = min(self.right, other.right), min(self.bottom, other.bottom)
        if x1 <= x0 or y1 <= y0:
            return None
        return Rect(x0, y0, x1 - x0, y1 - y0)

    def as_text(self) -> str:
        return f"{self.x},{self.y},{self.w},{self.h}"


def parse_region(text: str) -> Rect:
    """Parse ``X,Y,W,H`` (logical pixels); raises ValueError with a plain message."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4:
        raise ValueError(f"expected X,Y,W,H (four whole numbers), got {text!r}")
    try:
        x, y, w, h = (int(p) for p in parts)
    except ValueError:
        raise ValueError(f"expected X,Y,W,H (four whole numbers), got {text!r}") from None
    if w < 8 or h < 8:
        raise ValueError(f"the region must be at least 8\u00d78 pixels, got {w}\u00d7{h}")
    return Rect(x, y, w, h)


@dataclass(frozen=True, slots=True)
class ScreenInfo:
    """One monitor: its logical geometry (Qt), scale factor and physical top-left."""

    name: str
    logical: Rect
    dpr: float
    physical_x: int
    physical_y: int

    def physical(self) -> Rect:
        return Rect(
            self.physical_x,
            self.physical_y,
            round(self.logical.w * self.dpr),
            round(self.logical.h * self.dpr),
        )


def screen_for(region: Rect, screens: list[ScreenInfo]) -> ScreenInfo | None:
    """The screen holding the region's centre (or the one it overlaps most)."""
    cx, cy = region.x + region.w / 2, region.y + region.h / 2
    for screen in screens:
        if screen.logical.contains(cx, cy):
            return screen
    best, best_area = None, 0
    for screen in screens:
        part = region.intersected(screen.logical)
        if part is not None and part.w * part.h > best_area:
            best, best_area = screen, part.w * part.h
    return best


def to_physical(region: Rect, screens: list[ScreenInfo]) -> Rect | None:
    """Map a logical region to device pixels, clipped to the screen holding its centre.

    Qt keeps each screen's logical top-left at its native top-left and divides only the
    size by the scale factor, so with mixed DPI a point is mapped relative to its own
    screen. A region spanning monitors is cut to the one holding its centre.
    """
    screen = screen_for(region, screens)
    if screen is None:
        return None
    clipped = region.intersected(screen.logical)
    if clipped is None:
        return None
    dx, dy = clipped.x - screen.logical.x, clipped.y - screen.logical.y
    phys = Rect(
        screen.physical_x + round(dx * screen.dpr),
        screen.physical_y + round(dy * screen.dpr),
        round(clipped.w * screen.dpr),
        round(clipped.h * screen.dpr),
    )
    return phys.intersected(screen.physical())


def output_size(width: int, height: int, max_side: int, sharp: bool) -> tuple[int, int]:
    """The size a ``width``x``height`` frame is sent at: never upscaled.

    Default: the long side at most ``max_side``. Sharp text: native size, capped at
    ``SHARP_CAP`` on the long side.
    """
    limit = max(SHARP_CAP, max_side) if sharp else max_side
    limit = max(16, limit)
    long_side = max(width, height)
    if long_side <= limit:
        return width, height
    scale = limit / long_side
    return max(1, round(width * scale)), max(1, round(height * scale))
