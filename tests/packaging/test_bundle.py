"""The PyInstaller one-folder bundle builds and passes its own self-test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="only Linux is built here")
def test_bundle_builds_and_self_tests() -> None:
    env = {**os.environ, "PYTHON_BIN": sys.executable, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [str(ROOT / "packaging" / "build.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    tail = (done.stdout + done.stderr)[-4000:]
    assert done.returncode == 0, tail
    assert "self-test passed" in done.stdout, tail
    exe = ROOT / "dist" / "gemini-desk" / "gemini-desk"
    help_text = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    assert "--self-test" in help_text.stdout
