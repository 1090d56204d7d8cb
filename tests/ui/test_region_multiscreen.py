"""The region selector on mixed-DPI monitors, one left of and above the primary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENS = {
    "synchronousWindowSystemEvents": True,
    "windowFrameMargins": False,
    "screens": [
        {"name": "primary", "x": 0, "y": 0, "width": 1920, "height": 1080,
         "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
        {"name": "hidpi", "x": 1920, "y": 0, "width": 1280, "height": 720,
         "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 2},
        {"name": "left", "x": -1280, "y": -200, "width": 1280, "height": 1024,
         "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
    ],
}  # fmt: skip


def test_selector_on_mixed_dpi_and_negative_origin_monitors(tmp_path: Path) -> None:
    config = tmp_path / "screens.json"
    config.write_text(json.dumps(SCREENS))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.multiscreen_selector"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr and "warning" not in done.stderr, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    # One overlay per monitor, each exactly over it (negative origin included).
    assert out["overlays"] == [[-1280, -200, 1280, 1024], [0, 0, 1920, 1080], [1920, 0, 1280, 720]]
    # A 300x200 drag on the 200 % monitor captures 600x400 device pixels, and says so.
    assert out["hidpi_readout"] == "600 \u00d7 400 px  (300 \u00d7 200 at 200%)"
    assert out["hidpi_rect"] == [1920 + 100, 50, 300, 200]
    assert out["hidpi_painted_on_others"] == ["hidpi"]
    assert out["left_readout"] == "300 \u00d7 200 px"
    assert out["left_rect"] == [-1280 + 100, -200 + 50, 300, 200]
    assert out["hidpi_reopened"] and out["left_reopened"]
