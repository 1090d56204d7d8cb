"""``gemini-desk --install-desktop``: menu entry, icons and AppStream data for this user."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from gemini_desk.platform.assets import resource_path

APP_ID = "io.github.geminidesk.GeminiDesk"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def _data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def _launch_command() -> str:
    """How the menu entry starts this very installation (venv, bundle or system)."""
    exe = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else None
    if exe is not None and exe.name == "gemini-desk" and exe.is_file():
        return shlex.quote(str(exe))
    found = shutil.which("gemini-desk")
    if found:
        return shlex.quote(found)
    return f"{shlex.quote(sys.executable)} -m gemini_desk"


def install_desktop_files(data_home: Path | None = None) -> list[Path]:
    """Copy the .desktop file (pointing at this installation), icons and metainfo."""
    home = data_home or _data_home()
    written: list[Path] = []
    command = _launch_command()
    desktop = resource_path(f"desktop/{APP_ID}.desktop").read_text(encoding="utf-8")
    desktop = desktop.replace("Exec=gemini-desk", f"Exec={command}")
    target = home / "applications" / f"{APP_ID}.desktop"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(desktop, encoding="utf-8")
    written.append(target)
    icons = home / "icons" / "hicolor"
    for size in ICON_SIZES:
        rel = f"{size}x{size}/apps/{APP_ID}.png"
        written.append(_copy(resource_path(f"icons/hicolor/{rel}"), icons / rel))
    rel = f"scalable/apps/{APP_ID}.svg"
    written.append(_copy(resource_path(f"icons/hicolor/{rel}"), icons / rel))
    meta = f"{APP_ID}.metainfo.xml"
    written.append(_copy(resource_path(f"desktop/{meta}"), home / "metainfo" / meta))
    if shutil.which("update-desktop-database"):
        subprocess.run(
            ["update-desktop-database", str(target.parent)], check=False, capture_output=True
        )
    return written


def _copy(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def main() -> int:
    paths = install_desktop_files()
    print(f"Installed {len(paths)} files; the menu entry is {paths[0]}")
    return 0
