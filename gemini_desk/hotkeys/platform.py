"""Which kind of global hotkey this desktop allows, and how to explain it to the user."""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Mapping

from gemini_desk.core.messages import Message, message
from gemini_desk.core.messages import MessageId as M

__all__ = ["HotkeySupport", "detect_support", "explain"]


class HotkeySupport(enum.Enum):
    GLOBAL = "global"  # X11 / Windows: a global listener works as is
    GLOBAL_NEEDS_PERMISSION = "macos"  # macOS: works once Accessibility is granted
    WINDOW_ONLY = "wayland"  # Wayland: ordinary apps get no global key events
    PORTAL = "portal"  # Wayland, through the desktop's GlobalShortcuts portal
    NONE = "none"  # no display at all (e.g. a bare console)


def detect_support(
    platform: str = sys.platform, env: Mapping[str, str] | None = None
) -> HotkeySupport:
    """Decide from the platform and the session's environment variables (Wayland says
    WINDOW_ONLY: the GlobalShortcuts portal may lift that once it has answered)."""
    env = os.environ if env is None else env
    if platform == "win32":
        return HotkeySupport.GLOBAL
    if platform == "darwin":
        return HotkeySupport.GLOBAL_NEEDS_PERMISSION
    session = env.get("XDG_SESSION_TYPE", "").lower()
    # Under Wayland, DISPLAY may point at XWayland, which only sees keys typed into other
    # X clients: that is not "global", so Wayland wins over DISPLAY.
    if session == "wayland" or (env.get("WAYLAND_DISPLAY") and session != "x11"):
        return HotkeySupport.WINDOW_ONLY
    if env.get("DISPLAY"):
        return HotkeySupport.GLOBAL
    return HotkeySupport.NONE


def explain(support: HotkeySupport, combo_label: str, toggle: bool = False) -> Message:
    """What works and how to set it up; ``toggle``: the key starts and stops talking."""
    if support in (HotkeySupport.GLOBAL, HotkeySupport.PORTAL):
        return message(M.PRESS_KEY_ANYWHERE if toggle else M.HOLD_KEY_ANYWHERE, combo_label)
    if support is HotkeySupport.GLOBAL_NEEDS_PERMISSION:
        return message(M.KEY_MACOS_ACCESSIBILITY, combo_label)
    if support is HotkeySupport.WINDOW_ONLY:
        return message(M.KEY_WAYLAND, combo_label)
    return message(M.KEY_IN_WINDOW_ONLY, combo_label)
