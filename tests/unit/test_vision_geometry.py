"""Regions: parsing, logical-to-physical mapping on mixed-DPI and negative-origin monitors."""

from __future__ import annotations

import pytest

from gemini_desk.vision.geometry import (
    SHARP_CAP,
    Rect,
    ScreenInfo,
    output_size,
    parse_region,
    to_physical,
)

# A 1080p monitor at 100 %, a 4K-class laptop panel at 200 % to its right, and a monitor
# at 125 % above-left of the primary (negative origin), as Qt reports them.
PRIMARY = ScreenInfo("primary", Rect(0, 0, 1920, 1080), 1.0, 0, 0)
HIDPI = ScreenInfo("hidpi", Rect(1920, 0, 1280, 720), 2.0, 1920, 0)
LEFT = ScreenInfo("left", Rect(-1280, -200, 1280, 1024), 1.25, -1280, -200)
SCREENS = [PRIMARY, HIDPI, LEFT]


def test_parse_region() -> None:
    assert parse_region("10, -20,300,200") == Rect(10, -20, 300, 200)
    for bad in ("1,2,3", "a,b,c,d", "0,0,4,100", ""):
        with pytest.raises(ValueError):
            parse_region(bad)


def test_physical_on_plain_monitor() -> None:
    assert to_physical(Rect(100, 50, 640, 480), SCREENS) == Rect(100, 50, 640, 480)


def test_physical_on_hidpi_monitor_scales_from_its_own_origin() -> None:
    # 80 logical px into the 200 % screen is 160 device px past its origin.
    assert to_physical(Rect(2000, 100, 400, 300), SCREENS) == Rect(2080, 200, 800, 600)


def test_physical_on_negative_origin_monitor() -> None:
    got = to_physical(Rect(-1000, 0, 200, 100), SCREENS)
    assert got == Rect(-1280 + 350, -200 + 250, 250, 125)


def test_region_across_monitors_is_cut_to_the_one_holding_its_centre() -> None:
    got = to_physical(Rect(1800, 100, 400, 100), SCREENS)  # centre at x=2000: HIDPI
    assert got == Rect(1920, 200, 560, 200)
    assert to_physical(Rect(5000, 5000, 100, 100), SCREENS) is None


def test_output_size() -> None:
    assert output_size(1920, 1080, 1024, sharp=False) == (1024, 576)
    assert output_size(1080, 1920, 1024, sharp=False) == (576, 1024)
    assert output_size(600, 400, 1024, sharp=False) == (600, 400)  # never upscaled
    assert output_size(1920, 1080, 1024, sharp=True) == (1920, 1080)  # native
    assert output_size(5120, 2880, 1024, sharp=True) == (SHARP_CAP, 1440)  # capped
