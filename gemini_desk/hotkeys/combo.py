"""Key combinations as text ("ctrl+alt+space") and a matcher from key edges to combo edges."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "DEFAULT_MUTE_COMBO",
    "DEFAULT_TALK_COMBO",
    "MODIFIERS",
    "ComboMatcher",
    "KeyCombo",
]

MODIFIERS = ("ctrl", "alt", "shift", "super")
# Ctrl+Alt+Space: no common desktop, browser or editor shortcut uses it, and it is easy
# to hold with one hand. The mute key sits next to it in spirit: Ctrl+Alt+M.
DEFAULT_TALK_COMBO = "ctrl+alt+space"
DEFAULT_MUTE_COMBO = "ctrl+alt+m"

_ALIASES = {
    "control": "ctrl",
    "ctl": "ctrl",
    "meta": "super",
    "win": "super",
    "cmd": "super",
    "command": "super",
    "option": "alt",
    "altgr": "alt",
    "alt_gr": "alt",
    "return": "enter",
    "esc": "escape",
    " ": "space",
}


# The shortcuts spec's modifier names (xkbcommon's XKB_MOD_NAME_*).
_XDG_MODIFIERS = {"ctrl": "CTRL", "alt": "ALT", "shift": "SHIFT", "super": "LOGO"}
# Our key names (Qt's portable text, lower case) -> xkbcommon keysym names.
_KEYSYMS = {
    "enter": "Return",
    "escape": "Escape",
    "tab": "Tab",
    "backspace": "BackSpace",
    "ins": "Insert",
    "del": "Delete",
    "home": "Home",
    "end": "End",
    "pgup": "Page_Up",
    "pgdown": "Page_Down",
    "left": "Left",
    "right": "Right",
    "up": "Up",
    "down": "Down",
    "print": "Print",
    "pause": "Pause",
    "`": "grave",
    "-": "minus",
    "=": "equal",
    ",": "comma",
    ".": "period",
    "/": "slash",
    ";": "semicolon",
    "'": "apostrophe",
    "[": "bracketleft",
    "]": "bracketright",
    "\\": "backslash",
    "+": "plus",
}


def _keysym(key: str) -> str:
    """xkbcommon's name for one of our keys: ``space``, ``m``, ``F8``, ``Page_Up``."""
    if key in _KEYSYMS:
        return _KEYSYMS[key]
    if key[:1] == "f" and key[1:].isdigit():
        return key.upper()
    return key


def normalize_key(name: str) -> str:
    """One key's canonical name: lower case, left/right variants merged (``ctrl_r`` -> ctrl)."""
    key = name.strip().lower()
    for side in ("_l", "_r"):
        base = key[: -len(side)]
        if key.endswith(side) and _ALIASES.get(base, base) in MODIFIERS:
            key = base
    return _ALIASES.get(key, key)


@dataclass(frozen=True, slots=True)
class KeyCombo:
    """Modifiers plus at most one other key; ``ctrl+alt+space`` or a lone ``f8``."""

    keys: frozenset[str]

    @classmethod
    def parse(cls, text: str) -> KeyCombo:
        """Parse ``"Ctrl+Alt+Space"`` (any case, any order); ValueError if unusable."""
        parts = [p for p in text.replace(" ", "").split("+") if p] if text.strip() else []
        if text.strip() and text.strip().endswith("++"):
            parts.append("+")
        keys = frozenset(normalize_key(p) for p in parts)
        others = [k for k in keys if k not in MODIFIERS]
        if not keys:
            raise ValueError("empty key combination")
        if len(others) > 1:
            raise ValueError(f"more than one non-modifier key in {text!r}")
        return cls(keys)

    @property
    def text(self) -> str:
        """Canonical form: modifiers in a fixed order, then the key (``ctrl+alt+space``)."""
        mods = [m for m in MODIFIERS if m in self.keys]
        others = sorted(k for k in self.keys if k not in MODIFIERS)
        return "+".join(mods + others)

    def xdg_trigger(self) -> str:
        """As the freedesktop shortcuts spec writes it (``CTRL+ALT+space``): modifiers
        CTRL, ALT, SHIFT, LOGO, then an xkbcommon keysym name, joined by ``+``."""
        mods = [_XDG_MODIFIERS[m] for m in MODIFIERS if m in self.keys]
        others = sorted(k for k in self.keys if k not in MODIFIERS)
        return "+".join(mods + [_keysym(k) for k in others])

    def label(self) -> str:
        """For people: ``Ctrl+Alt+Space``."""
        return "+".join(k.upper() if len(k) == 1 else k.capitalize() for k in self.text.split("+"))


class ComboMatcher:
    """Tracks which keys are down and reports when each bound combo goes down or up.

    A combo is down while all its keys are down. ``press``/``release`` take one key name
    and return ``(combo_name, down)`` edges. Works for any key source (pynput, Qt).
    """

    def __init__(self, bindings: dict[str, KeyCombo]) -> None:
        self.bindings = dict(bindings)
        self._down: set[str] = set()
        self._active: set[str] = set()

    def press(self, key: str) -> list[tuple[str, bool]]:
        self._down.add(normalize_key(key))
        return self._edges()

    def release(self, key: str) -> list[tuple[str, bool]]:
        self._down.discard(normalize_key(key))
        return self._edges()

    def reset(self) -> list[tuple[str, bool]]:
        """Forget every key (e.g. focus left): active combos go up."""
        self._down.clear()
        return self._edges()

    def active(self) -> Iterable[str]:
        return set(self._active)

    def _edges(self) -> list[tuple[str, bool]]:
        edges: list[tuple[str, bool]] = []
        for name, combo in self.bindings.items():
            now = combo.keys <= self._down
            if now and name not in self._active:
                self._active.add(name)
                edges.append((name, True))
            elif not now and name in self._active:
                self._active.discard(name)
                edges.append((name, False))
        return edges
