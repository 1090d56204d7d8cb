"""A horizontal dBFS level meter that polls a level source at ~30 fps while it is shown
and active (connected, not muted); it repaints only when what it shows changed, and it
sleeps at the floor when its source can wake it on the first sound."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QHideEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QShowEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from gemini_desk.core.ballistics import Ballistics
from gemini_desk.ui.colours import colour

LevelSource = Callable[[], tuple[float, float, bool]]
"""Returns ``(rms_db, peak_db, clipped)``; called on the GUI thread only."""


@runtime_checkable
class WakingSource(Protocol):
    """A level source that can wake a meter asleep at the floor (``app.streams.LevelTap``)."""

    def __call__(self) -> tuple[float, float, bool]: ...

    def wake_on_sound(self, callback: Callable[[], None], above_db: float) -> None:
        """Call ``callback`` once, from any thread, on the first block above ``above_db``."""


FLOOR_DB = -60.0
CEILING_DB = 0.0
POLL_INTERVAL_MS = 33
# Once the picture has not changed for SETTLE_TICKS polls (a silent room), poll at
# IDLE_POLL_INTERVAL_MS until it moves again: a sound still shows within 0.1 s.
IDLE_POLL_INTERVAL_MS = 100
SETTLE_TICKS = 10
# A meter whose source can wake it (WakingSource) stops polling once it has shown the
# floor, unchanged, for ASLEEP_TICKS polls; the first sound above the floor wakes it.
ASLEEP_TICKS = 20
PEAK_HOLD_S = 1.0
CLIP_HOLD_S = 1.5
SCALE_DB = (-40.0, -20.0, -6.0)  # the compact meter's scale ticks


def _clamp_db(value: float) -> float:
    """Silence arrives as -inf (or NaN from a broken block): show it as the floor."""
    if not math.isfinite(value):
        return FLOOR_DB
    return min(CEILING_DB, max(FLOOR_DB, value))


class LevelMeter(QWidget):
    """RMS bar, peak-hold tick and clip lamp for one audio stream.

    The widget reads ``source`` from its own timer; the timer runs only while the meter
    is visible and active (:meth:`set_active`) and, when ``source`` is a
    :class:`WakingSource`, not while it sleeps at the floor: the source's wake (from an
    audio thread) reaches the GUI thread as a queued signal. ``compact``: no label, a
    dBFS scale of ticks instead (the status element's mic meter).
    """

    _woken = Signal()

    def __init__(
        self,
        source: LevelSource,
        label: str,
        parent: QWidget | None = None,
        compact: bool = False,
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._label = label
        self._compact = compact
        self._active = True
        self._shown: tuple[int, int, bool, bool] = (-1, -1, False, False)
        self._still = 0  # polls since the picture last changed
        self._watched: QWidget | None = None  # the minimised window, watched for its restore
        self.repaints = 0  # paint events so far (tests: nothing is repainted unchanged)
        self._muted = False
        # Attack is effectively instant; release follows the usual ~20 dB/s.
        self._rms = Ballistics(attack_db_per_s=10_000.0, release_db_per_s=20.0, floor_db=FLOOR_DB)
        self._rms_db = FLOOR_DB
        self._peak_db = FLOOR_DB
        self._peak_age = 0.0
        self._clip_age = math.inf
        self._clock = QElapsedTimer()
        self._asleep = False
        self._woken.connect(self._on_woken)  # queued: emitted on an audio thread
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_INTERVAL_MS)
        self._timer.timeout.connect(self._on_tick)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(self.tr("%1 level").replace("%1", label))
        self.setToolTip(self.tr("%1 level, -60 to 0 dBFS").replace("%1", label))

    # --- public -----------------------------------------------------------------
    @property
    def label(self) -> str:
        return self._label

    @property
    def muted(self) -> bool:
        return self._muted

    @property
    def rms_db(self) -> float:
        """The displayed (smoothed) RMS level."""
        return self._rms_db

    @property
    def peak_db(self) -> float:
        """The displayed peak-hold level."""
        return self._peak_db

    @property
    def clip_lit(self) -> bool:
        return not self._muted and self._clip_age < CLIP_HOLD_S

    @property
    def active(self) -> bool:
        return self._active

    @property
    def poll_interval_ms(self) -> int:
        """The timer's interval now (fast while the level moves)."""
        return self._timer.interval()

    @property
    def asleep(self) -> bool:
        """At the floor, not polling, until its source hears a sound."""
        return self._asleep

    @property
    def polling(self) -> bool:
        """The timer runs (shown and active)."""
        return self._timer.isActive()

    def set_muted(self, muted: bool) -> None:
        """Show the muted look: greyed, at the floor, labelled "muted"."""
        if muted == self._muted:
            return  # nothing to repaint
        self._muted = muted
        if muted:
            self._reset()
        self._refresh(force=True)

    def set_active(self, active: bool) -> None:
        """Poll only while there is something to show (connected, not muted)."""
        self._active = active
        if not active:
            self._reset()
            self._refresh(force=True)
        self._sync_timer()

    def poll(self, dt: float | None = None) -> None:
        """Read the source once and advance the ballistics by ``dt`` seconds.

        The timer calls this; tests call it directly with a fixed ``dt``.
        """
        if dt is None:
            if self._clock.isValid():
                dt = self._clock.restart() / 1000
            else:
                self._clock.start()
                dt = 0.0
        if self._muted:
            self._reset()
            self._refresh()
            return
        rms_db, peak_db, clipped = self._source()
        self._rms_db = _clamp_db(self._rms.step(_clamp_db(rms_db), dt))
        peak = _clamp_db(peak_db)
        self._peak_age += dt
        if peak >= self._peak_db:
            self._peak_db = peak
            self._peak_age = 0.0
        elif self._peak_age > PEAK_HOLD_S:
            self._peak_db = max(peak, self._peak_db - 20.0 * dt)
        self._clip_age = 0.0 if clipped else self._clip_age + dt
        self._refresh()

    def level_text(self) -> str:
        """The level in words, in dBFS (the tooltip, and what a screen reader reads)."""
        if self._muted:
            return self.tr("%1: muted").replace("%1", self._label)
        if self._rms_db <= FLOOR_DB:
            return self.tr("%1: silent (below -60 dBFS)").replace("%1", self._label)
        text = self.tr("%1: %2 dBFS, peak %3 dBFS").replace("%1", self._label)
        text = text.replace("%2", f"{self._rms_db:.0f}").replace("%3", f"{self._peak_db:.0f}")
        return text + (" " + self.tr("(clipping)") if self.clip_lit else "")

    # --- Qt overrides -----------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        self._sync_timer()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self._sync_timer()
        super().hideEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Installed on the top-level window only while it is minimised: its restore.
        if watched is self._watched and event.type() == QEvent.Type.WindowStateChange:
            self._sync_timer()
        return False

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            self.setToolTip(self.level_text())  # the level now, in dBFS
        return super().event(event)

    def sizeHint(self) -> QSize:
        fm = QFontMetrics(self.font())
        if self._compact:
            return QSize(fm.horizontalAdvance("0") * 12, max(14, fm.height() // 2 + 8))
        return QSize(220, max(22, fm.height() + 8))

    def minimumSizeHint(self) -> QSize:
        if self._compact:
            return self.sizeHint()
        fm = QFontMetrics(self.font())
        return QSize(120, max(22, fm.height() + 8))

    def paintEvent(self, event: QPaintEvent) -> None:
        self.repaints += 1
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pal = self.palette()
        fm = QFontMetrics(self.font())
        label_w = 0
        if not self._compact:
            label_w = max(
                fm.horizontalAdvance(self.tr("Speaker")), fm.horizontalAdvance(self._label)
            )
            label_w += 8
        h = self.height()
        painter.setPen(pal.color(QPalette.ColorRole.WindowText))
        painter.drawText(
            QRectF(0, 0, label_w, h),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            self._label if not self._compact else "",
        )
        pad = 3 if self._compact else 5
        lamp = h - 2 * pad
        track = QRectF(label_w, pad, self.width() - label_w - lamp - 6, h - 2 * pad)
        painter.setPen(colour("meter.tick"))
        painter.setBrush(colour("meter.track"))
        painter.drawRoundedRect(track, 3, 3)

        if self._muted and self._compact:
            # A struck-through track: the microphone is closed.
            painter.setPen(colour("meter.tick"))
            painter.drawLine(track.topLeft(), track.bottomRight())
        elif self._muted:
            painter.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(track, int(Qt.AlignmentFlag.AlignCenter), self.tr("muted"))
        else:
            inner = track.adjusted(1, 1, -1, -1)
            frac = (self._rms_db - FLOOR_DB) / (CEILING_DB - FLOOR_DB)
            if frac > 0:
                bar = QRectF(inner.left(), inner.top(), inner.width() * frac, inner.height())
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(self._bar_colour(self._rms_db))
                painter.drawRoundedRect(bar, 2, 2)
            if self._peak_db > FLOOR_DB:
                pfrac = (self._peak_db - FLOOR_DB) / (CEILING_DB - FLOOR_DB)
                x = inner.left() + inner.width() * pfrac
                painter.setPen(pal.color(QPalette.ColorRole.Text))
                painter.drawLine(int(x), int(inner.top()), int(x), int(inner.bottom()))
            if self._compact:
                painter.setPen(colour("meter.tick"))
                for db in SCALE_DB:
                    x = inner.left() + inner.width() * (db - FLOOR_DB) / (CEILING_DB - FLOOR_DB)
                    painter.drawLine(int(x), int(inner.bottom() - 2), int(x), int(inner.bottom()))

        lamp_rect = QRectF(self.width() - lamp - 2, pad, lamp, lamp)
        painter.setPen(colour("meter.tick"))
        painter.setBrush(colour("meter.clip") if self.clip_lit else colour("meter.track"))
        painter.drawEllipse(lamp_rect)
        painter.end()

    # --- internals ----------------------------------------------------------------
    def _on_tick(self) -> None:
        if self.window().isMinimized():  # no hide event reached the meter
            self._sync_timer()
            return
        self.poll()

    def _sync_timer(self) -> None:
        """Poll only while there is something to see: active (connected, not muted),
        visible, its window not minimised (watched, only then, for its restore)."""
        window = self.window()
        minimised = window.isMinimized()
        seen = self._active and self.isVisible() and not minimised and not self._asleep
        watch = window if minimised and window is not self else None
        if watch is not self._watched:
            if self._watched is not None:
                self._watched.removeEventFilter(self)
            self._watched = watch
            if watch is not None:
                watch.installEventFilter(self)
        if seen and not self._timer.isActive():
            self._clock.start()
            self._still = 0
            self._timer.setInterval(POLL_INTERVAL_MS)
            self._timer.start()
        elif not seen and self._timer.isActive():
            self._timer.stop()
            self._clock.invalidate()

    def _refresh(self, force: bool = False) -> None:
        """Repaint only when the bar, the peak tick or the clip mark moved a pixel."""
        span = max(1, self.width())
        shown = (
            round((self._rms_db - FLOOR_DB) / -FLOOR_DB * span),
            round((self._peak_db - FLOOR_DB) / -FLOOR_DB * span),
            self.clip_lit,
            self._muted,
        )
        if force or shown != self._shown:
            self._shown = shown
            self._still = 0
            if self._timer.isActive() and self._timer.interval() != POLL_INTERVAL_MS:
                self._timer.setInterval(POLL_INTERVAL_MS)
            self.update()
            return
        self._still += 1
        if self._still >= SETTLE_TICKS and self._timer.interval() != IDLE_POLL_INTERVAL_MS:
            self._timer.setInterval(IDLE_POLL_INTERVAL_MS)
        if self._still >= ASLEEP_TICKS and self._timer.isActive():
            self._maybe_sleep()

    def _maybe_sleep(self) -> None:
        """Stop polling at the floor when the source can wake the meter on a sound."""
        source = self._source
        at_floor = self._rms_db <= FLOOR_DB and self._peak_db <= FLOOR_DB and not self.clip_lit
        if self._muted or not at_floor or not isinstance(source, WakingSource):
            return

        def wake() -> None:  # on an audio thread
            with contextlib.suppress(RuntimeError):  # the meter is gone
                self._woken.emit()

        self._asleep = True
        source.wake_on_sound(wake, FLOOR_DB)
        if _clamp_db(source()[1]) > FLOOR_DB:  # a sound came just before the wish
            self._asleep = False
            return
        self._sync_timer()

    def _on_woken(self) -> None:
        if self._asleep:
            self._asleep = False
            self._sync_timer()

    def _reset(self) -> None:
        self._rms.reset()
        self._rms_db = FLOOR_DB
        self._peak_db = FLOOR_DB
        self._peak_age = 0.0
        self._clip_age = math.inf

    @staticmethod
    def _bar_colour(db: float) -> QColor:
        if db > -6.0:
            return colour("meter.high")
        if db > -18.0:
            return colour("meter.mid")
        return colour("meter.low")
