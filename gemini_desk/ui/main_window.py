"""The main window: connect button, meters, live transcript, text box, status bar."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QAction, QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gemini_desk.core.events import SessionState
from gemini_desk.core.messages import Message
from gemini_desk.core.models import DEFAULT_MODEL, display_name
from gemini_desk.core.status import Status
from gemini_desk.core.tools import ApprovalRequest
from gemini_desk.core.transcript import Turn
from gemini_desk.ui.approval_card import ApprovalCard
from gemini_desk.ui.connection_banner import ConnectionBanner
from gemini_desk.ui.demo_words import demo_turn
from gemini_desk.ui.focus import ConnectFocus, chain, fit_on_screen
from gemini_desk.ui.level_meter import LevelSource
from gemini_desk.ui.main_menus import build_menus
from gemini_desk.ui.message_text import message_text
from gemini_desk.ui.notice_kinds import notice_kind
from gemini_desk.ui.notices import Condition, NoticeArea, Severity
from gemini_desk.ui.share_bar import ShareBar
from gemini_desk.ui.status_bar import StatusBar
from gemini_desk.ui.status_orb import StatusElement
from gemini_desk.ui.talk_bar import TalkBar
from gemini_desk.ui.theme import follow_palette
from gemini_desk.ui.transcript_view import TranscriptView
from gemini_desk.ui.welcome_view import WelcomeView, welcome_stack
from gemini_desk.ui.window_style import window_style

_ACTIONS = ("api_key", "settings", "use_default_model")
_LIVE_STATES = (SessionState.CONNECTED, SessionState.RECONNECTING)


class MainWindow(QMainWindow):
    """The one window of the app. It shows state; the app decides what happens.

    Signals:
        connectRequested(): the user asked to connect.
        disconnectRequested(): the user asked to disconnect.
        textSubmitted(str): the user typed a message and pressed Enter (never empty).
        muteToggled(bool): the user muted (True) or unmuted (False) the microphone.
        settingsRequested(): the user wants the settings dialog.
        apiKeyRequested(): the user wants to enter or change the API key.
        useDefaultModelRequested(): after an unknown-model error, the user chose the
            default model in one click.
        quitRequested(): the user wants to quit (menu, Ctrl+Q or closing the window).
        historyRequested(): the user wants the list of past conversations (Ctrl+H).
        approvalDecided(str, str): the user answered a tool's approval card: the call's
            id and "once", "always" or "deny" (see :meth:`show_approval`).

    Closing the window does not close it: ``closeEvent`` emits ``quitRequested`` and
    ignores the event, so the app can shut down in order (stop audio, leave the
    session) before it calls :meth:`close_now` or quits Qt. When the app sets
    :attr:`close_to_tray` (a tray icon exists), closing hides the window instead.

    The window shows what it is told (the app's state models drive it); its menus are
    made by :mod:`gemini_desk.ui.main_menus`, its status bar is :class:`StatusBar`.
    """

    # Menu actions (made by build_menus).
    settings_action: QAction
    api_key_action: QAction
    quit_action: QAction
    history_action: QAction
    connect_action: QAction
    mute_action: QAction
    about_action: QAction
    diagnostics_action: QAction
    shortcuts_action: QAction
    log_folder_action: QAction
    mini_action: QAction

    connectRequested = Signal()
    disconnectRequested = Signal()
    textSubmitted = Signal(str)
    muteToggled = Signal(bool)
    settingsRequested = Signal()
    apiKeyRequested = Signal()
    quitRequested = Signal()
    historyRequested = Signal()  # the user wants to read past conversations
    diagnosticsRequested = Signal()  # the user wants the audio diagnostics view
    useDefaultModelRequested = Signal()  # "Use Gemini 3.8 Live" after an unknown model
    shortcutsRequested = Signal()  # Help > Keyboard shortcuts (F1)
    logFolderRequested = Signal()  # Help > Open log folder
    approvalDecided = Signal(str, str)  # call id, "once" | "always" | "deny"
    miniRequested = Signal()  # Session > Mini mode (Ctrl+Shift+M)
    retryNowRequested = Signal()  # "Retry now" in the connection banner
    resendRequested = Signal(int)  # "Retry" on a typed message that was not sent (turn id)

    def __init__(
        self,
        mic_level: LevelSource,
        speaker_level: LevelSource,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._state = SessionState.DISCONNECTED
        self._close_allowed = False
        self._demo = False  # connected to the local demo server
        self.model_name = ""  # the model's friendly name (the tray and mini mode show it)
        self.turn_listeners: list[Callable[[Turn], None]] = []
        self.about_box: QMessageBox | None = None  # Help > About, made when first asked for
        # Set by the app when a tray icon can bring the window back: closing then hides it
        # (the callable returns True) instead of quitting.
        self.close_to_tray: Callable[[], bool] | None = None
        self.setWindowTitle(self.tr("Gemini Desk"))
        self.setObjectName("mainWindow")

        # --- top bar: the status element (click: mute), then Connect or End -----------
        self.status = StatusElement(mic_level, speaker_level)
        self.status.muteClicked.connect(self._on_pill_clicked)
        self.connect_button = QPushButton(self.tr("Connect"))
        self.connect_button.setObjectName("connectButton")
        self.connect_button.setToolTip(self.tr("Connect or end the conversation (Ctrl+Enter)"))
        self.connect_button.clicked.connect(self._on_connect_clicked)
        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(self.status)
        top.addStretch(1)
        top.addWidget(self.connect_button)

        # --- centre and bottom ----------------------------------------------------
        self._transcript = TranscriptView()
        self._transcript.resendRequested.connect(self.resendRequested)
        # A tool set to "ask" wants to run: Allow once / Always allow / Deny.
        self.approval_card = ApprovalCard()
        self.approval_card.decided.connect(self.approvalDecided)
        # Notices (issue 21): info, warnings and errors that clear when their condition
        # ends; the connection banner (cause, countdown, Retry now) sits above them.
        self.notices = NoticeArea()
        self.notices.actionTriggered.connect(self._on_error_action)
        self.connection_banner = ConnectionBanner()
        self.connection_banner.retryRequested.connect(self.retryNowRequested)
        self.text_box = QLineEdit()
        self.text_box.setObjectName("textBox")
        self.text_box.setAccessibleName(self.tr("Message"))
        self.text_box.setClearButtonEnabled(True)
        self.text_box.setPlaceholderText(self.tr("Type a message"))
        self.text_box.returnPressed.connect(self._on_text_entered)
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setObjectName("sendButton")
        self.send_button.setAccessibleName(self.tr("Send message"))
        self.send_button.clicked.connect(self._on_text_entered)
        bottom = QHBoxLayout()
        bottom.setSpacing(6)
        bottom.addWidget(self.text_box, 1)
        bottom.addWidget(self.send_button)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(10, 10, 10, 6)
        layout.setSpacing(8)
        layout.addLayout(top)
        # Talk mode switch and the talk button (push-to-talk), in a row of fixed height;
        # the sharing badge with Stop and the preview at its end (the Share menu's owner).
        self.talk_bar = TalkBar()
        self.share_bar = ShareBar()
        self.talk_bar.add_to_row(self.share_bar)
        layout.addWidget(self.talk_bar)
        layout.addWidget(self._transcript, 1)
        layout.addWidget(self.approval_card)
        layout.addWidget(self.connection_banner)  # notices (issue 21)
        layout.addWidget(self.notices)
        layout.addLayout(bottom)
        central.setObjectName("centralArea")
        # Connecting: the focus waits where Space does not mute; then the text box.
        self._connect_focus = ConnectFocus(
            central, self.text_box, self.connect_button, self.status.pill
        )
        # First run (issue 21): the welcome takes the conversation's place until done.
        self.welcome = WelcomeView()
        stack = welcome_stack(central, self.welcome)
        follow_palette(stack, window_style)  # light and dark alike, and when the theme changes
        self.setCentralWidget(stack)

        self.status_bar = StatusBar()
        self.setStatusBar(self.status_bar)
        self.state_label = self.status_bar.state_label
        self.demo_label = self.status_bar.demo_label

        build_menus(self)
        self.connect_action.triggered.connect(self._on_connect_clicked)
        self.mute_action.toggled.connect(self._on_mute_action_toggled)
        self._chain_focus()
        self.notices.changed.connect(self._chain_focus)  # notices come and go
        self._fitted = False
        self.resize(900, 640)
        self.setMinimumSize(560, 420)
        self.set_session_state(SessionState.DISCONNECTED)
        self.connect_button.setFocus()

    # --- public -------------------------------------------------------------------
    @property
    def transcript(self) -> TranscriptView:
        return self._transcript

    def set_session_state(self, state: SessionState, detail: Message | None = None) -> None:
        """Make the connect button, text box and status bar follow ``state``."""
        self._state = state
        buttons = {
            SessionState.DISCONNECTED: self.tr("Connect"),
            SessionState.CONNECTING: self.tr("Connecting…"),
            SessionState.CONNECTED: self.tr("End"),
            SessionState.CLOSING: self.tr("Ending…"),
            SessionState.RECONNECTING: self.tr("End"),
        }
        busy = state in (SessionState.CONNECTING, SessionState.CLOSING)
        had_focus = self.connect_button.hasFocus()
        self.connect_button.setText(buttons[state])
        self.connect_button.setAccessibleName(
            self.tr("End the conversation") if state in _LIVE_STATES else buttons[state]
        )
        self.connect_button.setEnabled(not busy)
        # Connect is the one thing to do when offline; End is a quiet, neutral control.
        self.connect_button.setProperty("quiet", state is not SessionState.DISCONNECTED)
        self.connect_button.setProperty("sessionState", state.value)
        self.connect_button.style().unpolish(self.connect_button)
        self.connect_button.style().polish(self.connect_button)
        if had_focus and not busy:
            self.connect_button.setFocus()
        self.connect_action.setText(
            self.tr("&End conversation") if state in _LIVE_STATES else self.tr("&Connect")
        )
        self.connect_action.setEnabled(not busy)
        self.status_bar.show_state(state, detail)
        self._notice_conditions(state)

        # While reconnecting, typed messages and speech wait and are sent afterwards.
        connected = state in _LIVE_STATES
        self.text_box.setEnabled(connected)
        self.send_button.setEnabled(connected)
        self._transcript.set_live(connected)
        self._connect_focus.follow(state, had_focus)

    def set_status(self, status: Status) -> None:
        """What the status element shows (the desk's one status; see core.status)."""
        self.status.set_status(status, self.mute_action.isChecked())

    def focus_order(self) -> list[QWidget]:
        """Every control Tab reaches, in reading order (Tab after the last wraps)."""
        card, banner, share = self.approval_card, self.connection_banner, self.share_bar
        notices = [b for row in self.notices.rows for b in (row.action_button, row.dismiss_button)]
        return [
            self.status.pill,
            self.status.details_button,
            self.connect_button,
            self.talk_bar.mode_combo,
            self.talk_bar.button,
            share.stop_button,
            self._transcript.scroll_area(),
            card.once_button,
            card.always_button,
            card.deny_button,
            banner.retry_button,
            *notices,
            self.text_box,
            self.send_button,
        ]

    def fit_to_screen(self) -> None:
        """Keep the window on the screen it opens on, and no larger than it (200 %...)."""
        fit_on_screen(self, 560, 420)

    def show_turn(self, turn: Turn) -> None:
        shown = demo_turn(turn) if self._demo else turn  # the demo's captions, in words
        self._transcript.show_turn(shown)
        for listener in self.turn_listeners:  # mini mode's captions
            listener(shown)

    def clear_transcript(self) -> None:
        self._transcript.clear()

    def show_approval(self, request: ApprovalRequest) -> None:
        """Ask about a tool call (queued behind others); the answer is ``approvalDecided``."""
        self.approval_card.add_request(request)
        if not self.isActiveWindow():
            QApplication.alert(self)

    def withdraw_approval(self, call_id: str) -> None:
        """The call was cancelled or timed out: take its request off the card."""
        self.approval_card.withdraw(call_id)

    def set_model(self, model: str, label: str = "") -> None:
        """The model's name (``label``, else the known name) and id, in the details."""
        self.status.details.set_model(model, label)
        self.model_name = label or display_name(model)

    def set_voice_activity(self, active: bool) -> None:
        """The service hears the user speak (True) or stop: the orb shows a steady ring."""
        self.status.pill.set_hearing(active)

    def show_model_retired(self, old: str, new_label: str) -> None:
        """One line: the stored model is gone and which one is used instead."""
        text = self.tr("%1 was retired; now using %2.").replace("%1", old).replace("%2", new_label)
        self.notices.show_notice("model_retired", text, Severity.INFO)

    def set_demo_mode(self, demo: bool) -> None:
        self._demo = demo
        self.status_bar.set_demo_mode(demo)

    def set_latency(self, ms: float | None, server_ms: float | None = None) -> None:
        """The latency of the last response (and the server's share), in the details."""
        self.status.details.set_latency(ms, server_ms)

    def show_error(self, message: Message | str, action: str | None = None) -> None:
        """Show ``message`` as a notice (its severity, and what ends it, from
        :mod:`gemini_desk.ui.notice_kinds`); ``action`` adds a button for the fix.

        A Message from the Qt-free layers is put into words here; a str is text the Qt
        code already wrote in the UI language.

        ``action`` is ``None``, ``"api_key"`` (emits apiKeyRequested) or ``"settings"``
        (emits settingsRequested).
        """
        if action is not None and action not in _ACTIONS:
            raise ValueError(f"unknown error action {action!r}")
        labels = {
            "api_key": self.tr("Enter API key…"),
            "settings": self.tr("Open Settings…"),
            "use_default_model": self.tr("Use %1").replace("%1", display_name(DEFAULT_MODEL)),
        }
        severity, clears_on = notice_kind(message)
        key = message.id.name if isinstance(message, Message) else "text:" + message
        text, label = message_text(message), labels.get(action or "", "")
        self.notices.show_notice(key, text, severity, label, action, clears_on)

    def clear_error(self) -> None:
        """What a new attempt or reopened devices settle: connection and device errors."""
        self.notices.condition(Condition.AUDIO_BACK)
        self.notices.clear((Severity.ERROR, Severity.WARNING), Condition.CONNECTING)

    def _notice_conditions(self, state: SessionState) -> None:
        """Notices whose condition ended with ``state`` go (issue 21)."""
        conditions = {
            SessionState.CONNECTING: Condition.CONNECTING,
            SessionState.CONNECTED: Condition.CONNECTED,
            SessionState.DISCONNECTED: Condition.DISCONNECTED,
        }
        if state in conditions:
            self.notices.condition(conditions[state])

    def set_muted(self, muted: bool) -> None:
        """Reflect the microphone's mute state (does not emit muteToggled)."""
        blocked = self.mute_action.blockSignals(True)
        self.mute_action.setChecked(muted)
        self.mute_action.blockSignals(blocked)
        self.status.set_status(self.status.status, muted)
        if not muted:
            self.notices.condition(Condition.UNMUTED)

    def close_now(self) -> None:
        """Really close the window (the app calls this once it has shut down)."""
        self._close_allowed = True
        self.close()

    def sizeHint(self) -> QSize:
        return QSize(900, 640)

    # --- Qt overrides ---------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted:  # once, on the screen it opens on (restored geometry too)
            self._fitted = True
            self.fit_to_screen()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask the app to quit instead of closing; see the class docstring."""
        if self._close_allowed:
            event.accept()
            return
        event.ignore()
        if self.close_to_tray is not None and self.close_to_tray():
            return  # hidden to the tray; the app keeps running
        self.quitRequested.emit()

    # --- slots ------------------------------------------------------------------------
    def _on_connect_clicked(self) -> None:
        if self._state is SessionState.DISCONNECTED:
            self.connectRequested.emit()
        elif self._state in _LIVE_STATES:
            self.disconnectRequested.emit()

    def _on_pill_clicked(self) -> None:
        self.mute_action.toggle()  # the same path as Ctrl+M and the menu

    def _on_mute_action_toggled(self, muted: bool) -> None:
        self.status.set_status(self.status.status, muted)
        self.muteToggled.emit(muted)

    def _on_text_entered(self) -> None:
        if not self.text_box.isEnabled():
            return
        text = self.text_box.text().strip()
        if not text:
            return
        self.text_box.clear()
        self.textSubmitted.emit(text)

    def _on_error_action(self, action: str) -> None:
        if action == "api_key":
            self.apiKeyRequested.emit()
        elif action == "settings":
            self.settingsRequested.emit()
        elif action == "use_default_model":
            self.useDefaultModelRequested.emit()

    # --- internals --------------------------------------------------------------------
    def _chain_focus(self) -> None:
        chain(self.focus_order())
