"""Start-up shows the window first: the SDK, the key store, the echo canceller, the local
server and QtMultimedia are loaded after the window is on the screen (issue 22)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Loaded only after the window is painted (or later still).
LATER = ("google.genai", "keyring", "PySide6.QtMultimedia", "gemini_desk.sim", "livekit")


def _python(code_or_args: list[str], env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, *code_or_args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def test_importing_the_entry_modules_loads_no_sdk_keyring_or_multimedia() -> None:
    probe = (
        "import sys, json; import gemini_desk.app.main, gemini_desk.app.desk, "
        "gemini_desk.ui.main_window; "
        f"print(json.dumps([m for m in {[*LATER, 'numpy', 'PIL']!r} if m in sys.modules]))"
    )
    assert json.loads(_python(["-c", probe])) == []


def test_the_window_is_painted_before_the_sdk_keyring_and_local_server_load(
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "GEMINI_DESK_HOME": str(tmp_path / "home"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "XDG_RUNTIME_DIR": str(tmp_path),
    }
    os.chmod(tmp_path, 0o700)
    result = json.loads(_python(["-m", "tests.support.startup_probe"], env))
    at_paint, built = result["at_first_paint"], result["built"]
    assert at_paint, "the main window was never painted"
    assert [m for m in LATER if at_paint[m]] == []
    # The probe sees them once they are there: the SDK and demo mode's
    # local server are loaded by the time the app is built.
    assert built["google.genai"] and built["gemini_desk.sim"]
