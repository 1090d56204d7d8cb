"""The main window's status bar: connection state, "Hearing you", demo mode, latency, model."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from gemini_desk.core.events import SessionState
from gemini_desk.core.messages import Message
from gemini_desk.core.models import display_name
from gemini_desk.ui.message_text import message_text

__all__ = ["StatusBar"]

# Called as translate("MainWindow", "...") so that pyside6-lupdate finds the strings (in
# the window's context, where their translations are).
translate = QCoreApplication.translate


class StatusBar(QStatusBar):
    """The state on the left; "Hearing you", demo mode, latency and model on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state_label = QLabel()
        self.state_label.setObjectName("stateLabel")
        self.model_label = QLabel()
        self.model_label.setObjectName("modelLabel")
        self.model_label.setToolTip(translate("MainWindow", "Model"))
        self.demo_label = QLabel(translate("MainWindow", "Demo mode (local server)"))
        self.demo_label.setObjectName("demoLabel")
        self.demo_label.setToolTip(
            translate(
                "MainWindow",
                "Talking to a local server on this computer; nothing leaves the machine.",
            )
        )
        self.demo_label.hide()
        self.latency_label = QLabel()
        self.latency_label.setObjectName("latencyLabel")
        self.latency_label.hide()
        # "Heard you": the service's voice detection says the user is speaking.
        self.heard_label = QLabel(translate("MainWindow", "● Hearing you"))
        self.heard_label.setObjectName("heardLabel")
        self.heard_label.setToolTip(translate("MainWindow", "Gemini hears you speaking."))
        self.heard_label.setAccessibleName(translate("MainWindow", "Gemini hears you speaking"))
        self.heard_label.hide()
        self.addWidget(self.state_label, 1)
        self.addPermanentWidget(self.heard_label)
        self.addPermanentWidget(self.demo_label)
        self.addPermanentWidget(self.latency_label)
        self.addPermanentWidget(self.model_label)

    def show_state(self, state: SessionState, detail: Message | None = None) -> None:
        """The state's name, and ``detail`` (from the Qt-free layers) after it."""
        names = {
            SessionState.DISCONNECTED: translate("MainWindow", "Disconnected"),
            SessionState.CONNECTING: translate("MainWindow", "Connecting…"),
            SessionState.CONNECTED: translate("MainWindow", "Connected"),
            SessionState.CLOSING: translate("MainWindow", "Closing…"),
            SessionState.RECONNECTING: translate("MainWindow", "Reconnecting…"),
        }
        text = names[state]
        if detail is not None:
            text += " — " + message_text(detail)
        self.state_label.setText(text)

    def set_model(self, model: str, label: str = "") -> None:
        """Show the model's name (``label``, else the known name, else the id)."""
        self.model_label.setText(label or display_name(model))
        self.model_label.setToolTip(translate("MainWindow", "Model: %1").replace("%1", model))

    def set_voice_activity(self, active: bool) -> None:
        self.heard_label.setVisible(active)

    def set_demo_mode(self, demo: bool) -> None:
        self.demo_label.setVisible(demo)

    def set_latency(self, ms: float | None, server_ms: float | None = None) -> None:
        """Show the latency of the last response (and the server's share); ``None`` hides it."""
        if ms is None:
            self.latency_label.hide()
            return
        if server_ms is None:
            text = translate("MainWindow", "Last response: %1 ms").replace("%1", f"{ms:.0f}")
        else:
            text = (
                translate("MainWindow", "Last response: %1 ms (server %2 ms)")
                .replace("%1", f"{ms:.0f}")
                .replace("%2", f"{server_ms:.0f}")
            )
        self.latency_label.setText(text)
        self.latency_label.setToolTip(
            translate(
                "MainWindow",
                "From the end of your speech to the first sound of the answer; the server's "
                "share is until its first audio arrived.",
            )
        )
        self.latency_label.show()
