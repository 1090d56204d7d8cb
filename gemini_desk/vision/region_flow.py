"""Sharing a region on Wayland, sans I/O: the picker, the first frame, the selector.

On Wayland an app sees no pixels before the desktop's ScreenCast picker has chosen a
monitor or a window, so the region is chosen on that stream's picture: the picker
first; once the stream gives its first frame, the selector shows that frame; the
region chosen (in the stream's pixels) is what is cut from every later frame.

:class:`RegionFlow` takes what happened (``picked``, ``frame``, ``selected``,
``cancelled``, ``ended``) and returns what to do (:class:`ShowSelector`,
:class:`CloseSelector`, :class:`Crop`, :class:`ClosePortal`, :class:`Stop`); the source
(vision/portal_source.py) and the window (desktop/portal_sharing.py) do it.

A flow given its region up front (``--share-region``, a restored choice) skips the
selector: the crop is known as soon as the stream is.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gemini_desk.vision.geometry import Rect

MIN_SIDE = 8  # a smaller selection is not a region (as on X11)


class Phase(enum.Enum):
    PICKER = "picker"  # the desktop's picker is up (or the portal is being asked)
    FIRST_FRAME = "first frame"  # the stream runs; no frame yet
    SELECTING = "selecting"  # the selector shows the frozen first frame
    SHARING = "sharing"  # the crop is known: frames go out
    CANCELLED = "cancelled"  # the user cancelled the selector
    ENDED = "ended"  # the picker was refused, the portal or the stream failed, or stopped


@dataclass(frozen=True, slots=True)
class ShowSelector:
    """Show the selector over the stream's first frame (``width`` x ``height`` px)."""

    width: int
    height: int


@dataclass(frozen=True, slots=True)
class CloseSelector:
    """Take the selector off the screen."""


@dataclass(frozen=True, slots=True)
class Crop:
    """Cut ``rect`` (stream pixels; None: the whole picture) from every frame now on."""

    rect: Rect | None


@dataclass(frozen=True, slots=True)
class ClosePortal:
    """End the portal session (the desktop's "sharing" indicator goes off)."""


@dataclass(frozen=True, slots=True)
class Stop:
    """Sharing ends: ``why`` is "cancelled", "refused", "failed" or "ended"."""

    why: str


Command = ShowSelector | CloseSelector | Crop | ClosePortal | Stop


@dataclass
class RegionFlow:
    """One region share on Wayland. ``select``: the user chooses the region on the
    stream (else ``crop`` is known up front, None meaning the whole picture)."""

    select: bool
    crop: Rect | None = None
    phase: Phase = Phase.PICKER
    size: tuple[int, int] | None = None  # the stream's size in pixels, once known

    @property
    def done(self) -> bool:
        return self.phase in (Phase.CANCELLED, Phase.ENDED)

    def picked(self, width: int, height: int) -> list[Command]:
        """The desktop chose a stream of ``width`` x ``height`` pixels; it is being read."""
        if self.phase is not Phase.PICKER:
            return []
        if width <= 0 or height <= 0:
            return self._end("failed")
        self.size = (width, height)
        if self.select:
            self.phase = Phase.FIRST_FRAME
            return []
        self.phase = Phase.SHARING
        return [Crop(self.crop)]

    def frame(self) -> list[Command]:
        """A frame of the stream arrived (only the first one matters here)."""
        if self.phase is not Phase.FIRST_FRAME or self.size is None:
            return []
        self.phase = Phase.SELECTING
        return [ShowSelector(*self.size)]

    def selected(self, rect: Rect) -> list[Command]:
        """The user accepted ``rect`` (stream pixels): clipped to the picture; a region
        under ``MIN_SIDE`` px is not accepted (the selector stays)."""
        if self.phase is not Phase.SELECTING or self.size is None:
            return []
        inside = rect.intersected(Rect(0, 0, *self.size))
        if inside is None or inside.w < MIN_SIDE or inside.h < MIN_SIDE:
            return []
        self.phase, self.crop = Phase.SHARING, inside
        return [CloseSelector(), Crop(inside)]

    def cancelled(self) -> list[Command]:
        """The user cancelled the selector (Esc, Cancel, closing its window)."""
        if self.phase is not Phase.SELECTING:
            return []
        self.phase = Phase.CANCELLED
        return [CloseSelector(), ClosePortal(), Stop("cancelled")]

    def ended(self, why: str) -> list[Command]:
        """The picker was refused ("refused"), the portal or the stream failed
        ("failed"), or sharing was stopped ("ended")."""
        if self.done:
            return []
        return self._end(why)

    def _end(self, why: str) -> list[Command]:
        selecting = self.phase is Phase.SELECTING
        picked = self.phase is not Phase.PICKER
        self.phase = Phase.ENDED
        out: list[Command] = [CloseSelector()] if selecting else []
        if picked:
            out.append(ClosePortal())
        return [*out, Stop(why)]
