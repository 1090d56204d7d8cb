"""Sharing a screen region for real: a pattern window on Xvfb, frames at the local server."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gemini_desk.sim import SimThread
from tests.e2e.conftest import RunningApp, assert_clean_log, sim_env

pytestmark = pytest.mark.e2e

REGION = (40, 100, 1200, 600)  # logical = physical on Xvfb (scale 1)
SENT_SIZE = (1024, 512)  # default: long side 1024
FRAME_RGB = np.array([0xFF, 0x2D, 0x55])  # gemini_desk.ui.share_frame.FRAME_COLOR
# Mean absolute difference (0-255 per channel) between a sent frame and the same crop of
# a reference screenshot scaled the same way. Measured here: 0.8 for the right crop (JPEG
# q80), 5.5 for a crop shifted by 4 px, 5.2 for one that includes the sharing frame.
MAX_MAD = 2.5
ROOT = Path(__file__).resolve().parents[2]


def jpeg_frames(app_sim: SimThread) -> list[bytes]:
    sessions = app_sim.server.sessions
    return [f.data for f in sessions[0].video_frames] if sessions else []


def start_pattern(control: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    x, y, w, h = REGION
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.pattern_window",
            *map(str, (x, y, w, h)),
            str(control),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready", "the pattern window did not start"
    return proc


def shows_the_pattern(jpeg: bytes) -> bool:
    """The frame is the pattern window's: its colour bars along the top (black, white,
    red, green, blue, ...), each sampled in the middle of its bar."""
    with Image.open(io.BytesIO(jpeg)) as frame:
        rgb = np.asarray(frame.convert("RGB")).astype(np.int16)
    h, w, _ = rgb.shape
    bars = [
        (0x00, 0x00, 0x00),
        (0xFF, 0xFF, 0xFF),
        (0xE5, 0x39, 0x35),
        (0x43, 0xA0, 0x47),
        (0x1E, 0x88, 0xE5),
    ]
    return all(
        np.abs(rgb[h // 6, int((i + 0.5) * w / 8)] - bar).max() < 40 for i, bar in enumerate(bars)
    )


def count_during(sim: SimThread, app: RunningApp, seconds: float) -> int:
    before = len(jpeg_frames(sim))
    end = time.monotonic() + seconds
    app.wait_for(lambda: time.monotonic() > end, seconds + 5, f"{seconds} s to pass")
    return len(jpeg_frames(sim)) - before


def test_share_region_sends_sharp_private_frames(
    sim: SimThread,
    launch_app,
    tmp_path: Path,
    artifacts: Path,  # type: ignore[no-untyped-def]
) -> None:
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    # 4 frames a second (instead of 1) keeps the test short; keep-alive far away so that
    # only change makes frames go out during the measurement.
    (home / "config" / "settings.json").write_text(
        json.dumps({"share_fps": 4.0, "share_keepalive_s": 30.0})
    )
    x, y, w, h = REGION
    app = launch_app(
        "--base-url",
        sim.base_url,
        "--connect",
        "--share-region",
        f"{x},{y},{w},{h}",
        env=sim_env(sim, "demo-key"),
        home=home,
    )
    app.wait_for(lambda: bool(sim.server.sessions), 40, "the app to connect")
    app.wait_for(lambda: bool(jpeg_frames(sim)), 20, "the first frame")

    # The pattern goes on top of everything only now (no window manager: last mapped wins).
    control = tmp_path / "control"
    control.write_text("still")
    pattern = start_pattern(control, {**os.environ, **app.display.env})
    try:
        # The pattern appears: a changed frame goes out, and once it shows the pattern the
        # screen is still.
        app.wait_for(lambda: shows_the_pattern(jpeg_frames(sim)[-1]), 20, "a frame of the pattern")
        static = count_during(sim, app, 3.0)
        with Image.open(app.display.screenshot(artifacts / "share_e2e_screen.png")) as shot:
            reference = shot.convert("RGB")
        still_frame = jpeg_frames(sim)[-1]
        control.write_text("change")
        changing = count_during(sim, app, 3.0)
    finally:
        pattern.terminate()
        pattern.wait(10)
        assert pattern.stdout is not None
        pattern.stdout.close()

    # Static content sends (almost) nothing; changing content about one frame per tick.
    assert static <= 1, f"{static} frames for a still screen"
    assert changing >= 6, f"only {changing} frames while the content changed"
    assert changing > 3 * max(static, 1)

    session = sim.server.sessions[0]
    assert {f.mime_type for f in session.video_frames} == {"image/jpeg"}
    sent = Image.open(io.BytesIO(still_frame))
    assert sent.format == "JPEG"
    assert sent.size == SENT_SIZE
    sent.save(artifacts / "share_e2e_sent.jpg")

    screen = np.asarray(reference).astype(np.int16)
    crop = reference.crop((x, y, x + w, y + h))
    expected = np.asarray(crop.resize(SENT_SIZE, Image.Resampling.LANCZOS)).astype(np.int16)
    got = np.asarray(sent.convert("RGB")).astype(np.int16)
    mad = float(np.mean(np.abs(got - expected)))
    assert mad < MAX_MAD, f"sent frame differs from the screen: MAD {mad:.2f}"

    # The sharing frame is on the screen, right around the region...
    for px, py in ((x - 2, y + h // 2), (x + w + 1, y + h // 2), (x + w // 2, y + h + 1)):
        assert np.abs(screen[py, px] - FRAME_RGB).max() < 30, f"no frame at {(px, py)}"
    # ...and not in the image: the image's edges are the pattern's (white), not the frame.
    for edge in (got[-3:, :, :], got[200:, :3, :], got[200:, -3:, :]):
        assert np.abs(edge - FRAME_RGB).max(axis=-1).min() > 60, "frame colour in the image"
        assert edge.mean() > 235, "the image's edge is not the window's white background"

    assert app.quit_with_keyboard() == 0
    saved = json.loads((home / "config" / "settings.json").read_text())
    assert saved["share_last_region"] == f"{x},{y},{w},{h}", "last region not remembered"
    assert_clean_log(app)
