"""Mini mode: swaps the main window for the always-on-top pill and back, and keeps the
pill showing the desk (status, captions, sharing, push-to-talk) while it is up."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint
from PySide6.QtGui import QGuiApplication

from gemini_desk.core.desk_state import DeskState
from gemini_desk.core.ptt import KeySource
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.core.status import Status
from gemini_desk.desktop.status_wiring import StatusWiring
from gemini_desk.desktop.tray_wiring import bring_forward
from gemini_desk.ui.level_meter import LevelSource
from gemini_desk.ui.mini_window import MiniWindow

if TYPE_CHECKING:
    from gemini_desk.session.talk import TalkController
    from gemini_desk.ui.main_window import MainWindow
    from gemini_desk.ui.tray import TrayIcon

__all__ = ["MiniWiring", "parse_position"]


def parse_position(text: str) -> QPoint | None:
    """``"X,Y"`` from the settings, or None when unset or unreadable."""
    try:
        x, y = (int(part) for part in text.split(","))
    except ValueError:
        return None
    return QPoint(x, y)


class MiniWiring(QObject):
    """Ctrl+Shift+M (Session > Mini mode) and the tray's "Mini mode" toggle it."""

    def __init__(
        self,
        window: MainWindow,
        state: DeskState,
        status: StatusWiring,
        settings: SettingsModel,
        talk: TalkController,
        speaker_level: LevelSource,
        tray: TrayIcon | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._state = state
        self._settings = settings
        self.mini = MiniWindow(speaker_level)
        mini = self.mini
        mini.muteClicked.connect(window.mute_action.toggle)  # as Ctrl+M does
        mini.talkPressed.connect(lambda: talk.press(KeySource.BUTTON))
        mini.talkReleased.connect(lambda: talk.release(KeySource.BUTTON))
        mini.expandRequested.connect(self.leave)
        mini.moved.connect(self._on_moved)
        window.miniRequested.connect(self.toggle)
        if tray is not None:
            tray.miniRequested.connect(self.toggle)
        window.turn_listeners.append(mini.show_turn)
        mini.last_frame = window.share_bar.preview.image.pixmap
        self._unsubscribe: list[Callable[[], None]] = [
            status.follow(self._on_status),
            state.sharing.subscribe(lambda _o, new: mini.set_sharing(new is not None), now=True),
            settings.subscribe(("talk_mode",), self._on_talk_mode),
        ]
        mini.set_push_to_talk(settings.current.talk_mode == "push_to_talk")

    @property
    def active(self) -> bool:
        return self.mini.isVisible()

    def toggle(self) -> None:
        if self.active:
            self.leave()
        else:
            self.enter()

    def enter(self) -> None:
        """Hide the window; show the pill where it was left (on a screen that exists)."""
        self.mini.adjustSize()
        self.mini.move(self._place())
        self.mini.show()
        self._window.hide()

    def leave(self) -> None:
        self.mini.hide()
        bring_forward(self._window)

    def stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        self.mini.hide()

    # --- internals --------------------------------------------------------------------
    def _on_status(self, status: Status) -> None:
        self.mini.set_status(status, self._state.muted.value)

    def _on_talk_mode(self, _old: Settings, new: Settings) -> None:
        self.mini.set_push_to_talk(new.talk_mode == "push_to_talk")

    def _on_moved(self, where: QPoint) -> None:
        self._settings.update(mini_position=f"{where.x()},{where.y()}")

    def _place(self) -> QPoint:
        saved = parse_position(self._settings.current.mini_position)
        size = self.mini.size()
        if saved is not None:
            screen = QGuiApplication.screenAt(saved)
            if screen is not None:
                room = screen.availableGeometry()
                x = min(max(saved.x(), room.left()), room.right() + 1 - size.width())
                y = min(max(saved.y(), room.top()), room.bottom() + 1 - size.height())
                return QPoint(x, y)
        screen = self._window.screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry()
        return QPoint(room.right() + 1 - size.width() - 24, room.top() + 24)
