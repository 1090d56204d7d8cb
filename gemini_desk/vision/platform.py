"""Which display system we run on and what screen capture works there."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from gemini_desk.core.messages import Message, message
from gemini_desk.core.messages import MessageId as M


@dataclass(frozen=True, slots=True)
class CaptureSupport:
    display: str  # "x11" | "wayland" | "windows" | "macos" | "offscreen" | other platform name
    direct_grab: bool  # mss can read screen pixels directly
    portal: bool  # the ScreenCast portal + PipeWire is the way (vision/portal_source.py)
    note: Message | None  # for the user when something does not work as elsewhere

    @property
    def windows(self) -> bool:
        """Single windows can be shared (the portal's picker, or a window list)."""
        return self.portal or self.display in ("x11", "windows", "macos")

    @property
    def screens(self) -> bool:
        """The screen (or a region of it) can be shared."""
        return self.portal or self.direct_grab


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
            note=message(M.WAYLAND_PORTAL),
        )
    if name == "xcb":
        note = message(M.XWAYLAND_LIMITS) if session == "wayland" else None
        return CaptureSupport("x11", direct_grab=True, portal=False, note=note)
    if name == "windows" or sys.platform == "win32":
        return CaptureSupport("windows", direct_grab=True, portal=False, note=None)
    if name == "cocoa" or sys.platform == "darwin":
        return CaptureSupport(
            "macos",
            direct_grab=True,
            portal=False,
            note=message(M.MACOS_SCREEN_PERMISSION),
        )
    return CaptureSupport(
        name or "unknown",
        direct_grab=False,
        portal=False,
        note=message(M.NO_SCREEN),
    )
