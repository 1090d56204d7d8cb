"""Connects the tray icon, close-to-tray and the Help menu's desktop items to the window."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QWidget

from gemini_desk.core.events import SessionState
from gemini_desk.ui.shortcuts_dialog import ShortcutsDialog, collect_shortcuts
from gemini_desk.ui.tray import TrayIcon, TrayView, close_hides_to_tray

__all__ = ["DesktopWiring", "bring_forward"]

log = logging.getLogger("gemini_desk.ui")

REFRESH_MS = 200
_LIVE = (SessionState.CONNECTED, SessionState.RECONNECTING)
_BUSY = (SessionState.CONNECTING, SessionState.CLOSING)


def bring_forward(window: QWidget) -> None:
    """Show ``window`` (un-minimised) in front and give it the keyboard focus."""
    window.showNormal()
    # Headless platform plugins have no window stacking (and warn if asked for it).
    if QGuiApplication.platformName() not in ("offscreen", "minimal"):
        window.raise_()
        window.activateWindow()


class DesktopWiring(QObject):
    """Owns the tray icon; keeps it in step with the window and acts on its menu.

    ``talk`` returns the talk display state (``TalkControl.display()``), ``sharing``
    whether the screen or camera is shared, ``global_keys`` the talk and mute keys
    (labels such as ``Ctrl+Alt+Space``) to list in Help > Keyboard shortcuts.
    ``notice_shown``/``remember_notice`` keep the "still running in the tray" note to
    once per user.

    The tray acts through the window's own actions (Connect, Mute, Quit, Stop sharing,
    the talk mode switch), so every path does exactly what the menus and keys do.
    """

    def __init__(
        self,
        window: object,
        talk: Callable[[], str],
        sharing: Callable[[], bool],
        log_dir: Path,
        notice_shown: Callable[[], bool],
        remember_notice: Callable[[], None],
        global_keys: Callable[[], tuple[str, str]] | None = None,
    ) -> None:
        from gemini_desk.ui.main_window import MainWindow

        assert isinstance(window, MainWindow)
        super().__init__(window)
        self.window = window
        self._talk = talk
        self._sharing = sharing
        self._log_dir = log_dir
        self._notice_shown = notice_shown
        self._remember_notice = remember_notice
        self._global_keys = global_keys
        self.quitting = False
        self.tray_shown = False  # the desktop has a tray and our icon is in it
        self.shortcuts_dialog: ShortcutsDialog | None = None
        self.tray = TrayIcon(self)
        tray = self.tray
        tray.showHideRequested.connect(self.toggle_window)
        tray.connectRequested.connect(self._on_connect_requested)
        tray.disconnectRequested.connect(self._on_connect_requested)
        tray.muteToggled.connect(self._on_mute)
        tray.talkModeChosen.connect(self._on_talk_mode)
        tray.stopSharingRequested.connect(window.share_bar.stop_action.trigger)
        tray.quitRequested.connect(self._on_quit)
        window.quit_action.triggered.connect(self._mark_quitting)
        window.close_to_tray = self.on_window_close
        window.shortcutsRequested.connect(self.open_shortcuts)
        window.logFolderRequested.connect(self.open_log_folder)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)

    def start(self) -> bool:
        """Show the tray icon where the desktop has a tray; True if it is shown."""
        self.refresh()
        self._timer.start()
        self.tray_shown = self.tray.show()
        log.info("tray icon %s", "shown" if self.tray_shown else
                 "unavailable (closing the window quits)")  # fmt: skip
        return self.tray_shown

    def stop(self) -> None:
        self._timer.stop()
        self.tray.hide()
        self.tray_shown = False

    # --- state --------------------------------------------------------------------
    def current_view(self) -> TrayView:
        w = self.window
        return TrayView(
            talk=self._talk(),
            sharing=self._sharing(),
            connected=w.session_state in _LIVE,
            busy=w.session_state in _BUSY,
            muted=w.mute_action.isChecked(),
            talk_mode=w.talk_bar.mode,
            window_visible=w.isVisible() and not w.isMinimized(),
        )

    def refresh(self) -> None:
        self.tray.set_view(self.current_view())

    # --- close to tray -------------------------------------------------------------
    def on_window_close(self) -> bool:
        """The window's close button: hide to the tray (True) or let the app quit (False)."""
        if not close_hides_to_tray(self.tray_shown, self.quitting):
            return False
        self.window.hide()
        if not self._notice_shown():
            self.tray.notify(
                self.tr("Gemini Desk is still running"),
                self.tr("It keeps running in the system tray. To quit, use Quit in the tray "
                        "menu or press Ctrl+Q in the window."),
            )  # fmt: skip
            self._remember_notice()
        self.refresh()
        return True

    def toggle_window(self) -> None:
        w = self.window
        if w.isVisible() and not w.isMinimized():
            w.hide()
        else:
            bring_forward(w)
        self.refresh()

    # --- tray menu -----------------------------------------------------------------
    def _on_connect_requested(self) -> None:
        self.window.connect_action.trigger()  # connects or disconnects, like Ctrl+Return
        self.refresh()

    def _on_mute(self, muted: bool) -> None:
        if self.window.mute_action.isChecked() != muted:
            self.window.mute_action.setChecked(muted)  # emits muteToggled like Ctrl+M
        self.refresh()

    def _on_talk_mode(self, mode: str) -> None:
        combo = self.window.talk_bar.mode_combo
        index = combo.findData(mode)
        if index >= 0:
            combo.setCurrentIndex(index)  # the window's switch tells the app
        self.refresh()

    def _on_quit(self) -> None:
        self._mark_quitting()
        self.window.quit_action.trigger()

    def _mark_quitting(self) -> None:
        self.quitting = True

    # --- help menu -------------------------------------------------------------------
    def open_shortcuts(self) -> ShortcutsDialog:
        """Non-modal; the table is read from the window's actions each time it opens."""
        if self.shortcuts_dialog is not None:
            self.shortcuts_dialog.close()
        rows = collect_shortcuts(self.window, self.global_shortcuts())
        dialog = ShortcutsDialog(rows, self.window)
        dialog.finished.connect(dialog.deleteLater)
        dialog.destroyed.connect(self._on_shortcuts_destroyed)  # a slot: gone with self
        self.shortcuts_dialog = dialog
        dialog.show()
        return dialog

    def _on_shortcuts_destroyed(self) -> None:
        self.shortcuts_dialog = None

    def global_shortcuts(self) -> list[tuple[str, str]]:
        if self._global_keys is None:
            return []
        talk, mute = self._global_keys()
        return [
            (self.tr("Talk (push-to-talk; hold, also in other apps)"), talk),
            (self.tr("Mute or unmute the microphone (also in other apps)"), mute),
            (self.tr("Send the typed message"), self.tr("Enter")),
        ]

    def open_log_folder(self) -> bool:
        self._log_dir.mkdir(parents=True, exist_ok=True)
        url = QUrl.fromLocalFile(str(self._log_dir))
        ok = QDesktopServices.openUrl(url)
        if not ok:
            self.window.show_error(
                self.tr("Could not open the log folder. It is here: %1").replace(
                    "%1", str(self._log_dir)
                )
            )
        return ok
