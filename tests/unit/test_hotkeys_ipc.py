"""Key combinations, platform detection, pynput key names, settings, and the command socket."""

from __future__ import annotations

import asyncio

import pytest

from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.settings import Settings
from gemini_desk.hotkeys.combo import ComboMatcher, KeyCombo, normalize_key
from gemini_desk.hotkeys.platform import HotkeySupport, detect_support, explain
from gemini_desk.hotkeys.pynput_backend import GlobalHotkeys, key_name


@pytest.mark.parametrize(
    ("text", "canonical", "label"),
    [
        ("Ctrl+Alt+Space", "ctrl+alt+space", "Ctrl+Alt+Space"),
        ("space+alt+control", "ctrl+alt+space", "Ctrl+Alt+Space"),
        ("F8", "f8", "F8"),
        ("shift+ctrl_r+a", "ctrl+shift+a", "Ctrl+Shift+A"),
        ("cmd+alt_gr+k", "alt+super+k", "Alt+Super+K"),
    ],
)
def test_combo_parse_and_format(text: str, canonical: str, label: str) -> None:
    combo = KeyCombo.parse(text)
    assert combo.text == canonical and combo.label() == label
    assert KeyCombo.parse(combo.text) == combo


@pytest.mark.parametrize("bad", ["", "  ", "a+b", "ctrl+f1+f2"])
def test_combo_rejects_unusable(bad: str) -> None:
    with pytest.raises(ValueError):
        KeyCombo.parse(bad)


def test_matcher_edges_for_hold_and_any_release() -> None:
    m = ComboMatcher({"talk": KeyCombo.parse("ctrl+alt+space"), "mute": KeyCombo.parse("f9")})
    assert m.press("ctrl_l") == [] and m.press("alt") == []
    assert m.press("space") == [("talk", True)]
    assert m.press("space") == [], "auto-repeat is not a new edge"
    assert m.press("f9") == [("mute", True)]
    assert m.release("alt_r") == [("talk", False)], "letting go of any key ends the combo"
    assert m.release("space") == []
    assert m.reset() == [("mute", False)]
    assert normalize_key("Control_R") == "ctrl"


class _Key:
    def __init__(self, name: str | None = None, char: str | None = None, vk: int | None = None):
        self.name, self.char, self.vk = name, char, vk


def test_pynput_key_names() -> None:
    assert key_name(_Key(name="ctrl_l")) == "ctrl_l"
    assert key_name(_Key(char="M")) == "m"
    assert key_name(_Key(char="\x0d", vk=0x6D)) == "m", "Ctrl held: the vk still names it"
    assert key_name(_Key()) is None


def test_platform_detection() -> None:
    assert detect_support("win32", {}) is HotkeySupport.GLOBAL
    assert detect_support("darwin", {}) is HotkeySupport.GLOBAL_NEEDS_PERMISSION
    assert detect_support("linux", {"DISPLAY": ":0"}) is HotkeySupport.GLOBAL
    wayland = {"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}
    assert detect_support("linux", wayland) is HotkeySupport.WINDOW_ONLY
    assert detect_support("linux", {"WAYLAND_DISPLAY": "wayland-0"}) is HotkeySupport.WINDOW_ONLY
    assert detect_support("linux", {}) is HotkeySupport.NONE
    assert explain(HotkeySupport.WINDOW_ONLY, "F8") == message(MessageId.KEY_WAYLAND, "F8")
    permission = explain(HotkeySupport.GLOBAL_NEEDS_PERMISSION, "F8")
    assert permission == message(MessageId.KEY_MACOS_ACCESSIBILITY, "F8")
    assert explain(HotkeySupport.GLOBAL, "F8") == message(MessageId.HOLD_KEY_ANYWHERE, "F8")
    toggle = explain(HotkeySupport.GLOBAL, "F8", toggle=True)
    assert toggle == message(MessageId.PRESS_KEY_ANYWHERE, "F8")
    assert explain(HotkeySupport.NONE, "F8") == message(MessageId.KEY_IN_WINDOW_ONLY, "F8")


def test_settings_talk_fields_validate_and_round_trip() -> None:
    s = Settings.from_dict({"talk_mode": "shout", "ptt_behaviour": "toggle", "ptt_max_hold_s": 1})
    assert s.talk_mode == "hands_free" and s.ptt_behaviour == "toggle"
    assert s.ptt_max_hold_s == 5, "a max hold below 5 s is raised"
    again = Settings.from_dict(Settings(talk_mode="push_to_talk").to_dict())
    assert again.talk_mode == "push_to_talk" and again.preroll_ms == 300


def test_global_hotkeys_report_a_dead_listener() -> None:
    """A listener that dies (here: no X display) is reported as lost, on the loop."""

    async def main() -> list[str]:
        loop = asyncio.get_running_loop()
        lost: list[str] = []
        done = asyncio.Event()

        def on_lost(reason: str) -> None:
            lost.append(reason)
            done.set()

        keys = GlobalHotkeys(loop, {}, lambda n, d: None, on_lost, lambda p, r: _DeadListener())
        keys.start()
        await asyncio.wait_for(done.wait(), 5)
        return lost

    lost = asyncio.run(main())
    assert lost and "failed" in lost[0]


class _DeadListener:
    def start(self) -> None:
        pass

    def join(self) -> None:
        raise OSError("display gone")

    def stop(self) -> None:
        pass
