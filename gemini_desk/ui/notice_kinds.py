"""How each message shows as a notice: its severity, and what ends it."""

from __future__ import annotations

from gemini_desk.core.messages import Message
from gemini_desk.core.messages import MessageId as M
from gemini_desk.ui.notices import Condition, Severity

__all__ = ["notice_kind"]

C = Condition
_ON_CONNECT = frozenset({C.CONNECTING, C.CONNECTED})
_ON_SHARE = frozenset({C.SHARING})

# Things to know: nothing failed.
_INFO = {
    M.APPLY_NEXT_CONNECT: _ON_CONNECT,  # they apply now
    M.FRESH_SESSION: frozenset({C.DISCONNECTED}),
    M.KEY_FROM_ENV: frozenset(),
    M.KEY_IN_KEYRING: frozenset(),
    M.KEY_IN_MEMORY: frozenset(),
    M.NO_KEY_DEMO: frozenset(),
    M.DEMO_REPLAYS: frozenset(),
    M.HOLD_KEY_ANYWHERE: frozenset(),
    M.PRESS_KEY_ANYWHERE: frozenset(),
    M.KEY_IN_WINDOW_ONLY: frozenset(),
    M.KEY_MACOS_ACCESSIBILITY: frozenset(),
    M.KEY_WAYLAND: frozenset(),
    M.MACOS_SCREEN_PERMISSION: _ON_SHARE,
    M.WAYLAND_PORTAL: _ON_SHARE,
    M.XWAYLAND_LIMITS: frozenset(),
    M.SESSION_LIMIT: _ON_CONNECT,
}
# Something did not work as asked, and the user may want to act.
_WARNING = {
    M.MUTED_CANNOT_TALK: frozenset({C.UNMUTED}),
    M.NOT_CONNECTED_CANNOT_TALK: _ON_CONNECT,
    M.NO_KEY_YET: _ON_CONNECT,
    M.KEY_HELD_TOO_LONG: frozenset({C.DISCONNECTED}),
    M.FOCUS_LOST_TURN_SENT: frozenset({C.DISCONNECTED}),
    M.GLOBAL_KEY_FAILED: frozenset(),
    M.SHORTCUTS_PORTAL_MISSING: frozenset(),
    M.SHORTCUTS_REFUSED: frozenset(),
    M.PORTAL_REFUSED: _ON_SHARE,
    M.PORTAL_ENDED: _ON_SHARE,
    M.PORTAL_WRONG_SCREEN: _ON_SHARE,
    M.SETTINGS_DAMAGED: frozenset(),
    M.VOICE_SAMPLE_TIMEOUT: frozenset(),
    M.VOICE_SAMPLE_NO_AUDIO: frozenset(),
}
# Errors, and what ends them (an error not listed clears on the next connection).
_ERROR = {
    M.NO_CAMERA: _ON_SHARE,
    M.CAMERA_STOPPED: _ON_SHARE,
    M.CAPTURE_UNAVAILABLE: _ON_SHARE,
    M.WINDOW_NOT_CAPTURABLE: _ON_SHARE,
    M.NO_SCREEN: _ON_SHARE,
    M.PORTAL_FAILED: _ON_SHARE,
    M.PORTAL_NEEDS_GSTREAMER: _ON_SHARE,
    M.MIC_UNAVAILABLE: frozenset({C.AUDIO_BACK}),
    M.SPEAKER_UNAVAILABLE: frozenset({C.AUDIO_BACK}),
    M.DEVICE_LOST: frozenset({C.AUDIO_BACK}),
    M.TRANSCRIPT_NOT_SAVED: frozenset(),
    M.SETTINGS_NOT_SAVED: frozenset(),
}


def notice_kind(message: Message | str) -> tuple[Severity, frozenset[Condition]]:
    """The severity of ``message`` and the conditions that end it. Text the Qt code
    wrote itself (a str) is an error that the next connection clears."""
    if isinstance(message, str):
        return Severity.ERROR, _ON_CONNECT
    if message.id in _INFO:
        return Severity.INFO, _INFO[message.id]
    if message.id in _WARNING:
        return Severity.WARNING, _WARNING[message.id]
    return Severity.ERROR, _ERROR.get(message.id, _ON_CONNECT)
