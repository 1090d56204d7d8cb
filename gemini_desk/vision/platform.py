"""Which display system we run on and what screen capture works there."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CaptureSupport:
    display: str  # "x11" | "wayland" | "windows" | "macos" | "offscreen" | other platform name
    direct_grab: bool  # mss can read screen pixels directly
    portal: bool  # Qt's screen capture through the desktop portal is the way
    note: str  # plain words for the user when something does not work


def detect(platform_name: str, env: dict[str, str] | None = None) -> CaptureSupport:
    """Decide from Qt's platform plugin name (``QGuiApplication.platformName()``) and env."""
    env = dict(os.environ) if env is None else env
    name = platform_name.lower()
    session = env.get("XDG_SESSION_TYPE", "").lower()
    if name.startswith("wayland") or (name == "" and session == "wayland"):
        return CaptureSupport(
            "wayland",
            direct_grab=False,
            portal=True,
            note=(
                "On Wayland, apps may not read the screen directly: your desktop asks you "
                "which screen or window to share, and the region is cut from that. The "
                "sharing frame cannot be placed precisely, and picking a window needs the "
                "desktop's own dialog."
            ),
        )
    if name == "xcb":
        note = ""
        if session == "wayland":
            note = (
                "Running through XWayland: only other X11 apps' windows can be captured; "
                "start with QT_QPA_PLATFORM=wayland to share through the desktop portal."
            )
        return CaptureSupport("x11", direct_grab=True, portal=False, note=note)
    if name == "windows" or sys.platform == "win32":
        return CaptureSupport("windows", direct_grab=True, portal=False, note="")
    if name == "cocoa" or sys.platform == "darwin":
        return CaptureSupport(
            "macos",
            direct_grab=True,
            portal=False,
            note="macOS asks for Screen Recording permission the first time you share.",
        )
    return CaptureSupport(
        name or "unknown",
        direct_grab=False,
        portal=False,
        note="This display has no screen to capture; the camera may still work.",
    )
