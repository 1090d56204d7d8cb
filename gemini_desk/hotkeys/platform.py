"""Which kind of global hotkey this desktop allows, and how to explain it to the user."""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Mapping

__all__ = ["HotkeySupport", "detect_support", "explain"]


class HotkeySupport(enum.Enum):
    GLOBAL = "global"  # X11 / Windows: a global listener works as is
    GLOBAL_NEEDS_PERMISSION = "macos"  # macOS: works once Accessibility is granted
    WINDOW_ONLY = "wayland"  # Wayland: ordinary apps get no global key events
    NONE = "none"  # no display at all (e.g. a bare console)


def detect_support(
    platform: str = sys.platform, env: Mapping[str, str] | None = None
) -> HotkeySupport:
    """Decide from the platform and the session's environment variables."""
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


def explain(support: HotkeySupport, combo_label: str) -> str:
    """One or two plain sentences for the window: what works and how to set it up."""
    if support is HotkeySupport.GLOBAL:
        return f"Hold {combo_label} in any application to talk."
    if support is HotkeySupport.GLOBAL_NEEDS_PERMISSION:
        return (
            f"Hold {combo_label} in any application to talk. macOS asks once for "
            "Accessibility permission (System Settings > Privacy & Security > Accessibility): "
            "allow Gemini Desk there so it can see this key while other apps are in front; "
            "it never reads what you type."
        )
    if support is HotkeySupport.WINDOW_ONLY:
        return (
            f"Wayland does not let apps see keys pressed in other windows, so {combo_label} "
            "works while this window is in front. For a key that works everywhere, add a "
            "keyboard shortcut in your desktop's settings that runs "
            "'gemini-desk --ptt toggle' (or '--ptt press' and '--ptt release')."
        )
    return f"{combo_label} works while this window is in front."
