"""Sans-I/O push-to-talk state machine: key edges in, activity start/end out."""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = [
    "DEFAULT_MAX_HOLD_S",
    "EndReason",
    "KeySource",
    "PttMode",
    "PttOutput",
    "PushToTalk",
    "Refusal",
]

DEFAULT_MAX_HOLD_S = 120.0


class PttMode(enum.Enum):
    """``hold``: talk while a key is down. ``toggle``: each press starts or stops."""

    HOLD = "hold"
    TOGGLE = "toggle"


class KeySource(enum.Enum):
    """Where a press came from; each source has its own up/down state."""

    GLOBAL = "global"  # the system-wide hotkey listener
    WINDOW = "window"  # the hotkey pressed while our window has focus
    BUTTON = "button"  # the talk button, with the mouse or the keyboard
    COMMAND = "command"  # ``gemini-desk --ptt press|release|toggle``


class EndReason(enum.Enum):
    RELEASED = "released"
    TOGGLED = "toggled"
    MAX_HOLD = "max_hold"
    LISTENER_LOST = "listener_lost"
    FOCUS_LOST = "focus_lost"
    DISCONNECTED = "disconnected"
    MUTED = "muted"
    MODE_CHANGED = "mode_changed"


class Refusal(enum.Enum):
    """Why a press did not start talking (the view says so)."""

    MUTED = "muted"
    NOT_CONNECTED = "not_connected"


class _Key(enum.Enum):
    UP = "up"
    DOWN = "down"
    SPENT = "spent"  # still down, but its talk was ended for it: ignored until released


@dataclass(frozen=True, slots=True)
class PttOutput:
    """What the caller must do: at most one of start/end, or a refusal to show."""

    start: bool = False
    end: EndReason | None = None
    refused: Refusal | None = None


_NOTHING = PttOutput()


class PushToTalk:
    """Decides when an activity starts and ends; performs no I/O.

    Inputs are key edges (``press``/``release`` per :class:`KeySource`), ``toggle``,
    ``tick`` (time passes), ``listener_lost``, ``focus_lost``, ``set_connected``,
    ``set_muted`` and ``set_mode``. Each returns a :class:`PttOutput`; when its ``start``
    is true the caller sends activityStart, and when ``end`` is set it sends activityEnd.
    Every ``start`` is followed by exactly one ``end`` because:

    * there is one piece of talking state (when it started); every path that clears it
      returns ``end``, and ``start`` is only returned when it was clear;
    * in hold mode the release of the last key still DOWN ends it;
    * anything that could lose a release (listener or focus loss, disconnect, mute,
      a mode change, the maximum hold time) ends the activity and marks keys still
      down as SPENT, so a late repeat of the same key cannot restart talking;
    * ``deadline`` says when ``tick`` must be called next; past it ``tick`` ends talking.
    """

    def __init__(self, mode: PttMode = PttMode.HOLD, max_hold_s: float = DEFAULT_MAX_HOLD_S):
        if max_hold_s <= 0:
            raise ValueError("max_hold_s must be positive")
        self.mode = mode
        self.max_hold_s = max_hold_s
        self._keys: dict[KeySource, _Key] = {s: _Key.UP for s in KeySource}
        self._started_at: float | None = None
        self.connected = False
        self.muted = False

    # --- queries ------------------------------------------------------------------
    @property
    def talking(self) -> bool:
        """An activity is open (activityStart sent, activityEnd not yet)."""
        return self._started_at is not None

    @property
    def deadline(self) -> float | None:
        """When the maximum hold time runs out (same clock as ``now``), if talking."""
        return None if self._started_at is None else self._started_at + self.max_hold_s

    def key_down(self, source: KeySource) -> bool:
        return self._keys[source] is not _Key.UP

    # --- key edges ------------------------------------------------------------------
    def press(self, source: KeySource, now: float) -> PttOutput:
        """A key or button went down (repeats while held are ignored)."""
        if self._keys[source] is not _Key.UP:
            return _NOTHING  # auto-repeat, or a key whose talk was already ended
        self._keys[source] = _Key.DOWN
        if self.mode is PttMode.TOGGLE:
            return self._flip(now)
        if self.talking:
            return _NOTHING  # a second source joins the hold
        return self._try_start(now, on_refusal=source)

    def release(self, source: KeySource, now: float) -> PttOutput:
        """A key or button went up."""
        was = self._keys[source]
        self._keys[source] = _Key.UP
        if was is not _Key.DOWN or self.mode is PttMode.TOGGLE or not self.talking:
            return _NOTHING
        if any(k is _Key.DOWN for k in self._keys.values()):
            return _NOTHING  # another source still holds
        return self._end(EndReason.RELEASED)

    def toggle(self, now: float) -> PttOutput:
        """Start if idle, stop if talking, in either mode (talk button click, ``--ptt toggle``)."""
        if self.talking:
            return self._end(EndReason.TOGGLED)
        return self._try_start(now, on_refusal=None)

    # --- things that can lose a release -----------------------------------------------
    def tick(self, now: float) -> PttOutput:
        deadline = self.deadline
        if deadline is not None and now >= deadline:
            return self._end(EndReason.MAX_HOLD)
        return _NOTHING

    def listener_lost(self) -> PttOutput:
        """The global key listener stopped: its release will never come."""
        return self._lose(KeySource.GLOBAL, EndReason.LISTENER_LOST)

    def focus_lost(self) -> PttOutput:
        """Our window lost focus: an in-window key's release will never reach us."""
        return self._lose(KeySource.WINDOW, EndReason.FOCUS_LOST)

    def set_connected(self, connected: bool) -> PttOutput:
        self.connected = connected
        return _NOTHING if connected else self._end(EndReason.DISCONNECTED)

    def set_muted(self, muted: bool) -> PttOutput:
        """Mute wins over talking: muting ends the activity, and presses are refused."""
        self.muted = muted
        return self._end(EndReason.MUTED) if muted else _NOTHING

    def set_mode(self, mode: PttMode) -> PttOutput:
        out = self._end(EndReason.MODE_CHANGED) if mode is not self.mode else _NOTHING
        self.mode = mode
        return out

    def cancel(self, reason: EndReason = EndReason.MODE_CHANGED) -> PttOutput:
        """End talking now for a reason outside the keys (e.g. push-to-talk switched off)."""
        return self._end(reason)

    # --- internals ------------------------------------------------------------------
    def _flip(self, now: float) -> PttOutput:
        if self.talking:
            return self._end(EndReason.TOGGLED)
        return self._try_start(now, on_refusal=None)

    def _try_start(self, now: float, on_refusal: KeySource | None) -> PttOutput:
        refusal = Refusal.MUTED if self.muted else None if self.connected else Refusal.NOT_CONNECTED
        if refusal is not None:
            if on_refusal is not None:
                self._keys[on_refusal] = _Key.SPENT  # no start on a later repeat either
            return PttOutput(refused=refusal)
        self._started_at = now
        return PttOutput(start=True)

    def _lose(self, source: KeySource, reason: EndReason) -> PttOutput:
        held = self._keys[source] is _Key.DOWN
        self._keys[source] = _Key.UP  # its release is lost; the next press is a new edge
        if not self.talking:
            return _NOTHING
        if (
            self.mode is PttMode.HOLD
            and held
            and not any(k is _Key.DOWN for k in self._keys.values())
        ):
            return self._end(reason)
        if reason is EndReason.LISTENER_LOST:
            return self._end(reason)  # its stop key (toggle) can no longer arrive either
        return _NOTHING

    def _end(self, reason: EndReason) -> PttOutput:
        if not self.talking:
            return _NOTHING
        self._started_at = None
        for source, key in self._keys.items():
            if key is _Key.DOWN:
                self._keys[source] = _Key.SPENT
        return PttOutput(end=reason)
