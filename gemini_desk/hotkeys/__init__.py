"""Push-to-talk and mute hotkeys: global where the desktop allows, in-window otherwise."""

from gemini_desk.hotkeys.combo import DEFAULT_MUTE_COMBO, DEFAULT_TALK_COMBO, KeyCombo
from gemini_desk.hotkeys.platform import HotkeySupport, detect_support, explain

__all__ = [
    "DEFAULT_MUTE_COMBO",
    "DEFAULT_TALK_COMBO",
    "HotkeySupport",
    "KeyCombo",
    "detect_support",
    "explain",
]
