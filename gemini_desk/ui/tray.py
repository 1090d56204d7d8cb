"""The system tray icon: shows the app's state at a glance and offers the main actions."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QIcon,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from gemini_desk.core.desk_state import TalkState
from gemini_desk.platform.assets import APP_ICON, resource_path
from gemini_desk.ui.colours import colour

__all__ = [
    "TrayIcon",
    "TrayState",
    "TrayView",
    "close_hides_to_tray",
    "paint_state_icon",
    "tray_state",
]

ICON_SIZES = (16, 22, 24, 32, 48, 64, 128)


class TrayState(enum.Enum):
    DISCONNECTED = "disconnected"
    IDLE = "idle"  # connected, push-to-talk, nothing happening
    LISTENING = "listening"  # the microphone goes to the model (hands-free, or key held)
    SPEAKING = "speaking"  # the model is answering
    MUTED = "muted"
    SHARING = "sharing"  # the screen or camera goes to the model


# Badge colour (ui.colours name) per state; None: no badge (the plain, dimmed app icon).
_BADGE: dict[TrayState, str | None] = {
    TrayState.DISCONNECTED: None,
    TrayState.IDLE: "tray.idle",
    TrayState.LISTENING: "tray.listening",
    TrayState.SPEAKING: "tray.speaking",
    TrayState.MUTED: "tray.muted",
    TrayState.SHARING: "tray.sharing",
}


def tray_state(talk: TalkState, sharing: bool) -> TrayState:
    """The one state the icon shows, from the talk state and sharing.

    Muted wins (the user must see why nothing is heard), then the model speaking, then
    sharing (the model sees the screen), then listening (hands-free always listens).
    """
    if talk is TalkState.OFFLINE:
        return TrayState.DISCONNECTED
    if talk is TalkState.MUTED:
        return TrayState.MUTED
    if talk is TalkState.SPEAKING:
        return TrayState.SPEAKING
    if sharing:
        return TrayState.SHARING
    if talk in (TalkState.LISTENING, TalkState.HANDS_FREE):
        return TrayState.LISTENING
    return TrayState.IDLE


def close_hides_to_tray(tray_available: bool, quitting: bool = False) -> bool:
    """Closing the window hides it when a tray icon can bring it back; otherwise it quits."""
    return tray_available and not quitting


@dataclass(frozen=True, slots=True)
class TrayView:
    """Everything the tray shows; built from the app's state models."""

    talk: TalkState = TalkState.OFFLINE
    sharing: bool = False
    connected: bool = False
    busy: bool = False  # connecting or closing: Connect/Disconnect is unavailable
    muted: bool = False
    talk_mode: str = "hands_free"
    window_visible: bool = True

    @property
    def state(self) -> TrayState:
        return tray_state(self.talk, self.sharing)


def paint_state_icon(base: QIcon, state: TrayState, size: int) -> QPixmap:
    """The app icon at ``size`` px with a state badge in the lower right corner."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if state is TrayState.DISCONNECTED:
        painter.setOpacity(0.45)  # dimmed: nothing is connected
    base.paint(painter, 0, 0, size, size)
    painter.setOpacity(1.0)
    badge = _BADGE[state]
    if badge is not None:
        d = size * 0.56
        rect = QRectF(size - d, size - d, d, d).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(colour("tray.glyph"), max(1.0, size / 24)))
        painter.setBrush(colour(badge))
        painter.drawEllipse(rect)
        _draw_glyph(painter, state, rect)
    painter.end()
    return pixmap


def _draw_glyph(p: QPainter, state: TrayState, r: QRectF) -> None:
    """A white symbol inside the badge: bars, waves, a slash or a screen."""
    white = colour("tray.glyph")
    w = r.width()
    c = r.center()
    pen = QPen(white, max(1.0, w * 0.13), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    if state is TrayState.IDLE:
        p.setBrush(white)
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(c, w * 0.16, w * 0.16)
    elif state is TrayState.LISTENING:  # three level bars
        for dx, h in ((-0.22, 0.22), (0.0, 0.38), (0.22, 0.22)):
            x = c.x() + dx * w
            p.drawLine(QPointF(x, c.y() - h * w / 2), QPointF(x, c.y() + h * w / 2))
    elif state is TrayState.SPEAKING:  # a dot and two sound waves
        p.setBrush(white)
        p.drawEllipse(QPointF(c.x() - w * 0.2, c.y()), w * 0.06, w * 0.06)
        p.setBrush(Qt.BrushStyle.NoBrush)
        for radius in (0.2, 0.34):
            arc = QRectF(0, 0, 2 * radius * w, 2 * radius * w)
            arc.moveCenter(QPointF(c.x() - w * 0.2, c.y()))
            p.drawArc(arc, -45 * 16, 90 * 16)
    elif state is TrayState.MUTED:  # a slash
        k = w * 0.22
        p.drawLine(QPointF(c.x() - k, c.y() + k), QPointF(c.x() + k, c.y() - k))
    elif state is TrayState.SHARING:  # a small screen
        screen = QPainterPath()
        screen.addRoundedRect(
            QRectF(c.x() - w * 0.24, c.y() - w * 0.18, w * 0.48, w * 0.32), w * 0.04, w * 0.04
        )
        pen.setWidthF(max(1.0, w * 0.09))
        p.setPen(pen)
        p.drawPath(screen)
        p.drawLine(QPointF(c.x(), c.y() + w * 0.14), QPointF(c.x(), c.y() + w * 0.24))


class TrayIcon(QObject):
    """The tray icon and its menu. It shows a :class:`TrayView`; the app acts on its signals.

    Signals:
        showHideRequested(): "Show window" / "Hide window", or a click on the icon.
        connectRequested(): "Connect".
        disconnectRequested(): "Disconnect".
        muteToggled(bool): "Mute microphone" was ticked (True) or unticked.
        talkModeChosen(str): ``hands_free`` or ``push_to_talk`` was picked.
        stopSharingRequested(): "Stop sharing".
        quitRequested(): "Quit".
        notificationClicked(): the user clicked the last notification (:meth:`notify`).
        miniRequested(): "Mini mode" (the compact always-on-top pill, or back).

    The QSystemTrayIcon exists whether or not the desktop has a tray; it is shown only
    where one is available (:attr:`available`).
    """

    showHideRequested = Signal()
    connectRequested = Signal()
    disconnectRequested = Signal()
    muteToggled = Signal(bool)
    talkModeChosen = Signal(str)
    stopSharingRequested = Signal()
    quitRequested = Signal()
    notificationClicked = Signal()
    miniRequested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._base = QIcon(str(resource_path(APP_ICON)))
        self._icons: dict[TrayState, QIcon] = {}
        self._view = TrayView()
        self.last_message: tuple[str, str] | None = None  # the last notification's text
        self.menu = QMenu()
        self.menu.setObjectName("trayMenu")
        self.show_action = self._add(self.tr("Hide window"), self.showHideRequested)
        self.mini_action = self._add(self.tr("Mini mode"), self.miniRequested)
        self.menu.addSeparator()
        self.connect_action = self._add(self.tr("Connect"), self._on_connect)
        self.mute_action = QAction(self.tr("Mute microphone"), self)
        self.mute_action.setCheckable(True)
        self.mute_action.toggled.connect(self.muteToggled)
        self.menu.addAction(self.mute_action)
        self.talk_menu = self.menu.addMenu(self.tr("Talk mode"))
        self.talk_group = QActionGroup(self)
        self.talk_actions: dict[str, QAction] = {}
        for mode, label in (
            ("hands_free", self.tr("Hands-free")),
            ("push_to_talk", self.tr("Push-to-talk")),
        ):
            action = QAction(label, self.talk_group)
            action.setCheckable(True)
            action.setData(mode)
            action.triggered.connect(lambda _=False, m=mode: self.talkModeChosen.emit(m))
            self.talk_menu.addAction(action)
            self.talk_actions[mode] = action
        self.stop_sharing_action = self._add(self.tr("Stop sharing"), self.stopSharingRequested)
        self.menu.addSeparator()
        self.quit_action = self._add(self.tr("Quit"), self.quitRequested)

        self.icon = QSystemTrayIcon(self)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_activated)
        self.icon.messageClicked.connect(self.notificationClicked)
        self.set_view(TrayView())

    @property
    def available(self) -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    @property
    def view(self) -> TrayView:
        return self._view

    def show(self) -> bool:
        """Show the icon if the desktop has a tray; True if it did."""
        if not self.available:
            return False
        self.icon.show()
        return True

    def hide(self) -> None:
        self.icon.hide()

    def icon_for(self, state: TrayState) -> QIcon:
        """The icon of ``state`` (drawn once, in the usual tray sizes)."""
        icon = self._icons.get(state)
        if icon is None:
            icon = QIcon()
            for size in ICON_SIZES:
                icon.addPixmap(paint_state_icon(self._base, state, size))
            self._icons[state] = icon
        return icon

    def tooltip(self, view: TrayView) -> str:
        words = {
            TrayState.DISCONNECTED: self.tr("Disconnected"),
            TrayState.IDLE: self.tr("Connected, ready to talk"),
            TrayState.LISTENING: self.tr("Listening"),
            TrayState.SPEAKING: self.tr("Gemini is speaking"),
            TrayState.MUTED: self.tr("Microphone muted"),
            TrayState.SHARING: self.tr("Sharing the screen"),
        }
        lines = [self.tr("Gemini Desk"), words[view.state]]
        if view.sharing and view.state is not TrayState.SHARING:
            lines.append(words[TrayState.SHARING])
        return "\n".join(lines)

    def set_view(self, view: TrayView) -> None:
        """Make the icon, tooltip and menu show ``view`` (no signals are emitted)."""
        old, self._view = self._view, view
        if view.state is not old.state or self.icon.icon().isNull():
            self.icon.setIcon(self.icon_for(view.state))
        self.icon.setToolTip(self.tooltip(view))
        self.show_action.setText(
            self.tr("Hide window") if view.window_visible else self.tr("Show window")
        )
        self.connect_action.setText(self.tr("Disconnect") if view.connected else self.tr("Connect"))
        self.connect_action.setEnabled(not view.busy)
        blocked = self.mute_action.blockSignals(True)
        self.mute_action.setChecked(view.muted)
        self.mute_action.blockSignals(blocked)
        for mode, action in self.talk_actions.items():
            action.setChecked(mode == view.talk_mode)
        self.stop_sharing_action.setEnabled(view.sharing)

    def notify(self, title: str, message: str) -> None:
        """A balloon / desktop notification from the tray icon (only if it is shown)."""
        self.last_message = (title, message)
        if self.icon.isVisible():
            self.icon.showMessage(title, message, self.icon_for(self._view.state), 8000)

    # --- internals ----------------------------------------------------------------
    def _add(self, text: str, slot: object) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(slot)
        self.menu.addAction(action)
        return action

    def _on_connect(self) -> None:
        if self._view.connected:
            self.disconnectRequested.emit()
        else:
            self.connectRequested.emit()

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.showHideRequested.emit()
