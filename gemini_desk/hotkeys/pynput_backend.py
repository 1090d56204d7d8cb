"""Global hotkeys through pynput, on its own thread; edges reach the loop thread-safely."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

from gemini_desk.hotkeys.combo import ComboMatcher, KeyCombo

__all__ = ["GlobalHotkeys", "key_name", "pynput_listener"]

log = logging.getLogger("gemini_desk.hotkeys")

EdgeSink = Callable[[str, bool], None]
LostSink = Callable[[str], None]
KeySink = Callable[[Any], None]
# Makes the keyboard listener (a thread: start(), stop(), join()) from the press and
# release callbacks.
ListenerFactory = Callable[[KeySink, KeySink], Any]


def pynput_listener(on_press: KeySink, on_release: KeySink) -> Any:
    """pynput's keyboard listener, the one used unless another is given."""
    from pynput import keyboard  # imported late: it connects to the display on import

    return keyboard.Listener(on_press=on_press, on_release=on_release)


def key_name(key: Any) -> str | None:
    """pynput's Key / KeyCode as our key name (``ctrl``, ``space``, ``m``), or None."""
    name = getattr(key, "name", None)
    if isinstance(name, str):  # a pynput.keyboard.Key member
        return name
    char = getattr(key, "char", None)
    if isinstance(char, str) and len(char) == 1 and char.isprintable():
        return char.lower()
    vk = getattr(key, "vk", None)
    # With Ctrl held, X11 and Windows may give no char: their vk for letters and digits
    # is the ASCII code (X11 keysyms 0x20-0x7e are ASCII; Windows VK_A is 0x41).
    if isinstance(vk, int) and 0x20 < vk < 0x7F:
        return chr(vk).lower()
    return None


class GlobalHotkeys:
    """Listens to the whole keyboard and reports when bound combos go down or up.

    ``on_edge(name, down)`` and ``on_lost(reason)`` run on the loop's thread. pynput's
    listener has its own thread; its callbacks only update a small matcher and call
    ``loop.call_soon_threadsafe``. ``on_lost`` fires if the listener dies while we did
    not ask it to stop (X server gone, permission withdrawn): a key held then will
    never be seen going up, and the caller must end any talking.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        bindings: dict[str, KeyCombo],
        on_edge: EdgeSink,
        on_lost: LostSink,
        make_listener: ListenerFactory = pynput_listener,
    ) -> None:
        self._loop = loop
        self._make_listener = make_listener
        self._matcher = ComboMatcher(bindings)
        self._lock = threading.Lock()
        self._on_edge = on_edge
        self._on_lost = on_lost
        self._listener: Any = None
        self._watcher: threading.Thread | None = None
        self._stopping = False
        self.trusted: bool | None = None  # macOS: Accessibility permission granted

    @property
    def permission_missing(self) -> bool:
        """macOS: the listener runs but Accessibility permission was not granted."""
        return getattr(self._listener, "IS_TRUSTED", True) is False

    @property
    def running(self) -> bool:
        return self._watcher is not None and self._watcher.is_alive()

    def set_bindings(self, bindings: dict[str, KeyCombo]) -> None:
        with self._lock:
            self._matcher.bindings = dict(bindings)

    def start(self) -> None:
        self._stopping = False
        self._listener = self._make_listener(self._on_press, self._on_release)
        self._listener.start()
        self._watcher = threading.Thread(target=self._watch, name="hotkeys-watch", daemon=True)
        self._watcher.start()

    def stop(self) -> None:
        self._stopping = True
        if self._listener is not None:
            self._listener.stop()
        if self._watcher is not None:
            self._watcher.join(timeout=2.0)
        self._listener = None
        self._watcher = None

    # --- the listener's thread ----------------------------------------------------------
    def _on_press(self, key: Any) -> None:
        name = key_name(key)
        if name is not None:
            with self._lock:
                edges = self._matcher.press(name)
            self._deliver(edges)

    def _on_release(self, key: Any) -> None:
        name = key_name(key)
        if name is not None:
            with self._lock:
                edges = self._matcher.release(name)
            self._deliver(edges)

    def _deliver(self, edges: list[tuple[str, bool]]) -> None:
        for name, down in edges:
            self._loop.call_soon_threadsafe(self._on_edge, name, down)

    def _watch(self) -> None:
        listener = self._listener
        reason = "the keyboard listener stopped"
        try:
            listener.join()
        except Exception as exc:  # the listener's own failure, re-raised by join()
            reason = f"the keyboard listener failed: {exc}"
        self.trusted = getattr(listener, "IS_TRUSTED", None)
        if self._stopping:
            return
        log.warning("global hotkeys lost: %s", reason)
        with self._lock:
            edges = self._matcher.reset()
        try:
            self._deliver(edges)
            self._loop.call_soon_threadsafe(self._on_lost, reason)
        except RuntimeError:  # the loop is closed: the app is going away anyway
            pass
