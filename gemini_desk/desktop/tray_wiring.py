"""Connects the tray icon, close-to-tray and the Help menu's desktop items to the window."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QWidget

from gemini_desk.core.desk_state import DeskState
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.core.tools import ApprovalRequest
from gemini_desk.desktop.talk_wiring import MUTE, TALK, bindings
from gemini_desk.ui.shortcuts_dialog import ShortcutsDialog, collect_groups
from gemini_desk.ui.tool_row import elide
from gemini_desk.ui.tray import TrayIcon, TrayView, close_hides_to_tray

if TYPE_CHECKING:
    from gemini_desk.ui.main_window import MainWindow

__all__ = ["DesktopWiring", "bring_forward"]

log = logging.getLogger("gemini_desk.ui")

_VISIBILITY_EVENTS = (QEvent.Type.Show, QEvent.Type.Hide, QEvent.Type.WindowStateChange)
_NAME_CHARS = 64  # the longest function name the service accepts


def bring_forward(window: QWidget) -> None:
    """Show ``window`` (un-minimised) in front and give it the keyboard focus."""
    window.showNormal()
    # Headless platform plugins have no window stacking (and warn if asked for it).
    if QGuiApplication.platformName() not in ("offscreen", "minimal"):
        window.raise_()
        window.activateWindow()


class DesktopWiring(QObject):
    """Owns the tray icon: it follows the app's state and acts through the window.

    The icon, its tooltip and menu follow ``state`` (session, mute, talk, sharing) and
    the talk mode in ``settings`` when they change, and the window's visibility when
    it is shown, hidden or minimised: nothing polls, and no widget stands in for the
    app's state. The tray acts through the window's own actions (Connect, Mute, Quit,
    Stop sharing), so every path does exactly what the menus and keys do; a talk mode
    picked in the tray is written to the settings, as the window's switch does.

    A tool's approval card that comes up while the window is hidden or minimised is
    announced by a tray notification, once per request; clicking it (or the icon) brings
    the window forward with the card focused.

    Help > Keyboard shortcuts lists the window's actions and the global talk and mute
    keys; the "still running in the tray" note is shown once per user.
    """

    def __init__(
        self, window: MainWindow, state: DeskState, settings: SettingsModel, log_dir: Path
    ) -> None:
        super().__init__(window)
        self.window = window
        self._state = state
        self._settings = settings
        self._log_dir = log_dir
        self.quitting = False
        self.tray_shown = False  # the desktop has a tray and our icon is in it
        self.shortcuts_dialog: ShortcutsDialog | None = None
        self._window_visible = window.isVisible() and not window.isMinimized()
        self._announced: set[str] = set()  # call ids of approvals told in a notification
        self._approval_notice_last = False  # the last notification was about an approval
        self.tray = TrayIcon(self)
        tray = self.tray
        tray.showHideRequested.connect(self.toggle_window)
        tray.connectRequested.connect(self._on_connect_requested)
        tray.disconnectRequested.connect(self._on_connect_requested)
        tray.muteToggled.connect(self._on_mute)
        tray.talkModeChosen.connect(self._on_talk_mode)
        tray.stopSharingRequested.connect(window.share_bar.stop_action.trigger)
        tray.quitRequested.connect(self._on_quit)
        tray.notificationClicked.connect(self._on_notification_clicked)
        window.approval_card.requestShown.connect(self._on_approval_shown)
        window.quit_action.triggered.connect(self._mark_quitting)
        window.close_to_tray = self.on_window_close
        window.shortcutsRequested.connect(self.open_shortcuts)
        window.logFolderRequested.connect(self.open_log_folder)
        window.installEventFilter(self)
        self._unsubscribe = [
            state.session.subscribe(self._on_state_changed),
            state.muted.subscribe(self._on_state_changed),
            state.talk.subscribe(self._on_state_changed),
            state.sharing.subscribe(self._on_state_changed),
            settings.subscribe(("talk_mode",), self._on_state_changed),
            self._stop_announcing,
        ]
        self.refresh()

    def start(self) -> bool:
        """Show the tray icon where the desktop has a tray; True if it is shown."""
        self.tray_shown = self.tray.show()
        log.info(
            "tray icon %s", "shown" if self.tray_shown else "unavailable (closing the window quits)"
        )
        return self.tray_shown

    def stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        self.window.removeEventFilter(self)
        self.tray.hide()
        self.tray_shown = False

    # --- state --------------------------------------------------------------------
    def current_view(self) -> TrayView:
        session = self._state.session.value
        return TrayView(
            talk=self._state.talk.value,
            sharing=self._state.sharing.value is not None,
            connected=session.live,
            busy=session.busy,
            muted=self._state.muted.value,
            talk_mode=self._settings.current.talk_mode,
            window_visible=self._window_visible,
        )

    def refresh(self) -> None:
        """Make the tray show the state as it is now."""
        self.tray.set_view(self.current_view())

    def _on_state_changed(self, _old: object, _new: object) -> None:
        self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The window was shown, hidden or minimised: the Show/Hide item follows."""
        kind = event.type()
        if watched is self.window and kind in _VISIBILITY_EVENTS:
            if kind == QEvent.Type.Hide:
                visible = False
            elif kind == QEvent.Type.Show:
                visible = not self.window.isMinimized()
            else:
                visible = self.window.isVisible() and not self.window.isMinimized()
            if visible != self._window_visible:
                self._window_visible = visible
                self.refresh()
        return False

    # --- close to tray -------------------------------------------------------------
    def on_window_close(self) -> bool:
        """The window's close button: hide to the tray (True) or let the app quit (False)."""
        if not close_hides_to_tray(self.tray_shown, self.quitting):
            return False
        self.window.hide()
        if not self._settings.current.tray_notice_shown:
            self._approval_notice_last = False
            self.tray.notify(
                self.tr("Gemini Desk is still running"),
                self.tr(
                    "It keeps running in the system tray. To quit, use Quit in the tray "
                    "menu or press Ctrl+Q in the window."
                ),
            )
            self._settings.update(tray_notice_shown=True)
        return True

    def toggle_window(self) -> None:
        """Hide the window, or bring it forward (with a waiting approval card focused)."""
        w = self.window
        if w.isVisible() and not w.isMinimized():
            w.hide()
        else:
            self.show_window()

    def show_window(self) -> None:
        """Bring the window forward; an approval card waiting in it takes the focus."""
        bring_forward(self.window)
        self.window.approval_card.present()

    # --- approvals out of sight ------------------------------------------------------
    def _on_approval_shown(self, request: ApprovalRequest) -> None:
        """A tool asks for approval: the window out of sight, say so from the tray."""
        w = self.window
        if w.isVisible() and not w.isMinimized():
            return
        waiting = set(self.window.approval_card.pending())
        self._announced &= waiting  # answered or withdrawn ones are done with
        if request.call_id in self._announced:
            return  # once per request (a request replaced in place is the same one)
        self._announced.add(request.call_id)
        self._approval_notice_last = True
        name = elide(request.name, _NAME_CHARS)
        self.tray.notify(
            self.tr("Gemini wants to use %1").replace("%1", name),
            self.tr(
                "Click here to open the window and allow or deny it. "
                "Without an answer it is denied in %1 s."
            ).replace("%1", str(self.window.approval_card.seconds_left())),
        )

    def _stop_announcing(self) -> None:
        self.window.approval_card.requestShown.disconnect(self._on_approval_shown)

    def _on_notification_clicked(self) -> None:
        """An approval's notification opens the window (even if the request has timed
        out meanwhile); the "still running" note does not, unless a card waits."""
        if self._approval_notice_last or self.window.approval_card.current() is not None:
            self.show_window()

    # --- tray menu -----------------------------------------------------------------
    def _on_connect_requested(self) -> None:
        self.window.connect_action.trigger()  # connects or disconnects, like Ctrl+Return

    def _on_mute(self, muted: bool) -> None:
        if self._state.muted.value != muted:
            self.window.mute_action.setChecked(muted)  # emits muteToggled like Ctrl+M
        self.refresh()  # the tick shows the state, whatever came of the click

    def _on_talk_mode(self, mode: str) -> None:
        self._settings.update(talk_mode=mode)  # as the window's switch does
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
        groups = collect_groups(self.window, self.global_shortcuts())
        dialog = ShortcutsDialog(groups, self.window)
        dialog.finished.connect(dialog.deleteLater)
        dialog.destroyed.connect(self._on_shortcuts_destroyed)  # a slot: gone with self
        self.shortcuts_dialog = dialog
        dialog.show()
        return dialog

    def _on_shortcuts_destroyed(self) -> None:
        self.shortcuts_dialog = None

    def global_shortcuts(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The keys that are not on a menu: talk and mute (in other apps too), typing
        and the approval card."""
        keys = bindings(self._settings.current)
        return [
            (
                self.tr("Everywhere, also in other apps"),
                [
                    (self.tr("Talk (push-to-talk; hold, also in other apps)"), keys[TALK].label()),
                    (
                        self.tr("Mute or unmute the microphone (also in other apps)"),
                        keys[MUTE].label(),
                    ),
                ],
            ),
            (
                self.tr("Typing and tools"),
                [
                    (self.tr("Send the typed message"), self.tr("Enter")),
                    (self.tr("Allow a tool once (on its approval card)"), self.tr("Enter")),
                    (self.tr("Deny a tool (on its approval card)"), self.tr("Esc")),
                ],
            ),
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
