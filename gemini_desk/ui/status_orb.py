"""The status element: one fixed-size pill (an orb and a word) with the mic meter and a
details popover (model, latency). Clicking the pill mutes or unmutes the microphone."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPoint, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QFontMetrics,
    QHideEvent,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QWidget,
)

from gemini_desk.core.models import display_name
from gemini_desk.core.status import Status
from gemini_desk.ui.colours import colour
from gemini_desk.ui.level_meter import LevelMeter, LevelSource

__all__ = ["DetailsPopover", "StatusElement", "StatusPill", "status_words"]

LEVEL_POLL_MS = 33  # while speaking only: the orb's halo follows the model's voice
LEVEL_STEPS = 12  # the halo moves in this many steps (no repaint between them)
QUIET_DB, LOUD_DB = -50.0, -10.0
FOCUS_RING_PX = 2
translate = QCoreApplication.translate


def status_words() -> dict[Status, str]:
    """The word the pill shows for each state, in the UI language."""
    return {
        Status.OFFLINE: translate("StatusPill", "Offline"),
        Status.CONNECTING: translate("StatusPill", "Connecting…"),
        Status.READY: translate("StatusPill", "Ready"),
        Status.LISTENING: translate("StatusPill", "Listening"),
        Status.THINKING: translate("StatusPill", "Thinking…"),
        Status.SPEAKING: translate("StatusPill", "Speaking"),
        Status.MUTED: translate("StatusPill", "Muted"),
        Status.SHARING: translate("StatusPill", "Sharing"),
    }


class StatusPill(QAbstractButton):
    """The orb and the state's word; always the same size whatever the state.

    Clicking it (or Space on it) emits ``clicked``: the window toggles mute. While the
    model speaks, a halo around the orb follows ``speaker_level``; in no other state
    does anything poll.
    """

    def __init__(self, speaker_level: LevelSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusPill")
        self._speaker_level = speaker_level
        self._status = Status.OFFLINE
        self._muted = False
        self._halo = 0  # 0..LEVEL_STEPS
        self._mute_key = "Ctrl+M"
        self._hearing = False
        self.repaints = 0
        self._timer = QTimer(self)
        self._timer.setInterval(LEVEL_POLL_MS)
        self._timer.timeout.connect(self.poll_level)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        font = self.font()
        font.setBold(True)
        self.setFont(font)
        self._words = status_words()
        self.setFixedSize(self.sizeHint())
        self._describe()

    @property
    def status(self) -> Status:
        return self._status

    @property
    def halo(self) -> int:
        return self._halo

    @property
    def polling(self) -> bool:
        return self._timer.isActive()

    def set_status(self, status: Status, muted: bool | None = None) -> None:
        if muted is not None:
            self._muted = muted
        if status is self._status and muted is None:
            return
        self._status = status
        self._halo = 0
        self._describe()
        self._sync_timer()
        self.update()

    @property
    def hearing(self) -> bool:
        return self._hearing

    def set_hearing(self, hearing: bool) -> None:
        """The service hears the user speak: a steady ring round the orb."""
        if hearing != self._hearing:
            self._hearing = hearing
            self.update()

    def set_mute_key(self, label: str) -> None:
        """The mute key named in the tooltip (the global one, ``Ctrl+Alt+M``)."""
        self._mute_key = label
        self._describe()

    def poll_level(self) -> None:
        """Read the model's level once; repaint when the halo moves a step."""
        rms_db, _peak, _clip = self._speaker_level()
        frac = (min(LOUD_DB, max(QUIET_DB, rms_db)) - QUIET_DB) / (LOUD_DB - QUIET_DB)
        halo = round(frac * LEVEL_STEPS) if rms_db == rms_db else 0  # NaN: silent
        if halo != self._halo:
            self._halo = halo
            self.update()

    def sizeHint(self) -> QSize:
        fm = QFontMetrics(self.font())
        widest = max(fm.horizontalAdvance(w) for w in self._words.values())
        h = max(36, fm.height() + 18)
        return QSize(h + widest + 18, h)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    # --- Qt overrides -------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        self._sync_timer()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.repaints += 1
        name = self._status.value
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        ring = FOCUS_RING_PX
        body = QRectF(self.rect()).adjusted(ring, ring, -ring, -ring)
        radius = body.height() / 2
        p.setPen(QPen(colour(f"status.{name}.fg"), 1))
        p.setBrush(colour(f"status.{name}.bg"))
        p.drawRoundedRect(body.adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
        # The orb: a dot, with a halo that follows the model's voice while it speaks.
        d = body.height() * 0.42
        cx, cy = body.left() + body.height() / 2, body.center().y()
        dot = colour(f"status.{name}.dot")
        if self._halo:
            halo = dot.lighter(100)
            halo.setAlpha(90)
            grow = d / 2 + (body.height() / 2 - 3 - d / 2) * self._halo / LEVEL_STEPS
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(halo)
            p.drawEllipse(QRectF(cx - grow, cy - grow, 2 * grow, 2 * grow))
        if self._hearing and self._status is Status.LISTENING:
            p.setPen(QPen(dot, 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            r = d / 2 + 4
            p.drawEllipse(QRectF(cx - r, cy - r, 2 * r, 2 * r))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(dot)
        p.drawEllipse(QRectF(cx - d / 2, cy - d / 2, d, d))
        if self._status is Status.MUTED:  # a slash through the orb: the mic is closed
            p.setPen(QPen(colour(f"status.{name}.bg"), 2))
            p.drawLine(
                QPoint(int(cx - d / 2), int(cy + d / 2)), QPoint(int(cx + d / 2), int(cy - d / 2))
            )
        p.setPen(colour(f"status.{name}.fg"))
        text_rect = body.adjusted(body.height() + 2, 0, -8, 0)
        p.drawText(
            text_rect,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            self._words[self._status],
        )
        if self.hasFocus():
            p.setPen(QPen(colour("focus"), FOCUS_RING_PX))
            p.setBrush(Qt.BrushStyle.NoBrush)
            outer = QRectF(self.rect()).adjusted(1, 1, -1, -1)
            p.drawRoundedRect(outer, outer.height() / 2, outer.height() / 2)
        p.end()

    # --- internals --------------------------------------------------------------------
    def _describe(self) -> None:
        word = self._words[self._status]
        self.setText(word)
        self.setAccessibleName(self.tr("Status: %1").replace("%1", word))
        how = (
            self.tr("Click to unmute the microphone (%1).")
            if self._muted or self._status is Status.MUTED
            else self.tr("Click to mute the microphone (%1).")
        ).replace("%1", self._mute_key)
        self.setAccessibleDescription(how)
        self.setToolTip(word + "\n" + how)

    def _sync_timer(self) -> None:
        if self._status is Status.SPEAKING and self.isVisible():
            self._timer.start()
        else:
            self._timer.stop()
            self._halo = 0


class DetailsPopover(QFrame):
    """Model, last response time and the server's share: the developer's figures."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("statusDetails")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.model_label = QLabel()
        self.model_id_label = QLabel()
        self.model_id_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.latency_label = QLabel(self.tr("No answer yet"))
        self.server_label = QLabel("—")
        form = QFormLayout(self)
        form.setContentsMargins(12, 10, 12, 10)
        form.addRow(self.tr("Model:"), self.model_label)
        form.addRow(self.tr("Model id:"), self.model_id_label)
        form.addRow(self.tr("Last response:"), self.latency_label)
        form.addRow(self.tr("Server time:"), self.server_label)
        self.setAccessibleName(self.tr("Connection details"))

    def set_model(self, model: str, label: str = "") -> None:
        self.model_label.setText(label or display_name(model))
        self.model_id_label.setText(model)

    def set_latency(self, ms: float | None, server_ms: float | None = None) -> None:
        if ms is None:
            self.latency_label.setText(self.tr("No answer yet"))
            self.server_label.setText("—")
            return
        self.latency_label.setText(self.tr("%1 ms").replace("%1", f"{ms:.0f}"))
        self.server_label.setText(
            "—" if server_ms is None else self.tr("%1 ms").replace("%1", f"{server_ms:.0f}")
        )
        self.latency_label.setToolTip(
            self.tr("From the end of your speech to the first sound of the answer.")
        )


class StatusElement(QWidget):
    """The pill, the compact mic meter beside it and the details button.

    Signals:
        muteClicked(): the pill was clicked (the window toggles mute).
    """

    muteClicked = Signal()

    def __init__(
        self, mic_level: LevelSource, speaker_level: LevelSource, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("statusElement")
        self.pill = StatusPill(speaker_level)
        self.pill.clicked.connect(self.muteClicked)
        self.mic_meter = LevelMeter(mic_level, self.tr("Microphone"), compact=True)
        self.mic_meter.setObjectName("micMeter")
        self.mic_meter.setFixedSize(self.mic_meter.sizeHint())
        self.mic_meter.set_active(False)
        self.details = DetailsPopover(self)
        self.details_button = QToolButton()
        self.details_button.setObjectName("detailsButton")
        self.details_button.setText("i")
        self.details_button.setAccessibleName(self.tr("Connection details"))
        self.details_button.setToolTip(self.tr("Model and response time"))
        self.details_button.clicked.connect(self.show_details)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(self.pill)
        row.addWidget(self.mic_meter, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignVCenter)

    @property
    def status(self) -> Status:
        return self.pill.status

    def set_status(self, status: Status, muted: bool) -> None:
        self.pill.set_status(status, muted)
        self.mic_meter.set_muted(muted)
        self.mic_meter.set_active(status not in (Status.OFFLINE, Status.CONNECTING) and not muted)

    def show_details(self) -> QFrame:
        self.details.adjustSize()
        below = self.details_button.mapToGlobal(QPoint(0, self.details_button.height() + 4))
        self.details.move(below)
        self.details.show()
        return self.details
