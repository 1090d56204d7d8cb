"""PySide6's import hook learns which modules use PySide without caching their source."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, linecache, sys
import PySide6.QtCore
from gemini_desk.platform.pyside_imports import stop_source_caching
feature = sys.modules["shibokensupport.feature"]
import plain_before, qt_before  # the hook as PySide6 ships it
installed = stop_source_caching()
import plain_after, qt_after
names = ("plain_before", "qt_before", "plain_after", "qt_after")
print(json.dumps({
    "installed": installed,
    "uses": {n: feature.pyside_feature_dict.get(n) for n in names},
    "cached": sorted(n for n in names if any(k.endswith(n + ".py") for k in linecache.cache)),
}))
"""


def test_same_answers_and_no_source_kept(tmp_path: Path) -> None:
    for when in ("before", "after"):
        (tmp_path / f"plain_{when}.py").write_text("X = 1\n")
        (tmp_path / f"qt_{when}.py").write_text("import PySide6  # uses PySide6\n")
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={"PYTHONPATH": f"{tmp_path}:{ROOT}", "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["installed"]
    uses = result["uses"]
    # The same verdicts as PySide6's own check gives...
    assert uses["plain_after"] == uses["plain_before"]
    assert uses["qt_after"] == uses["qt_before"]
    assert uses["qt_after"] != uses["plain_after"]
    # ...without keeping the source of what was imported after it.
    assert result["cached"] == ["plain_before", "qt_before"]
