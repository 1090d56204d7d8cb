"""Top-level windows on X11: the window manager's client list and where a window is.

Qt's window list (``QCapturableWindow``) gives no window id and no geometry, so a shared
window's frame cannot follow it from there. On X11 the same list is the root window's
``_NET_CLIENT_LIST`` (Qt reads it too); this module reads it with python-xlib, keeping
each window's id, and tells where a window is now, its decorations included.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from gemini_desk.vision.geometry import Rect, ScreenInfo

log = logging.getLogger("gemini_desk.vision")


@dataclass(frozen=True, slots=True)
class ClientWindow:
    id: int  # the X window id
    title: str


class X11Windows:
    """One connection to the X server (python-xlib), used from the GUI thread only.

    Every call answers from the server at once (a few local round trips); a window that
    is gone or not mapped has no place (None), and a lost connection lists nothing.
    """

    def __init__(self, display: Any) -> None:
        from Xlib import Xatom

        self._display = display
        self._root = display.screen().root
        self._window_type = Xatom.WINDOW
        self._cardinal = Xatom.CARDINAL
        self._client_list = display.intern_atom("_NET_CLIENT_LIST")
        self._net_wm_name = display.intern_atom("_NET_WM_NAME")
        self._utf8 = display.intern_atom("UTF8_STRING")
        self._frame_extents = display.intern_atom("_NET_FRAME_EXTENTS")

    @classmethod
    def open(cls, name: str | None = None) -> X11Windows | None:
        """Connect to the X display ``name`` ($DISPLAY by default); None where there is
        none (Wayland without XWayland, other platforms, no python-xlib)."""
        try:
            from Xlib import display

            return cls(display.Display(name))
        except Exception as exc:  # ImportError, DisplayError, a refused connection
            log.info("no X11 window list: %r", exc)
            return None

    def clients(self) -> list[ClientWindow]:
        """The windows the window manager lists (``_NET_CLIENT_LIST``), in its order."""
        try:
            prop = self._root.get_full_property(self._client_list, self._window_type)
        except Exception as exc:
            log.info("the X11 window list is unreadable: %r", exc)
            return []
        if prop is None:
            return []
        windows = []
        for window_id in prop.value:
            title = self._title(int(window_id))
            if title is not None:
                windows.append(ClientWindow(int(window_id), title))
        return windows

    def frame_rect(self, window_id: int) -> Rect | None:
        """Where the window is on the root window (device pixels), with the frame the
        window manager draws around it (``_NET_FRAME_EXTENTS``); None when it is gone,
        unmapped (minimised, on another desktop) or the connection is lost."""
        from Xlib import X

        try:
            window = self._display.create_resource_object("window", window_id)
            if window.get_attributes().map_state != X.IsViewable:
                return None
            geometry = window.get_geometry()
            origin = self._root.translate_coords(window, 0, 0)
            extents = window.get_full_property(self._frame_extents, self._cardinal)
        except Exception:  # BadWindow: it was closed; or the connection went away
            return None
        left = right = top = bottom = geometry.border_width
        if extents is not None and len(extents.value) == 4:
            e_left, e_right, e_top, e_bottom = (int(v) for v in extents.value)
            left, right = left + e_left, right + e_right
            top, bottom = top + e_top, bottom + e_bottom
        return Rect(
            origin.x - left,
            origin.y - top,
            geometry.width + left + right,
            geometry.height + top + bottom,
        )

    def close(self) -> None:
        try:
            self._display.close()
        except Exception as exc:  # closing must never be in the way
            log.debug("closing the X11 connection failed: %r", exc)

    def _title(self, window_id: int) -> str | None:
        """``_NET_WM_NAME`` (UTF-8), else ``WM_NAME``; None when the window is gone."""
        try:
            window = self._display.create_resource_object("window", window_id)
            prop = window.get_full_property(self._net_wm_name, self._utf8)
            if prop is not None and prop.value:
                value = prop.value
                return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
            name = window.get_wm_name()
        except Exception:
            return None
        if isinstance(name, bytes):
            return name.decode("latin-1")
        return name or ""


def to_logical(physical: Rect, screens: list[ScreenInfo]) -> Rect:
    """Map a device-pixel rectangle to Qt's logical pixels, relative to the screen that
    holds its centre (Qt keeps each screen's logical top-left at its native one)."""
    cx, cy = physical.x + physical.w / 2, physical.y + physical.h / 2
    for screen in screens:
        if screen.physical().contains(cx, cy):
            dpr = screen.dpr or 1.0
            return Rect(
                screen.logical.x + round((physical.x - screen.physical_x) / dpr),
                screen.logical.y + round((physical.y - screen.physical_y) / dpr),
                round(physical.w / dpr),
                round(physical.h / dpr),
            )
    return physical
