"""A horizontal dBFS level meter that polls a level source at ~30 fps while it moves."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QRectF, QSize, Qt, QTimer
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

LevelSource = Callable[[], tuple[float, float, bool]]
"""Returns ``(rms_db, peak_db, clipped)``; called on the GUI thread only."""

FLOOR_DB = -60.0
CEILING_DB = 0.0
POLL_INTERVAL_MS = 33
# Once the picture has not changed for SETTLE_TICKS polls (a silent room, a muted mic),
# poll at IDLE_POLL_INTERVAL_MS until it moves again: a sound still shows within 0.1 s.
IDLE_POLL_INTERVAL_MS = 100
SETTLE_TICKS = 10
PEAK_HOLD_S = 1.0
CLIP_HOLD_S = 1.5


def _clamp_db(value: float) -> float:
    """Silence arrives as -inf (or NaN from a broken block): show it as the floor."""
    if not math.isfinite(value):
        return FLOOR_DB
    return min(CEILING_DB, max(FLOOR_DB, value))


class LevelMeter(QWidget):
    """RMS bar, peak-hold tick and clip lamp for one audio stream.

    Signals: none. The widget only reads ``source`` from its own timer, so audio
    threads never touch Qt. The timer runs only while the meter is visible and its
    window is not minimised, slows down while nothing changes, and the meter is
    repainted only when what it shows changed.
    """

    def __init__(self, source: LevelSource, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._label = label
        self._muted = False
        # Attack is effectively instant; release follows the usual ~20 dB/s.
        self._rms = Ballistics(attack_db_per_s=10_000.0, release_db_per_s=20.0, floor_db=FLOOR_DB)
        self._rms_db = FLOOR_DB
        self._peak_db = FLOOR_DB
        self._peak_age = 0.0
        self._clip_age = math.inf
        self._clock = QElapsedTimer()
        self._shown: tuple[object, ...] = ()  # what the last paint showed
        self._still = 0  # polls since it last changed
        self._watched: QWidget | None = None  # the minimised top-level, for its restore
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
    def poll_interval_ms(self) -> int:
        """The timer's interval now (fast while the level moves)."""
        return self._timer.interval()

    @property
    def polling(self) -> bool:
        return self._timer.isActive()

    def set_muted(self, muted: bool) -> None:
        """Show the muted look: greyed, at the floor, labelled "muted"."""
        self._muted = muted
        if muted:
            self._reset()
        self._repaint_if_changed()

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
            self._repaint_if_changed()
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
        self._repaint_if_changed()

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

    def sizeHint(self) -> QSize:
        fm = QFontMetrics(self.font())
        return QSize(220, max(22, fm.height() + 8))

    def minimumSizeHint(self) -> QSize:
        fm = QFontMetrics(self.font())
        return QSize(120, max(22, fm.height() + 8))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pal = self.palette()
        fm = QFontMetrics(self.font())
        label_w = max(fm.horizontalAdvance(self.tr("Speaker")), fm.horizontalAdvance(self._label))
        label_w += 8
        h = self.height()
        painter.setPen(pal.color(QPalette.ColorRole.WindowText))
        painter.drawText(
            QRectF(0, 0, label_w, h),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            self._label,
        )
        lamp = h - 10
        track = QRectF(label_w, 5, self.width() - label_w - lamp - 6, h - 10)
        painter.setPen(pal.color(QPalette.ColorRole.Mid))
        painter.setBrush(pal.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(track, 3, 3)

        if self._muted:
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

        lamp_rect = QRectF(self.width() - lamp - 2, 5, lamp, lamp)
        painter.setPen(pal.color(QPalette.ColorRole.Mid))
        painter.setBrush(QColor("#d32f2f") if self.clip_lit else pal.color(QPalette.ColorRole.Base))
        painter.drawEllipse(lamp_rect)
        painter.end()

    # --- internals ----------------------------------------------------------------
    def _on_tick(self) -> None:
        if self.window().isMinimized():  # no hide event reached the meter
            self._sync_timer()
            return
        self.poll()

    def _sync_timer(self) -> None:
        """Poll only while the meter can be seen: visible, its window not minimised.
        A minimised window is watched (an event filter, only then) for its restore."""
        window = self.window()
        minimised = window.isMinimized()
        seen = self.isVisible() and not minimised
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

    def _picture(self) -> tuple[object, ...]:
        """What a paint would show, at the precision it shows it (a tenth of a dB is
        less than a pixel on any meter)."""
        return (
            self._muted,
            round(self._rms_db, 1),
            round(self._peak_db, 1),
            self.clip_lit,
        )

    def _repaint_if_changed(self) -> None:
        picture = self._picture()
        if picture != self._shown:
            self._shown = picture
            self._still = 0
            if self._timer.isActive() and self._timer.interval() != POLL_INTERVAL_MS:
                self._timer.setInterval(POLL_INTERVAL_MS)
            self.update()
            return
        self._still += 1
        if self._still >= SETTLE_TICKS and self._timer.interval() != IDLE_POLL_INTERVAL_MS:
            self._timer.setInterval(IDLE_POLL_INTERVAL_MS)

    def _reset(self) -> None:
        self._rms.reset()
        self._rms_db = FLOOR_DB
        self._peak_db = FLOOR_DB
        self._peak_age = 0.0
        self._clip_age = math.inf

    @staticmethod
    def _bar_colour(db: float) -> QColor:
        if db > -6.0:
            return QColor("#e53935")
        if db > -18.0:
            return QColor("#f9a825")
        return QColor("#43a047")
