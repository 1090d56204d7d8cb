"""Desktop integration files validate, and the per-user install produces valid files."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from gemini_desk.platform.assets import resource_path
from gemini_desk.platform.desktop_install import APP_ID, ICON_SIZES
from tests.support.needs import need_tool

ROOT = Path(__file__).resolve().parents[2]


def need(tool: str) -> str:
    package = "appstream" if tool.startswith("appstream") else "desktop-file-utils"
    return need_tool(tool, package)


def test_desktop_file_validates() -> None:
    tool = need("desktop-file-validate")
    done = subprocess.run(
        [tool, str(resource_path(f"desktop/{APP_ID}.desktop"))], capture_output=True, text=True
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_metainfo_validates() -> None:
    tool = need("appstreamcli")
    meta = resource_path(f"desktop/{APP_ID}.metainfo.xml")
    done = subprocess.run([tool, "validate", "--no-net", str(meta)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_icons_exist_in_every_size() -> None:
    from PySide6.QtGui import QImage

    for size in ICON_SIZES:
        image = QImage(str(resource_path(f"icons/hicolor/{size}x{size}/apps/{APP_ID}.png")))
        assert (image.width(), image.height()) == (size, size)


def test_install_for_the_current_user(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "gemini_desk", "--install-desktop"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    desktop = tmp_path / "applications" / f"{APP_ID}.desktop"
    text = desktop.read_text()
    exec_line = next(x for x in text.splitlines() if x.startswith("Exec="))
    program = shlex.split(exec_line.removeprefix("Exec="))[0]
    assert Path(program).is_absolute() and os.access(program, os.X_OK), exec_line
    assert (tmp_path / "icons/hicolor/256x256/apps" / f"{APP_ID}.png").is_file()
    assert (tmp_path / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    subprocess.run([need("desktop-file-validate"), str(desktop)], check=True)
